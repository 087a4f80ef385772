"""Generated answers and question files (HYPOTHESIS_PROFILE=fuzz: 2,000 each): saving and submitting an
attempt, and importing GIFT, Aiken, Moodle XML and XLSX, end without a server error whatever is sent, and
every refusal of an import names its line."""

import io
from xml.sax.saxutils import escape

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from courses import quizzes, services
from courses.models import (
    EssayQuestion,
    MatchingQuestion,
    MultipleChoiceQuestion,
    NumericalQuestion,
    QuestionCategory,
    ShortAnswerQuestion,
    TrueFalseQuestion,
)
from courses.question_formats import SHEET_COLUMNS, SHEET_KIND_LABELS
from courses.question_import import import_questions
from tests.courses.helpers import (
    accepting,
    choice_blocks,
    make_catalogue,
    make_course,
    make_learner_person,
    make_quiz,
    make_single_choice,
    number_answer,
)
from tests.factories import make_unit
from tests.fuzz import fresh, odd_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempt():
    """An attempt at a quiz with a question of every type that takes an answer."""
    category = QuestionCategory.objects.create(name="Kỹ năng số")
    common = {"category": category, "text": "<p>Câu hỏi?</p>"}
    questions = [
        make_single_choice(category),
        MultipleChoiceQuestion.objects.create(
            name="Nhiều", choices=choice_blocks(("a", "A", True), ("b", "B", True), ("c", "C", False)), **common
        ),
        TrueFalseQuestion.objects.create(name="Đúng sai", correct_answer=True, **common),
        ShortAnswerQuestion.objects.create(name="Ngắn", answers=accepting("VNeID"), **common),
        NumericalQuestion.objects.create(name="Số", answers=number_answer("113", "0.5"), **common),
        MatchingQuestion.objects.create(
            name="Ghép",
            pairs=[
                {"type": "pair", "id": "p1", "value": {"prompt": "VNeID", "match": "Định danh"}},
                {"type": "pair", "id": "p2", "value": {"prompt": "Zalo", "match": "Nhắn tin"}},
            ],
            **common,
        ),
        EssayQuestion.objects.create(name="Tự luận", **common),
    ]
    course = make_course(make_catalogue(), lessons=0)
    learner = make_learner_person(make_unit())
    enrolment = services.enrol(person=learner, course=course)
    return quizzes.start_attempt(enrolment=enrolment, quiz=make_quiz(course, questions=questions))


@st.composite
def answer_forms(draw, attempt):
    """A posted attempt page: some of its questions shown (or ids that are none of them), each answered
    with anything."""
    ids = [str(pk) for pk in attempt.questions.values_list("pk", flat=True)]
    shown = draw(st.lists(st.one_of(st.sampled_from(ids), odd_text()), max_size=len(ids) + 1))
    data = {"shown": shown}
    for pk in ids:
        data[f"answer-{pk}"] = draw(st.lists(odd_text(), min_size=1, max_size=3))
        for pair in ("p1", "p2", draw(st.text(max_size=20))):
            data[f"answer-{pk}-{pair}"] = draw(odd_text())
    return data


def test_answers_of_every_kind_are_saved_as_a_learner_types_them(client, attempt):
    client.force_login(attempt.enrolment.person.user)

    @given(data=answer_forms(attempt), as_json=st.booleans())
    def save(data, as_json):
        with fresh():
            headers = {"Accept": "application/json"} if as_json else {}
            response = client.post(reverse("quiz_save", args=[attempt.pk]), data, headers=headers)

            assert response.status_code in (200, 302, 400, 403, 409)

    save()


def test_an_attempt_is_submitted_and_graded_whatever_its_answers(client, attempt):
    client.force_login(attempt.enrolment.person.user)

    @given(data=answer_forms(attempt))
    def submit(data):
        with fresh():
            response = client.post(reverse("quiz_submit", args=[attempt.pk]), data)

            assert response.status_code in (302, 400, 403)
            if response.status_code == 302:
                assert client.get(response.url).status_code == 200

    submit()


def gift_files():
    return st.builds(
        "$CATEGORY: $course$/top/{}/{}\n\n::{}::{} {{#{}}}\n\n::{}::{}{{={} ~{} #{}}}\n\n{}{{{}}}\n".format,
        *(odd_text() for _field in range(12)),
    )


def aiken_files():
    return st.builds("{}\nA. {}\nB. {}\nANSWER: {}\n".format, *(odd_text() for _field in range(4)))


def xml_text():
    """Text as it stands in XML: escaped as Moodle writes it, or raw (then often no well-formed XML)."""
    return st.one_of(odd_text().map(escape), odd_text())


def xml_files():
    template = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/{}</text></category></question>
  <question type="{}">
    <name><text>{}</text></name>
    <questiontext format="{}"><text>{}</text></questiontext>
    <defaultgrade>{}</defaultgrade>
    <penalty>{}</penalty>
    <idnumber>{}</idnumber>
    <answer fraction="{}" format="moodle_auto_format"><text>{}</text><tolerance>{}</tolerance></answer>
    <subquestion format="html"><text>{}</text><answer><text>{}</text></answer></subquestion>
  </question>
</quiz>
"""
    kinds = st.one_of(
        st.sampled_from(["multichoice", "truefalse", "shortanswer", "numerical", "matching", "essay", "description"]),
        xml_text(),
    )
    return st.builds(template.format, xml_text(), kinds, *(xml_text() for _field in range(11)))


def cell_text():
    return odd_text().map(lambda value: ILLEGAL_CHARACTERS_RE.sub("", value)[:32767])  # what a cell can hold


@st.composite
def xlsx_files(draw):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([column.header for column in SHEET_COLUMNS])
    for _row in range(draw(st.integers(1, 3))):
        kind = draw(st.one_of(st.sampled_from(list(SHEET_KIND_LABELS.values())), cell_text()))
        sheet.append([kind, *(draw(cell_text()) for _column in SHEET_COLUMNS[1:])])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


FILES = {
    "gift": gift_files().map(str.encode),
    "aiken": aiken_files().map(str.encode),
    "xml": xml_files().map(str.encode),
    "xlsx": xlsx_files(),
}


@pytest.mark.parametrize("file_format", FILES)
def test_a_question_file_is_imported_or_refused_line_by_line(file_format):
    @given(content=st.one_of(FILES[file_format], st.binary(max_size=200)), skip_invalid=st.booleans())
    def read(content, skip_invalid):
        with fresh():
            result = import_questions(
                io.BytesIO(content),
                filename=f"cau-hoi.{file_format}",
                file_format=file_format,
                category_name="Nhập thử",
                skip_invalid=skip_invalid,
            )

            assert all(error.line >= 0 and error.reason for error in result.errors)

    read()
