"""Reading question banks written for other LMSs: Moodle's GIFT and Aiken formats.

Each reader returns ``(questions, errors)``: the questions it could read, as ``ParsedQuestion``,
and a ``FormatError`` (line number and reason) for every question it could not.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from html import unescape as unescape_html

from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter
from wagtail.admin.rich_text.converters.markdown_db import MarkdownConverter

from courses.models.questions import (
    LARGEST_DIGITS,
    QUESTION_TEXT_FEATURES,
    QUESTION_TYPES,
    category_names,
    category_path,
    parse_number,
)
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
    """A question read from a file, before it is saved; ``kind`` names its model. Texts are rich text
    (HTML as the bank stores it); answers and feedback on answers are plain text."""

    kind: str
    line: int
    text: str
    name: str = ""
    idnumber: str = ""
    category: str = ""
    general_feedback: str = ""
    points: Decimal = Decimal(1)
    choices: list = field(default_factory=list)  # {"text", "correct", "weight" (None: as "correct" says), "feedback"}
    partial_credit: bool = False
    correct_answer: bool = False
    feedback_true: str = ""
    feedback_false: str = ""
    answers: list = field(default_factory=list)  # short answer {"text", ...}, numerical {"value", "tolerance", ...}
    case_sensitive: bool = False
    pairs: list = field(default_factory=list)  # (item, match); an empty item adds a wrong match to choose from
    answer_template: str = ""
    grading_notes: str = ""
    notes: list = field(default_factory=list)  # what the bank cannot keep of it, told to whoever imports it
    # Pictures in its texts: <embed embedtype="image" id="TOKEN" .../> where images[TOKEN] = (file name, bytes)
    images: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.kind == "descriptionquestion":
            self.points = Decimal(0)
        if not self.name:
            self.name = plain(self.text)[:80].strip() or _("Question on line %(line)s") % {"line": self.line}
        if len(self.name) > NAME_LENGTH:
            self.notes.append(_("its name is cut to %(length)s characters.") % {"length": NAME_LENGTH})
            self.name = self.name[:NAME_LENGTH]


NAME_LENGTH = 255


class Invalid(Exception):
    """A question cannot be read; the message says why."""


# Text formats: Moodle's html, moodle (HTML allowed, lines kept), markdown and plain become the bank's rich
# text, sanitised to the features a question's text has.

TEXT_FORMATS = ("html", "moodle", "markdown", "plain")
UNSAFE_ELEMENTS = re.compile(r"<(script|style|iframe|object)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
MEDIA_TAG = re.compile(r"<(img|table|video|audio|iframe|object|embed|math|svg)\b", re.IGNORECASE)


def rich_text(text, text_format="moodle"):
    """``text`` written in ``text_format`` as the bank's rich text (Wagtail's database HTML)."""
    text = text.strip()
    if not text:
        return ""
    if text_format == "html":
        html = text
    elif text_format == "markdown":
        html = MarkdownConverter(features=QUESTION_TEXT_FEATURES).to_database_format(text)
    else:
        html = linebreaks(escape(text) if text_format == "plain" else text)
    html = UNSAFE_ELEMENTS.sub("", html)
    return EditorHTMLConverter(features=QUESTION_TEXT_FEATURES).to_database_format(html).strip()


def plain(html):
    """Rich text as plain text: one line per paragraph or line break, no tags."""
    text = re.sub(r"(?i)<br\s*/?>|</p>|</li>|</h\d>|</div>", "\n", html)
    text = unescape_html(re.sub(r"<[^>]+>", "", text))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def answer_text(text, text_format, notes):
    """An answer or a feedback on one, which the bank keeps as plain text; media it loses is noted."""
    if text_format == "plain":
        return text.strip()
    if MEDIA_TAG.search(text):
        notes.append(_("“%(text)s”: pictures and tables in answers are not kept.") % {"text": plain(text)[:40]})
    return " ".join(plain(rich_text(text, text_format)).split())


# Aiken, as Moodle reads it: a question (one or more lines), its choices "A." or "A)", then "ANSWER: B".
# Lines shorter than two characters, blank ones among them, are skipped.


AIKEN_CHOICE = re.compile(r"^([A-Z])[.)][ \t]*(.*)$")
AIKEN_ANSWER = re.compile(r"^ANSWER:\s*(\S?)")


def read_aiken(text):
    questions, errors = [], []
    start, question_lines, choices = None, [], {}

    def abandon(reason):
        errors.append(FormatError(start, reason))

    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw.strip()
        if len(line) < 2:
            continue
        answer, choice = AIKEN_ANSWER.match(line), AIKEN_CHOICE.match(line)
        if answer:
            letter = answer.group(1)
            if start is None:
                errors.append(FormatError(number, _("an ANSWER line without a question before it.")))
            elif len(choices) < 2:
                abandon(_("a question needs at least two choices."))
            elif letter not in choices:
                abandon(_("the answer “%(letter)s” is not one of the choices.") % {"letter": letter})
            else:
                questions.append(
                    ParsedQuestion(
                        kind="singlechoicequestion",
                        line=start,
                        text=rich_text("\n".join(question_lines), "plain"),
                        choices=[
                            {"text": choice_text, "correct": key == letter, "weight": None, "feedback": ""}
                            for key, choice_text in choices.items()
                        ],
                    )
                )
            start, question_lines, choices = None, [], {}
        elif choice and start is not None and (choices or question_lines):
            choices[choice.group(1)] = choice.group(2).strip()
        elif choices:
            abandon(_("the question does not end with a line “ANSWER: letter”."))
            start, question_lines, choices = number, [line], {}
        else:
            start = start or number
            question_lines.append(line)
    if start is not None:
        abandon(_("the question does not end with a line “ANSWER: letter”."))
    return questions, errors


# GIFT, as Moodle's reader (question/format/gift) reads it


GIFT_ESCAPES = {
    "\\": "\ue000",
    ":": "\ue001",
    "#": "\ue002",
    "=": "\ue003",
    "{": "\ue004",
    "}": "\ue005",
    "~": "\ue006",
}
GIFT_SPECIAL = "~=#{}:"
GIFT_ESCAPED = re.compile(r"\\([\\:#={}~n])")
GIFT_UNESCAPED = {placeholder: character for character, placeholder in GIFT_ESCAPES.items()}
GIFT_TRUE = ("T", "TRUE")
GIFT_FALSE = ("F", "FALSE")
GIFT_WEIGHT = re.compile(r"^%(-?\d{1,2}\.?\d*)%")
GIFT_ID = re.compile(r"\[id:((?:\\\]|[^\]])*)\]")
GIFT_TAG = re.compile(r"\[tag:((?:\\\]|[^\]])*)\]")
GIFT_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
BLANK = "_____"
POINTS_PLACES = Decimal("0.01")


def gift_protect(text):
    """Escaped characters become placeholders, so that only unescaped ones are read as syntax."""
    return GIFT_ESCAPED.sub(lambda match: "\n" if match.group(1) == "n" else GIFT_ESCAPES[match.group(1)], text)


def gift_restore(text):
    return "".join(GIFT_UNESCAPED.get(character, character) for character in text)


def with_format(text, default):
    """Moodle's ``[html]``/``[moodle]``/``[markdown]``/``[plain]`` tag at the start of a text: (text, format)."""
    text = text.strip()
    if text.startswith("["):
        name = text[1 : text.find("]")] if "]" in text else ""
        if name in TEXT_FORMATS:
            return gift_restore(text[len(name) + 2 :]).strip(), name
    return gift_restore(text).strip(), default


