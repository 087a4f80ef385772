"""Moodle XML: a bank exported by Moodle read with each type's meaning and grading, pictures included; what
the bank cannot keep told, broken files and questions refused by line; the bank written back for Moodle and
read again unchanged."""

import base64
import io
import re
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.utils import translation
from PIL import Image as Picture
from wagtail.images import get_image_model

from courses.models import (
    DescriptionQuestion,
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
from courses.question_import import import_questions
from courses.question_xml import read_moodle_xml, write_moodle_xml

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    """The reasons are checked in English; their Vietnamese is checked with the catalogue."""
    with translation.override("en"):
        yield


def png(colour="red"):
    """A tiny valid PNG."""
    buffer = io.BytesIO()
    Picture.new("RGB", (2, 2), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def moodle_question(kind, body, name="Câu hỏi", text="<p>Câu hỏi?</p>", text_format="html", extra=""):
    return f"""  <question type="{kind}">
    <name><text>{name}</text></name>
    <questiontext format="{text_format}"><text><![CDATA[{text}]]></text>{extra}</questiontext>
    <generalfeedback format="html"><text></text></generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
{body}
  </question>"""


def quiz(*questions):
    return '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "\n".join(questions) + "\n</quiz>\n"


def answer(fraction, text, feedback="", extra=""):
    return (
        f'    <answer fraction="{fraction}" format="html"><text><![CDATA[{text}]]></text>'
        f'<feedback format="html"><text>{feedback}</text></feedback>{extra}</answer>'
    )


def category(path):
    return f"""  <question type="category">
    <category><text>{path}</text></category>
    <info format="moodle_auto_format"><text></text></info>
    <idnumber></idnumber>
  </question>"""


PICTURE = png()

# As Moodle 4 exports a bank: every question with its penalty, hidden flag and ID number.
MOODLE_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<!-- question: 0  -->
  <question type="category">
    <category>
      <text>$course$/top/An toàn thông tin/Lừa đảo</text>
    </category>
    <info format="moodle_auto_format">
      <text>Câu hỏi về lừa đảo.</text>
    </info>
    <idnumber></idnumber>
  </question>
<!-- question: 11  -->
  <question type="multichoice">
    <name>
      <text>OTP</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p>Có người gọi hỏi mã <strong>OTP</strong>. Bạn làm gì?</p>]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text><![CDATA[<p>Mã OTP là bí mật.</p>]]></text>
    </generalfeedback>
    <defaultgrade>2.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber>ATTT-01</idnumber>
    <single>true</single>
    <shuffleanswers>true</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <showstandardinstruction>0</showstandardinstruction>
    <correctfeedback format="html">
      <text>Your answer is correct.</text>
    </correctfeedback>
    <partiallycorrectfeedback format="html">
      <text>Your answer is partially correct.</text>
    </partiallycorrectfeedback>
    <incorrectfeedback format="html">
      <text>Your answer is incorrect.</text>
    </incorrectfeedback>
    <shownumcorrect/>
    <answer fraction="100" format="html">
      <text><![CDATA[<p>Gác máy</p>]]></text>
      <feedback format="html">
        <text>Đúng.</text>
      </feedback>
    </answer>
    <answer fraction="50" format="html">
      <text><![CDATA[<p>Hỏi lại người thân</p>]]></text>
      <feedback format="html">
        <text></text>
      </feedback>
    </answer>
    <answer fraction="0" format="html">
      <text><![CDATA[<p>Đọc mã</p>]]></text>
      <feedback format="html">
        <text>Không bao giờ.</text>
      </feedback>
    </answer>
    <answer fraction="0" format="html">
      <text></text>
      <feedback format="html">
        <text></text>
      </feedback>
    </answer>
  </question>
<!-- question: 12  -->
  <question type="multichoice">
    <name>
      <text>Thói quen an toàn</text>
    </name>
    <questiontext format="html">
      <text>Chọn các thói quen an toàn:</text>
    </questiontext>
    <generalfeedback format="html">
      <text></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber>ATTT-02</idnumber>
    <single>false</single>
    <shuffleanswers>true</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <answer fraction="50" format="html">
      <text>Bật xác thực hai lớp</text>
      <feedback format="html"><text></text></feedback>
    </answer>
    <answer fraction="50" format="html">
      <text>Cập nhật phần mềm</text>
      <feedback format="html"><text></text></feedback>
    </answer>
    <answer fraction="-100" format="html">
      <text>Cài ứng dụng lạ</text>
      <feedback format="html"><text>Nguy hiểm.</text></feedback>
    </answer>
  </question>
<!-- question: 13  -->
  <question type="truefalse">
    <name>
      <text>Công an gọi điện</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p>Công an yêu cầu chuyển tiền qua điện thoại là thật.</p>]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>1.0000000</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <answer fraction="0" format="moodle_auto_format">
      <text>true</text>
      <feedback format="html">
        <text>Đây là lừa đảo.</text>
      </feedback>
    </answer>
    <answer fraction="100" format="moodle_auto_format">
      <text>false</text>
      <feedback format="html">
        <text>Đúng, công an không làm vậy.</text>
      </feedback>
    </answer>
  </question>
