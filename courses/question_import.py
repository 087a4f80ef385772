"""Saving questions read from a GIFT or Aiken file into the bank: all or nothing, and idempotent."""

from django.db import transaction
from django.utils.html import escape, linebreaks

from courses.models import (
    EssayQuestion,
    MatchingQuestion,
    MultipleChoiceQuestion,
    NumericalQuestion,
    QuestionCategory,
    ShortAnswerQuestion,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from courses.question_formats import read_questions


def as_html(text):
    """Imported text is plain text: escaped, its lines kept."""
    return linebreaks(escape(text)) if text else ""


def choice_blocks(parsed):
    return [
        ("choice", {"text": text, "correct": correct, "feedback": feedback})
        for text, correct, feedback in parsed.choices
    ]


def type_fields(parsed):
    """The model of a parsed question and the fields only its type has."""
    return {
        "singlechoicequestion": lambda: (SingleChoiceQuestion, {"choices": choice_blocks(parsed)}),
        "multiplechoicequestion": lambda: (
            MultipleChoiceQuestion,
            {"choices": choice_blocks(parsed), "partial_credit": parsed.partial_credit},
        ),
        "truefalsequestion": lambda: (
            TrueFalseQuestion,
            {
                "correct_answer": parsed.correct_answer,
                "feedback_true": parsed.feedback_true[:500],
                "feedback_false": parsed.feedback_false[:500],
            },
        ),
        "shortanswerquestion": lambda: (
            ShortAnswerQuestion,
            {"accepted_answers": "\n".join(parsed.accepted_answers)},
        ),
        "numericalquestion": lambda: (NumericalQuestion, {"answer": parsed.answer, "tolerance": parsed.tolerance}),
        "matchingquestion": lambda: (
            MatchingQuestion,
            {"pairs": [("pair", {"prompt": prompt, "match": match}) for prompt, match in parsed.pairs]},
        ),
        "essayquestion": lambda: (EssayQuestion, {}),
    }[parsed.kind]()


def category_at(root, path):
    """The category at ``path`` ("A/B") below ``root``, made if missing."""
    category = root
    for name in [part.strip() for part in path.split("/") if part.strip()]:
        category, _created = QuestionCategory.objects.get_or_create(name=name, parent=category)
    return category


@transaction.atomic
def import_questions(file, *, filename, file_format, category_name, owner=None, skip_invalid=False):
    """Read the binary ``file`` and add its questions under the category ``category_name``.

    Returns (added, already there, errors). Nothing is saved when a question cannot be read,
    unless ``skip_invalid``; a question already in its category (same type, name and text) is
    not added again.
    """
    questions, errors = read_questions(file, filename, file_format)
    if errors and not skip_invalid:
        return 0, 0, errors
    root = QuestionCategory.objects.filter(name=category_name, parent=None).first()
    if root is None:
        root = QuestionCategory.objects.create(name=category_name, owner=owner)
    added = existing = 0
    for parsed in questions:
        model, fields = type_fields(parsed)
        category = category_at(root, parsed.category)
        common = {"category": category, "name": parsed.name[:255], "text": as_html(parsed.text)}
        if model.objects.filter(**common).exists():
            existing += 1
            continue
        model.objects.create(
            **common, points=parsed.points, general_feedback=as_html(parsed.general_feedback), **fields
        )
        added += 1
    return added, existing, errors