def read_gift(text):
    """GIFT: questions separated by blank lines, ``//`` comments, ``$CATEGORY:`` lines."""
    questions, errors = [], []
    category = ""
    for start, lines in blocks_of(text.lstrip("\ufeff").splitlines()):
        comments = [line for line in lines if line.startswith("//")]
        body = [(number, line) for number, line in enumerate(lines, start=start) if not line.startswith("//")]
        if body and body[0][1].startswith("$CATEGORY:"):
            category = gift_category(body[0][1].removeprefix("$CATEGORY:"))
            body = body[1:]
        if not body:
            continue
        try:
            question = gift_question(body[0][0], "\n".join(line for _number, line in body), comments)
        except Invalid as error:
            errors.append(FormatError(body[0][0], str(error)))
            continue
        question.category = category
        questions.append(question)
    return questions, errors


def gift_category(path):
    """A Moodle category path ("$course$/top/Bank/Part", "//" for a slash in a name) as the bank's "Bank/Part"."""
    names = category_names(path)
    if names and re.fullmatch(r"\$\w+\$", names[0]):
        names = names[1:]
    if names and names[0] == "top":
        names = names[1:]
    return category_path(names)


def blocks_of(lines):
    """Runs of non-blank lines, each line trimmed, as (first line number, lines)."""
    block, start = [], 0
    for number, line in enumerate([*lines, ""], start=1):
        if line.strip():
            if not block:
                start = number
            block.append(line.strip())
        elif block:
            yield start, block
            block = []


