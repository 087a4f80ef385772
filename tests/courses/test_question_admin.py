"""Trainers keep the question bank in the admin: categories, one form per question type, no deletion."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from courses.models import (
    QUESTION_TYPES,
    MatchingQuestion,
    Question,
    QuestionCategory,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from tests.factories import make_learner, make_trainer

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer(client):
    user = make_trainer(is_staff=True)
    client.force_login(user)
    return user


@pytest.fixture
def category():
    return QuestionCategory.objects.create(name="An toàn thông tin")


def question_form(category, **fields):
    return nested_form_data(
        {
            "category": category.pk,
            "points": "1",
            "name": "Cuộc gọi đòi mã OTP",
            "text": rich_text("<p>Có người gọi xưng là ngân hàng và hỏi mã OTP. Bạn làm gì?</p>"),
            "general_feedback": rich_text(""),
            "is_active": True,
            **fields,
        }
    )


def test_a_trainer_creates_a_category_inside_another_and_owns_it(client, trainer, category):
    response = client.post(reverse("courses_questioncategory:add"), {"name": "Lừa đảo", "parent": category.pk})

    created = QuestionCategory.objects.get(name="Lừa đảo")
    assert response.status_code == 302
    assert (created.parent, created.owner) == (category, trainer)


def test_adding_a_question_starts_by_picking_its_type(client, trainer):
    response = client.get(reverse("courses_question:add"), follow=True)

    assert response.redirect_chain == [(reverse("courses_question:choose_type"), 302)]
    for model in QUESTION_TYPES:
        assert reverse(f"courses_{model._meta.model_name}:add") in response.text


def test_a_trainer_writes_a_single_choice_question_that_grades_the_right_choice(client, trainer, category):
    choices = streamfield(
        [
            ("choice", {"text": "Đọc mã cho họ", "correct": False, "feedback": "Không bao giờ đọc mã OTP."}),
            ("choice", {"text": "Gác máy và gọi tổng đài ngân hàng", "correct": True, "feedback": ""}),
        ]
    )

    response = client.post(reverse("courses_singlechoicequestion:add"), question_form(category, choices=choices))

    assert response.status_code == 302
    question = SingleChoiceQuestion.objects.get()
    wrong, right = (choice.id for choice in question.choices)
    assert question.grade(right) == 1
    assert question.grade(wrong) == 0
    assert question.version == 1


def test_a_matching_question_is_written_with_its_pairs(client, trainer, category):
    pairs = streamfield(
        [
            ("pair", {"prompt": "Định danh điện tử", "match": "VNeID"}),
            ("pair", {"prompt": "Bảo hiểm xã hội", "match": "VssID"}),
        ]
    )

    client.post(reverse("courses_matchingquestion:add"), question_form(category, pairs=pairs))

    question = MatchingQuestion.objects.get()
    first, second = (pair.id for pair in question.pairs)
    assert question.grade({first: first, second: second}) == 1


def test_editing_a_question_makes_a_new_version(client, trainer, category):
    question = TrueFalseQuestion.objects.create(
        category=category, name="OTP", text="<p>Được đọc mã OTP cho người lạ.</p>", correct_answer=False
    )

    response = client.post(
        reverse("courses_truefalsequestion:edit", args=[question.pk]),
        question_form(category, correct_answer=False, feedback_true="", feedback_false="Đúng vậy."),
    )

    question.refresh_from_db()
    assert response.status_code == 302
    assert question.version == 2
    assert question.feedback_false == "Đúng vậy."


def test_the_bank_lists_every_type_and_opens_each_in_its_own_form(client, trainer, category):
    single = SingleChoiceQuestion.objects.create(category=category, name="Một lựa chọn", text="<p>?</p>", choices=[])
    true_false = TrueFalseQuestion.objects.create(
        category=category, name="Đúng sai", text="<p>?</p>", correct_answer=True
    )

    response = client.get(reverse("courses_question:index"))
    redirect = client.get(reverse("courses_question:edit", args=[true_false.pk]))

    assert response.status_code == 200
    assert reverse("courses_singlechoicequestion:edit", args=[single.pk]) in response.text
    assert reverse("courses_truefalsequestion:edit", args=[true_false.pk]) in response.text
    assert "Câu hỏi đúng/sai" in response.text
    assert redirect.url == reverse("courses_truefalsequestion:edit", args=[true_false.pk])


def test_questions_are_retired_not_deleted(client, category):
    client.force_login(make_trainer(is_staff=True, is_superuser=True))
    question = TrueFalseQuestion.objects.create(category=category, name="OTP", text="<p>?</p>", correct_answer=True)

    client.post(reverse("courses_truefalsequestion:delete", args=[question.pk]))
    client.post(reverse("courses_question:delete", args=[question.pk]))

    assert Question.objects.filter(pk=question.pk).exists()


def test_learners_have_no_question_bank(client, category):
    client.force_login(make_learner(is_staff=True))

    for url in (reverse("courses_question:index"), reverse("courses_singlechoicequestion:add")):
        assert client.get(url).status_code == 302


def upload(content, name="ngan-hang.gift"):
    """An uploaded file of ``content``: text (written as UTF-8) or bytes."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content.encode("utf-8") if isinstance(content, str) else content)


