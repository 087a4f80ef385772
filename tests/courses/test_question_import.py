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
from courses.question_formats import BLANK, read_aiken, read_gift, read_sheet
from courses.question_import import import_questions, type_fields


@pytest.fixture(autouse=True)
def in_english():
    """The reasons are checked in English; their Vietnamese is checked with the catalogue."""
    with translation.override("en"):
        yield


GIFT = r"""// Ngân hàng câu hỏi An toàn thông tin
$CATEGORY: $course$/top/An toàn/Lừa đảo

::OTP::[html]<p>Có người gọi hỏi mã <b>OTP</b>. Bạn làm gì?</p>{
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

Đọc kỹ tình huống sau trước khi trả lời.
"""


def by_kind(questions):
    return {question.kind: question for question in questions}


def saved_question(source):
    """The one question of a GIFT text, saved in the bank as the importer saves it."""
    parsed = read_one(source)
    model, fields = type_fields(parsed)
    category = QuestionCategory.objects.create(name="Kiểm tra")
    return model.objects.create(category=category, name=parsed.name, text=parsed.text, **fields)


def read_one(source):
    questions, errors = read_gift(source)
    assert errors == []
    assert len(questions) == 1
    return questions[0]


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
        "descriptionquestion",
    ]
    single = questions[0]
    assert (single.name, single.text, single.line) == ("OTP", "<p>Có người gọi hỏi mã <b>OTP</b>. Bạn làm gì?</p>", 4)
    assert [(choice["text"], choice["correct"], choice["feedback"]) for choice in single.choices] == [
        ("Gác máy", True, "Đúng."),
        ("Đọc mã", False, "Không bao giờ."),
        ("Chuyển tiền", False, ""),
    ]
    assert single.general_feedback == "Mã OTP là bí mật."  # in the question's format: HTML
    assert {question.category for question in questions} == {"An toàn/Lừa đảo"}
    assert (questions[-1].text, questions[-1].points) == ("<p>Đọc kỹ tình huống sau trước khi trả lời.</p>", 0)


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

    assert short.text == f"<p>Ứng dụng định danh điện tử quốc gia là {BLANK} trên điện thoại.</p>"
    assert [answer["text"] for answer in short.answers] == ["VNeID", "VNeID 2.0"]
    assert [choice["weight"] for choice in multiple.choices] == [50, 50, -100]
    assert multiple.partial_credit
    assert matching.pairs[2] == ("Thuế", "eTax Mobile")
    assert number.text == "<p>Số {pi} làm tròn: 3:14?</p>"
    assert [(answer["value"], answer["tolerance"]) for answer in number.answers] == [(Decimal("3.14"), Decimal("0.01"))]
    assert [(answer["value"], answer["tolerance"]) for answer in number_range.answers] == [
        (Decimal("3.14"), Decimal("0.01"))
    ]


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("Không đóng ngoặc {=a ~b", "braces"),
        ("Không đáp án đúng {~a ~b}", "add up to 100%"),
        ("Một lựa chọn không đủ điểm {~%50%a ~b =}", "full marks"),
        ("Số hỏng {#ba}", "not a number"),
        ("Số quá lớn {#1e999999999}", "not a number"),
        ("Khoảng ngược {#5..1}", "not a range"),
        ("Ghép thiếu {=Định danh -> VNeID}", "at least two pairs"),
        ("Ghép không mũi tên {=Định danh -> VNeID =Thuế}", "item -> match"),
        ("Đáp án rỗng {= ~b}", "two choices"),
        ("Trả lời ngắn không đủ điểm {=%50%a}", "full marks"),
    ],
)
def test_gift_malformed_questions_are_reported_with_their_line(source, reason):
    questions, errors = read_gift(f"// đầu tệp\n\nCâu đúng {{=a ~b}}\n\n{source}\n")

    assert len(questions) == 1
    assert [error.line for error in errors] == [5]
    assert reason in errors[0].reason


@pytest.mark.django_db
def test_gift_short_answers_written_by_moodles_exporter_keep_their_weights():
    saved = saved_question("::Ếch::What is green?{\n\t=%100%Frog#Đúng\n\t=%50%Cat#Gần đúng\n}")

    assert saved.grade("Frog") == 1
    assert saved.grade("frog") == 1
    assert saved.grade("%100%Frog") == 0
    assert saved.grade("Cat") == Decimal("0.5")
    assert saved.matching_answer("Cat")["feedback"] == "Gần đúng"


