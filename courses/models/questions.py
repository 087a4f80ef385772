"""The question bank: categories owned by trainers and questions of several types, each grading its answers.

A question's ``grade(response)`` returns the share of its points earned, a Decimal from 0 to 1, or
None when a trainer must grade it (essays). Choices and matching pairs are StreamField items, so
each has a stable id that answers refer to, however the choices are shuffled or edited later.
"""

import random
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from polymorphic.models import PolymorphicModel
from wagtail import blocks
from wagtail.fields import RichTextField, StreamField

from lms.vietnamese import fold

SHARE_PLACES = Decimal("0.0001")
QUESTION_TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link", "image"]


def share(earned, out_of):
    """``earned / out_of`` as a Decimal between 0 and 1."""
    if out_of <= 0:
        return Decimal(0)
    value = Decimal(max(0, min(earned, out_of))) / Decimal(out_of)
    return value.quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)


class QuestionCategory(models.Model):
    """A folder of the question bank, possibly inside another; quizzes draw random questions from one."""

    name = models.CharField(_("name"), max_length=255)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("inside"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def with_descendants(self):
        """The ids of this category and of every category inside it, at any depth."""
        children = {}
        for category_id, parent_id in QuestionCategory.objects.values_list("pk", "parent_id"):
            children.setdefault(parent_id, []).append(category_id)
        found, todo = [], [self.pk]
        while todo:
            category_id = todo.pop()
            if category_id not in found:
                found.append(category_id)
                todo.extend(children.get(category_id, []))
        return found


class Question(PolymorphicModel):
    """What every question has; a subtype says how it is answered and graded."""

    category = models.ForeignKey(
        QuestionCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="questions"
    )
    name = models.CharField(_("name"), max_length=255, help_text=_("Shown in the bank, not to learners."))
    text = RichTextField(_("question"), features=QUESTION_TEXT_FEATURES)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2, default=Decimal(1))
    general_feedback = RichTextField(_("general feedback"), blank=True, features=QUESTION_TEXT_FEATURES)
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Retired questions are not drawn."))
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["category", "name"]

    def __str__(self):
        return self.name

    def grade(self, response):
        raise NotImplementedError

    def snapshot(self):
        """Its own fields as text, to rebuild it as it is now with ``from_snapshot`` (attempts keep one)."""
        return {
            field.attname: field.value_to_string(self)
            for field in self._meta.concrete_fields
            if not (field.is_relation or field.primary_key or field.name in ("created_at", "updated_at"))
        }

    @classmethod
    def from_snapshot(cls, fields):
        return cls(**{name: cls._meta.get_field(name).to_python(value) for name, value in fields.items()})

    def layout(self, shuffle):
        """The order its parts are shown in, fixed when an attempt starts (none for most types)."""
        return {}

    def read_answer(self, data, name):
        """The response in the submitted form ``data`` under ``name``; None when not answered."""
        return data.get(name, "").strip() or None

    def right_response(self):
        """A response that earns all the points (None when only a trainer can tell)."""
        return None


class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("answer"))
    correct = blocks.BooleanBlock(label=_("correct"), required=False)
    feedback = blocks.CharBlock(label=_("feedback"), required=False)


def choices_field():
    return StreamField([("choice", ChoiceBlock())], verbose_name=_("choices"))


class ChoiceIds:
    """For questions answered by picking among their ``choices``."""

    def correct_ids(self):
        return {choice.id for choice in self.choices if choice.value["correct"]}

    def choice_ids(self):
        return {choice.id for choice in self.choices}

    def layout(self, shuffle):
        order = [choice.id for choice in self.choices]
        if shuffle:
            random.shuffle(order)
        return {"order": order}

    def choices_in(self, order):
        by_id = {choice.id: choice.value for choice in self.choices}
        return [(choice_id, by_id[choice_id]) for choice_id in order if choice_id in by_id]


class SingleChoiceQuestion(ChoiceIds, Question):
    """One right answer among several; the response is the id of the chosen choice."""

    choices = choices_field()

    class Meta:
        verbose_name = _("single choice question")
        verbose_name_plural = _("single choice questions")

    def right_response(self):
        return next(iter(self.correct_ids()), None)

    def grade(self, response):
        return Decimal(1) if isinstance(response, str) and response in self.correct_ids() else Decimal(0)


class MultipleChoiceQuestion(ChoiceIds, Question):
    """Several right answers; the response is the list of chosen choice ids."""

    choices = choices_field()

    partial_credit = models.BooleanField(
        _("partial credit"),
        default=False,
        help_text=_(
            "Each right choice earns its share and each wrong choice takes one away; otherwise all or nothing."
        ),
    )

    class Meta:
        verbose_name = _("multiple choice question")
        verbose_name_plural = _("multiple choice questions")

    def read_answer(self, data, name):
        return data.getlist(name) or None

    def right_response(self):
        return sorted(self.correct_ids())

    def grade(self, response):
        chosen = set(response) & self.choice_ids() if isinstance(response, list) else set()
        correct = self.correct_ids()
        if not self.partial_credit:
            return Decimal(1) if chosen == correct else Decimal(0)
        return share(len(chosen & correct) - len(chosen - correct), len(correct))


