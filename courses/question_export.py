"""Writing a category of the bank (and the categories inside it) in the formats it reads: Moodle GIFT,
Moodle XML and the XLSX template, so a bank can be moved to another LMS or edited in a spreadsheet and
imported again as the same questions.

What a format cannot hold (GIFT has no points; the template no weights or feedback on answers) is
returned with the question, so whoever exports is told.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from courses.models import (
    DescriptionQuestion,
    EssayQuestion,
    MatchingQuestion,
    MultipleChoiceQuestion,
    NumericalQuestion,
    ShortAnswerQuestion,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from courses.question_formats import (
    GIFT_SPECIAL,
    SHEET_CHOICES,
    SHEET_COLUMNS,
    SHEET_KIND_LABELS,
    number_text,
    plain,
    rich_text,
    weight_text,
)
from courses.question_xml import write_moodle_xml
from lms.spreadsheets import XLSX_TYPE, table_workbook


@dataclass(frozen=True)
class ExportFormat:
    label: str
    extension: str
    content_type: str
    write: object  # category -> (bytes, [(question, what was changed or left out)])


# GIFT, written as Moodle's writer does and read back the same by Moodle's reader and ours


def gift(text):
    """Text with GIFT's special characters escaped, its line breaks as ``\\n``."""
    text = str(text).replace("\\", "\\\\")
    for character in GIFT_SPECIAL:
        text = text.replace(character, f"\\{character}")
    return text.replace("\r", "").replace("\n", "\\n")


def gift_rich_text(html, default_format="moodle"):
    """Rich text as GIFT text: plain lines where they read back as the same rich text, else ``[html]``."""
    if not html:
        return "", default_format
    lines = plain(html)
    if rich_text(lines, "moodle") == html:
        return ("" if default_format == "moodle" else "[moodle]") + gift(lines), "moodle"
    return ("" if default_format == "html" else "[html]") + gift(html), "html"


def gift_answer(text, text_format):
    """An answer (plain text) read in the question's ``text_format``: ``[plain]`` where markup would be read."""
    needs_plain = text_format != "plain" and (re.search(r"[<&]", text) or text.startswith("["))
    return ("[plain]" if needs_plain else "") + gift(text)


def gift_feedback(feedback, text_format):
    return f"#{gift_answer(feedback, text_format)}" if feedback else ""


def gift_choices(question, text_format, changed):
    fractions = question.fractions()
    if isinstance(question, MultipleChoiceQuestion) and not question.partial_credit:
        changed.append((question, _("all or nothing is not in GIFT: written with partial credit")))
    lines = []
    for choice in question.choices:
        fraction = fractions[choice.id]
        if fraction == 1 and isinstance(question, SingleChoiceQuestion):
            mark = "="
        elif fraction == 0:
            mark = "~"
        else:
            mark = f"~%{weight_text(fraction * 100)}%"
        value = choice.value
        lines.append(mark + gift_answer(value["text"], text_format) + gift_feedback(value["feedback"], text_format))
    return lines


def gift_true_false(question, text_format, changed):
    # Moodle: the first feedback is shown for a wrong answer, the second for a right one.
    right, wrong = (
        (question.feedback_true, question.feedback_false)
        if question.correct_answer
        else (question.feedback_false, question.feedback_true)
    )
    answer = "TRUE" if question.correct_answer else "FALSE"
    if wrong or right:
        answer += f"#{gift_answer(wrong, text_format)}"
    if right:
        answer += f"#{gift_answer(right, text_format)}"
    return [answer]


def gift_short_answers(question, text_format, changed):
    if question.case_sensitive or question.ignore_accents:
        changed.append((question, _("case and accent options are not in GIFT")))
    return [
        f"=%{number_text(answer['weight'])}%{gift(answer['text'])}#{gift_answer(answer['feedback'], text_format)}"
        for answer in (item.value for item in question.answers)
    ]


def gift_numbers(question, text_format, changed):
    lines = []
    for item in question.answers:
        answer = item.value
        feedback = gift_answer(answer["feedback"], text_format)
        if answer["value"] is None:
            lines.append(f"~#{feedback}")
        else:
            value, tolerance = number_text(answer["value"]), number_text(answer["tolerance"] or 0)
            lines.append(f"=%{number_text(answer['weight'])}%{value}:{tolerance}#{feedback}")
    return ["#", *lines]


def gift_pairs(question, text_format, changed):
    return [
        f"={gift_answer(pair.value['prompt'], text_format)} -> {gift(pair.value['match'])}" for pair in question.pairs
    ]


def gift_essay(question, text_format, changed):
    if question.answer_template or question.grading_notes:
        changed.append((question, _("the answer template and notes for the grader are not in GIFT")))
    return []


GIFT_ANSWERS = {
    SingleChoiceQuestion: gift_choices,
    MultipleChoiceQuestion: gift_choices,
    TrueFalseQuestion: gift_true_false,
    ShortAnswerQuestion: gift_short_answers,
    NumericalQuestion: gift_numbers,
    MatchingQuestion: gift_pairs,
    EssayQuestion: gift_essay,
}