@pytest.mark.django_db
def test_a_short_answer_star_matches_any_characters():
    saved = saved_question("Ký số?{=chữ ký*}")

    assert saved.grade("Chữ ký số") == 1
    assert saved.grade("ký số") == 0


def choice_id(question, text):
    return next(choice.id for choice in question.choices if choice.value["text"] == text)


@pytest.mark.django_db
def test_a_weighted_answer_among_one_right_answer_earns_its_share():
    saved = saved_question("Chọn{~sai ~%50%một nửa =đủ}")

    assert isinstance(saved, SingleChoiceQuestion)
    assert saved.grade(choice_id(saved, "đủ")) == 1
    assert saved.grade(choice_id(saved, "một nửa")) == Decimal("0.5")
    assert saved.grade(choice_id(saved, "sai")) == 0


@pytest.mark.django_db
def test_two_equal_signs_are_two_answers_that_each_earn_full_marks():
    saved = saved_question("Chọn{=a =b ~c}")

    assert saved.grade(choice_id(saved, "a")) == saved.grade(choice_id(saved, "b")) == 1


@pytest.mark.django_db
def test_multiple_answers_add_up_their_positive_and_negative_weights():
    saved = saved_question("Chọn{~%50%a ~%50%b ~%-100%c ~d}")
    a, b, c, d = (choice_id(saved, text) for text in "abcd")

    assert saved.grade([a, b]) == 1
    assert saved.grade([a, d]) == Decimal("0.5")
    assert saved.grade([a, b, c]) == 0
    assert saved.grade([a, b, d]) == 1  # an unweighted "~" weighs nothing, as in Moodle


@pytest.mark.django_db
def test_numbers_as_moodles_exporter_writes_them_with_weights_and_feedback_for_other_answers():
    saved = saved_question("Tỉ số?{#\n\t=%100%3:2#Đúng\n\t=%50%10#Một nửa\n\t~#Sai hoàn toàn\n}")

    assert saved.grade("4,5") == 1
    assert saved.grade("10") == Decimal("0.5")
    assert saved.grade("7") == 0
    assert saved.matching_answer("7")["feedback"] == "Sai hoàn toàn"
    assert read_one("Tỉ số?{#3:2~#Sai hoàn toàn}").answers[-1]["feedback"] == "Sai hoàn toàn"


@pytest.mark.django_db
def test_matching_distractors_are_wrong_answers_to_choose_from():
    saved = saved_question("Ghép{=Chó -> Dog =Mèo -> Cat = -> Mouse}")
    layout = saved.layout(shuffle=False)

    assert len(layout["order"]) == 2
    assert len(layout["options"]) == 3
    assert saved.grade(saved.right_response()) == 1


def test_a_blank_answer_is_dropped_as_moodle_drops_it():
    parsed = read_one("Chọn{~=some~a few}")

    assert [choice["text"] for choice in parsed.choices] == ["some", "a few"]


def test_indented_lines_crlf_and_a_byte_order_mark_are_read():
    questions, errors = read_gift("\ufeff  ::Một::Câu một{=a ~b}\r\n\r\n\t::Hai::Câu\r\n\thai{T}\r\n")

    assert errors == []
    assert [(question.name, question.text) for question in questions] == [
        ("Một", "<p>Câu một</p>"),
        ("Hai", "<p>Câu<br/>hai</p>"),
    ]


def test_text_formats_are_read_as_moodle_shows_them():
    html = read_one("[html]<p>Chọn <i>một</i></p><script>alert(1)</script>{=[plain]Có#[plain]Đúng ~Không}")
    plain = read_one("[plain]Dấu <b> là thẻ{T}")
    markdown = read_one("[markdown]Chữ **đậm**{T}")

    assert html.text == "<p>Chọn <i>một</i></p>"
    assert (html.choices[0]["text"], html.choices[0]["feedback"]) == ("Có", "Đúng")
    assert plain.text == "<p>Dấu &lt;b&gt; là thẻ</p>"
    assert markdown.text == "<p>Chữ <b>đậm</b></p>"