def gift_question(start, source, comments=()):
    source = gift_protect(source)
    notes = []  # shared by the question and the readers of its parts
    name = ""
    if source.startswith("::"):
        source = source[2:]
        end = source.find("::")
        if end >= 0:
            name, source = gift_restore(source[:end]).strip(), source[end + 2 :].strip()
    opening, closing = source.find("{"), source.find("}")
    if (opening < 0) != (closing < 0) or closing < opening:
        raise Invalid(_("the answers must be in braces { }, opened and closed once."))
    if opening < 0:
        text, answers = source, None
    else:
        answers = source[opening + 1 : closing].strip()
        after = source[closing + 1 :]
        text = source[:opening] + ("" if source.endswith("}") else BLANK + after)
    general_feedback = ""
    if answers and "####" in answers:
        answers, general_feedback = answers[: answers.rfind("####")].strip(), answers[answers.rfind("####") + 4 :]
    text, text_format = with_format(text, "moodle")
    general_feedback, feedback_format = with_format(general_feedback, text_format)
    question = gift_answers(start, rich_text(text, text_format), answers, text_format, notes)
    question.name = name or question.name
    question.general_feedback = rich_text(general_feedback, feedback_format)
    comment = "\n".join(comments)
    if identifier := GIFT_ID.search(comment):
        question.idnumber = identifier.group(1).replace("\\]", "]").strip()[:100]
    if tags := [tag.replace("\\]", "]").strip() for tag in GIFT_TAG.findall(comment)]:
        question.notes.append(_("tags are not kept: %(tags)s.") % {"tags": ", ".join(tags)})
    return question


def gift_answers(start, text, answers, text_format, notes):
    """The question its answers make, by Moodle's rules: no braces a description, empty braces an essay,
    "#" a number, "~" choices, "=" with "->" matching, T or F true/false, otherwise short answers."""
    common = {"line": start, "text": text, "notes": notes}
    if answers is None:
        return ParsedQuestion(kind="descriptionquestion", **common)
    if not answers:
        return ParsedQuestion(kind="essayquestion", **common)
    if answers.startswith("#"):
        return ParsedQuestion(kind="numericalquestion", answers=gift_numbers(answers[1:], text_format, notes), **common)
    if "~" in answers:
        return gift_choices(answers, text_format, common)
    if "=" in answers and "->" in answers:
        return ParsedQuestion(kind="matchingquestion", pairs=gift_pairs(answers, text_format, notes), **common)
    head = answers.split("#", 1)[0].strip() if answers.find("#") > 0 else answers
    if head in GIFT_TRUE + GIFT_FALSE:
        answer, wrong, right = [*(part.strip() for part in answers.split("#", 2)), "", ""][:3]
        correct = with_format(answer, text_format)[0] in GIFT_TRUE
        wrong, right = (answer_text(*with_format(part, text_format), notes)[:500] for part in (wrong, right))
        return ParsedQuestion(
            kind="truefalsequestion",
            correct_answer=correct,
            feedback_true=right if correct else wrong,
            feedback_false=wrong if correct else right,
            **common,
        )
    return ParsedQuestion(kind="shortanswerquestion", answers=gift_short_answers(answers, text_format, notes), **common)


def weighted(part, default):
    """An answer's ``%50%`` weight as a fraction (``default`` without one), and the rest of it."""
    weight = GIFT_WEIGHT.match(part)
    if weight is None:
        return default, part
    return Decimal(part[1 : part.index("%", 1)]) / 100, part[weight.end() :]


def with_feedback(part, text_format, notes):
    answer, _hash, feedback = part.partition("#")
    return answer_text(*with_format(answer, text_format), notes), answer_text(
        *with_format(feedback, text_format), notes
    )


def answer_parts(answers, separator):
    parts = [part.strip() for part in answers.split(separator)]
    return parts[1:] if parts and not parts[0] else parts


