"""Quizzes in the Wagtail admin: the list of quizzes, each quiz's statistics, and the queue of essays to grade.

Everything is counted within the viewer's unit subtree, like every other report.
"""

from decimal import Decimal

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets import HeaderButton

from courses import quiz_selectors, quizzes
from courses.models import Attempt, AttemptQuestion, CoursePage, QuizPage
from lms.admin.exports import workbook_download
from lms.admin.filters import UnitSubtreeFilter
from lms.admin.permissions import menu_item_for
from lms.admin.reports import LoggedExportMixin, ModelPermissionMixin, UnitReportView, report_urls
from lms.admin.views import AdminPageMixin


def quiz_statistics_url(quiz):
    return reverse("courses_quiz:statistics", args=[quiz.pk])


class QuizFilterSet(WagtailFilterSet):
    course = django_filters.ModelChoiceFilter(
        label=_("course"), queryset=CoursePage.objects.order_by("title"), method="filter_course"
    )

    class Meta:
        model = QuizPage
        fields = ["course"]

    def filter_course(self, queryset, name, course):
        return queryset.child_of(course) if course else queryset


class QuizListView(UnitReportView):
    """Every live quiz with the attempts graded and awaiting grading within the viewer's subtree."""

    model = QuizPage
    permission_model = Attempt
    page_title = _("Quizzes")
    header_icon = "tasks"
    filterset_class = QuizFilterSet
    columns = [
        TitleColumn("title", label=_("Quiz"), get_url=quiz_statistics_url),
        Column("course_title", label=_("Course")),
        Column("graded_count", label=_("Graded attempts")),
        Column("waiting_count", label=_("Awaiting grading")),
    ]
    list_export = ["title", "course_title", "graded_count", "waiting_count"]
    export_headings = {column.name: column.label for column in columns}
    export_filename = "bai-kiem-tra"
    no_results_message = _("No quiz is published yet. Add one inside a course in Pages.")

    def get_base_queryset(self):
        return quiz_selectors.quizzes_overview(self.request.user)

    @cached_property
    def header_buttons(self):
        if not self.user_has_permission("grade"):
            return []
        return [HeaderButton(_("Essays to grade"), url=reverse("courses_quiz:essays"), icon_name="edit")]


def percent(value):
    return None if value is None else Decimal(value).quantize(Decimal("0.1"))


def ratio(value):
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


class QuizStatisticsView(ModelPermissionMixin, AdminPageMixin, TemplateView):
    template_name = "courses/admin/quiz_statistics.html"
    header_icon = "tasks"
    page_title = _("Quiz statistics")
    permission_model = Attempt
    permission_required = "view"

    @cached_property
    def quiz(self):
        return get_object_or_404(quiz_selectors.live_quizzes_with_course(), pk=self.kwargs["quiz_pk"])

    def get_page_subtitle(self):
        return quiz_in_course(self.quiz)

    def parent_breadcrumbs(self):
        return [{"url": reverse("courses_quiz:index"), "label": _("Quizzes")}]

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def statistics(self):
        figures = quiz_selectors.quiz_statistics(self.quiz, self.request.user)
        figures.update(mean=percent(figures["mean"]), median=percent(figures["median"]))
        figures["pass_rate"] = percent(figures["pass_rate"])
        for row in figures["questions"]:
            row.update(facility=ratio(row["facility"]), discrimination=ratio(row["discrimination"]))
        return figures

    def export(self):
        figures = self.statistics()
        headers = [_("Question"), _("Answers"), _("Facility"), _("Discrimination")]
        summary = [
            [_("Attempts"), figures["attempts"], None, None],
            [_("Mean score (%)"), figures["mean"], None, None],
            [_("Median score (%)"), figures["median"], None, None],
            [_("Pass rate (%)"), figures["pass_rate"], None, None],
            [None, None, None, None],
        ]
        rows = [[row["name"], row["answers"], row["facility"], row["discrimination"]] for row in figures["questions"]]
        return workbook_download(headers, summary + rows, filename=f"thong-ke-{self.quiz.slug}")

    def get_context_data(self, **kwargs):
        return super().get_context_data(quiz=self.quiz, **self.statistics(), **kwargs)


def quiz_in_course(quiz):
    """“Course · Quiz”: quizzes are often all named “Bài kiểm tra cuối khóa”."""
    return f"{quiz.course_title} · {quiz.title}"


class QuizChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return quiz_in_course(obj)


class QuizFilter(django_filters.ModelChoiceFilter):
    field_class = QuizChoiceField