def test_escaped_backslashes_and_a_name_ending_with_a_colon_are_read_as_written():
    parsed = read_one(r"::Tỉ lệ\:::Đường dẫn C:\\Tài liệu\\a.docx\: đúng?{T}")

    assert parsed.name == "Tỉ lệ:"
    assert parsed.text == r"<p>Đường dẫn C:\Tài liệu\a.docx: đúng?</p>"


def test_moodle_ids_are_kept_and_tags_are_reported_as_not_kept():
    parsed = read_one("// [id:ATTT-01]\n// [tag:dễ] [tag:otp]\n::OTP::Câu{T}")

    assert parsed.idnumber == "ATTT-01"
    assert parsed.notes == ["tags are not kept: dễ, otp."]


def test_true_and_false_are_only_the_capitals_moodle_reads():
    assert read_one("Câu{true}").kind == "shortanswerquestion"
    assert read_one("Câu{TRUE}").kind == "truefalsequestion"


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
    assert [(choice["text"], choice["correct"]) for choice in questions[0].choices] == [
        ("123456", False),
        ("Tr@ng-Hoa-2026!", True),
        ("matkhau", False),
    ]
    assert [error.line for error in errors] == [7, 11, 16, 20, 22]
    assert "ANSWER" in errors[0].reason
    assert "D" in errors[1].reason
    assert "two choices" in errors[2].reason
    assert "ANSWER" in errors[3].reason
    assert "two choices" in errors[4].reason  # the stray line starts a question of its own


def test_aiken_choices_without_a_space_and_questions_on_several_lines_are_read():
    questions, errors = read_aiken("Câu hỏi\ntrên hai dòng?\nA)Sai (không dấu cách)\nB) Đúng\nANSWER: B\n")

    assert errors == []
    assert questions[0].text == "<p>Câu hỏi<br/>trên hai dòng?</p>"
    assert [choice["text"] for choice in questions[0].choices] == ["Sai (không dấu cách)", "Đúng"]


