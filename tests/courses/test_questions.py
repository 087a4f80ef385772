"""Each question type grades its answers, edge cases included."""

import importlib
import json
from decimal import Decimal

import pytest
from django.http import QueryDict

from courses.models import (
    QUESTION_TYPES,
    QUESTION_TYPES_BY_NAME,
    EssayQuestion,
    MatchingQuestion,
    MultipleChoiceQuestion,
    NumericalQuestion,
    ShortAnswerQuestion,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from courses.models.questions import parse_number
from tests.courses.helpers import accepting, number_answer


def choices(*items):
    """StreamField data of choices: (id, text, correct)."""
    return json.dumps(
        [
            {"type": "choice", "id": choice_id, "value": {"text": text, "correct": correct, "feedback": ""}}
            for choice_id, text, correct in items
        ]
    )


OTP_CHOICES = choices(("a", "Đọc mã OTP cho người gọi", False), ("b", "Gác máy", True), ("c", "Chuyển tiền", False))


@pytest.mark.parametrize(("response", "expected"), [("b", 1), ("a", 0), ("z", 0), (None, 0), (["b"], 0), ("", 0)])
def test_single_choice(response, expected):
    question = SingleChoiceQuestion(choices=OTP_CHOICES)

    assert question.grade(response) == Decimal(expected)


SAFE_HABITS = choices(
    ("a", "Bật xác thực hai lớp", True),
    ("b", "Dùng một mật khẩu cho mọi tài khoản", False),
    ("c", "Cập nhật phần mềm", True),
    ("d", "Cài ứng dụng từ đường dẫn lạ", False),
)


@pytest.mark.parametrize(
    ("response", "expected"),
    [(["a", "c"], 1), (["c", "a"], 1), (["a"], 0), (["a", "c", "b"], 0), ([], 0), ("a", 0), (["a", "a", "c"], 1)],
)
def test_multiple_choice_all_or_nothing(response, expected):
    question = MultipleChoiceQuestion(choices=SAFE_HABITS, partial_credit=False)

    assert question.grade(response) == Decimal(expected)


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (["a", "c"], "1"),
        (["a"], "0.5"),
        (["a", "b"], "0"),
        (["a", "c", "b"], "0.5"),
        (["b", "d"], "0"),
        (["a", "c", "unknown"], "1"),
        ({"a": True}, "0"),
    ],
)
def test_multiple_choice_partial_credit_never_goes_below_zero(response, expected):
    question = MultipleChoiceQuestion(choices=SAFE_HABITS, partial_credit=True)

    assert question.grade(response) == Decimal(expected)


@pytest.mark.parametrize(
    ("correct_answer", "response", "expected"),
    [(True, True, 1), (True, False, 0), (False, False, 1), (True, "true", 0), (False, None, 0), (True, 1, 0)],
)
def test_true_false_wants_a_boolean(correct_answer, response, expected):
    assert TrueFalseQuestion(correct_answer=correct_answer).grade(response) == Decimal(expected)


@pytest.mark.parametrize(
    ("ignore_accents", "response", "expected"),
    [
        (False, "Chữ ký số", 1),
        (False, "  chữ   KÝ số ", 1),
        (False, "chu ky so", 0),
        (True, "chu ky so", 1),
        (True, "CHỮ KÝ SỐ", 1),
        (False, "VNeID", 1),
        (False, "vneid", 1),
        (False, "", 0),
        (False, "chữ ký", 0),
        (False, None, 0),
    ],
)
def test_short_answer_ignores_case_and_spacing_and_optionally_accents(ignore_accents, response, expected):
    question = ShortAnswerQuestion(answers=accepting("Chữ ký số", "VNeID"), ignore_accents=ignore_accents)

    assert question.grade(response) == Decimal(expected)


