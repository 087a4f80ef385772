"""Course page types: the catalogue, courses and their lessons."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from courses.blocks import LessonBodyBlock
from lms.pages import RestrictionsKnownFromRoute
from lms.vietnamese import fold


class CourseIndexPage(RestrictionsKnownFromRoute, Page):
    """The course catalogue: lists the published courses below it, filtered by competence and audience."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["courses.CoursePage"]

    class Meta:
        verbose_name = _("course catalogue")
        verbose_name_plural = _("course catalogues")

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import catalogue

        context = super().get_context(request, *args, **kwargs)
        context.update(catalogue(self, request))
        return context


class EnrolmentMode(models.TextChoices):
    OPEN = "open", _("Open: any learner may enrol")
    ASSIGNED = "assigned", _("Assigned only: organisers enrol people")


class CoursePage(RestrictionsKnownFromRoute, Page):
    """A course: what it teaches and to whom, and when it is complete. Its lessons are its children."""

    summary = models.TextField(_("summary"), help_text=_("One or two sentences shown in the catalogue."))
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    audience = ParentalManyToManyField(
        "lms.PersonCategory",
        verbose_name=_("audience"),
        blank=True,
        help_text=_("The categories of people the course is for; none means everyone."),
    )
    competences = ParentalManyToManyField("courses.Competence", verbose_name=_("competences"), blank=True)
    estimated_hours = models.DecimalField(
        _("estimated hours"), max_digits=5, decimal_places=1, help_text=_("Counted as training hours.")
    )
    prerequisites = ParentalManyToManyField(
        "courses.CoursePage",
        verbose_name=_("prerequisites"),
        blank=True,
        related_name="required_by",
        help_text=_("Courses a learner must have completed before enrolling in this one."),
    )
    enrolment_mode = models.CharField(
        _("enrolment"), max_length=20, choices=EnrolmentMode.choices, default=EnrolmentMode.OPEN
    )
    search_text = models.TextField(editable=False, default="")

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        MultiFieldPanel(
            [
                FieldPanel("audience", widget=forms.CheckboxSelectMultiple),
                FieldPanel("competences", widget=forms.CheckboxSelectMultiple),
                FieldPanel("estimated_hours"),
            ],
            heading=_("For whom and what"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("enrolment_mode"),
                FieldPanel("prerequisites", widget=forms.CheckboxSelectMultiple),
                HelpPanel(
                    _(
                        "Completion rule: a learner completes the course when every lesson (and quiz) marked "
                        "“required” is done. Mark lessons optional on the lesson page."
                    )
                ),
            ],
            heading=_("Enrolment and completion"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage", "courses.QuizPage"]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.title} {self.summary}")
        super().save(*args, **kwargs)

    def lessons(self):
        return LessonPage.objects.child_of(self).live().order_by("path")

    def quizzes(self):
        from courses.models.quiz import QuizPage

        return QuizPage.objects.child_of(self).live().order_by("path")

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import course_context

        context = super().get_context(request, *args, **kwargs)
        context.update(course_context(self, request))
        return context


class LessonPage(RestrictionsKnownFromRoute, Page):
    """One lesson of a course, read on a phone and marked done by the learner."""

    body = StreamField(LessonBodyBlock(), verbose_name=_("body"))
    required = models.BooleanField(
        _("required"), default=True, help_text=_("Required lessons must be done to complete the course.")
    )
    min_reading_minutes = models.PositiveSmallIntegerField(
        _("minimum reading time (minutes)"),
        null=True,
        blank=True,
        help_text=_("The lesson can be marked done only after it has been open this long. Leave empty for none."),
    )

    content_panels = [*Page.content_panels, FieldPanel("body")]
    settings_panels = [*Page.settings_panels, FieldPanel("required"), FieldPanel("min_reading_minutes")]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import lesson_context

        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_context(self, request))
        return context