@pytest.fixture
def gift_file(tmp_path):
    path = tmp_path / "an-toan.gift"
    path.write_text(GIFT, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_import_questions_adds_each_type_under_the_category_once(gift_file):
    call_command("import_questions", gift_file, "--format", "gift", "--category", "Ngân hàng Mặt trận", stdout=None)
    call_command("import_questions", gift_file, "--format", "gift", "--category", "Ngân hàng Mặt trận", stdout=None)

    assert Question.objects.count() == 10
    category = QuestionCategory.objects.get(name="Lừa đảo")
    assert category.parent.name == "An toàn"
    assert category.parent.parent.name == "Ngân hàng Mặt trận"
    for model in (SingleChoiceQuestion, MultipleChoiceQuestion, ShortAnswerQuestion, MatchingQuestion, EssayQuestion):
        assert model.objects.filter(category=category).count() == 1
    assert TrueFalseQuestion.objects.count() == NumericalQuestion.objects.count() == 2
    single = SingleChoiceQuestion.objects.get()
    right = next(choice.id for choice in single.choices if choice.value["text"] == "Gác máy")
    assert single.grade(right) == 1
    assert single.text == "<p>Có người gọi hỏi mã <b>OTP</b>. Bạn làm gì?</p>"
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
    assert [choice["correct"] for choice in single.choices] == [True, False]
    assert [choice["correct"] for choice in multiple.choices] == [True, False, True]
    assert multiple.category == "Mật khẩu"
    assert true_false.correct_answer is True
    assert [answer["text"] for answer in short.answers] == ["VNeID", "VNeID 2.0"]
    assert [(answer["value"], answer["tolerance"]) for answer in number.answers] == [(Decimal("3.14"), Decimal("0.01"))]
    assert matching.pairs == [("Định danh", "VNeID"), ("Bảo hiểm", "VssID")]
    assert (essay.kind, essay.general_feedback) == ("essayquestion", "<p>Chấm theo ví dụ.</p>")


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


def import_gift(source, category_name="Địa lý"):
    return import_questions(
        io.BytesIO(source.encode()), filename="dia-ly.gift", file_format="gift", category_name=category_name
    )


@pytest.mark.django_db
def test_a_corrected_file_imported_again_updates_the_question_as_a_new_version():
    first = import_gift("::Thủ đô::Thủ đô của Việt Nam?{~Hà Nội =Huế}\n\n::Khác::Câu khác{T}")
    corrected = import_gift("::Thủ đô::Thủ đô của Việt Nam?{=Hà Nội ~Huế}\n\n::Khác::Câu khác{T}")

    question = SingleChoiceQuestion.objects.get(name="Thủ đô")
    assert (first.added, corrected.added, corrected.updated, corrected.existing) == (2, 0, 1, 1)
    assert question.version == 2
    assert question.grade(choice_id(question, "Hà Nội")) == 1
    assert question.grade(choice_id(question, "Huế")) == 0
    assert Question.objects.count() == 2


@pytest.mark.django_db
def test_a_changed_weight_or_feedback_is_an_update_and_an_identical_file_changes_nothing():
    import_gift("::Ếch::Màu xanh?{=%100%Ếch#Đúng =%50%Cóc}")
    weight = import_gift("::Ếch::Màu xanh?{=%100%Ếch#Đúng =%25%Cóc}")
    feedback = import_gift("::Ếch::Màu xanh?{=%100%Ếch#Chính xác =%25%Cóc}")
    same = import_gift("::Ếch::Màu xanh?{=%100%Ếch#Chính xác =%25%Cóc}")

    assert [result.updated for result in (weight, feedback, same)] == [1, 1, 0]
    assert same.existing == 1
    assert ShortAnswerQuestion.objects.get().version == 3


@pytest.mark.django_db
def test_questions_with_the_same_id_number_are_the_same_question_whatever_their_name():
    import_gift("// [id:DL-1]\n::Thủ đô::Thủ đô?{=Hà Nội ~Huế}")
    renamed = import_gift("// [id:DL-1]\n::Thủ đô Việt Nam::Thủ đô?{=Hà Nội ~Huế}")

    assert (renamed.added, renamed.updated) == (0, 1)
    assert SingleChoiceQuestion.objects.get().name == "Thủ đô Việt Nam"


@pytest.mark.django_db
def test_two_questions_of_one_name_in_a_file_stay_two_questions_on_every_import():
    source = "::Câu::Một?{T}\n\n::Câu::Hai?{F}"
    import_gift(source)
    again = import_gift(source)

    assert again.existing == 2
    assert sorted(question.correct_answer for question in TrueFalseQuestion.objects.all()) == [False, True]


@pytest.mark.django_db
def test_a_question_that_changed_type_replaces_the_old_one_which_is_retired():
    import_gift("::Thủ đô::Thủ đô?{=Hà Nội ~Huế}")
    changed = import_gift("::Thủ đô::Thủ đô?{=Hà Nội}")

    assert changed.updated == 1
    assert not SingleChoiceQuestion.objects.get().is_active
    assert ShortAnswerQuestion.objects.get().is_active


@pytest.mark.django_db
def test_what_the_bank_cannot_keep_is_reported_with_the_line_and_the_rest_imported():
    result = import_gift("Đầu\n\n// [tag:dễ]\n::A::Câu{T}")

    assert result.added == 2
    assert [(note.line, note.reason) for note in result.notes] == [(4, "tags are not kept: dễ.")]


@pytest.mark.parametrize("points", ["10000", "1e999999999", "0,001", "NaN"])
def test_points_the_bank_cannot_hold_are_refused_in_the_spreadsheet(points):
    row = ["Tự luận", "", "", "Kể một vụ lừa đảo.", "", "", "", "", "", "", "", points, ""]

    questions, errors = read_sheet(sheet(row), "cau-hoi.xlsx")

    assert questions == []
    assert [(error.line, f"“{points}”" in error.reason) for error in errors] == [(2, True)]


@pytest.mark.django_db
def test_a_question_whose_name_the_bank_cannot_hold_is_refused_with_its_line():
    source = "::Ngắn::Câu một? {T}\n\n::" + "Tên rất dài " * 30 + "::Câu hai? {T}\n"

    result = import_questions(io.BytesIO(source.encode()), filename="q.gift", file_format="gift", category_name="Bank")

    assert [(error.line, error.reason) for error in result.errors] == [(3, "Name: longer than 255 characters.")]
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_a_text_file_holding_a_nul_character_is_refused_with_its_line():
    result = import_questions(
        io.BytesIO(b"::A::Hai? {T}\n\n::B::Ba\x00? {T}\n"), filename="q.gift", file_format="gift", category_name="Bank"
    )

    assert [(error.line, error.reason) for error in result.errors] == [(3, "a NUL character: is this a text file?")]
    assert not Question.objects.exists()
