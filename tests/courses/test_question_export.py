"""Exporting a category of the bank as GIFT or as the XLSX template, and importing it back unchanged."""

import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from courses.models import (
    EssayQuestion,
    MatchingQuestion,
    MultipleChoiceQuestion,
    NumericalQuestion,
    Question,
    QuestionCategory,
    ShortAnswerQuestion,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from courses.question_export import export_questions
from courses.question_import import import_questions
from tests.courses.helpers import accepting, number_answer
from tests.factories import make_learner, make_organiser, make_trainer

pytestmark = pytest.mark.django_db


def choices(*items):
    return [
        {"type": "choice", "value": {"text": text, "correct": correct, "feedback": feedback}}
        for text, correct, feedback in items
    ]


@pytest.fixture
def bank():
    """A category with a category inside it and a question of every type, special characters included."""
    root = QuestionCategory.objects.create(name="An toàn thông tin")
    inside = QuestionCategory.objects.create(name="Lừa đảo qua điện thoại", parent=root)
    SingleChoiceQuestion.objects.create(
        category=root,
        name="Mã OTP",
        text="<p>Ai được hỏi mã OTP: {người gọi} = ?</p><p>Chọn #1.</p>",
        general_feedback="<p>Không ai được hỏi mã OTP.</p>",
        choices=choices(("Không ai", True, "Đúng: ~ không ai"), ("Nhân viên ngân hàng", False, "Sai")),
    )
    MultipleChoiceQuestion.objects.create(
        category=root,
        name="Thói quen an toàn",
        text="<p>Chọn các thói quen an toàn</p>",
        partial_credit=True,
        choices=choices(("Bật 2FA", True, ""), ("Cập nhật", True, ""), ("Dùng chung mật khẩu", False, "Nguy hiểm")),
    )
    TrueFalseQuestion.objects.create(
        category=inside,
        name="Công an gọi điện",
        text="<p>Công an yêu cầu chuyển tiền qua điện thoại là thật.</p>",
        correct_answer=False,
        feedback_true="Đây là lừa đảo.",
        feedback_false="Đúng vậy.",
    )
    ShortAnswerQuestion.objects.create(
        category=inside, name="Số khẩn cấp", text="<p>Gọi số nào?</p>", answers=accepting("113", "một một ba")
    )
    NumericalQuestion.objects.create(
        category=root,
        name="Độ dài mã PIN",
        text="<p>Ít nhất mấy số?</p>",
        answers=number_answer("6.5", "0.5"),
    )
    MatchingQuestion.objects.create(
        category=root,
        name="Ghép ứng dụng",
        text="<p>Ghép</p>",
        pairs=[
            {"type": "pair", "value": {"prompt": "Định danh", "match": "VNeID"}},
            {"type": "pair", "value": {"prompt": "Nhắn tin: nhóm", "match": "Zalo"}},
        ],
    )
    EssayQuestion.objects.create(category=inside, name="Kể lại", text="<p>Kể một vụ lừa đảo.</p>", points=Decimal(3))
    SingleChoiceQuestion.objects.create(
        category=root,
        name="Đã ngừng dùng",
        text="<p>Câu cũ</p>",
        is_active=False,
        choices=choices(("A", True, ""), ("B", False, "")),
    )
    return root


def described(root_name):
    """Every question under the root category ``root_name``: its category's path and its content."""
    root = QuestionCategory.objects.get(name=root_name, parent=None)
    paths = root.paths_below()
    return {
        question.name: {"category": paths[question.category_id], **question.content()}
        for question in Question.objects.filter(category__in=paths, is_active=True)
    }


def without_ids(content):
    """An export without the comments naming each question's id in the bank, which a copy does not share."""
    return re.sub(rb"<!-- question: \d+ -->", b"", content)


def imported(content, file_format, category_name="Bản sao"):
    return import_questions(
        io.BytesIO(content), filename=f"bank.{file_format}", file_format=file_format, category_name=category_name
    )


@pytest.mark.parametrize("file_format", ["gift", "xml"])
def test_an_export_imports_back_as_the_same_questions_and_exports_the_same_again(bank, file_format):
    content, changed = export_questions(bank, file_format)

    result = imported(content, file_format)

    assert (result.added, result.errors, result.notes) == (7, [], [])
    original, copy = described("An toàn thông tin"), described("Bản sao")
    if file_format == "gift":  # GIFT has no points: said for the one question that had other than 1
        assert changed == [(Question.objects.get(name="Kể lại", category__parent=bank), changed[0][1])]
        original["Kể lại"]["points"] = 1
    assert copy == original
    again = imported(content, file_format)
    assert (again.added, again.updated, again.existing) == (0, 0, 7)
    exported_again = export_questions(QuestionCategory.objects.get(name="Bản sao", parent=None), file_format)[0]
    assert without_ids(exported_again.replace("Bản sao".encode(), "An toàn thông tin".encode())) == without_ids(content)


def test_an_xlsx_export_imports_back_with_its_points(bank):
    # The template has no feedback on choices nor on true and false.
    # A cell's lines are read as one paragraph.
    SingleChoiceQuestion.objects.filter(name="Mã OTP").update(text="<p>Ai được hỏi mã OTP: {người gọi} = ?</p>")
    SingleChoiceQuestion.objects.filter(name="Mã OTP").update(
        choices=choices(("Không ai", True, ""), ("Ngân hàng", False, ""))
    )
    MultipleChoiceQuestion.objects.update(
        choices=choices(("Bật 2FA", True, ""), ("Cập nhật", True, ""), ("Dùng chung", False, ""))
    )
    TrueFalseQuestion.objects.update(feedback_true="", feedback_false="")
    content, left_out = export_questions(bank, "xlsx")

    result = imported(content, "xlsx")

    assert (result.added, result.errors, left_out) == (7, [], [])
    assert described("Bản sao") == described("An toàn thông tin")
    assert Question.objects.get(name="Kể lại", category__parent__name="Bản sao").points == 3


def test_the_xlsx_export_leaves_out_and_names_questions_with_more_choices_than_its_columns(bank):
    many = SingleChoiceQuestion.objects.create(
        category=bank,
        name="Bảy lựa chọn",
        text="<p>?</p>",
        choices=choices(*((f"Lựa chọn {n}", n == 1, "") for n in range(1, 8))),
    )

    content, left_out = export_questions(bank, "xlsx")

    assert [reason for question, reason in left_out if question == many] == [
        "nhiều lựa chọn hơn số cột của mẫu (hãy xuất ra GIFT hoặc Moodle XML)"
    ]
    names = [row[2] for row in load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True)]
    assert "Bảy lựa chọn" not in names