<!-- question: 14  -->
  <question type="shortanswer">
    <name>
      <text>Ứng dụng định danh</text>
    </name>
    <questiontext format="html">
      <text>Ứng dụng định danh điện tử quốc gia là gì?</text>
    </questiontext>
    <generalfeedback format="html">
      <text></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <usecase>1</usecase>
    <answer fraction="100" format="moodle_auto_format">
      <text>VNeID</text>
      <feedback format="html"><text>Chính xác.</text></feedback>
    </answer>
    <answer fraction="50" format="moodle_auto_format">
      <text>VNe*</text>
      <feedback format="html"><text>Gần đúng.</text></feedback>
    </answer>
  </question>
<!-- question: 15  -->
  <question type="numerical">
    <name>
      <text>Số pi</text>
    </name>
    <questiontext format="html">
      <text>Số pi làm tròn đến hai chữ số?</text>
    </questiontext>
    <generalfeedback format="html">
      <text></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <answer fraction="100" format="moodle_auto_format">
      <text>3.14</text>
      <feedback format="html"><text>Đúng.</text></feedback>
      <tolerance>0.01</tolerance>
    </answer>
    <answer fraction="0" format="moodle_auto_format">
      <text>*</text>
      <feedback format="html"><text>Xem lại bài.</text></feedback>
      <tolerance>0</tolerance>
    </answer>
    <unitgradingtype>0</unitgradingtype>
    <unitpenalty>0.1000000</unitpenalty>
    <showunits>3</showunits>
    <unitsleft>0</unitsleft>
  </question>
<!-- question: 16  -->
  <question type="matching">
    <name>
      <text>Ứng dụng</text>
    </name>
    <questiontext format="html">
      <text>Ghép dịch vụ với ứng dụng:</text>
    </questiontext>
    <generalfeedback format="html">
      <text></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <shuffleanswers>true</shuffleanswers>
    <subquestion format="html">
      <text><![CDATA[<p>Định danh</p>]]></text>
      <answer><text>VNeID</text></answer>
    </subquestion>
    <subquestion format="html">
      <text><![CDATA[<p>Bảo hiểm xã hội</p>]]></text>
      <answer><text>VssID</text></answer>
    </subquestion>
    <subquestion format="html">
      <text></text>
      <answer><text>Zalo</text></answer>
    </subquestion>
    <subquestion format="html">
      <text></text>
      <answer><text></text></answer>
    </subquestion>
  </question>
<!-- question: 17  -->
  <question type="essay">
    <name>
      <text>Kể chuyện</text>
    </name>
    <questiontext format="moodle_auto_format">
      <text>Kể một vụ lừa đảo bạn biết.
