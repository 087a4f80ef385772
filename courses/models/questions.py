"""The question bank: categories of a unit (or shared by the whole install) and questions of several types, each
grading its answers.

A question's ``grade(response)`` returns the share of its points earned, a Decimal from 0 to 1, or
None when a trainer must grade it (essays). Choices and matching pairs are StreamField items, so
each has a stable id that answers refer to, however the choices are shuffled or edited later.
"""

import random
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from polymorphic.managers import PolymorphicManager
from polymorphic.models import PolymorphicModel
from polymorphic.query import PolymorphicQuerySet
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.fields import RichTextField, StreamField

from lms.models.scoping import UnitScopedQuerySet

SHARE_PLACES = Decimal("0.0001")
LARGEST_DIGITS = 13  # numbers below 10^13: what the bank stores, and what a learner's answer is compared with
FRACTION_PLACES = Decimal("0.0000001")  # a weight of 33.33333% and a third are the same
QUESTION_TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link", "image"]


def share(earned, out_of):
    """``earned / out_of`` as a Decimal between 0 and 1."""
    if out_of <= 0:
        return Decimal(0)
    value = Decimal(max(0, min(earned, out_of))) / Decimal(out_of)
    return value.quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)


def category_names(path):
    """The names of the categories of a path "A/B" (the first inside the second...), "//" standing for a slash
    inside a name, as Moodle writes it."""
    parts = path.replace("//", "\ue000").split("/")
    return [part.replace("\ue000", "/").strip() for part in parts if part.strip()]


def category_path(names):
    """The path of the categories ``names``, as ``category_names`` reads it."""
    return "/".join(name.replace("/", "//") for name in names)


class QuestionCategoryQuerySet(UnitScopedQuerySet):
    unit_path = "unit__path"


class QuestionCategory(models.Model):
    """A folder of the question bank, possibly inside another; quizzes draw random questions from one.

    A category belongs to a unit, as the categories inside it do: the trainers of that unit's subtree keep it and
    its questions, those of the units below use them as they are. A category of no unit is shared by the whole
    install: every trainer uses it, only administrators change it.
    """

    name = models.CharField(_("name"), max_length=255)
    unit = models.ForeignKey(
        "lms.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "Kept by the trainers of this unit and of the units above it, used by those below. Empty: shared by "
            "every unit, kept by administrators. A category inside another belongs to the other's unit."
        ),
    )
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

    objects = QuestionCategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.parent_id is not None:
            self.unit_id = self.parent.unit_id
        super().save(*args, **kwargs)
        # the categories inside follow it to its unit
        inside = QuestionCategory.objects.filter(pk__in=self.with_descendants()).exclude(unit_id=self.unit_id)
        inside.update(unit_id=self.unit_id)

    @property
    def audit_unit_id(self):
        """The unit whose trainers may read this category's history (see ``lms.UnitLogEntry``)."""
        return self.unit_id

    @staticmethod
    def tree():
        """The ids of the categories directly inside each category (None: the top ones), in one query."""
        children = {}
        for category_id, parent_id in QuestionCategory.objects.values_list("pk", "parent_id"):
            children.setdefault(parent_id, []).append(category_id)
        return children

    def with_descendants(self, tree=None):
        """The ids of this category and of every category inside it, at any depth (in ``tree``, read now if not
        given)."""
        children = QuestionCategory.tree() if tree is None else tree
        found, todo = [], [self.pk]
        while todo:
            category_id = todo.pop()
            if category_id not in found:
                found.append(category_id)
                todo.extend(children.get(category_id, []))
        return found

    def paths_below(self):
        """The path ("A/B", see ``category_path``) of this category and of each inside it, relative to this one
        (itself is "")."""
        categories = {
            category.pk: category for category in QuestionCategory.objects.filter(pk__in=self.with_descendants())
        }

        def path(category):
            if category.pk == self.pk:
                return ""
            parent = path(categories[category.parent_id])
            return category_path([parent, category.name]) if parent else category_path([category.name])

        return {pk: path(category) for pk, category in categories.items()}

    def questions_below(self):
        """The active questions of this category and of those inside it, as (category path, question), in the
        order of the paths."""
        paths = self.paths_below()
        questions = Question.objects.filter(category__in=paths, is_active=True).order_by("pk")
        return sorted(((paths[question.category_id], question) for question in questions), key=lambda item: item[0])