def test_short_answer_compares_composed_and_decomposed_vietnamese_alike():
    import unicodedata

    question = ShortAnswerQuestion(answers=accepting("Mặt trận"))

    assert question.grade(unicodedata.normalize("NFD", "mặt trận")) == Decimal(1)


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ("3.5", 1),
        ("3,5", 1),
        ("3,6", 1),
        ("3.61", 0),
        ("3,4", 1),
        ("3,39", 0),
        ("abc", 0),
        ("", 0),
        ("NaN", 0),
        ("1e999999999", 0),  # overflowed the subtraction that compares it
    ],
)
def test_numerical_within_tolerance(response, expected):
    question = NumericalQuestion(answers=number_answer("3.5", "0.1"))

    assert question.grade(response) == Decimal(expected)


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("1 000", 1000),
        ("1.000,5", Decimal("1000.5")),
        ("-2", -2),
        ("2e3", 2000),
        ("Infinity", None),
        ("", None),
        ("9999999999999", 9999999999999),
        ("1e13", None),  # beyond what the bank holds
        ("-1e999999999", None),
    ],
)
def test_numbers_are_read_as_vietnamese_learners_type_them(typed, number):
    assert parse_number(typed) == (Decimal(number) if number is not None else None)


def pairs(*items):
    return json.dumps(
        [
            {"type": "pair", "id": pair_id, "value": {"prompt": prompt, "match": match}}
            for pair_id, prompt, match in items
        ]
    )


SERVICES = pairs(
    ("p1", "Định danh điện tử", "VNeID"),
    ("p2", "Dịch vụ công", "Cổng dịch vụ công quốc gia"),
    ("p3", "Bảo hiểm xã hội", "VssID"),
    ("p4", "Thuế", "eTax Mobile"),
)


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ({"p1": "p1", "p2": "p2", "p3": "p3", "p4": "p4"}, "1"),
        ({"p1": "p1", "p2": "p3", "p3": "p2", "p4": "p4"}, "0.5"),
        ({"p1": "p1"}, "0.25"),
        ({"p1": "nope", "p2": ["p2"]}, "0"),
        ([], "0"),
    ],
)
def test_matching_gives_a_share_for_each_right_match(response, expected):
    assert MatchingQuestion(pairs=SERVICES).grade(response) == Decimal(expected)


def test_matching_accepts_either_item_when_two_share_an_answer():
    question = MatchingQuestion(pairs=pairs(("p1", "Zalo", "Mạng xã hội"), ("p2", "Facebook", "Mạng xã hội")))

    assert question.grade({"p1": "p2", "p2": "p1"}) == Decimal(1)


def test_an_essay_waits_for_a_trainer():
    assert EssayQuestion().grade("Bài viết của tôi") is None


@pytest.mark.django_db
def test_a_category_holds_the_categories_inside_it_at_any_depth():
    from courses.models import QuestionCategory

    safety = QuestionCategory.objects.create(name="An toàn thông tin")
    scams = QuestionCategory.objects.create(name="Lừa đảo", parent=safety)
    phone_scams = QuestionCategory.objects.create(name="Qua điện thoại", parent=scams)
    other = QuestionCategory.objects.create(name="Chữ ký số")

    assert sorted(safety.with_descendants()) == sorted([safety.pk, scams.pk, phone_scams.pk])
    assert scams.with_descendants() == [scams.pk, phone_scams.pk]
    assert other.with_descendants() == [other.pk]


# What attempts rely on: a question rebuilt from its snapshot, read from a form, answered right


EVERY_TYPE = [
    SingleChoiceQuestion(choices=OTP_CHOICES),
    MultipleChoiceQuestion(choices=SAFE_HABITS, partial_credit=True),
    TrueFalseQuestion(correct_answer=False),
    ShortAnswerQuestion(answers=accepting("VNeID", "VNe ID")),
    NumericalQuestion(answers=number_answer("113.000000")),
    MatchingQuestion(pairs=SERVICES),
]