Nêu cách phòng tránh.</text>
    </questiontext>
    <generalfeedback format="html">
      <text></text>
    </generalfeedback>
    <defaultgrade>5.0000000</defaultgrade>
    <penalty>0.0000000</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <responseformat>editor</responseformat>
    <responserequired>1</responserequired>
    <responsefieldlines>15</responsefieldlines>
    <attachments>0</attachments>
    <attachmentsrequired>0</attachmentsrequired>
    <graderinfo format="html">
      <text><![CDATA[<p>Đủ hai ý: vụ việc và cách phòng.</p>]]></text>
    </graderinfo>
    <responsetemplate format="html">
      <text><![CDATA[<p>Vụ việc:</p><p>Cách phòng:</p>]]></text>
    </responsetemplate>
  </question>
<!-- question: 0  -->
  <question type="category">
    <category>
      <text>$course$/top/An toàn thông tin</text>
    </category>
  </question>
<!-- question: 18  -->
  <question type="description">
    <name>
      <text>Tình huống</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p>Đọc tình huống sau: <img src="@@PLUGINFILE@@/so%20do.png" alt="Sơ đồ mạng"
        width="2" height="2"></p>]]></text>
      <file name="so do.png" path="/" encoding="base64">{base64.b64encode(PICTURE).decode()}</file>
    </questiontext>
    <generalfeedback format="html">
      <text></text>
    </generalfeedback>
    <defaultgrade>0.0000000</defaultgrade>
    <penalty>0.0000000</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
  </question>
<!-- question: 19  -->
  <question type="multianswer">
    <name>
      <text>Điền khuyết</text>
    </name>
    <questiontext format="html">
      <text>Thủ đô là {{1:SHORTANSWER:=Hà Nội}}.</text>
    </questiontext>
  </question>