class QuestionQuerySet(UnitScopedQuerySet, PolymorphicQuerySet):
    unit_path = "category__unit__path"


class Question(PolymorphicModel):
    """What every question has; a subtype says how it is answered and graded. It belongs to its category's unit."""

    category = models.ForeignKey(
        QuestionCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="questions"
    )
    name = models.CharField(_("name"), max_length=255, help_text=_("Shown in the bank, not to learners."))
    text = RichTextField(_("question"), features=QUESTION_TEXT_FEATURES)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2, default=Decimal(1))
    general_feedback = RichTextField(_("general feedback"), blank=True, features=QUESTION_TEXT_FEATURES)
    idnumber = models.CharField(
        _("ID number"),
        max_length=100,
        blank=True,
        help_text=_("An identifier of your own (Moodle's “ID number”); a file imported again updates the question."),
    )
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Retired questions are not drawn."))
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Each type's names in the files the bank reads and writes, and the admin panels of its own fields.
    sheet_label = None  # the XLSX template's “Loại” column
    moodle_type = None  # Moodle XML's <question type="...">
    type_panels = []

    objects = PolymorphicManager.from_queryset(QuestionQuerySet)()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["category", "name"]

    def __str__(self):
        return self.name

    @property
    def audit_unit_id(self):
        """The unit whose trainers may read this question's history: its category's (see ``lms.UnitLogEntry``)."""
        return self.category.unit_id

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

    def content(self):
        """What the question says and how it grades, as plain values: two questions with equal content are the
        same question (an import compares them so, and a file exported and read again keeps it)."""
        return {
            "type": self._meta.model_name,
            "name": self.name,
            "idnumber": self.idnumber,
            "text": self.text,
            "points": exact(self.points),
            "general_feedback": self.general_feedback,
            **self.type_content(),
        }

    def type_content(self):
        return {}


def exact(number):
    """A number without its trailing zeros, to compare 50 with 50.000; None stays None."""
    return None if number is None else Decimal(str(number)).normalize()


def stream_content(stream, *names):
    """The items of a StreamField as tuples of the named values, numbers made comparable."""
    return [
        tuple(
            exact(value) if isinstance(value, Decimal | int | float) and not isinstance(value, bool) else value
            for value in (item.value[name] for name in names)
        )
        for item in stream
    ]


WEIGHT_HELP = _("Share of the points in %, from -100 to 100; empty: what “correct” says.")


def weight_block(**options):
    return blocks.DecimalBlock(
        label=_("weight (%)"), min_value=-100, max_value=100, decimal_places=5, max_digits=9, **options
    )


class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("answer"))
    correct = blocks.BooleanBlock(label=_("correct"), required=False)
    weight = weight_block(required=False, help_text=WEIGHT_HELP)
    feedback = blocks.CharBlock(label=_("feedback"), required=False)

    def clean(self, value):
        value = super().clean(value)
        if value.get("weight") is not None and (value["weight"] > 0) != bool(value["correct"]):
            raise StructBlockValidationError(
                {
                    "weight": ValidationError(
                        _("A positive weight is for a correct answer, zero or less for a wrong one.")
                    )
                }
            )
        return value


def choices_field():
    return StreamField([("choice", ChoiceBlock(label=_("choice")))], verbose_name=_("choices"))


