"""Exporting a category of the bank as GIFT or as the XLSX template, and importing it back unchanged."""

import io
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
from courses.question_export import export_questions, plain_text
from courses.question_import import import_questions
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
        category=inside, name="Số khẩn cấp", text="<p>Gọi số nào?</p>", accepted_answers="113\nmột một ba"
    )
    NumericalQuestion.objects.create(
        category=root,
        name="Độ dài mã PIN",
        text="<p>Ít nhất mấy số?</p>",
        answer=Decimal("6.5"),
        tolerance=Decimal("0.5"),
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
    """Every question under the root category ``root_name``, as what an export must keep."""
    root = QuestionCategory.objects.get(name=root_name, parent=None)
    found = {}
    for question in Question.objects.filter(category__in=root.with_descendants()):
        fields = {
            "type": type(question).__name__,
            "category": question.category.name if question.category_id != root.pk else "",
            "text": plain_text(question.text),
            "general_feedback": plain_text(question.general_feedback),
        }
        if hasattr(question, "choices"):
            fields["choices"] = [
                (choice.value["text"], choice.value["correct"], choice.value["feedback"]) for choice in question.choices
            ]
        if hasattr(question, "pairs"):
            fields["pairs"] = [(pair.value["prompt"], pair.value["match"]) for pair in question.pairs]
        for name in ("correct_answer", "feedback_true", "feedback_false", "accepted_answers", "answer", "tolerance"):
            if hasattr(question, name):
                fields[name] = getattr(question, name)
        found[question.name] = fields
    return found


def test_a_gift_export_imports_back_as_the_same_questions(bank):
    content, left_out = export_questions(bank, "gift")

    added, existing, errors = import_questions(
        io.BytesIO(content), filename="bank.txt", file_format="gift", category_name="Bản sao"
    )

    assert (added, existing, errors, left_out) == (7, 0, [], [])
    original = described("An toàn thông tin")
    del original["Đã ngừng dùng"]  # retired questions are not exported
    assert described("Bản sao") == original
    assert import_questions(io.BytesIO(content), filename="bank.txt", file_format="gift", category_name="Bản sao")[
        :2
    ] == (0, 7)


def test_an_xlsx_export_imports_back_with_its_points(bank):
    content, left_out = export_questions(bank, "xlsx")

    added, _existing, errors = import_questions(
        io.BytesIO(content), filename="bank.xlsx", file_format="xlsx", category_name="Bản sao"
    )

    assert (added, errors, left_out) == (7, [], [])
    copied, original = described("Bản sao"), described("An toàn thông tin")
    for name, fields in copied.items():
        expected = dict(original[name])
        # The template has no per-choice or true/false feedback, and a cell's lines are read as one.
        expected["text"] = " ".join(expected["text"].split())
        if "choices" in expected:
            expected["choices"] = [(text, correct, "") for text, correct, _feedback in expected["choices"]]
        expected.update({key: "" for key in ("feedback_true", "feedback_false") if key in expected})
        assert fields == expected, name
    assert (
        Question.objects.get(
            name="Kể lại", category__name="Lừa đảo qua điện thoại", category__parent__name="Bản sao"
        ).points
        == 3
    )


def test_the_xlsx_export_leaves_out_and_names_questions_with_more_choices_than_its_columns(bank):
    many = SingleChoiceQuestion.objects.create(
        category=bank,
        name="Bảy lựa chọn",
        text="<p>?</p>",
        choices=choices(*((f"Lựa chọn {n}", n == 1, "") for n in range(1, 8))),
    )

    content, left_out = export_questions(bank, "xlsx")

    assert left_out == [many]
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