def gift_choices(answers, text_format, common):
    """Choices: with "=" one answer is picked (each "=" earns full marks, "%50%" half); without, several
    are ticked and their weights add up."""
    single = "=" in answers
    choices = []
    for part in answer_parts(answers.replace("=", "~="), "~"):
        if part.startswith("="):
            fraction, part = Decimal(1), part[1:]
        else:
            fraction, part = weighted(part, Decimal(0))
        answer, feedback = with_feedback(part, text_format, common["notes"])
        if answer:  # Moodle drops a blank answer
            choices.append({"text": answer, "correct": fraction > 0, "weight": fraction, "feedback": feedback})
    if len(choices) < 2:
        raise Invalid(_("a question needs at least two choices."))
    fractions = [choice["weight"] for choice in choices]
    if single:
        if max(fractions) != 1:
            raise Invalid(_("one of the answers must earn full marks (“=” or %100%)."))
        for choice in choices:  # kept only where it says more than right or wrong
            choice["weight"] = None if choice["weight"] in (0, 1) else choice["weight"] * 100
        return ParsedQuestion(kind="singlechoicequestion", choices=choices, **common)
    if round(sum(fraction for fraction in fractions if fraction > 0), 2) != 1:
        raise Invalid(_("the positive weights of the answers must add up to 100%."))
    for choice in choices:
        choice["weight"] *= 100
    return ParsedQuestion(kind="multiplechoicequestion", choices=choices, partial_credit=True, **common)


def gift_pairs(answers, text_format, notes):
    pairs = []
    for part in answer_parts(answers, "="):
        if "->" not in part:
            raise Invalid(_("every matching pair is written “item -> match”."))
        item, _arrow, match = part.partition("->")
        pairs.append((answer_text(*with_format(item, text_format), notes), gift_restore(match).strip()))
    if sum(1 for item, match in pairs if item) < 2 or not all(match for _item, match in pairs):
        raise Invalid(_("a matching question needs at least two pairs, each with a match."))
    return pairs


def gift_short_answers(answers, text_format, notes):
    """Accepted answers, kept as written (Moodle compares them as text, whatever the format)."""
    accepted = []
    for part in answer_parts(answers, "="):
        fraction, part = weighted(part, Decimal(1))
        answer, _hash, feedback = part.partition("#")
        answer = with_format(answer, text_format)[0]
        feedback = answer_text(*with_format(feedback, text_format), notes)
        if answer:
            accepted.append({"text": answer, "weight": fraction * 100, "feedback": feedback})
    if not accepted or max(answer["weight"] for answer in accepted) != 100:
        raise Invalid(_("one of the answers must earn full marks."))
    return accepted


def gift_numbers(answers, text_format, notes):
    """Numerical answers: "3.14", "3.14:0.01" (± tolerance) or "3.13..3.15", each with an optional weight
    and feedback; "~#feedback" at the end is the feedback for any other answer."""
    answers, tilde, other = answers.partition("~")
    numbers = []
    for part in answer_parts(answers, "="):
        fraction, part = weighted(part, Decimal(1))
        value, _hash, feedback = part.partition("#")
        value, feedback = with_format(value, text_format)[0], answer_text(*with_format(feedback, text_format), notes)
        numbers.append({**gift_number(value), "weight": fraction * 100, "feedback": feedback})
    if not numbers or max(number["weight"] for number in numbers) != 100:
        raise Invalid(_("one of the answers must earn full marks."))
    if tilde:
        feedback = with_feedback(other, text_format, notes)[1]
        numbers.append({"value": None, "tolerance": Decimal(0), "weight": Decimal(0), "feedback": feedback})
    return numbers


def gift_number(value):
    """{"value", "tolerance"} of "3.14", "3.14:0.01" or "3.13..3.15"."""
    if value.find("..") > 0:
        low, high = (number_in(part, value) for part in value.split("..", 1))
        if low > high:
            raise Invalid(_("“%(value)s” is not a range like 3.13..3.15.") % {"value": value})
        return {"value": (low + high) / 2, "tolerance": (high - low) / 2}
    if value.find(":") > 0:
        number, tolerance = value.split(":", 1)
        return {"value": number_in(number, value), "tolerance": abs(number_in(tolerance, value))}
    return {"value": number_in(value, value), "tolerance": Decimal(0)}


