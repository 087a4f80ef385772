"""Courses in the Wagtail admin (competences, enrolments by person and by unit, course assignments), and
the enrolment gate of the lessons and quizzes on the site."""

from datetime import timedelta

from django.db.models import Count, Max, Q
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page, WorkflowState
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import register_permission_policy

from courses import admin_views, personal_data, quiz_selectors, selectors, views
from courses.models import (
    QUESTION_TYPES,
    Competence,
    CompetenceDomain,
    CourseAssignment,
    CoursePage,
    Enrolment,
    LessonPage,
    Question,
    QuestionCategory,
    QuizPage,
)
from courses.question_admin import QuestionBankViewSet, QuestionCategoryViewSet, question_type_viewsets
from courses.quiz_admin import QuizViewSet
from lms.admin.home import HomePanel, works_as
from lms.admin.permissions import LimitedPermissionPolicy, NeverDeletePermissionPolicy
from lms.admin.views import ScopedIndexView
from lms.admin.viewsets import ScopedViewSet
from lms.models import UnitLogEntry


class EnrolmentViewSet(ModelViewSet):
    model = Enrolment
    name = "courses_enrolment"
    url_prefix = "enrolments"
    icon = "group"
    menu_order = 100
    index_view_class = admin_views.EnrolmentIndexView
    filterset_class = admin_views.EnrolmentFilterSet
    form_fields = []
    copy_view_enabled = False
    inspect_view_enabled = False
    list_per_page = 50
    list_export = [
        "person.full_name",
        "person.unit.name",
        "person.unit.code",
        "person.category.name",
        "course.title",
        "get_source_display",
        "enrolled_at",
        "due_date",
        "status_label",
        "completed_at",
    ]
    export_headings = {
        "person.full_name": _("Full name"),
        "person.unit.name": _("Unit"),
        "person.unit.code": _("Unit code"),
        "person.category.name": _("Category"),
        "course.title": _("Course"),
        "get_source_display": _("How"),
        "enrolled_at": _("Enrolled at"),
        "due_date": _("Due date"),
        "status_label": _("Status"),
        "completed_at": _("Completed at"),
    }
    export_filename = "dang-ky-hoc"

    @property
    def list_display(self):
        return [
            Column("person", label=_("person")),
            Column("person.unit", label=_("unit")),
            TitleColumn(
                "course", label=_("course"), get_url=lambda enrolment: admin_views.course_progress_url(enrolment.course)
            ),
            Column("status_label", label=_("status")),
            DateColumn("due_date", label=_("due date")),
            DateColumn("completed_at", label=_("completed at")),
        ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("by-unit/<id:course_pk>/", admin_views.CourseProgressView.as_view(), name="by_unit"),
        ]


class AssignmentIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return (
            super().get_base_queryset().select_related("course", "unit", "job").annotate(enrolled=Count("enrolments"))
        )


class AssignmentViewSet(ScopedViewSet):
    model = CourseAssignment
    name = "courses_assignment"
    url_prefix = "course-assignments"
    icon = "calendar-check"
    menu_order = 200
    index_view_class = AssignmentIndexView
    add_view_class = admin_views.AssignmentCreateView
    form_fields = ["course", "unit", "categories", "due_date"]

    def get_form_class(self, for_update=False):
        return admin_views.AssignmentForm

    @property
    def list_display(self):
        return [
            TitleColumn(
                "course",
                label=_("course"),
                get_url=lambda assignment: reverse("courses_assignment:progress", args=[assignment.pk]),
            ),
            Column("unit", label=_("unit")),
            DateColumn("due_date", label=_("due date")),
            Column("status", accessor="job.get_status_display", label=_("status")),
            Column("enrolled", label=_("newly enrolled")),
            DateColumn("created_at", accessor="job.created_at", label=_("ordered at")),
        ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<id:pk>/progress/", admin_views.AssignmentProgressView.as_view(), name="progress"),
        ]


class CompetenceDomainViewSet(ModelViewSet):
    model = CompetenceDomain
    name = "courses_competencedomain"
    url_prefix = "competence-domains"
    icon = "folder-open-inverse"
    menu_order = 400
    form_fields = ["number", "name"]
    list_display = ["number", "name"]
    copy_view_enabled = False


class CompetenceViewSet(ModelViewSet):
    model = Competence
    name = "courses_competence"
    url_prefix = "competences"
    icon = "tag"
    menu_order = 300
    form_fields = ["domain", "number", "name", "description"]
    list_display = ["number", "name", "domain"]
    list_filter = ["domain"]
    copy_view_enabled = False


class LearningViewSetGroup(ViewSetGroup):
    menu_label = _("Learning")
    menu_icon = "doc-full-inverse"
    menu_order = 260
    items = (
        EnrolmentViewSet,
        AssignmentViewSet,
        QuizViewSet,
        QuestionBankViewSet,
        QuestionCategoryViewSet,
        CompetenceViewSet,
        CompetenceDomainViewSet,
    )


@hooks.register("register_admin_viewset")
def register_learning_viewsets():
    return [LearningViewSetGroup(), *question_type_viewsets()]


@hooks.register("before_serve_page")
def let_only_enrolled_learners_into_lessons_and_quizzes(page, request, serve_args, serve_kwargs):
    """A lesson or a quiz is served only to the learners enrolled in its course; anyone else gets the
    refusal or the way to log in or enrol."""
    if isinstance(page, (LessonPage, QuizPage)):
        return views.refusal_unless_enrolled(request, page)
    return None


