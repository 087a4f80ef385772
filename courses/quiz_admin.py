"""Quizzes in the Wagtail admin: the list of quizzes, each quiz's statistics, and the queue of essays to grade.

Everything is counted within the viewer's unit subtree, like every other report.
"""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin.viewsets.base import ViewSet

from courses import quiz_selectors, quizzes
from courses.models import QuizPage
from lms.admin.exports import table_download
from lms.admin.permissions import menu_item_for
from lms.admin.views import AdminPageMixin


def require(user, permission):
    if not user.has_perm(permission):
        raise PermissionDenied


class QuizListView(AdminPageMixin, TemplateView):
    template_name = "courses/admin/quiz_list.html"
    header_icon = "tasks"
    page_title = _("Quizzes")

    def dispatch(self, request, *args, **kwargs):
        require(request.user, "courses.view_attempt")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            quizzes=quiz_selectors.quizzes_overview(self.request.user),
            can_grade=self.request.user.has_perm("courses.grade_attempt"),
            **kwargs,
        )


def percent(value):
    return None if value is None else Decimal(value).quantize(Decimal("0.1"))


def ratio(value):
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


class QuizStatisticsView(AdminPageMixin, TemplateView):
    template_name = "courses/admin/quiz_statistics.html"
    header_icon = "tasks"
    page_title = _("Quiz statistics")

    def dispatch(self, request, quiz_pk):
        require(request.user, "courses.view_attempt")
        self.quiz = get_object_or_404(QuizPage, pk=quiz_pk)
        return super().dispatch(request)

    def get_page_subtitle(self):
        return self.quiz.title

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
        return table_download(headers, summary + rows, filename=f"thong-ke-{self.quiz.slug}", file_format="xlsx")

    def get_context_data(self, **kwargs):
        return super().get_context_data(quiz=self.quiz, **self.statistics(), **kwargs)


class EssayQueueView(AdminPageMixin, TemplateView):
    template_name = "courses/admin/essay_queue.html"
    header_icon = "edit"
    page_title = _("Essays to grade")

    def dispatch(self, request, *args, **kwargs):
        require(request.user, "courses.grade_attempt")
        return super().dispatch(request, *args, **kwargs)

    def parent_breadcrumbs(self):
        return [{"url": reverse("courses_quiz:index"), "label": _("Quizzes")}]

    def get_context_data(self, **kwargs):
        return super().get_context_data(answers=quiz_selectors.essays_to_grade(self.request.user)[:200], **kwargs)


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


class GradeEssayView(AdminPageMixin, FormView):
    form_class = EssayGradeForm
    template_name = "courses/admin/grade_essay.html"
    header_icon = "edit"
    page_title = _("Grade an essay")

    def dispatch(self, request, answer_pk):
        require(request.user, "courses.grade_attempt")
        self.answer = get_object_or_404(quiz_selectors.essays_to_grade(request.user), pk=answer_pk)
        return super().dispatch(request)

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
            path("", QuizListView.as_view(), name="index"),
            path("<int:quiz_pk>/statistics/", QuizStatisticsView.as_view(), name="statistics"),
            path("essays/", EssayQueueView.as_view(), name="essays"),
            path("essays/<int:answer_pk>/", GradeEssayView.as_view(), name="grade"),
        ]