</quiz>
"""
KINDS = [
    "singlechoicequestion",
    "multiplechoicequestion",
    "truefalsequestion",
    "shortanswerquestion",
    "numericalquestion",
    "matchingquestion",
    "essayquestion",
    "descriptionquestion",
]


def line_of(text, marker, occurrence=1):
    """The line of the ``occurrence``-th ``marker`` in ``text``."""
    position = -1
    for _time in range(occurrence):
        position = text.index(marker, position + 1)
    return text[:position].count("\n") + 1


def import_xml(content, category_name="Ngân hàng Mặt trận", **options):
    if isinstance(content, str):
        content = content.encode()
    return import_questions(
        io.BytesIO(content), filename="bank.xml", file_format="xml", category_name=category_name, **options
    )


def read(content):
    return read_moodle_xml(io.BytesIO(content.encode() if isinstance(content, str) else content), "bank.xml")


def test_a_moodle_export_gives_a_question_of_each_type_in_its_category_and_line():
    questions, errors = read(MOODLE_XML)

    assert [question.kind for question in questions] == KINDS
    assert [question.category for question in questions] == [*["An toàn thông tin/Lừa đảo"] * 7, "An toàn thông tin"]
    assert [question.line for question in questions] == [
        line_of(MOODLE_XML, "<question type=", occurrence) for occurrence in (2, 3, 4, 5, 6, 7, 8, 10)
    ]
    single = questions[0]
    assert (single.name, single.idnumber, single.points) == ("OTP", "ATTT-01", Decimal(2))
    assert single.text == "<p>Có người gọi hỏi mã <strong>OTP</strong>. Bạn làm gì?</p>"
    assert single.general_feedback == "<p>Mã OTP là bí mật.</p>"
    assert [(choice["text"], choice["correct"], choice["weight"], choice["feedback"]) for choice in single.choices] == [
        ("Gác máy", True, None, "Đúng."),
        ("Hỏi lại người thân", True, Decimal(50), ""),
        ("Đọc mã", False, None, "Không bao giờ."),
    ]
    assert [error.line for error in errors] == [line_of(MOODLE_XML, '<question type="multianswer">')]


def test_each_type_keeps_its_moodle_settings():
    _single, multiple, true_false, short, number, matching, essay, description = read(MOODLE_XML)[0]

    assert multiple.partial_credit
    assert [(choice["correct"], choice["weight"]) for choice in multiple.choices] == [
        (True, Decimal(50)),
        (True, Decimal(50)),
        (False, Decimal(-100)),
    ]
    assert (true_false.correct_answer, true_false.feedback_true, true_false.feedback_false) == (
        False,
        "Đây là lừa đảo.",
        "Đúng, công an không làm vậy.",
    )
    assert short.case_sensitive
    assert short.answers == [
        {"text": "VNeID", "weight": Decimal(100), "feedback": "Chính xác."},
        {"text": "VNe*", "weight": Decimal(50), "feedback": "Gần đúng."},
    ]
    assert number.answers == [
        {"value": Decimal("3.14"), "tolerance": Decimal("0.01"), "weight": Decimal(100), "feedback": "Đúng."},
        {"value": None, "tolerance": Decimal(0), "weight": Decimal(0), "feedback": "Xem lại bài."},
    ]
    assert matching.pairs == [("Định danh", "VNeID"), ("Bảo hiểm xã hội", "VssID"), ("", "Zalo")]
    assert essay.text == "<p>Kể một vụ lừa đảo bạn biết.<br/>Nêu cách phòng tránh.</p>"
    assert (essay.points, essay.answer_template, essay.grading_notes) == (
        Decimal(5),
        "Vụ việc:\nCách phòng:",
        "Đủ hai ý: vụ việc và cách phòng.",
    )
    assert (description.points, description.name) == (Decimal(0), "Tình huống")


def test_imported_questions_grade_as_moodle_does():
    result = import_xml(MOODLE_XML, skip_invalid=True)

    assert (result.added, len(result.errors)) == (8, 1)
    single = SingleChoiceQuestion.objects.get()
    ids = {choice.value["text"]: choice.id for choice in single.choices}
    assert single.grade(ids["Gác máy"]) == 1
    assert single.grade(ids["Hỏi lại người thân"]) == Decimal("0.5")
    assert single.grade(ids["Đọc mã"]) == 0
    assert single.points == 2
    multiple = MultipleChoiceQuestion.objects.get()
    ids = {choice.value["text"]: choice.id for choice in multiple.choices}
    assert multiple.grade([ids["Bật xác thực hai lớp"]]) == Decimal("0.5")
    assert multiple.grade([ids["Bật xác thực hai lớp"], ids["Cập nhật phần mềm"]]) == 1
    assert multiple.grade([ids["Bật xác thực hai lớp"], ids["Cập nhật phần mềm"], ids["Cài ứng dụng lạ"]]) == 0
    true_false = TrueFalseQuestion.objects.get()
    assert (true_false.grade(False), true_false.grade(True)) == (1, 0)
    short = ShortAnswerQuestion.objects.get()
    assert (short.grade("VNeID"), short.grade("VNeID 2"), short.grade("vneid")) == (1, Decimal("0.5"), 0)
    number = NumericalQuestion.objects.get()
    assert (number.grade("3,15"), number.grade("3.2")) == (1, 0)
    assert number.matching_answer("42")["feedback"] == "Xem lại bài."
    matching = MatchingQuestion.objects.get()
    pairs = {pair.value["match"]: pair.id for pair in matching.pairs}
    assert matching.grade({pairs["VNeID"]: pairs["VNeID"], pairs["VssID"]: pairs["Zalo"]}) == Decimal("0.5")
    assert EssayQuestion.objects.get().grade("Một câu chuyện") is None
    description = DescriptionQuestion.objects.get()
    assert (description.points, description.category.name, description.category.parent.name) == (
        0,
        "An toàn thông tin",
        "Ngân hàng Mặt trận",
    )
    assert single.category.parent == description.category


def test_an_unsupported_type_is_an_error_naming_it_and_its_line_and_nothing_is_saved():
    result = import_xml(MOODLE_XML)

    assert [(error.line, error.reason) for error in result.errors] == [
        (line_of(MOODLE_XML, '<question type="multianswer">'), "type multianswer is not supported.")
    ]
    assert not Question.objects.exists()
    assert not QuestionCategory.objects.exists()


def test_the_line_of_a_question_is_where_its_element_starts_not_where_the_text_mentions_it():
    content = (
        '<?xml version="1.0"?>\n<quiz>\n<!-- <question type="calculated"> -->\n\n  <question\n    type="ddwtos">\n'
    )
    content += "    <questiontext><text><![CDATA[<question type=x>]]></text></questiontext>\n  </question>\n</quiz>"

    questions, errors = read(content)

    assert questions == []
    assert [(error.line, error.reason) for error in errors] == [(5, "type ddwtos is not supported.")]


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        (b"Question? {=yes ~no}", 1, "not XML"),
        (b'<?xml version="1.0"?>\n<quiz>\n  <question type="truefalse">\n</quiz>', 4, "not XML"),
        (b"", 1, "not XML"),
        (b"\xff\xfe\x00garbage", 1, "not XML"),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY a "aaaaaaaa">]>\n<quiz>&a;</quiz>',
            1,
            "entities",
        ),
        ('<?xml version="1.0"?>\n<html><body>Câu hỏi</body></html>', 1, "<quiz>"),
    ],
)
def test_a_file_that_is_not_moodle_xml_is_one_error_and_nothing_is_saved(content, line, reason):
    result = import_xml(content)

    assert [error.line for error in result.errors] == [line]
    assert reason in result.errors[0].reason
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    ("single", "body", "reason"),
    [
        ("true", answer(90, "a") + answer(0, "b"), "full marks (100%)"),
        ("false", answer(50, "a") + answer(40, "b") + answer(-100, "c"), "add up to 100%"),
        ("true", answer(100, "a") + answer(0, ""), "two choices"),
        ("true", answer(150, "a") + answer(0, "b"), "“150”"),
        ("false", answer("một trăm", "a") + answer(0, "b"), "“một trăm”"),
    ],
)
def test_a_multichoice_moodle_would_refuse_is_reported_with_its_line(single, body, reason):
    content = quiz(moodle_question("multichoice", f"    <single>{single}</single>\n" + body))

    questions, errors = read(content)

    assert questions == []
    assert [error.line for error in errors] == [3]
    assert reason in errors[0].reason


@pytest.mark.parametrize(
    ("kind", "body", "reason"),
    [
        ("shortanswer", answer(50, "VNeID"), "full marks"),
        ("numerical", answer(100, "ba", extra="<tolerance>0</tolerance>"), "“ba” is not a number"),
        ("numerical", answer(100, "3", extra="<tolerance>x</tolerance>"), "“x” is not a number"),
        ("numerical", answer(50, "3"), "full marks"),
        ("numerical", answer(100, "1e999999999", extra="<tolerance>0</tolerance>"), "is not a number"),
        ("numerical", answer(100, "1e13", extra="<tolerance>0</tolerance>"), "is not a number"),
        ("matching", "<subquestion><text>a</text><answer><text>b</text></answer></subquestion>", "two pairs"),
        ("truefalse", "", "“true” and “false”"),
    ],
)
def test_other_questions_moodle_would_refuse_are_reported_with_their_line(kind, body, reason):
    content = quiz(moodle_question("description", ""), moodle_question(kind, body))

    questions, errors = read(content)

    assert len(questions) == 1
    assert [error.line for error in errors] == [line_of(content, f'<question type="{kind}">')]
    assert reason in errors[0].reason


def test_a_question_without_text_or_with_a_bad_mark_is_reported():
    content = quiz(
        moodle_question("essay", "", text=""),
        moodle_question("essay", "").replace("1.0000000", "-2"),
        moodle_question("essay", "").replace("1.0000000", "1e999999999"),
        moodle_question("essay", "").replace("1.0000000", "10000"),
    )

    questions, errors = read(content)

    assert questions == []
    assert "no text" in errors[0].reason
    marks = ["“-2”", "“1e999999999”", "“10000”"]
    assert [mark in error.reason for mark, error in zip(marks, errors[1:], strict=True)] == [True] * 3


@pytest.mark.parametrize("penalty", ["1e999999999", "NaN", "²"])
def test_a_penalty_that_is_no_number_is_read_as_moodles_default(penalty):
    content = quiz(moodle_question("essay", "").replace("0.3333333", penalty))

    questions, errors = read(content)

    assert errors == []
    assert questions[0].notes == []


def test_moodle_text_formats_are_read_by_their_moodle_names():
    content = quiz(
        moodle_question("description", "", text="**Đọc kỹ**", text_format="markdown"),
        moodle_question("description", "", text="Dòng 1\nDòng <2>", text_format="plain_text"),
        moodle_question("description", "", text="Dòng 1\n<i>Dòng 2</i>", text_format="moodle_auto_format"),
        moodle_question("description", "", text="Xem ![sơ đồ](@@PLUGINFILE@@/a.png)", text_format="markdown"),
    )

    questions, errors = read(content)

    assert errors == []
    assert [question.text for question in questions[:3]] == [
        "<p><b>Đọc kỹ</b></p>",
        "<p>Dòng 1<br/>Dòng &lt;2&gt;</p>",
        "<p>Dòng 1<br/><i>Dòng 2</i></p>",
    ]
    assert questions[3].notes == ["pictures in texts written in Markdown or plain text are not kept."]


def test_what_the_bank_cannot_keep_is_noted_once_per_question_and_moodle_defaults_are_not():
    dropped = (
        """    <single>true</single>
    <answernumbering>123</answernumbering>
    <correctfeedback format="html"><text>Giỏi lắm!</text></correctfeedback>
    <hint format="html"><text>Nghĩ về mã OTP.</text></hint>
    <hint format="html"><text>Ngân hàng không bao giờ hỏi.</text></hint>
    <tags><tag><text>otp</text></tag><tag><text>lừa đảo</text></tag></tags>