class ChoiceIds:
    """For questions answered by picking among their ``choices``.

    Each choice earns a fraction of the points: its weight when it has one (as Moodle's weighted answers),
    otherwise what "correct" implies for the type (``default_fraction``)."""

    def correct_ids(self):
        return {choice.id for choice in self.choices if choice.value["correct"]}

    def weighted_choices(self):
        """Each choice (a StreamField item) with the fraction of the points it earns."""
        right = sum(1 for choice in self.choices if choice.value["correct"])
        return [
            (
                choice,
                Decimal(choice.value["weight"]) / 100
                if choice.value.get("weight") is not None
                else self.default_fraction(bool(choice.value["correct"]), right),
            )
            for choice in self.choices
        ]

    def fractions(self):
        return {choice.id: fraction for choice, fraction in self.weighted_choices()}

    def type_content(self):
        return {
            "choices": [
                (choice.value["text"], fraction.quantize(FRACTION_PLACES), choice.value["feedback"])
                for choice, fraction in self.weighted_choices()
            ]
        }

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

    sheet_label = "Một lựa chọn"
    moodle_type = "multichoice"
    type_panels = [FieldPanel("choices")]

    class Meta:
        verbose_name = _("single choice question")
        verbose_name_plural = _("single choice questions")

    @staticmethod
    def default_fraction(correct, right):
        return Decimal(1) if correct else Decimal(0)

    def right_response(self):
        fractions = self.fractions()
        return max(fractions, key=fractions.get, default=None)

    def grade(self, response):
        fraction = self.fractions().get(response) if isinstance(response, str) else None
        return share(fraction or 0, 1)


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

    sheet_label = "Nhiều lựa chọn"
    moodle_type = "multichoice"
    type_panels = [FieldPanel("choices"), FieldPanel("partial_credit")]

    class Meta:
        verbose_name = _("multiple choice question")
        verbose_name_plural = _("multiple choice questions")

    def read_answer(self, data, name):
        return data.getlist(name) or None

    @staticmethod
    def default_fraction(correct, right):
        """Each right choice its share; each wrong one takes a share away."""
        return (Decimal(1) if correct else Decimal(-1)) / max(1, right)

    def type_content(self):
        return {**super().type_content(), "partial_credit": self.partial_credit}

    def right_response(self):
        return sorted(self.correct_ids())

    def grade(self, response):
        chosen = set(response) & self.choice_ids() if isinstance(response, list) else set()
        if not self.partial_credit:
            return Decimal(1) if chosen == self.correct_ids() else Decimal(0)
        fractions = self.fractions()
        return share(sum(fractions[choice_id] for choice_id in chosen), 1)


class TrueFalseQuestion(Question):
    """A statement that is true or false; the response is a boolean."""

    correct_answer = models.BooleanField(_("the statement is true"))
    feedback_true = models.CharField(_("feedback for “true”"), max_length=500, blank=True)
    feedback_false = models.CharField(_("feedback for “false”"), max_length=500, blank=True)

    sheet_label = "Đúng sai"
    moodle_type = "truefalse"
    type_panels = [FieldPanel("correct_answer"), FieldPanel("feedback_true"), FieldPanel("feedback_false")]

    class Meta:
        verbose_name = _("true/false question")
        verbose_name_plural = _("true/false questions")

    def read_answer(self, data, name):
        return {"true": True, "false": False}.get(data.get(name))

    def right_response(self):
        return self.correct_answer

    def type_content(self):
        return {
            "correct_answer": self.correct_answer,
            "feedback_true": self.feedback_true,
            "feedback_false": self.feedback_false,
        }

    def grade(self, response):
        return Decimal(1) if isinstance(response, bool) and response == self.correct_answer else Decimal(0)


class ShortAnswerBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("answer"), help_text=_("* stands for any characters, e.g. “chữ ký*”."))
    weight = weight_block(default=100, help_text=_("Share of the points in %."))
    feedback = blocks.CharBlock(label=_("feedback"), required=False)


