"""Reading question banks written for other LMSs: Moodle's GIFT and Aiken formats.

Each reader returns ``(questions, errors)``: the questions it could read, as ``ParsedQuestion``,
and a ``FormatError`` (line number and reason) for every question it could not.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.models.questions import parse_number
from lms.spreadsheets import Column, SheetFormatError, read_rows
from lms.spreadsheets import text as cell_text
from lms.vietnamese import fold


@dataclass
class FormatError:
    line: int
    reason: str

    def __str__(self):
        return _("line %(line)s: %(reason)s") % {"line": self.line, "reason": self.reason}


@dataclass
class ParsedQuestion:
    """A question read from a file, before it is saved; ``kind`` names its model."""

    kind: str
    line: int
    text: str
    name: str = ""
    category: str = ""
    general_feedback: str = ""
    choices: list = field(default_factory=list)  # (text, correct, feedback)
    partial_credit: bool = False
    correct_answer: bool = False
    feedback_true: str = ""
    feedback_false: str = ""
    accepted_answers: list = field(default_factory=list)
    answer: Decimal | None = None
    tolerance: Decimal = Decimal(0)
    pairs: list = field(default_factory=list)  # (prompt, match)
    points: Decimal = Decimal(1)

    def __post_init__(self):
        if not self.name:
            self.name = re.sub(r"<[^>]+>", "", self.text).strip()[:80] or _("Question on line %(line)s") % {
                "line": self.line
            }


class Invalid(Exception):
    """A question cannot be read; the message says why."""


# Aiken


AIKEN_CHOICE = re.compile(r"^([A-Z])[.)]\s+(.*)$")
AIKEN_ANSWER = re.compile(r"^ANSWER:\s*([A-Z])\s*$")


def read_aiken(text):
    """Aiken: the question on one line, choices "A." or "A)" on the next lines, then "ANSWER: B"."""
    questions, errors = [], []
    for start, lines in blocks_of(text.splitlines()):
        try:
            questions.append(aiken_question(start, lines))
        except Invalid as error:
            errors.append(FormatError(start, str(error)))
    return questions, errors


def aiken_question(start, lines):
    question_text, *rest = lines
    if not rest or not (answer := AIKEN_ANSWER.match(rest[-1])):
        raise Invalid(_("the question does not end with a line “ANSWER: letter”."))
    choices = {}
    for number, line in enumerate(rest[:-1], start=start + 1):
        choice = AIKEN_CHOICE.match(line)
        if choice is None:
            raise Invalid(_("line %(line)s is not a choice like “A. text”.") % {"line": number})
        choices[choice.group(1)] = choice.group(2).strip()
    if len(choices) < 2:
        raise Invalid(_("a question needs at least two choices."))
    letter = answer.group(1)
    if letter not in choices:
        raise Invalid(_("the answer %(letter)s is not one of the choices.") % {"letter": letter})
    return ParsedQuestion(
        kind="singlechoicequestion",
        line=start,
        text=question_text.strip(),
        choices=[(text, key == letter, "") for key, text in choices.items()],
    )


def blocks_of(lines, *, comment=None):
    """Runs of non-blank lines, as (first line number, lines); ``comment`` lines are skipped."""
    block, start = [], 0
    for number, line in enumerate([*lines, ""], start=1):
        if comment and line.lstrip().startswith(comment):
            continue
        if line.strip():
            if not block:
                start = number
            block.append(line.rstrip())
        elif block:
            yield start, block
            block = []


# GIFT


GIFT_SPECIAL = "~=#{}:"
GIFT_TRUE = {"T", "TRUE"}
GIFT_FALSE = {"F", "FALSE"}
GIFT_FORMAT = re.compile(r"^\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
BLANK = "_____"


def unescape(text):
    return re.sub(r"\\([~=#{}:])", r"\1", text).replace("\\n", "\n").strip()


def split_unescaped(text, separators):
    """Split ``text`` before each unescaped character of ``separators``; each part keeps its separator."""
    parts, current, index = [], "", 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            current += text[index : index + 2]
            index += 2
            continue
        if char in separators:
            parts.append(current)
            current = ""
        current += char
        index += 1
    parts.append(current)
    return [part for part in parts if part.strip()]


def find_unescaped(text, char, start=0):
    index = start
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == char:
            return index
        index += 1
    return -1


def read_gift(text):
    """GIFT, as Moodle documents it: one question per paragraph, answers in braces."""
    questions, errors = [], []
    category = ""
    for start, lines in blocks_of(text.lstrip("\ufeff").splitlines(), comment="//"):
        if lines[0].startswith("$CATEGORY:"):
            category = lines[0].removeprefix("$CATEGORY:").strip().removeprefix("$course$/").strip()
            lines = lines[1:]
            if not lines:
                continue
            start += 1
        try:
            question = gift_question(start, "\n".join(lines))
        except Invalid as error:
            errors.append(FormatError(start, str(error)))
            continue
        question.category = category
        questions.append(question)
    return questions, errors


def gift_question(start, source):
    name = ""
    if source.startswith("::"):
        end = source.find("::", 2)
        if end < 0:
            raise Invalid(_("the title is not closed with “::”."))
        name, source = source[2:end].strip(), source[end + 2 :].strip()
    source = GIFT_FORMAT.sub("", source).strip()
    opening = find_unescaped(source, "{")
    closing = find_unescaped(source, "}", opening + 1) if opening >= 0 else -1
    if opening < 0:
        raise Invalid(_("no answers in braces { }."))
    if closing < 0:
        raise Invalid(_("the answers are not closed with “}”."))
    before, answers, after = (
        source[:opening].strip(),
        source[opening + 1 : closing].strip(),
        source[closing + 1 :].strip(),
    )
    text = unescape(f"{before} {BLANK} {after}" if after else before)
    answers, _separator, general_feedback = answers.partition("####")
    question = gift_answers(start, text, answers.strip())
    question.name = name or question.name
    question.general_feedback = unescape(general_feedback)
    return question


def gift_answers(start, text, answers):
    if not answers:
        return ParsedQuestion(kind="essayquestion", line=start, text=text)
    if answers.startswith("#"):
        return gift_numerical(start, text, answers[1:])
    head, *feedbacks = split_unescaped(answers, "#")
    if head.strip().upper() in GIFT_TRUE | GIFT_FALSE:
        feedbacks = [unescape(feedback[1:]) for feedback in feedbacks]
        correct = head.strip().upper() in GIFT_TRUE
        # Moodle: the first feedback is shown for a wrong answer, the second for a right one.
        wrong_feedback, right_feedback = [*feedbacks, "", ""][:2]
        return ParsedQuestion(
            kind="truefalsequestion",
            line=start,
            text=text,
            correct_answer=correct,
            feedback_true=right_feedback if correct else wrong_feedback,
            feedback_false=wrong_feedback if correct else right_feedback,
        )
    items = split_unescaped(answers, "~=")
    if not all(item[0] in "~=" for item in items):
        raise Invalid(_("every answer must start with “=” (right) or “~” (wrong)."))
    if all(item[0] == "=" for item in items):
        if all(find_unescaped(item, "-") >= 0 and "->" in item for item in items):
            return gift_matching(start, text, items)
        return ParsedQuestion(
            kind="shortanswerquestion",
            line=start,
            text=text,
            accepted_answers=[unescape(split_unescaped(item[1:], "#")[0]) for item in items],
        )
    return gift_choices(start, text, items)


WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")


def gift_choices(start, text, items):
    choices, weighted = [], False
    for item in items:
        body = item[1:].strip()
        weight = WEIGHT.match(body)
        if weight:
            weighted = True
            body = body[weight.end() :]
        answer, *feedback = split_unescaped(body, "#") or [""]
        if not unescape(answer):
            raise Invalid(_("an answer is empty."))
        correct = item[0] == "=" or (weight is not None and Decimal(weight.group(1)) > 0)
        choices.append((unescape(answer), correct, unescape(feedback[0][1:]) if feedback else ""))
    right = sum(1 for _text, correct, _feedback in choices if correct)
    if right == 0:
        raise Invalid(_("no answer is marked right (with “=” or a positive weight)."))
    if len(choices) < 2:
        raise Invalid(_("a question needs at least two choices."))
    if right == 1 and not weighted:
        return ParsedQuestion(kind="singlechoicequestion", line=start, text=text, choices=choices)
    return ParsedQuestion(kind="multiplechoicequestion", line=start, text=text, choices=choices, partial_credit=True)


def gift_matching(start, text, items):
    pairs = []
    for item in items:
        prompt, _arrow, match = item[1:].partition("->")
        if not unescape(prompt) or not unescape(match):
            raise Invalid(_("a matching pair needs text on both sides of “->”."))
        pairs.append((unescape(prompt), unescape(match)))
    if len(pairs) < 2:
        raise Invalid(_("a matching question needs at least two pairs."))
    return ParsedQuestion(kind="matchingquestion", line=start, text=text, pairs=pairs)


def gift_numerical(start, text, answers):
    first = split_unescaped(answers.strip(), "=")[0] if answers.strip() else ""
    first = first.removeprefix("=").strip()
    value = split_unescaped(first, "#")[0].strip() if first else ""
    if ".." in value:
        low, high = (parse_number(part) for part in value.split("..", 1))
        if low is None or high is None or low > high:
            raise Invalid(_("“%(value)s” is not a range like 3.13..3.15.") % {"value": value})
        return ParsedQuestion(
            kind="numericalquestion", line=start, text=text, answer=(low + high) / 2, tolerance=(high - low) / 2
        )
    number, _colon, tolerance = value.partition(":")
    answer, margin = parse_number(number), parse_number(tolerance) if tolerance else Decimal(0)
    if answer is None or margin is None or margin < 0:
        raise Invalid(_("“%(value)s” is not a number like 3.14 or 3.14:0.01.") % {"value": value})
    return ParsedQuestion(kind="numericalquestion", line=start, text=text, answer=answer, tolerance=margin)


TEXT_READERS = {"gift": read_gift, "aiken": read_aiken}
FORMATS = ("gift", "aiken", "xlsx")


def read_questions(file, filename, file_format):
    """The questions of an uploaded file (binary) in ``file_format``, and the errors."""
    if file_format == "xlsx":
        return read_sheet(file, filename)
    try:
        text = file.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [FormatError(1, _("the file is not UTF-8 text; save it as UTF-8."))]
    return TEXT_READERS[file_format](text)


# The spreadsheet template


SHEET_KIND_LABELS = {
    "singlechoicequestion": "Một lựa chọn",
    "multiplechoicequestion": "Nhiều lựa chọn",
    "truefalsequestion": "Đúng sai",
    "shortanswerquestion": "Trả lời ngắn",
    "numericalquestion": "Số",
    "matchingquestion": "Ghép đôi",
    "essayquestion": "Tự luận",
}
SHEET_KINDS = {fold(label): kind for kind, label in SHEET_KIND_LABELS.items()}
SHEET_CHOICES = 6
SHEET_COLUMNS = [
    Column(
        "kind",
        "Loại",
        required=True,
        help=gettext_lazy("Một lựa chọn, Nhiều lựa chọn, Đúng sai, Trả lời ngắn, Số, Ghép đôi or Tự luận."),
    ),
    Column(
        "category", "Nhóm", help=gettext_lazy("A category inside the one imported into, e.g. Lừa đảo/Qua điện thoại.")
    ),
    Column("name", "Tên", help=gettext_lazy("Defaults to the start of the question.")),
    Column("text", "Câu hỏi", required=True),
    *(
        Column(f"choice_{number}", f"Lựa chọn {number}", help=gettext_lazy("For matching: item -> match."))
        for number in range(1, SHEET_CHOICES + 1)
    ),
    Column(
        "answer",
        "Đáp án",
        help=gettext_lazy(
            "Choices: the numbers of the right ones (2 or 1,3). Đúng sai: Đúng or Sai. Trả lời ngắn: the "
            "accepted answers separated by |. Số: 3,14 or 3,14 ± 0,01."
        ),
    ),
    Column("points", "Điểm", help=gettext_lazy("Defaults to 1.")),
    Column("feedback", "Nhận xét"),
]


def read_sheet(file, filename):
    """The XLSX (or CSV) template: one question per row."""
    questions, errors = [], []
    try:
        for row_number, values in read_rows(file, filename, SHEET_COLUMNS):
            try:
                questions.append(sheet_question(row_number, {key: cell_text(value) for key, value in values.items()}))
            except Invalid as error:
                errors.append(FormatError(row_number, str(error)))
    except SheetFormatError as error:
        errors.append(FormatError(1, str(error)))
    return questions, errors


def sheet_question(row, values):
    kind = SHEET_KINDS.get(fold(values.get("kind", "")))
    if kind is None:
        raise Invalid(_("column Loại: “%(value)s” is not a question type.") % {"value": values.get("kind", "")})
    if not values.get("text"):
        raise Invalid(_("column Câu hỏi is empty."))
    points = parse_number(values["points"]) if values.get("points") else Decimal(1)
    if points is None or points <= 0:
        raise Invalid(_("column Điểm: “%(value)s” is not a positive number.") % {"value": values["points"]})
    question = ParsedQuestion(
        kind=kind,
        line=row,
        text=values["text"],
        name=values.get("name", ""),
        category=values.get("category", ""),
        general_feedback=values.get("feedback", ""),
        points=points,
    )
    choices = [values.get(f"choice_{number}", "") for number in range(1, SHEET_CHOICES + 1)]
    choices = [choice for choice in choices if choice]
    answer = values.get("answer", "")
    if kind in ("singlechoicequestion", "multiplechoicequestion"):
        right = {part.strip() for part in answer.replace(";", ",").split(",") if part.strip()}
        if len(choices) < 2:
            raise Invalid(_("a question needs at least two choices."))
        if not right or not right <= {str(number) for number in range(1, len(choices) + 1)}:
            raise Invalid(_("column Đáp án: write the numbers of the right choices, e.g. 2 or 1,3."))
        question.choices = [(choice, str(number) in right, "") for number, choice in enumerate(choices, start=1)]
        if kind == "singlechoicequestion" and len(right) > 1:
            raise Invalid(_("column Đáp án: a single choice question has one right choice."))
        question.partial_credit = kind == "multiplechoicequestion"
    elif kind == "truefalsequestion":
        if fold(answer) not in ("dung", "sai"):
            raise Invalid(_("column Đáp án: write Đúng or Sai."))
        question.correct_answer = fold(answer) == "dung"
    elif kind == "shortanswerquestion":
        question.accepted_answers = [part.strip() for part in answer.split("|") if part.strip()]
        if not question.accepted_answers:
            raise Invalid(_("column Đáp án: write the accepted answers."))
    elif kind == "numericalquestion":
        number, _sign, margin = answer.replace("+-", "±").partition("±")
        question.answer = parse_number(number)
        question.tolerance = parse_number(margin) if margin.strip() else Decimal(0)
        if question.answer is None or question.tolerance is None or question.tolerance < 0:
            raise Invalid(_("column Đáp án: “%(value)s” is not a number like 3,14 or 3,14 ± 0,01.") % {"value": answer})
    elif kind == "matchingquestion":
        pairs = [choice.partition("->") for choice in choices]
        if len(pairs) < 2 or not all(prompt.strip() and match.strip() for prompt, _arrow, match in pairs):
            raise Invalid(_("a matching question needs at least two choices written “item -> match”."))
        question.pairs = [(prompt.strip(), match.strip()) for prompt, _arrow, match in pairs]
    return question
