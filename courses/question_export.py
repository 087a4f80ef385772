"""Writing a category of the bank (and the categories inside it) in the formats it reads: Moodle GIFT and
the XLSX template, so a bank can be moved to another LMS or edited in a spreadsheet and imported again.

Question text is written as plain text (paragraphs as lines), as the importers read it. GIFT has no
points, and neither format tells all-or-nothing from partial credit: multiple choice questions come
back with partial credit.
"""

import html
import re
from decimal import Decimal

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
from courses.question_formats import GIFT_SPECIAL, SHEET_CHOICES, SHEET_COLUMNS, SHEET_KIND_LABELS
from lms.spreadsheets import table_workbook

EXPORT_FORMATS = {"gift": "txt", "xlsx": "xlsx"}


def plain_text(rich_text):
    """Rich text as the importers read it: one line per paragraph or line break, no tags."""
    text = re.sub(r"(?i)<br\s*/?>|</p>|</li>|</h\d>", "\n", rich_text)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def number(value):
    return format(Decimal(value).normalize(), "f")


def category_paths(root):
    """The path ("A/B") of each category below ``root`` relative to it; ``root`` itself is ""."""
    categories = {category.pk: category for category in QuestionCategory.objects.filter(pk__in=root.with_descendants())}

    def path(category):
        if category.pk == root.pk:
            return ""
        parent = path(categories[category.parent_id])
        return f"{parent}/{category.name}" if parent else category.name

    return {pk: path(category) for pk, category in categories.items()}


def questions_below(root):
    """The active questions of ``root`` and of the categories inside it, with their category's path."""
    paths = category_paths(root)
    questions = Question.objects.filter(category__in=paths, is_active=True).order_by("pk")
    return sorted(((paths[question.category_id], question) for question in questions), key=lambda item: item[0])


# GIFT


def gift(text):
    """Text with GIFT's special characters escaped (its lines kept: a question's text may have several)."""
    text = str(text)
    for character in "\\" + GIFT_SPECIAL:
        text = text.replace(character, f"\\{character}")
    return text


def gift_feedback(feedback):
    return f"#{gift(feedback)}" if feedback else ""


def gift_choices(question):
    correct = [choice for choice in question.choices if choice.value["correct"]]
    if isinstance(question, SingleChoiceQuestion):
        weights = {True: "=", False: "~"}
    else:  # each right choice its share, each wrong one takes a share away, as MultipleChoiceQuestion grades
        share = number((Decimal(100) / max(1, len(correct))).quantize(Decimal("0.00001")))
        weights = {True: f"~%{share}%", False: f"~%-{share}%"}
    return " ".join(
        f"{weights[bool(choice.value['correct'])]}{gift(choice.value['text'])}{gift_feedback(choice.value['feedback'])}"
        for choice in question.choices
    )


def gift_true_false(question):
    # Moodle: the first feedback is shown for a wrong answer, the second for a right one.
    right, wrong = (
        (question.feedback_true, question.feedback_false)
        if question.correct_answer
        else (question.feedback_false, question.feedback_true)
    )
    feedbacks = [wrong, right] if right else [wrong] if wrong else []
    return ("T" if question.correct_answer else "F") + "".join(f"#{gift(feedback)}" for feedback in feedbacks)


GIFT_ANSWERS = {
    SingleChoiceQuestion: gift_choices,
    MultipleChoiceQuestion: gift_choices,
    TrueFalseQuestion: gift_true_false,
    ShortAnswerQuestion: lambda question: " ".join(
        f"={gift(line)}" for line in question.accepted_answers.splitlines() if line.strip()
    ),
    NumericalQuestion: lambda question: f"#{number(question.answer)}:{number(question.tolerance)}",
    MatchingQuestion: lambda question: " ".join(
        f"={gift(pair.value['prompt'])} -> {gift(pair.value['match'])}" for pair in question.pairs
    ),
    EssayQuestion: lambda question: "",
}


def write_gift(root):
    lines, current_path = [f"// {root.name}", ""], ""
    for path, question in questions_below(root):
        if path != current_path:
            lines += [f"$CATEGORY: {path}", ""]
            current_path = path
        answers = GIFT_ANSWERS[type(question)](question)
        general = f" ####{gift(plain_text(question.general_feedback))}" if question.general_feedback else ""
        text = gift(plain_text(question.text))
        lines += [f"::{gift(question.name)}::{text}{{{answers}{general}}}", ""]
    return "\n".join(lines).encode()


# XLSX template


def sheet_answer(question):
    """The "Đáp án" and "Lựa chọn" cells of a question, as the template reads them."""
    if isinstance(question, SingleChoiceQuestion | MultipleChoiceQuestion):
        choices = [choice.value["text"] for choice in question.choices]
        right = [str(index) for index, choice in enumerate(question.choices, start=1) if choice.value["correct"]]
        return ",".join(right), choices
    if isinstance(question, MatchingQuestion):
        return "", [f"{pair.value['prompt']} -> {pair.value['match']}" for pair in question.pairs]
    if isinstance(question, TrueFalseQuestion):
        return ("Đúng" if question.correct_answer else "Sai"), []
    if isinstance(question, ShortAnswerQuestion):
        return " | ".join(line.strip() for line in question.accepted_answers.splitlines() if line.strip()), []
    if isinstance(question, NumericalQuestion):
        value = number(question.answer).replace(".", ",")
        return (f"{value} ± {number(question.tolerance).replace('.', ',')}" if question.tolerance else value), []
    return "", []


def write_sheet(root):
    """The template's workbook; a question with more choices than its columns is left out and returned."""
    rows, left_out = [], []
    for path, question in questions_below(root):
        answer, choices = sheet_answer(question)
        if len(choices) > SHEET_CHOICES:
            left_out.append(question)
            continue
        rows.append(
            [
                SHEET_KIND_LABELS[question._meta.model_name],
                path,
                question.name,
                plain_text(question.text),
                *choices,
                *[""] * (SHEET_CHOICES - len(choices)),
                answer,
                number(question.points).replace(".", ","),
                plain_text(question.general_feedback),
            ]
        )
    headers = [column.header for column in SHEET_COLUMNS]
    return table_workbook(headers, rows, title="Câu hỏi"), left_out


def export_questions(root, file_format):
    """The bytes of the export of ``root`` in ``file_format``, and the questions the format could not hold."""
    if file_format == "gift":
        return write_gift(root), []
    return write_sheet(root)
