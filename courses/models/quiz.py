"""Quizzes: a QuizPage in a course draws questions from the bank; an Attempt freezes them when it starts."""

from datetime import timedelta
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page

from lms.models.scoping import UnitScopedQuerySet
from lms.pages import RestrictionsKnownFromRoute


class GradingMethod(models.TextChoices):
    HIGHEST = "highest", _("Highest attempt")
    LAST = "last", _("Last attempt")


def kept_attempt(grading_method, previous, attempt):
    """Of two graded attempts of a quiz (``previous`` may be None), the one whose grade counts by its
    ``grading_method``: the later one, or the higher score (the earlier one of two equal scores)."""
    if previous is None or grading_method == GradingMethod.LAST:
        return attempt
    return attempt if attempt.score * previous.max_score > previous.score * attempt.max_score else previous


class ReviewOption(models.TextChoices):
    SCORE = "score", _("The score only")
    ANSWERS = "answers", _("The score and their answers")
    CORRECT = "correct", _("The score, their answers and the correct answers")


class QuizPageForm(WagtailAdminPageForm):
    """A quiz's questions and draws are offered, and accepted, only from the bank its editor may use."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is None:
            return
        usable = {
            "question": apps.get_model("courses", "Question").objects.usable_by(self.for_user),
            "category": apps.get_model("courses", "QuestionCategory").objects.usable_by(self.for_user),
        }
        slots = self.formsets["slots"]

        class SlotForm(slots.form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                for name, queryset in usable.items():
                    self.fields[name].queryset = queryset

        slots.form = SlotForm


class QuizPage(RestrictionsKnownFromRoute, Page):
    """A quiz of a course: fixed questions and random draws, a pass mark, attempts and a time limit."""

    base_form_class = QuizPageForm

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "ul", "ol", "link"])
    required = models.BooleanField(
        _("required"), default=True, help_text=_("Passing it is needed to complete the course.")
    )
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=70)
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=3, help_text=_("0 for no limit.")
    )
    time_limit_minutes = models.PositiveSmallIntegerField(_("time limit (minutes)"), null=True, blank=True)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    shuffle_questions = models.BooleanField(_("shuffle the questions"), default=True)
    shuffle_choices = models.BooleanField(_("shuffle the choices"), default=True)
    grading_method = models.CharField(
        _("grade kept"), max_length=10, choices=GradingMethod.choices, default=GradingMethod.HIGHEST
    )
    review = models.CharField(
        _("after an attempt the learner sees"),
        max_length=10,
        choices=ReviewOption.choices,
        default=ReviewOption.ANSWERS,
    )
    review_after_close = models.BooleanField(
        _("only after the quiz closes"), default=False, help_text=_("Show the review only once the quiz has closed.")
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel("slots", heading=_("Questions"), label=_("question or draw"), min_num=1),
    ]
    settings_panels = [
        *Page.settings_panels,
        MultiFieldPanel(
            [
                FieldPanel("required"),
                FieldRowPanel(
                    [FieldPanel("pass_mark"), FieldPanel("attempts_allowed"), FieldPanel("time_limit_minutes")]
                ),
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_choices")]),
                FieldPanel("grading_method"),
                FieldRowPanel([FieldPanel("review"), FieldPanel("review_after_close")]),
            ],
            heading=_("Quiz"),
        ),
    ]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def get_context(self, request, *args, **kwargs):
        from courses.quiz_selectors import quiz_context

        context = super().get_context(request, *args, **kwargs)
        context.update(quiz_context(self, request))
        return context

    def is_open(self, at):
        return (self.opens_at is None or self.opens_at <= at) and (self.closes_at is None or at < self.closes_at)


class QuizSlot(Orderable):
    """One fixed question, or a random draw of ``count`` active questions from a category."""

    quiz = ParentalKey(QuizPage, on_delete=models.CASCADE, related_name="slots")
    question = models.ForeignKey(
        "courses.Question",
        verbose_name=_("question"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.ForeignKey(
        "courses.QuestionCategory",
        verbose_name=_("or draw from the category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    count = models.PositiveSmallIntegerField(_("how many"), default=1)

    panels = [FieldPanel("question"), FieldRowPanel([FieldPanel("category"), FieldPanel("count")])]

    def clean(self):
        if (self.question_id is None) == (self.category_id is None):
            raise ValidationError(_("Choose either a question or a category to draw from."))


# Answers saved this long after the deadline are still taken: the request left the phone in time.
DEADLINE_GRACE = timedelta(seconds=15)


class AttemptState(models.TextChoices):
    IN_PROGRESS = "in_progress", pgettext_lazy("quiz attempt", "In progress")
    AWAITING_GRADING = "awaiting_grading", _("Awaiting grading")
    GRADED = "graded", _("Graded")


class AttemptQuerySet(UnitScopedQuerySet):
    unit_path = "enrolment__person__unit__path"

    def passed_keys(self):
        """The (enrolment id, quiz id) pairs whose kept attempt (highest or last, as the quiz says) passed."""
        kept = {}
        graded = (
            self.filter(state=AttemptState.GRADED)
            # the quiz's grading method alone: not the quiz, a page whose building would cost more than the read
            .annotate(grading_method=models.F("quiz__grading_method"))
            .only("enrolment_id", "quiz_id", "score", "max_score", "passed")
            .order_by("number")
        )
        for attempt in graded:
            key = (attempt.enrolment_id, attempt.quiz_id)
            kept[key] = kept_attempt(attempt.grading_method, kept.get(key), attempt)
        return {key for key, attempt in kept.items() if attempt.passed}


class Attempt(models.Model):
    """One try of a quiz by an enrolled person; its questions are frozen when it starts."""

    enrolment = models.ForeignKey(
        "courses.Enrolment", verbose_name=_("enrolment"), on_delete=models.PROTECT, related_name="attempts"
    )
    quiz = models.ForeignKey(QuizPage, verbose_name=_("quiz"), on_delete=models.PROTECT, related_name="attempts")
    number = models.PositiveSmallIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started"))
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=AttemptState.choices, default=AttemptState.IN_PROGRESS)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(_("out of"), max_digits=7, decimal_places=2, default=0)
    passed = models.BooleanField(_("passed"), null=True)
    # When its grading last changed (its submit, each essay a trainer grades): its review is kept rendered under
    # this moment (``quiz_selectors.attempt_review``).
    revised_at = models.DateTimeField(null=True, editable=False)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "quiz", "number"], name="one_attempt_per_number"),
            models.UniqueConstraint(
                fields=["enrolment", "quiz"],
                condition=models.Q(state="in_progress"),
                name="one_attempt_in_progress",
            ),
        ]
        permissions = [("grade_attempt", "Can grade essays and see quiz statistics")]

    def __str__(self):
        return f"{self.quiz_id}/{self.enrolment_id} #{self.number}"

    def is_overdue(self, at):
        """Its time ran out before ``at``: it is over, though it is graded only by a write (a POST or the task)."""
        return (
            self.state == AttemptState.IN_PROGRESS and self.deadline is not None and at > self.deadline + DEADLINE_GRACE
        )

    @property
    def percent(self):
        if self.score is None or not self.max_score:
            return None
        return (100 * self.score / self.max_score).quantize(Decimal("0.1"))


class AttemptQuestionQuerySet(UnitScopedQuerySet):
    unit_path = "attempt__enrolment__person__unit__path"


class JSONInsertedAsValues(models.JSONField):
    """A JSON column that a bulk insert writes as a list of VALUES, a placeholder a row, as it does on SQLite. On
    PostgreSQL Django would send each column of the rows as one array to UNNEST, and psycopg escapes every document
    as an element of an array, in Python: the ten questions frozen by a start (12 KB of JSON) took 3.8 ms of CPU to
    insert so and take 1.5 ms as VALUES. Django keeps to VALUES for a field that gives its own placeholder."""

    def get_placeholder(self, _value, _compiler, _connection):
        return "%s"


class AttemptQuestion(models.Model):
    """A question as it was when the attempt started (its type, fields and version) and the learner's answer."""

    attempt = models.ForeignKey(Attempt, on_delete=models.PROTECT, related_name="questions")
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey("courses.Question", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    frozen = JSONInsertedAsValues()  # {"type": model label, "fields": {...}, "order": [...], "options": [...]}
    response = models.JSONField(null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    share = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    grader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    grader_feedback = models.TextField(_("feedback"), blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)

    objects = AttemptQuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["attempt", "position"], name="one_question_per_position")]

    def __str__(self):
        return f"{self.attempt_id}.{self.position}"

    @cached_property
    def as_question(self):
        """The question as it was when the attempt started (an unsaved instance of its type)."""
        return apps.get_model(self.frozen["type"]).from_snapshot(self.frozen["fields"])

    @property
    def points(self):
        return self.as_question.points

    @property
    def earned(self):
        return None if self.share is None else (self.share * self.points).quantize(Decimal("0.01"))