class ShortAnswerQuestion(Question):
    """A word or phrase typed by the learner; the first accepted answer it matches gives its weight."""

    answers = StreamField([("answer", ShortAnswerBlock(label=_("answer")))], verbose_name=_("accepted answers"))
    case_sensitive = models.BooleanField(_("case sensitive"), default=False)
    ignore_accents = models.BooleanField(
        _("ignore accents"), default=False, help_text=_("Accept “chu ky so” for “chữ ký số”.")
    )

    sheet_label = "Trả lời ngắn"
    moodle_type = "shortanswer"
    type_panels = [FieldPanel("answers"), FieldRowPanel([FieldPanel("case_sensitive"), FieldPanel("ignore_accents")])]

    class Meta:
        verbose_name = _("short answer question")
        verbose_name_plural = _("short answer questions")

    def normalise(self, text):
        text = " ".join(unicodedata.normalize("NFC", text).split())
        if self.ignore_accents:
            text = strip_accents(text)
        return text if self.case_sensitive else text.lower()

    def pattern(self, answer):
        """The accepted answer as a regular expression: ``*`` is any characters, ``\\*`` a star."""
        parts = re.split(r"(?<!\\)\*", answer)
        return re.compile(".*".join(re.escape(self.normalise(part.replace("\\*", "*"))) for part in parts))

    def matching_answer(self, response):
        """The first accepted answer that the response matches (Moodle's order), or None."""
        if not isinstance(response, str) or not response.strip():
            return None
        typed = self.normalise(response)
        return next((item.value for item in self.answers if self.pattern(item.value["text"]).fullmatch(typed)), None)

    def type_content(self):
        return {
            "answers": stream_content(self.answers, "text", "weight", "feedback"),
            "case_sensitive": self.case_sensitive,
            "ignore_accents": self.ignore_accents,
        }

    def right_response(self):
        best = max(self.answers, key=lambda item: item.value["weight"], default=None)
        return None if best is None else best.value["text"].replace("\\*", "*")

    def grade(self, response):
        answer = self.matching_answer(response)
        return share(Decimal(answer["weight"]) / 100, 1) if answer else Decimal(0)