def refusal_to_delete(request, pages):
    """Back to the page with the reason, when learners' records point at one of ``pages`` or below."""
    for page in pages:
        records = selectors.kept_records_below(page)
        if records:
            messages.error(
                request,
                _(
                    "“%(page)s” cannot be deleted: %(records)s records of learners (enrolments, progress, "
                    "attempts, certificates) point at it or at a page below it, and they are kept. Unpublish it "
                    "instead: it leaves the site and the records stay."
                )
                % {"page": page.get_admin_display_title(), "records": records},
            )
            return redirect("wagtailadmin_pages:edit", page.pk)
    return None


@hooks.register("before_delete_page")
def refuse_deleting_a_page_with_learners_records(request, page):
    return refusal_to_delete(request, [page])


@hooks.register("before_bulk_action")
def refuse_deleting_pages_with_learners_records(request, action_type, objects, action_class_instance):
    if action_type == "delete" and all(isinstance(page, Page) for page in objects):
        return refusal_to_delete(request, objects)
    return None


@hooks.register("register_log_actions")
def register_course_log_actions(actions):
    actions.register_model(CourseAssignment, UnitLogEntry)  # read by the organisers of the assigned unit
    for bank_model in (QuestionCategory, Question, *QUESTION_TYPES):
        actions.register_model(bank_model, UnitLogEntry)  # read by the trainers of the category's unit
    actions.register_action("courses.assign", _("Assign a course"), _("Course assigned to a unit"))


register_permission_policy(Enrolment, LimitedPermissionPolicy(Enrolment, actions={"view"}))
register_permission_policy(CourseAssignment, LimitedPermissionPolicy(CourseAssignment, actions={"add", "view"}))
for never_deleted in (Competence, CompetenceDomain, QuestionCategory, Question, *QUESTION_TYPES):
    register_permission_policy(never_deleted, NeverDeletePermissionPolicy(never_deleted))


# An assignment due within this many days is listed as due soon on the organiser's home.
DUE_SOON_DAYS = 14


class AssignmentsPanel(HomePanel):
    """The organiser's course assignments: those overdue or due soon with people not done, and the last
    ordered with the result of their background job."""

    panel_id = "assignments"
    heading = _("Course assignments")
    template_name = "courses/admin/home_assignments.html"
    order = 20

    def rows(self):
        today = timezone.localdate()
        assignments = CourseAssignment.objects.visible_to(self.request.user).select_related("course", "unit")
        due = (
            assignments.filter(due_date__lte=today + timedelta(days=DUE_SOON_DAYS))
            .annotate(not_done=Count("enrolments", filter=Q(enrolments__completed_at__isnull=True)))
            .filter(not_done__gt=0)
            .order_by("due_date", "pk")[:10]
        )
        for assignment in due:
            assignment.is_overdue = assignment.due_date < today
        recent = (
            assignments.select_related("job").annotate(enrolled=Count("enrolments")).order_by("-job__created_at")[:5]
        )
        return {"due": due, "recent": recent}


class CoursesInModerationPanel(HomePanel):
    """Course pages, lessons and quizzes the trainer may edit that wait for a moderator."""

    panel_id = "courses-in-moderation"
    heading = _("Courses awaiting moderation")
    template_name = "courses/admin/home_moderation.html"
    order = 10

    def rows(self):
        editable = PagePermissionPolicy().instances_user_has_permission_for(self.request.user, "change")
        return (
            editable.type(CoursePage, LessonPage, QuizPage)
            .filter(_workflow_states__status=WorkflowState.STATUS_IN_PROGRESS)
            .annotate(submitted_at=Max("_workflow_states__created_at"))
            .order_by("submitted_at")[:10]
        )


class EssaysPanel(HomePanel):
    """Essays waiting for a trainer, by quiz, oldest first."""

    panel_id = "essays"
    heading = _("Essays awaiting grading")
    template_name = "courses/admin/home_essays.html"
    order = 20

    def rows(self):
        return list(quiz_selectors.essays_waiting_by_quiz(self.request.user)[:10])


class WeakQuizzesPanel(HomePanel):
    """Quizzes with questions few get right or that the weaker learners get right more often than the
    stronger ones: questions to rewrite."""

    panel_id = "weak-quizzes"
    heading = _("Quizzes with weak questions")
    template_name = "courses/admin/home_weak_quizzes.html"
    order = 30

    def rows(self):
        return quiz_selectors.weak_quizzes(self.request.user)

    def get_context_data(self, parent_context):
        return {
            **super().get_context_data(parent_context),
            "low_facility": quiz_selectors.LOW_FACILITY,
            "min_attempts": quiz_selectors.MIN_ATTEMPTS_FOR_STATISTICS,
        }


@hooks.register("construct_homepage_panels")
def add_learning_panels(request, panels):
    user = request.user
    if works_as(user, "courses.add_courseassignment"):
        panels.append(AssignmentsPanel(request))
    if not user.is_superuser and PagePermissionPolicy().user_has_any_permission(user, {"change"}):
        panels.append(CoursesInModerationPanel(request))
    if works_as(user, "courses.grade_attempt"):
        panels += [EssaysPanel(request), WeakQuizzesPanel(request)]


# What this app holds about a person: shown and downloaded in "Dữ liệu của tôi", erased with the person.
hooks.register("personal_data_sections", personal_data.sections)
hooks.register("erase_personal_data", personal_data.erase)