class TrueFalseQuestion(Question):
    """A statement that is true or false; the response is a boolean."""

    correct_answer = models.BooleanField(_("the statement is true"))
    feedback_true = models.CharField(_("feedback for “true”"), max_length=500, blank=True)
    feedback_false = models.CharField(_("feedback for “false”"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("true/false question")
        verbose_name_plural = _("true/false questions")

    def read_answer(self, data, name):
        return {"true": True, "false": False}.get(data.get(name))

    def right_response(self):
        return self.correct_answer

    def grade(self, response):
        return Decimal(1) if isinstance(response, bool) and response == self.correct_answer else Decimal(0)


class ShortAnswerQuestion(Question):
    """A word or phrase typed by the learner, compared with the accepted answers."""

    accepted_answers = models.TextField(_("accepted answers"), help_text=_("One per line."))
    ignore_accents = models.BooleanField(
        _("ignore accents"), default=False, help_text=_("Accept “chu ky so” for “chữ ký số”.")
    )

    class Meta:
        verbose_name = _("short answer question")
        verbose_name_plural = _("short answer questions")

    def normalise(self, text):
        if self.ignore_accents:
            return fold(text)
        return " ".join(unicodedata.normalize("NFC", text).lower().split())

    def right_response(self):
        return next((line.strip() for line in self.accepted_answers.splitlines() if line.strip()), None)

    def grade(self, response):
        if not isinstance(response, str) or not response.strip():
            return Decimal(0)
        accepted = {self.normalise(line) for line in self.accepted_answers.splitlines() if line.strip()}
        return Decimal(1) if self.normalise(response) in accepted else Decimal(0)


def parse_number(text):
    """A number as a learner types it: "3,5", "3.5", "1 000" or "1.000,5"; None if it is not one."""
    cleaned = str(text).strip().replace(" ", "").replace("\xa0", "")
    if "," in cleaned:  # Vietnamese: "," is the decimal separator and "." groups thousands
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


class NumericalQuestion(Question):
    """A number, right within a tolerance."""

    answer = models.DecimalField(_("answer"), max_digits=20, decimal_places=6)
    tolerance = models.DecimalField(
        _("tolerance"), max_digits=20, decimal_places=6, default=Decimal(0), help_text=_("± accepted around it.")
    )

    class Meta:
        verbose_name = _("numerical question")
        verbose_name_plural = _("numerical questions")

    def right_response(self):
        return str(self.answer.normalize())

    def grade(self, response):
        number = parse_number(response) if isinstance(response, str | int | float) else None
        if number is None:
            return Decimal(0)
        return Decimal(1) if abs(number - self.answer) <= self.tolerance else Decimal(0)


class PairBlock(blocks.StructBlock):
    prompt = blocks.CharBlock(label=_("item"))
    match = blocks.CharBlock(label=_("matches"))


class MatchingQuestion(Question):
    """Items each matched with one of the shuffled answers; the response maps an item's id to the id
    of the pair whose answer was picked. Each right match earns its share."""

    pairs = StreamField([("pair", PairBlock())], verbose_name=_("pairs"))

    class Meta:
        verbose_name = _("matching question")
        verbose_name_plural = _("matching questions")

    def layout(self, shuffle):
        items = [pair.id for pair in self.pairs]
        options = list(items)
        random.shuffle(options)  # the answers are always shuffled, or each would sit beside its item
        if shuffle:
            random.shuffle(items)
        return {"order": items, "options": options}

    def items_in(self, order):
        by_id = {pair.id: pair.value for pair in self.pairs}
        return [(pair_id, by_id[pair_id]) for pair_id in order if pair_id in by_id]

    def read_answer(self, data, name):
        chosen = {pair.id: data.get(f"{name}-{pair.id}") for pair in self.pairs}
        return {item: pair for item, pair in chosen.items() if pair} or None

    def right_response(self):
        return {pair.id: pair.id for pair in self.pairs}

    def grade(self, response):
        if not isinstance(response, dict):
            return Decimal(0)
        answers = {pair.id: pair.value["match"].strip() for pair in self.pairs}
        right = sum(1 for item, answer in answers.items() if answers.get(str(response.get(item))) == answer)
        return share(right, len(answers))


class EssayQuestion(Question):
    """A written answer graded by a trainer."""

    answer_template = models.TextField(_("answer template"), blank=True)
    grading_notes = models.TextField(_("notes for the grader"), blank=True)

    class Meta:
        verbose_name = _("essay question")
        verbose_name_plural = _("essay questions")

    def grade(self, response):
        return None
