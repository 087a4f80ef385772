"""Question banks from other LMSs: Moodle GIFT and Aiken, read with their documented features,
refused line by line when malformed, imported all or nothing and only once."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

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
from courses.question_formats import BLANK, read_aiken, read_gift


@pytest.fixture(autouse=True)
def in_english():
    """The reasons are checked in English; their Vietnamese is checked with the catalogue."""
    with translation.override("en"):
        yield


GIFT = r"""// Ngân hàng câu hỏi An toàn thông tin
$CATEGORY: $course$/An toàn/Lừa đảo

::OTP::[html]Có người gọi hỏi mã OTP. Bạn làm gì?{
=Gác máy#Đúng.
~Đọc mã#Không bao giờ.
~Chuyển tiền
####Mã OTP là bí mật.}

Mật khẩu mạnh dài ít nhất 12 ký tự.{T}

Mật khẩu "123456" an toàn.{FALSE#Sai rồi.#Đúng, nó không an toàn.}

Ứng dụng định danh điện tử quốc gia là {=VNeID =VNeID 2.0} trên điện thoại.

Chọn các thói quen an toàn:{~%50%Bật xác thực hai lớp ~%50%Cập nhật phần mềm ~%-100%Cài ứng dụng lạ}

Ghép dịch vụ với ứng dụng:{=Định danh -> VNeID =Bảo hiểm xã hội -> VssID =Thuế -> eTax Mobile}

Số \{pi\} làm tròn: 3\:14?{#3.14:0.01}

Một khoảng:{#3.13..3.15}

Kể một vụ lừa đảo bạn biết.{}
"""


def by_kind(questions):
    return {question.kind: question for question in questions}


def test_gift_reads_every_question_type_moodle_documents():
    questions, errors = read_gift(GIFT)

    assert errors == []
    assert [question.kind for question in questions] == [
        "singlechoicequestion",
        "truefalsequestion",
        "truefalsequestion",
        "shortanswerquestion",
        "multiplechoicequestion",
        "matchingquestion",
        "numericalquestion",
        "numericalquestion",
        "essayquestion",
    ]
    single = questions[0]
    assert (single.name, single.text, single.line) == ("OTP", "Có người gọi hỏi mã OTP. Bạn làm gì?", 4)
    assert single.choices == [
        ("Gác máy", True, "Đúng."),
        ("Đọc mã", False, "Không bao giờ."),
        ("Chuyển tiền", False, ""),
    ]
    assert single.general_feedback == "Mã OTP là bí mật."
    assert {question.category for question in questions} == {"An toàn/Lừa đảo"}


def test_gift_true_false_feedback_follows_moodle_wrong_then_right():
    questions, _errors = read_gift(GIFT)
    always_true, always_false = questions[1], questions[2]

    assert always_true.correct_answer is True
    assert always_false.correct_answer is False
    assert always_false.feedback_true == "Sai rồi."
    assert always_false.feedback_false == "Đúng, nó không an toàn."


def test_gift_missing_word_weights_matching_numbers_and_escapes():
    questions, _errors = read_gift(GIFT)
    short, multiple, matching, number, number_range = questions[3:8]

    assert short.text == f"Ứng dụng định danh điện tử quốc gia là {BLANK} trên điện thoại."
    assert short.accepted_answers == ["VNeID", "VNeID 2.0"]
    assert [correct for _text, correct, _feedback in multiple.choices] == [True, True, False]
    assert multiple.partial_credit
    assert matching.pairs[2] == ("Thuế", "eTax Mobile")
    assert number.text == "Số {pi} làm tròn: 3:14?"
    assert (number.answer, number.tolerance) == (Decimal("3.14"), Decimal("0.01"))
    assert (number_range.answer, number_range.tolerance) == (Decimal("3.14"), Decimal("0.01"))


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("Không đóng ngoặc {=a ~b", "not closed"),
        ("Không có đáp án nào", "no answers in braces"),
        ("Không đáp án đúng {~a ~b}", "no answer is marked right"),
        ("::Tiêu đề không đóng Câu hỏi {=a ~b}", "title"),
        ("Số hỏng {#ba}", "not a number"),
        ("Khoảng ngược {#5..1}", "not a range"),
        ("Ghép thiếu {=Định danh -> VNeID}", "at least two pairs"),
        ("Đáp án rỗng {= ~b}", "empty"),
    ],
)
def test_gift_malformed_questions_are_reported_with_their_line(source, reason):
    questions, errors = read_gift(f"// đầu tệp\n\nCâu đúng {{=a ~b}}\n\n{source}\n")

    assert len(questions) == 1
    assert [error.line for error in errors] == [5]
    assert reason in errors[0].reason


AIKEN = """Mật khẩu nào mạnh nhất?
A. 123456
B) Tr@ng-Hoa-2026!
C. matkhau
ANSWER: B

Câu không có dòng đáp án
A. x
B. y

Đáp án ngoài lựa chọn
A. x
B. y
ANSWER: D

Chỉ một lựa chọn
A. x
ANSWER: A

Dòng lạ
A. x
lạc đề
ANSWER: A
"""


def test_aiken_reads_questions_and_reports_each_broken_one():
    questions, errors = read_aiken(AIKEN)

    assert len(questions) == 1
    assert questions[0].choices == [("123456", False, ""), ("Tr@ng-Hoa-2026!", True, ""), ("matkhau", False, "")]
    assert [error.line for error in errors] == [7, 11, 16, 20]
    assert "ANSWER" in errors[0].reason
    assert "D" in errors[1].reason
    assert "two choices" in errors[2].reason
    assert "line 22" in errors[3].reason


@pytest.fixture
def gift_file(tmp_path):
    path = tmp_path / "an-toan.gift"
    path.write_text(GIFT, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_import_questions_adds_each_type_under_the_category_once(gift_file):
    call_command("import_questions", gift_file, "--format", "gift", "--category", "Ngân hàng Mặt trận", stdout=None)
    call_command("import_questions", gift_file, "--format", "gift", "--category", "Ngân hàng Mặt trận", stdout=None)

    assert Question.objects.count() == 9
    category = QuestionCategory.objects.get(name="Lừa đảo")
    assert category.parent.name == "An toàn"
    assert category.parent.parent.name == "Ngân hàng Mặt trận"
    for model in (SingleChoiceQuestion, MultipleChoiceQuestion, ShortAnswerQuestion, MatchingQuestion, EssayQuestion):
        assert model.objects.filter(category=category).count() == 1
    assert TrueFalseQuestion.objects.count() == NumericalQuestion.objects.count() == 2
    single = SingleChoiceQuestion.objects.get()
    right = next(choice.id for choice in single.choices if choice.value["text"] == "Gác máy")
    assert single.grade(right) == 1
    assert single.text == "<p>Có người gọi hỏi mã OTP. Bạn làm gì?</p>"
    assert MultipleChoiceQuestion.objects.get().partial_credit


@pytest.mark.django_db
def test_import_questions_imports_nothing_when_a_question_is_broken(tmp_path):
    path = tmp_path / "hong.txt"
    path.write_text(AIKEN, encoding="utf-8")

    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_questions", path, "--format", "aiken", "--category", "Mật khẩu", stdout=None, stderr=None)

    assert not Question.objects.exists()
    assert not QuestionCategory.objects.exists()


@pytest.mark.django_db
def test_import_questions_can_skip_the_broken_ones(tmp_path, capsys):
    path = tmp_path / "hong.txt"
    path.write_text(AIKEN, encoding="utf-8")

    call_command("import_questions", path, "--format", "aiken", "--category", "Mật khẩu", "--skip-invalid")

    assert SingleChoiceQuestion.objects.filter(category__name="Mật khẩu").count() == 1
    assert "line 11" in capsys.readouterr().err


def sheet(*rows):
    from openpyxl import Workbook

    from courses.question_formats import SHEET_COLUMNS

    workbook = Workbook()
    workbook.active.append([column.header for column in SHEET_COLUMNS])
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


#          Loại, Nhóm, Tên, Câu hỏi, Lựa chọn 1..6, Đáp án, Điểm, Nhận xét
SHEET_ROWS = [
    ["Một lựa chọn", "", "", "Mã OTP là gì?", "Mật khẩu dùng một lần", "Tên ứng dụng", "", "", "", "", "1", "2", ""],
    [
        "Nhiều lựa chọn",
        "Mật khẩu",
        "",
        "Chọn thói quen tốt",
        "Xác thực hai lớp",
        "Dùng chung mật khẩu",
        "Cập nhật",
        "",
        "",
        "",
        "1,3",
        "",
        "",
    ],
    ["Đúng sai", "", "", "Zalo có xác thực hai lớp.", "", "", "", "", "", "", "Đúng", "", ""],
    ["Trả lời ngắn", "", "", "Ứng dụng định danh?", "", "", "", "", "", "", "VNeID | VNeID 2.0", "", ""],
    ["Số", "", "", "Số pi?", "", "", "", "", "", "", "3,14 ± 0,01", "", ""],
    ["Ghép đôi", "", "", "Ghép", "Định danh -> VNeID", "Bảo hiểm -> VssID", "", "", "", "", "", "", ""],
    ["Tự luận", "", "", "Kể một vụ lừa đảo.", "", "", "", "", "", "", "", "", "Chấm theo ví dụ."],
]


def test_the_spreadsheet_template_reads_every_type():
    from courses.question_formats import read_sheet

    questions, errors = read_sheet(sheet(*SHEET_ROWS), "cau-hoi.xlsx")

    assert errors == []
    single, multiple, true_false, short, number, matching, essay = questions
    assert single.points == Decimal(2)
    assert [correct for _text, correct, _feedback in single.choices] == [True, False]
    assert [correct for _text, correct, _feedback in multiple.choices] == [True, False, True]
    assert multiple.category == "Mật khẩu"
    assert true_false.correct_answer is True
    assert short.accepted_answers == ["VNeID", "VNeID 2.0"]
    assert (number.answer, number.tolerance) == (Decimal("3.14"), Decimal("0.01"))
    assert matching.pairs == [("Định danh", "VNeID"), ("Bảo hiểm", "VssID")]
    assert (essay.kind, essay.general_feedback) == ("essayquestion", "Chấm theo ví dụ.")


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (["Câu đố", "", "", "?", "", "", "", "", "", "", "", "", ""], "not a question type"),
        (["Một lựa chọn", "", "", "?", "a", "b", "", "", "", "", "3", "", ""], "numbers of the right choices"),
        (["Một lựa chọn", "", "", "?", "a", "b", "", "", "", "", "1,2", "", ""], "one right choice"),
        (["Đúng sai", "", "", "?", "", "", "", "", "", "", "Có lẽ", "", ""], "Đúng or Sai"),
        (["Số", "", "", "?", "", "", "", "", "", "", "ba", "", ""], "not a number"),
        (["Tự luận", "", "", "", "", "", "", "", "", "", "", "", ""], "Câu hỏi is empty"),
        (["Tự luận", "", "", "?", "", "", "", "", "", "", "", "0", ""], "positive number"),
    ],
)
def test_the_spreadsheet_template_reports_each_bad_row(row, reason):
    from courses.question_formats import read_sheet

    questions, errors = read_sheet(sheet(SHEET_ROWS[0], row), "cau-hoi.xlsx")

    assert len(questions) == 1
    assert [error.line for error in errors] == [3]
    assert reason in errors[0].reason


@pytest.mark.django_db
def test_import_questions_reads_the_spreadsheet_template(tmp_path):
    path = tmp_path / "cau-hoi.xlsx"
    path.write_bytes(sheet(*SHEET_ROWS).getvalue())

    call_command("import_questions", path, "--format", "xlsx", "--category", "Kỹ năng số", stdout=None)

    assert Question.objects.count() == 7
    assert SingleChoiceQuestion.objects.get().points == Decimal(2)
    assert MultipleChoiceQuestion.objects.get().category.parent.name == "Kỹ năng số"