def test_a_trainer_exports_a_category_from_the_admin(client, bank):
    client.force_login(make_trainer(is_staff=True))

    page = client.get(reverse("courses_question:export"))
    download = client.get(reverse("courses_question:export"), {"category": bank.pk, "file_format": "gift"})

    assert page.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="an-toan-thong-tin.txt"'
    assert "::Mã OTP::" in download.content.decode()
    assert "$CATEGORY: Lừa đảo qua điện thoại" in download.content.decode()


def test_export_questions_writes_a_file(bank, tmp_path):
    output = tmp_path / "bank.txt"

    call_command(
        "export_questions",
        "--category",
        "An toàn thông tin",
        "--format",
        "gift",
        "--output",
        str(output),
        stdout=io.StringIO(),
    )

    assert "::Ghép ứng dụng::" in output.read_text()


def test_people_without_the_bank_cannot_export_it(client, bank):
    query = {"category": bank.pk, "file_format": "gift"}
    client.force_login(make_organiser(is_staff=True))  # in the admin, but not keeping the bank
    organiser = client.get(reverse("courses_question:export"), query)
    client.force_login(make_learner())
    learner = client.get(reverse("courses_question:export"), query)

    assert (organiser.status_code, organiser["Location"]) == (302, reverse("wagtailadmin_home"))
    assert learner.status_code == 302
    assert learner["Location"].startswith(reverse("wagtailadmin_login"))


@pytest.mark.parametrize("file_format", ["gift", "xml", "xlsx"])
def test_a_category_named_with_a_slash_comes_back_as_one_category(bank, file_format):
    QuestionCategory.objects.filter(name="Lừa đảo qua điện thoại").update(name="Điện thoại/Zalo")
    content, _changed = export_questions(bank, file_format)

    imported(content, file_format)

    copy = QuestionCategory.objects.get(name="Bản sao", parent=None)
    assert [category.name for category in copy.children.all()] == ["Điện thoại/Zalo"]


@pytest.mark.parametrize("file_format", ["gift", "xml"])
def test_a_number_with_six_decimals_is_written_whole(bank, file_format):
    NumericalQuestion.objects.filter(name="Độ dài mã PIN").update(answers=number_answer("3.141593", "0.000001"))

    content, _changed = export_questions(bank, file_format)

    assert b"3.141593" in content
    assert b"0.000001" in content