GOOD_AND_BAD = "Mật khẩu mạnh dài ít nhất 12 ký tự.{T}\n\nHỏng {=a ~b\n"


def test_a_trainer_imports_a_gift_file_from_the_bank(client, trainer):
    index = client.get(reverse("courses_question:index"))
    response = client.post(
        reverse("courses_question:import"),
        {"file": upload("Mật khẩu mạnh dài ít nhất 12 ký tự.{T}\n"), "file_format": "gift", "category": "Mật khẩu"},
    )

    assert reverse("courses_question:import") in index.text
    assert response.status_code == 302
    question = TrueFalseQuestion.objects.get(category__name="Mật khẩu")
    assert question.category.owner == trainer


def test_an_import_with_an_unreadable_question_lists_it_and_imports_nothing(client, trainer):
    response = client.post(
        reverse("courses_question:import"),
        {"file": upload(GOOD_AND_BAD), "file_format": "gift", "category": "Mật khẩu"},
    )

    assert response.status_code == 200
    assert [(error.line, error.reason) for error in response.context["errors"]] == [
        (3, "đáp án phải nằm trong một cặp ngoặc { }, mở và đóng một lần.")
    ]
    assert not Question.objects.exists()

    client.post(
        reverse("courses_question:import"),
        {"file": upload(GOOD_AND_BAD), "file_format": "gift", "category": "Mật khẩu", "skip_invalid": "on"},
    )

    assert Question.objects.count() == 1


def test_learners_cannot_import_questions(client):
    client.force_login(make_learner(is_staff=True))

    response = client.post(
        reverse("courses_question:import"),
        {"file": upload("Câu hỏi {T}"), "file_format": "gift", "category": "Mật khẩu"},
    )

    assert response.status_code in (302, 403)
    assert not Question.objects.exists()


def test_the_xlsx_template_offered_on_the_import_page_is_accepted_there(client, trainer):
    response = client.post(
        reverse("courses_question:import"),
        {"file": upload(filled_template(client), "cau-hoi.xlsx"), "file_format": "xlsx", "category": "Mẫu"},
    )

    assert response.status_code == 302
    assert TrueFalseQuestion.objects.get().correct_answer is True


def filled_template(client):
    template = client.get(reverse("courses_question:import"), {"template": 1})
    workbook = load_workbook(io.BytesIO(template.content))
    workbook.active.append(["Đúng sai", "", "", "Zalo có xác thực hai lớp.", "", "", "", "", "", "", "Đúng", "", ""])
    filled = io.BytesIO()
    workbook.save(filled)
    return filled.getvalue()


# One true/false question in each format the import page offers.
ONE_QUESTION = {
    "gift": lambda client: upload("Zalo có xác thực hai lớp.{T}\n", "cau-hoi.gift"),
    "aiken": lambda client: upload("Zalo có xác thực hai lớp?\nA. Có\nB. Không\nANSWER: A\n", "cau-hoi.txt"),
    "xml": lambda client: upload(
        '<?xml version="1.0" encoding="UTF-8"?><quiz><question type="truefalse"><name><text>Zalo</text></name>'
        '<questiontext format="html"><text>Zalo có xác thực hai lớp.</text></questiontext>'
        '<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>'
        "</question></quiz>",
        "cau-hoi.xml",
    ),
    "xlsx": lambda client: upload(filled_template(client), "cau-hoi.xlsx"),
}


def test_the_import_page_offers_every_format_it_reads(client, trainer):
    offered = client.get(reverse("courses_question:import")).context["form"].fields["file_format"].choices

    assert {name for name, _label in offered} == set(ONE_QUESTION)


@pytest.mark.parametrize("file_format", ONE_QUESTION)
def test_every_format_the_import_page_offers_is_accepted_there(client, trainer, file_format):
    response = client.post(
        reverse("courses_question:import"),
        {"file": ONE_QUESTION[file_format](client), "file_format": file_format, "category": "Mẫu"},
    )

    assert response.status_code == 302
    assert Question.objects.filter(category__name="Mẫu").count() == 1


def test_an_import_that_could_not_keep_everything_shows_what_and_where(client, trainer):
    response = client.post(
        reverse("courses_question:import"),
        {"file": upload("// [tag:dễ]\n::A::Câu{T}\n"), "file_format": "gift", "category": "Thẻ"},
    )

    assert response.status_code == 200
    assert [(note.line, note.reason) for note in response.context["notes"]] == [(2, "không giữ thẻ: dễ.")]
    assert Question.objects.count() == 1