"""
        + answer(100, "<p>Gác máy <img src='https://example.com/a.png'></p>")
        + answer(0, "Đọc mã")
    )
    units = """<units><unit><multiplier>1</multiplier><unit_name>m</unit_name></unit>
    <unit><multiplier>100</multiplier><unit_name>cm</unit_name></unit></units>"""
    content = quiz(
        moodle_question("multichoice", dropped).replace("0.3333333", "0.1").replace("<hidden>0", "<hidden>1"),
        moodle_question("numerical", answer(100, "2", extra="<tolerance>0</tolerance>") + units),
        moodle_question("essay", "<attachments>1</attachments>").replace("0.3333333", "0.1"),
        MOODLE_XML[MOODLE_XML.index("<quiz>") + 6 : MOODLE_XML.index("</quiz>")],
    )

    questions, errors = read(content)

    assert len(errors) == 1  # the multianswer
    choice, number, essay = questions[:3]
    assert choice.notes[0].startswith("“Gác máy”: pictures and tables in answers are not kept")
    assert choice.notes[1] == (
        "not kept from Moodle: penalty for each try 0.1, hidden, hints (2), feedback for right, partly right and "
        "wrong answers, tags otp, lừa đảo, answer numbering 123."
    )
    assert number.notes == ["units are not kept (m, cm): only the number is graded."]
    assert essay.notes == ["not kept from Moodle: attachments."]
    assert [question.notes for question in questions[3:]] == [[]] * 8
    result = import_xml(content, skip_invalid=True)
    assert [note.line for note in result.notes] == [
        3,
        3,
        line_of(content, '<question type="numerical">'),
        line_of(content, '<question type="essay">'),
    ]


def test_a_picture_in_the_question_text_becomes_a_wagtail_image_embedded_in_it():
    import_xml(MOODLE_XML, skip_invalid=True)

    image = get_image_model().objects.get()
    with image.file.open("rb") as file:
        assert file.read() == PICTURE
    assert DescriptionQuestion.objects.get().text == (
        f'<p>Đọc tình huống sau: <embed alt="Sơ đồ mạng" embedtype="image" format="fullwidth" id="{image.pk}"/></p>'
    )


def test_pictures_outside_the_file_or_not_pictures_are_dropped_and_noted():
    extra = f'<file name="a.png" path="/" encoding="base64">{base64.b64encode(b"not a picture").decode()}</file>'
    text = '<p>Xem <img src="@@PLUGINFILE@@/a.png" alt="a"> và <img src="@@PLUGINFILE@@/b.png"></p>'

    [question], _errors = read(quiz(moodle_question("description", "", text=text, extra=extra)))

    assert question.text == "<p>Xem  và </p>"
    assert question.images == {}
    assert question.notes == [
        "the picture a.png is missing from the file or is not a picture.",
        "the picture b.png is missing from the file or is not a picture.",
    ]


def test_importing_the_same_file_again_finds_every_question_existing():
    import_xml(MOODLE_XML, skip_invalid=True)

    again = import_xml(MOODLE_XML, skip_invalid=True)

    assert (again.added, again.updated, again.existing) == (0, 0, 8)
    assert Question.objects.count() == 8
    assert get_image_model().objects.count() == 1


def contents(category_name):
    root = QuestionCategory.objects.get(name=category_name, parent=None)
    paths = {}
    for question in Question.objects.filter(category__in=root.with_descendants()).order_by("pk"):
        category, path = question.category, []
        while category != root:
            path.insert(0, category.name)
            category = category.parent
        paths.setdefault("/".join(path), []).append(question.content())
    return paths


def test_a_bank_written_as_moodle_xml_and_read_again_is_the_same_bank():
    import_xml(MOODLE_XML, "Ngân hàng Mặt trận", skip_invalid=True)
    root = QuestionCategory.objects.get(name="Ngân hàng Mặt trận")
    SingleChoiceQuestion.objects.create(
        category=root,
        name="Ký tự <đặc biệt> & ]]>",
        text="<p>Chọn <i>một</i>: a &lt; b &amp; ]]&gt;</p>",
        choices=[
            {"type": "choice", "value": {"text": "a < b & ]]>", "correct": True, "weight": None, "feedback": "Ừ"}},
            {"type": "choice", "value": {"text": "Khác", "correct": False, "weight": Decimal(-25), "feedback": ""}},
        ],
    )

    content, changed = write_moodle_xml(root)
    result = import_xml(content, "Bản sao")

    assert changed == []
    assert (result.added, result.errors, result.notes) == (9, [], [])
    assert contents("Bản sao") == contents("Ngân hàng Mặt trận")
    assert set(contents("Bản sao")) == {"", "An toàn thông tin", "An toàn thông tin/Lừa đảo"}
    assert get_image_model().objects.count() == 1


def test_the_file_is_moodle_xml_with_fractions_categories_and_pictures_as_moodle_writes_them():
    import_xml(MOODLE_XML, "Ngân hàng", skip_invalid=True)
    root = QuestionCategory.objects.get(name="Ngân hàng")
    inside = QuestionCategory.objects.get(name="Lừa đảo")
    inside.name = "Lừa đảo/Giả danh"
    inside.save()
    MultipleChoiceQuestion.objects.create(
        category=root,
        name="Ba phần",
        text="<p>Chọn ba</p>",
        partial_credit=True,
        choices=[
            {"type": "choice", "value": {"text": text, "correct": correct, "feedback": ""}}
            for text, correct in (("a", True), ("b", True), ("c", True), ("d", False))
        ],
    )

    content, _changed = write_moodle_xml(root)

    quiz_element = ElementTree.fromstring(content)
    categories = [element.findtext("category/text") for element in quiz_element.iter("question")]
    assert [path for path in categories if path] == [
        "$course$/top/An toàn thông tin",
        "$course$/top/An toàn thông tin/Lừa đảo//Giả danh",
    ]
    three = next(element for element in quiz_element if element.findtext("name/text") == "Ba phần")
    assert [answer.get("fraction") for answer in three.iter("answer")] == ["33.33333"] * 3 + ["-33.33333"]
    assert three.findtext("single") == "false"
    single = next(element for element in quiz_element if element.findtext("name/text") == "OTP")
    assert [answer.get("fraction") for answer in single.iter("answer")] == ["100", "50", "0"]
    assert (single.findtext("defaultgrade"), single.findtext("idnumber")) == ("2", "ATTT-01")
    description = next(element for element in quiz_element if element.get("type") == "description")
    image = get_image_model().objects.get()
    name = image.file.name.rsplit("/", 1)[-1]
    picture = description.find("questiontext/file")
    assert (picture.get("name"), picture.get("encoding")) == (name, "base64")
    assert base64.b64decode(picture.text) == PICTURE
    assert f'<img src="@@PLUGINFILE@@/{name.replace(" ", "%20")}" alt="Sơ đồ mạng">' in description.findtext(
        "questiontext/text"
    )
    assert "<![CDATA[<p>Đọc tình huống sau:".encode() in content
    number = next(element for element in quiz_element if element.get("type") == "numerical")
    assert [(answer.findtext("text"), answer.findtext("tolerance")) for answer in number.iter("answer")] == [
        ("3.14", "0.01"),
        ("*", "0"),
    ]
    assert re.search(rb"<usecase>1</usecase>", content)


def test_all_or_nothing_multiple_choice_is_written_with_moodle_penalties_and_returned_as_changed():
    root = QuestionCategory.objects.create(name="Mật khẩu")
    all_or_nothing = MultipleChoiceQuestion.objects.create(
        category=root,
        name="Tất cả hoặc không",
        text="<p>Chọn các mật khẩu mạnh</p>",
        partial_credit=False,
        choices=[
            {"type": "choice", "value": {"text": text, "correct": correct, "feedback": ""}}
            for text, correct in (("Tr@ng-Hoa-2026!", True), ("N0i-Bai#Sân-bay", True), ("123456", False))
        ],
    )
    accents = ShortAnswerQuestion.objects.create(
        category=root,
        name="Không dấu",
        text="<p>Tên ứng dụng?</p>",
        ignore_accents=True,
        answers=[{"type": "answer", "value": {"text": "Định danh", "weight": Decimal(100), "feedback": ""}}],
    )
    exact = MultipleChoiceQuestion.objects.create(
        category=root, name="Từng phần", text="<p>?</p>", partial_credit=True, choices=all_or_nothing.choices.raw_data
    )

    content, changed = write_moodle_xml(root)

    assert [(question, str(reason)) for question, reason in changed] == [
        (all_or_nothing, "all or nothing is not in Moodle: each wrong choice is written as -100%"),
        (accents, "Moodle does not ignore accents: its answers must be typed with them"),
    ]
    written = next(
        element for element in ElementTree.fromstring(content) if element.findtext("name/text") == "Tất cả hoặc không"
    )
    assert [answer.get("fraction") for answer in written.iter("answer")] == ["50", "50", "-100"]
    assert exact not in [question for question, _reason in changed]


def test_a_picture_gone_from_the_bank_is_left_out_and_the_question_returned_as_changed():
    root = QuestionCategory.objects.create(name="Hình")
    question = DescriptionQuestion.objects.create(
        category=root,
        name="Mất hình",
        text='<p>Hình: <embed alt="x" embedtype="image" format="fullwidth" id="999"/></p>',
    )

    content, changed = write_moodle_xml(root)

    assert [(question, str(reason)) for question, reason in changed] == [
        (question, "a picture it showed is no longer in the bank and is left out")
    ]
    assert b"<embed" not in content
    assert b"@@PLUGINFILE@@" not in content
