"""Saving questions read from a file into the bank: all or nothing, and idempotent.

A question is the same as one already in its category when it has the same ID number, or, without one,
the same name (the n-th question of a name in the file is the n-th of that name in the category). An
identical one is left alone; a changed one becomes a new version of it, as an edit in the admin does.
"""

import hashlib
from dataclasses import dataclass, field
from io import BytesIO

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model

from courses.models import QUESTION_TYPES_BY_NAME, Question, QuestionCategory
from courses.models.questions import category_names
from courses.question_formats import FormatError, read_aiken, read_gift, read_sheet, text_reader
from courses.question_xml import read_moodle_xml


@dataclass(frozen=True)
class ImportFormat:
    label: str
    read: object  # (binary file, file name) -> (questions, errors)


IMPORT_FORMATS = {
    "gift": ImportFormat(_("GIFT (Moodle)"), text_reader(read_gift)),
    "xml": ImportFormat(_("Moodle XML"), read_moodle_xml),
    "aiken": ImportFormat("Aiken", text_reader(read_aiken)),
    "xlsx": ImportFormat(_("XLSX (our template)"), read_sheet),
}


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    existing: int = 0
    errors: list = field(default_factory=list)  # FormatError: questions that could not be read
    notes: list = field(default_factory=list)  # FormatError: what the bank could not keep of a question read


def stream(block_name, items):
    return [(block_name, dict(item)) for item in items]


def type_fields(parsed):
    """The model of a parsed question and the fields only its type has."""
    fields = {
        "singlechoicequestion": lambda: {"choices": stream("choice", parsed.choices)},
        "multiplechoicequestion": lambda: {
            "choices": stream("choice", parsed.choices),
            "partial_credit": parsed.partial_credit,
        },
        "truefalsequestion": lambda: {
            "correct_answer": parsed.correct_answer,
            "feedback_true": parsed.feedback_true,
            "feedback_false": parsed.feedback_false,
        },
        "shortanswerquestion": lambda: {
            "answers": stream("answer", parsed.answers),
            "case_sensitive": parsed.case_sensitive,
        },
        "numericalquestion": lambda: {"answers": stream("answer", parsed.answers)},
        "matchingquestion": lambda: {
            "pairs": [("pair", {"prompt": prompt, "match": match}) for prompt, match in parsed.pairs]
        },
        "essayquestion": lambda: {"answer_template": parsed.answer_template, "grading_notes": parsed.grading_notes},
        "descriptionquestion": dict,
    }[parsed.kind]()
    return QUESTION_TYPES_BY_NAME[parsed.kind], fields


def category_at(root, path):
    """The category at ``path`` ("A/B", see ``category_names``) below ``root``, made if missing."""
    category = root
    for name in category_names(path):
        category, _created = QuestionCategory.objects.get_or_create(name=name[:255], parent=category)
    return category


def stored_image(name, content):
    """A Wagtail image of ``content``: the one already uploaded with the same bytes, or a new one."""
    Image = get_image_model()
    digest = hashlib.sha1(content, usedforsecurity=False).hexdigest()
    image = Image.objects.filter(file_hash=digest).first()
    if image is None:
        image = Image(title=name[:255], file_hash=digest)
        image.file = ImageFile(BytesIO(content), name=name)
        image.save()
    return image


def with_images(html, image_ids):
    """Rich text whose image placeholders (see ParsedQuestion.images) point at the stored images."""
    for token, image_id in image_ids.items():
        html = html.replace(f'id="{token}"', f'id="{image_id}"')
    return html


def too_long(parsed):
    """Why the bank cannot hold the parsed question's texts (one longer than its field), or None."""
    model, fields = type_fields(parsed)
    for name, value in {"name": parsed.name, "idnumber": parsed.idnumber, **fields}.items():
        limit = model._meta.get_field(name).max_length
        if limit and isinstance(value, str) and len(value) > limit:
            return _("%(field)s: longer than %(limit)s characters.") % {
                "field": capfirst(model._meta.get_field(name).verbose_name),
                "limit": limit,
            }
    return None


def model_and_values(parsed, category):
    """The model of the parsed question and the values of its fields, in ``category``."""
    model, fields = type_fields(parsed)
    image_ids = {token: stored_image(name, content).pk for token, (name, content) in parsed.images.items()}
    return model, {
        "category": category,
        "name": parsed.name,
        "idnumber": parsed.idnumber,
        "text": with_images(parsed.text, image_ids),
        "general_feedback": with_images(parsed.general_feedback, image_ids),
        "points": parsed.points,
        **fields,
    }


def same_question(category, question, seen):
    """The question of ``category`` that an imported one stands for (see the module's docstring), or None."""
    key = {"idnumber": question.idnumber} if question.idnumber else {"name": question.name, "idnumber": ""}
    seen_key = (category.pk, *key.values())
    occurrence = seen.get(seen_key, 0)
    seen[seen_key] = occurrence + 1
    matches = list(Question.objects.filter(category=category, **key).order_by("pk")[occurrence : occurrence + 1])
    return matches[0].get_real_instance() if matches else None


def into_category(name, owner):
    """The top category ``name`` that ``owner`` keeps, made in their unit if missing; without an owner (a command
    run on the server), the shared one."""
    roots = QuestionCategory.objects.filter(name=name, parent=None)
    roots = roots.filter(unit=None) if owner is None else roots.visible_to(owner)
    root = roots.order_by("pk").first()
    if root is None:
        root = QuestionCategory.objects.create(name=name, owner=owner, unit=owner.managed_unit if owner else None)
    return root


@transaction.atomic
def import_questions(file, *, filename, file_format, category_name, owner=None, skip_invalid=False):
    """Read the binary ``file`` and add its questions under the category ``category_name`` (see ``into_category``).

    Nothing is saved when a question cannot be read, unless ``skip_invalid``.
    """
    questions, errors = IMPORT_FORMATS[file_format].read(file, filename)
    refused = {id(parsed): FormatError(parsed.line, reason) for parsed in questions if (reason := too_long(parsed))}
    errors = sorted([*errors, *refused.values()], key=lambda error: error.line)
    questions = [parsed for parsed in questions if id(parsed) not in refused]
    result = ImportResult(
        errors=errors, notes=[FormatError(parsed.line, note) for parsed in questions for note in parsed.notes]
    )
    if errors and not skip_invalid:
        return result
    root = into_category(category_name, owner)
    seen = {}
    for parsed in questions:
        category = category_at(root, parsed.category)
        model, values = model_and_values(parsed, category)
        current = same_question(category, parsed, seen)
        if current is None:
            model.objects.create(**values)
            result.added += 1
        elif current.content() == model(**values).content():
            result.existing += 1
        elif type(current) is model:
            for name, value in values.items():
                setattr(current, name, value)
            current.version += 1
            current.save()
            result.updated += 1
        else:  # of another type now: the old one is retired and the new one takes its place
            current.is_active = False
            current.save(update_fields=["is_active"])
            model.objects.create(**values)
            result.updated += 1
    return result