def number_text(value):
    """A number as the writers write it: "3.14", "-100", "0" (no exponent, no trailing zeros)."""
    return format(Decimal(value).normalize(), "f")


def weight_text(percent):
    """A weight in percent as Moodle writes it, to five decimals at most: "33.33333"."""
    return number_text(Decimal(percent).quantize(Decimal("0.00001")))


def points_in(text):
    """The points a question is worth, to the hundredth, from 0.01 to 9999.99 (what the bank stores); None
    when ``text`` is no such number."""
    points = parse_number(text)
    if points is None:
        return None
    points = points.quantize(POINTS_PLACES)
    return points if 0 < points < 10000 else None


def number_in(text, answer):
    text = text.strip()
    if not GIFT_NUMBER.match(text) or Decimal(text).adjusted() >= LARGEST_DIGITS:
        raise Invalid(_("“%(value)s” is not a number like 3.14, 3.14:0.01 or 3.13..3.15.") % {"value": answer})
    return Decimal(text)


def text_reader(read):
    """A reader of text (``read``) as a reader of an uploaded file: UTF-8, with or without a BOM."""

    def read_file(file, filename):
        try:
            text = file.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            return [], [FormatError(1, _("the file is not UTF-8 text; save it as UTF-8."))]
        if "\x00" in text:  # no text file holds one, and the database refuses to store it
            return [], [
                FormatError(text.count("\n", 0, text.index("\x00")) + 1, _("a NUL character: is this a text file?"))
            ]
        return read(text)

    return read_file


# The spreadsheet template


SHEET_KIND_LABELS = {model._meta.model_name: model.sheet_label for model in QUESTION_TYPES}
SHEET_KINDS = {fold(label): kind for kind, label in SHEET_KIND_LABELS.items()}
SHEET_CHOICES = 6
SHEET_COLUMNS = [
    Column(
        "kind",
        "Loại",
        required=True,
        help=", ".join(SHEET_KIND_LABELS.values()) + ".",
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
    points = points_in(values["points"]) if values.get("points") else Decimal(1)
    if points is None:
        raise Invalid(_("column Điểm: “%(value)s” is not a positive number.") % {"value": values["points"]})
    question = ParsedQuestion(
        kind=kind,
        line=row,
        text=rich_text(values["text"], "plain"),
        name=values.get("name", ""),
        category=values.get("category", ""),
        general_feedback=rich_text(values.get("feedback", ""), "plain"),
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
        question.choices = [
            {"text": choice, "correct": str(number) in right, "weight": None, "feedback": ""}
            for number, choice in enumerate(choices, start=1)
        ]
        if kind == "singlechoicequestion" and len(right) > 1:
            raise Invalid(_("column Đáp án: a single choice question has one right choice."))
        question.partial_credit = kind == "multiplechoicequestion"
    elif kind == "truefalsequestion":
        if fold(answer) not in ("dung", "sai"):
            raise Invalid(_("column Đáp án: write Đúng or Sai."))
        question.correct_answer = fold(answer) == "dung"
    elif kind == "shortanswerquestion":
        question.answers = [
            {"text": part.strip(), "weight": Decimal(100), "feedback": ""} for part in answer.split("|") if part.strip()
        ]
        if not question.answers:
            raise Invalid(_("column Đáp án: write the accepted answers."))
    elif kind == "numericalquestion":
        number, _sign, margin = answer.replace("+-", "±").partition("±")
        value, tolerance = parse_number(number), parse_number(margin) if margin.strip() else Decimal(0)
        if value is None or tolerance is None or tolerance < 0:
            raise Invalid(_("column Đáp án: “%(value)s” is not a number like 3,14 or 3,14 ± 0,01.") % {"value": answer})
        question.answers = [{"value": value, "tolerance": tolerance, "weight": Decimal(100), "feedback": ""}]
    elif kind == "matchingquestion":
        pairs = [
            (prompt.strip(), match.strip()) for prompt, _arrow, match in (choice.partition("->") for choice in choices)
        ]
        if sum(1 for prompt, _match in pairs if prompt) < 2 or not all(match for _prompt, match in pairs):
            raise Invalid(
                _("a matching question needs two choices or more written “item -> match” (“-> match”: a wrong one).")
            )
        question.pairs = pairs
    return question