@pytest.mark.parametrize("question", EVERY_TYPE, ids=lambda question: type(question).__name__)
def test_the_right_response_earns_every_point_and_survives_a_snapshot(question):
    question.name, question.text, question.points = "Câu", "<p>?</p>", Decimal("2.5")
    rebuilt = type(question).from_snapshot(question.snapshot())

    assert question.grade(question.right_response()) == 1
    assert rebuilt.grade(question.right_response()) == 1
    assert (rebuilt.name, rebuilt.text, rebuilt.points) == ("Câu", "<p>?</p>", Decimal("2.5"))


def test_an_essay_has_no_right_response():
    assert EssayQuestion().right_response() is None


@pytest.mark.parametrize(
    ("question", "form", "response"),
    [
        (SingleChoiceQuestion(choices=OTP_CHOICES), "q=b", "b"),
        (SingleChoiceQuestion(choices=OTP_CHOICES), "q=", None),
        (MultipleChoiceQuestion(choices=SAFE_HABITS), "q=a&q=c", ["a", "c"]),
        (MultipleChoiceQuestion(choices=SAFE_HABITS), "", None),
        (TrueFalseQuestion(correct_answer=True), "q=false", False),
        (TrueFalseQuestion(correct_answer=True), "q=maybe", None),
        (ShortAnswerQuestion(answers=accepting("VNeID")), "q=+vneid+", "vneid"),
        (NumericalQuestion(answers=number_answer(1)), "q=3,5", "3,5"),
        (MatchingQuestion(pairs=SERVICES), "q-p1=p2&q-p2=&q-p9=p1", {"p1": "p2"}),
        (MatchingQuestion(pairs=SERVICES), "q-p1=", None),
        (EssayQuestion(), "q=Bài+viết", "Bài viết"),
    ],
)
def test_a_question_reads_its_answer_from_the_submitted_form(question, form, response):
    assert question.read_answer(QueryDict(form), "q") == response


def snapshot_migration():
    return importlib.import_module("courses.migrations.0009_moodle_question_semantics")


def test_a_short_answer_frozen_before_weighted_answers_grades_as_it_did():
    frozen = {"name": "Ngắn", "points": "1.00", "accepted_answers": "VNeID\n\nVNe ID\n", "ignore_accents": "False"}

    question = ShortAnswerQuestion.from_snapshot(snapshot_migration().converted_snapshot(frozen))

    assert [question.grade(typed) for typed in ("vneid", "VNe ID", "CCCD")] == [1, 1, 0]


def test_a_number_frozen_before_weighted_answers_grades_as_it_did():
    frozen = {"name": "Số", "points": "1.00", "answer": "3.500000", "tolerance": "0.100000"}

    question = NumericalQuestion.from_snapshot(snapshot_migration().converted_snapshot(frozen))

    assert [question.grade(typed) for typed in ("3,6", "3.4", "3.61")] == [1, 1, 0]


def test_every_registered_question_type_is_read_and_written_by_every_format_and_has_an_admin_form():
    from courses import question_export, question_formats, question_import, question_xml
    from courses.question_admin import question_type_viewsets

    names = set(QUESTION_TYPES_BY_NAME)
    assert [viewset.model for viewset in question_type_viewsets()] == list(QUESTION_TYPES)
    assert set(question_formats.SHEET_KINDS.values()) == names
    assert {model._meta.model_name for model in question_export.SHEET_ANSWERS} == names
    # a description is written to GIFT as its text alone
    assert {model._meta.model_name for model in question_export.GIFT_ANSWERS} == names - {"descriptionquestion"}
    assert set(question_xml.TYPE_WRITERS) == set(question_xml.MOODLE_TYPES) == names
    assert {model.moodle_type for model in QUESTION_TYPES} <= set(question_xml.TYPE_READERS)
    for name, model in QUESTION_TYPES_BY_NAME.items():
        assert question_import.type_fields(question_formats.ParsedQuestion(kind=name, line=1, text=""))[0] is model