def strip_accents(text):
    """“Chữ ký số” as “Chu ky so”."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in text if not unicodedata.combining(char))


def parse_number(text):
    """A number as a learner types it: "3,5", "3.5", "1 000" or "1.000,5"; None if it is not one, or
    is beyond what the bank holds (1e999999999 would overflow the arithmetic that grades it)."""
    cleaned = str(text).strip().replace(" ", "").replace("\xa0", "")
    if "," in cleaned:  # Vietnamese: "," is the decimal separator and "." groups thousands
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    return number if number.is_finite() and number.adjusted() < LARGEST_DIGITS else None


class NumericalAnswerBlock(blocks.StructBlock):
    value = blocks.DecimalBlock(
        label=_("answer"), required=False, decimal_places=6, help_text=_("Empty: any other answer (for its feedback).")
    )
    tolerance = blocks.DecimalBlock(label=_("tolerance (±)"), default=0, min_value=0, decimal_places=6)
    weight = weight_block(default=100, help_text=_("Share of the points in %."))
    feedback = blocks.CharBlock(label=_("feedback"), required=False)


class NumericalQuestion(Question):
    """A number; the first answer it falls within (value ± tolerance) gives its weight."""

    answers = StreamField([("answer", NumericalAnswerBlock(label=_("answer")))], verbose_name=_("answers"))

    sheet_label = "Số"
    moodle_type = "numerical"
    type_panels = [FieldPanel("answers")]

    class Meta:
        verbose_name = _("numerical question")
        verbose_name_plural = _("numerical questions")

    def matching_answer(self, response):
        number = parse_number(response) if isinstance(response, str | int | float) else None
        if number is None:
            return None
        for item in self.answers:
            value = item.value["value"]
            if value is None or abs(number - value) <= (item.value["tolerance"] or 0):
                return item.value
        return None

    def type_content(self):
        return {"answers": stream_content(self.answers, "value", "tolerance", "weight", "feedback")}

    def right_response(self):
        numbers = [item.value for item in self.answers if item.value["value"] is not None]
        best = max(numbers, key=lambda answer: answer["weight"], default=None)
        return None if best is None else str(best["value"].normalize())

    def grade(self, response):
        answer = self.matching_answer(response)
        return share(Decimal(answer["weight"]) / 100, 1) if answer else Decimal(0)


class PairBlock(blocks.StructBlock):
    prompt = blocks.CharBlock(label=_("item"), required=False, help_text=_("Empty: a wrong answer to choose from."))
    match = blocks.CharBlock(label=_("matches"))


class MatchingQuestion(Question):
    """Items each matched with one of the shuffled answers; the response maps an item's id to the id
    of the pair whose answer was picked. Each right match earns its share. A pair without an item only
    adds a wrong answer to choose from."""

    pairs = StreamField([("pair", PairBlock(label=_("pair")))], verbose_name=_("pairs"))

    sheet_label = "Ghép đôi"
    moodle_type = "matching"
    type_panels = [FieldPanel("pairs")]

    class Meta:
        verbose_name = _("matching question")
        verbose_name_plural = _("matching questions")

    def items(self):
        return [pair for pair in self.pairs if pair.value["prompt"]]

    def layout(self, shuffle):
        items = [pair.id for pair in self.items()]
        options = [pair.id for pair in self.pairs]
        random.shuffle(options)  # the answers are always shuffled, or each would sit beside its item
        if shuffle:
            random.shuffle(items)
        return {"order": items, "options": options}

    def items_in(self, order):
        by_id = {pair.id: pair.value for pair in self.pairs}
        return [(pair_id, by_id[pair_id]) for pair_id in order if pair_id in by_id]

    def read_answer(self, data, name):
        chosen = {pair.id: data.get(f"{name}-{pair.id}") for pair in self.items()}
        return {item: pair for item, pair in chosen.items() if pair} or None

    def type_content(self):
        return {"pairs": stream_content(self.pairs, "prompt", "match")}

    def right_response(self):
        return {pair.id: pair.id for pair in self.items()}

    def grade(self, response):
        if not isinstance(response, dict):
            return Decimal(0)
        matches = {pair.id: pair.value["match"].strip() for pair in self.pairs}
        items = self.items()
        right = sum(1 for item in items if matches.get(str(response.get(item.id))) == matches[item.id])
        return share(right, len(items))


class EssayQuestion(Question):
    """A written answer graded by a trainer."""

    answer_template = models.TextField(_("answer template"), blank=True)
    grading_notes = models.TextField(_("notes for the grader"), blank=True)

    sheet_label = "Tự luận"
    moodle_type = "essay"
    type_panels = [FieldPanel("answer_template"), FieldPanel("grading_notes")]

    class Meta:
        verbose_name = _("essay question")
        verbose_name_plural = _("essay questions")

    def type_content(self):
        return {"answer_template": self.answer_template, "grading_notes": self.grading_notes}

    def grade(self, response):
        return None


class DescriptionQuestion(Question):
    """Text shown between questions (an instruction, a case to read); nothing to answer, no points.
    Never drawn at random."""

    sheet_label = "Mô tả"
    moodle_type = "description"
    # text only: the admin form has neither points nor feedback
    panels = [FieldPanel("category"), FieldPanel("name"), FieldPanel("text"), FieldPanel("is_active")]

    class Meta:
        verbose_name = _("description")
        verbose_name_plural = _("descriptions")

    def save(self, *args, **kwargs):
        self.points = Decimal(0)
        super().save(*args, **kwargs)

    def read_answer(self, data, name):
        return None

    def grade(self, response):
        return Decimal(0)


# The one registry of question types, in the order the admin offers them: the admin's forms, and the readers
# and writers of every file format, derive from it.
QUESTION_TYPES = (
    SingleChoiceQuestion,
    MultipleChoiceQuestion,
    TrueFalseQuestion,
    ShortAnswerQuestion,
    NumericalQuestion,
    MatchingQuestion,
    EssayQuestion,
    DescriptionQuestion,
)
QUESTION_TYPES_BY_NAME = {model._meta.model_name: model for model in QUESTION_TYPES}