class EssayFilterSet(WagtailFilterSet):
    quiz = QuizFilter(
        label=_("Quiz"),
        field_name="attempt__quiz",
        queryset=quiz_selectors.live_quizzes_with_course().order_by("course_title", "title"),
    )
    unit = UnitSubtreeFilter()

    class Meta:
        model = AttemptQuestion
        fields = ["quiz", "unit"]


def essay_label(answer):
    attempt = answer.attempt
    return f"{attempt.enrolment.course.title} · {attempt.quiz.title} · " + _("question %(number)s") % {
        "number": answer.position
    }


def short_datetime(value):
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else ""


class EssayQueueView(LoggedExportMixin, AdminPageMixin, UnitReportView):
    """The essays of the viewer's subtree waiting for a trainer, oldest first."""

    export_what = _("Essays to grade")
    model = AttemptQuestion
    permission_model = Attempt
    permission_required = "grade"
    page_title = _("Essays to grade")
    header_icon = "edit"
    filterset_class = EssayFilterSet
    columns = [
        Column("essay", label=_("Quiz"), accessor=essay_label),
        Column("person", label=_("Person"), accessor="attempt.enrolment.person.full_name"),
        Column("unit", label=_("Unit"), accessor="attempt.enrolment.person.unit.name"),
        Column(
            "submitted",
            label=pgettext_lazy("quiz attempt", "Submitted"),
            accessor=lambda answer: short_datetime(answer.attempt.submitted_at),
        ),
        TitleColumn(
            "grade",
            label="",
            accessor=lambda answer: _("Grade"),
            url_name="courses_quiz:grade",
            link_classname="button button-small",
        ),
    ]
    list_export = [
        "attempt.enrolment.course.title",
        "attempt.quiz.title",
        "position",
        "attempt.enrolment.person.full_name",
        "attempt.enrolment.person.unit.name",
        "attempt.submitted_at",
    ]
    export_headings = {
        "attempt.enrolment.course.title": _("Course"),
        "attempt.quiz.title": _("Quiz"),
        "position": _("Question"),
        "attempt.enrolment.person.full_name": _("Person"),
        "attempt.enrolment.person.unit.name": _("Unit"),
        "attempt.submitted_at": pgettext_lazy("quiz attempt", "Submitted"),
    }
    export_filename = "bai-tu-luan-cho-cham"
    no_results_message = _("No essay is waiting to be graded.")

    def get_base_queryset(self):
        return quiz_selectors.essays_to_grade(self.request.user)

    def parent_breadcrumbs(self):
        return [{"url": reverse("courses_quiz:index"), "label": _("Quizzes")}]


class EssayGradeForm(forms.Form):
    points = forms.DecimalField(label=_("Score (points)"), min_value=0, decimal_places=2)
    feedback = forms.CharField(
        label=_("Feedback to the learner"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, out_of, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["points"].max_value = out_of
        self.fields["points"].help_text = _("From 0 to %(points)s.") % {"points": out_of.normalize()}
        self.fields["points"].widget.attrs["max"] = out_of


class GradeEssayView(ModelPermissionMixin, AdminPageMixin, FormView):
    form_class = EssayGradeForm
    template_name = "courses/admin/grade_essay.html"
    header_icon = "edit"
    page_title = _("Grade an essay")
    permission_model = Attempt
    permission_required = "grade"

    @cached_property
    def answer(self):
        return get_object_or_404(quiz_selectors.essays_to_grade(self.request.user), pk=self.kwargs["answer_pk"])

    def parent_breadcrumbs(self):
        return [{"url": reverse("courses_quiz:essays"), "label": _("Essays to grade")}]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "out_of": self.answer.points}

    def form_valid(self, form):
        try:
            quizzes.grade_essay(
                answer=self.answer,
                points=form.cleaned_data["points"],
                feedback=form.cleaned_data["feedback"],
                user=self.request.user,
            )
        except ValidationError as error:
            form.add_error("points", error)
            return self.form_invalid(form)
        messages.success(self.request, _("The essay is graded."))
        return redirect("courses_quiz:essays")

    def get_context_data(self, **kwargs):
        return super().get_context_data(answer=quiz_selectors.prepared(self.answer), **kwargs)


class QuizViewSet(ViewSet):
    name = "courses_quiz"
    url_prefix = "quizzes"
    icon = "tasks"
    menu_label = _("Quizzes")
    menu_icon = "tasks"
    menu_order = 250
    menu_item_class = menu_item_for("courses.view_attempt")

    def get_urlpatterns(self):
        return [
            *report_urls(self, "", QuizListView, "index"),
            path("<id:quiz_pk>/statistics/", QuizStatisticsView.as_view(), name="statistics"),
            *report_urls(self, "essays/", EssayQueueView, "essays"),
            path("essays/<id:answer_pk>/", GradeEssayView.as_view(), name="grade"),
        ]