def gift_question(question, changed):
    identifier = question.idnumber.replace("]", "\\]")
    lines = [f"// [id:{identifier}]"] if question.idnumber else []
    text, text_format = gift_rich_text(question.text)
    head = f"::{gift(question.name)}::{text}"
    if isinstance(question, DescriptionQuestion):
        return [*lines, head]
    if question.points != 1:
        changed.append((question, _("points are not in GIFT: it comes back with 1 point")))
    answers = GIFT_ANSWERS[type(question)](question, text_format, changed)
    general, _format = gift_rich_text(question.general_feedback, text_format)
    general = f"####{general}" if general else ""
    if len(answers) <= 1:
        return [*lines, f"{head}{{{''.join(answers)}{general}}}"]
    return [*lines, f"{head}{{", *(f"\t{answer}" for answer in answers), *([f"\t{general}"] if general else []), "}"]


def write_gift(root):
    """The GIFT file of ``root``, and the questions GIFT could not hold whole, with what it changed."""
    lines, current_path, changed = [f"// {root.name}", ""], "", []
    for path, question in root.questions_below():
        if path != current_path:
            lines += [f"$CATEGORY: {path}", ""]
            current_path = path
        lines += [*gift_question(question, changed), ""]
    return "\n".join(lines).encode(), changed


# XLSX template


class NotInSheet(Exception):
    """The template cannot hold this question; the message says why."""


def sheet_choices(question):
    if any(choice.value.get("weight") is not None for choice in question.choices):
        raise NotInSheet(_("weights are not in the template (export it as GIFT or Moodle XML)"))
    if any(choice.value["feedback"] for choice in question.choices):
        raise NotInSheet(_("feedback on choices is not in the template (export it as GIFT or Moodle XML)"))
    right = [str(index) for index, choice in enumerate(question.choices, start=1) if choice.value["correct"]]
    return ",".join(right), [choice.value["text"] for choice in question.choices]


def full_marks_only(question, *names):
    if any(item.value["weight"] != 100 or item.value["feedback"] for item in question.answers):
        raise NotInSheet(_("weights and feedback on answers are not in the template (export it as GIFT or Moodle XML)"))
    return [[item.value[name] for name in names] for item in question.answers]


def sheet_short_answers(question):
    if question.case_sensitive:
        raise NotInSheet(_("case sensitive answers are not in the template (export it as Moodle XML)"))
    return " | ".join(text for (text,) in full_marks_only(question, "text")), []


def sheet_numbers(question):
    answers = full_marks_only(question, "value", "tolerance")
    if len(answers) != 1 or answers[0][0] is None:
        raise NotInSheet(_("the template holds one numerical answer (export it as GIFT or Moodle XML)"))
    value, tolerance = (number_text(part or 0).replace(".", ",") for part in answers[0])
    return (f"{value} ± {tolerance}" if answers[0][1] else value), []


SHEET_ANSWERS = {
    SingleChoiceQuestion: sheet_choices,
    MultipleChoiceQuestion: sheet_choices,
    TrueFalseQuestion: lambda question: (("Đúng" if question.correct_answer else "Sai"), []),
    ShortAnswerQuestion: sheet_short_answers,
    NumericalQuestion: sheet_numbers,
    MatchingQuestion: lambda question: (
        "",
        [f"{pair.value['prompt']} -> {pair.value['match']}" for pair in question.pairs],
    ),
    EssayQuestion: lambda question: ("", []),
    DescriptionQuestion: lambda question: ("", []),
}


def sheet_row(path, question):
    answer, choices = SHEET_ANSWERS[type(question)](question)
    if len(choices) > SHEET_CHOICES:
        raise NotInSheet(_("more choices than the template's columns (export it as GIFT or Moodle XML)"))
    return [
        SHEET_KIND_LABELS[question._meta.model_name],
        path,
        question.name,
        plain(question.text),
        *choices,
        *[""] * (SHEET_CHOICES - len(choices)),
        answer,
        number_text(question.points).replace(".", ","),
        plain(question.general_feedback),
    ]


def write_sheet(root):
    """The template's workbook, and the questions it could not hold, left out with the reason."""
    rows, left_out = [], []
    for path, question in root.questions_below():
        try:
            rows.append(sheet_row(path, question))
        except NotInSheet as reason:
            left_out.append((question, str(reason)))
    headers = [column.header for column in SHEET_COLUMNS]
    return table_workbook(headers, rows, title="Câu hỏi"), left_out


EXPORT_FORMATS = {
    "gift": ExportFormat(_("GIFT (Moodle and most LMSs)"), "txt", "text/plain; charset=utf-8", write_gift),
    "xml": ExportFormat(_("Moodle XML (whole banks, with pictures)"), "xml", "application/xml", write_moodle_xml),
    "xlsx": ExportFormat(_("XLSX (our import template)"), "xlsx", XLSX_TYPE, write_sheet),
}


def export_questions(root, file_format):
    """The bytes of the export of ``root`` in ``file_format``, and [(question, what the format changed or left
    out of it)]."""
    return EXPORT_FORMATS[file_format].write(root)
