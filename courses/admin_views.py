"""Admin screens for course progress and assignments; every queryset goes through the viewer's unit scope."""

from datetime import datetime

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic.models import CreateView
from wagtail.admin.widgets import AdminDateInput
from wagtail.permission_policies import ModelPermissionPolicy

from courses import selectors, services
from courses.models import CourseAssignment, CoursePage, Enrolment, EnrolmentSource, EnrolmentStatus
from lms.admin.choosers import unit_chooser_viewset as unit_chooser
from lms.admin.exports import table_download
from lms.admin.filters import UnitSubtreeFilter
from lms.admin.forms import ScopedFormMixin
from lms.admin.views import AdminPageMixin, JobProgressView, ScopedIndexView, unit_in_scope
from lms.models import Person, PersonCategory, Unit


class LimitedPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, but only for ``actions``, even for superusers: enrolments are only viewed
    (learners and assignments make them); assignments are added and viewed, never changed."""

    def __init__(self, model, *, actions):
        super().__init__(model)
        self.actions = actions

    def user_has_permission(self, user, action):
        return action in self.actions and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class EnrolmentFilterSet(WagtailFilterSet):
    course = django_filters.ModelChoiceFilter(label=_("course"), queryset=CoursePage.objects.order_by("title"))
    unit = UnitSubtreeFilter()
    status = django_filters.ChoiceFilter(label=_("status"), choices=EnrolmentStatus.choices)
    source = django_filters.ChoiceFilter(label=_("how"), choices=EnrolmentSource.choices)

    class Meta:
        model = Enrolment
        fields = ["course", "unit", "status", "source"]


class EnrolmentIndexView(ScopedIndexView):
    """Who is enrolled in what, how far they are; filtered and exported within the viewer's subtree."""

    custom_value_preprocess = {
        **ScopedIndexView.custom_value_preprocess,
        datetime: {  # in Vietnam's time, as the organisers read it
            "xlsx": lambda value: timezone.localtime(value).replace(tzinfo=None),
            "csv": lambda value: timezone.localtime(value).strftime("%d/%m/%Y %H:%M"),
        },
    }

    search_fields = ["person__full_name"]
    is_searchable = True

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return queryset.filter(person__in=Person.objects.visible_to(self.request.user).matching(self.search_query))

    def get_base_queryset(self):
        return selectors.enrolments_for(self.request.user).select_related("person__unit", "person__category", "course")


def course_progress_url(course, unit=None):
    url = reverse("courses_enrolment:by_unit", args=[course.pk])
    return f"{url}?unit={unit.pk}" if unit else url


COUNTS = ("enrolled", "not_started", "in_progress", "completed")


class CourseProgressView(AdminPageMixin, TemplateView):
    """One course's enrolments counted for each unit below a unit, with drill-down and export."""

    template_name = "courses/admin/progress_by_unit.html"
    header_icon = "group"

    def dispatch(self, request, course_pk):
        if not request.user.has_perm("courses.view_enrolment"):
            raise PermissionDenied
        self.course = get_object_or_404(CoursePage, pk=course_pk)
        if "unit" in request.GET:
            self.unit = unit_in_scope(request.user, request.GET["unit"])
        elif request.user.is_superuser:
            self.unit = None  # the whole country
        else:
            self.unit = request.user.managed_unit
            if self.unit is None:
                raise PermissionDenied
        return super().dispatch(request)

    def get_page_title(self):
        return _("Progress by unit")

    def get_page_subtitle(self):
        return self.course.title

    def parent_breadcrumbs(self):
        index_url = reverse("courses_enrolment:index")
        return [{"url": f"{index_url}?course={self.course.pk}", "label": capfirst(Enrolment._meta.verbose_name_plural)}]

    @cached_property
    def table(self):
        return selectors.progress_by_unit(self.course, self.unit, self.request.user)

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") in ("csv", "xlsx"):
            return self.export(request.GET["export"])
        return super().get(request, *args, **kwargs)

    def export(self, file_format):
        rows, total = self.table
        headers = [_("Unit"), _("Code"), _("Enrolled"), _("Not started"), _("In progress"), _("Completed")]
        unit_code = self.unit.code if self.unit else ""
        lines = [[row["unit"].name, row["unit"].code, *(row[key] for key in COUNTS)] for row in rows] + [
            [_("Total"), unit_code, *(total[key] for key in COUNTS)]
        ]
        filename = "-".join(filter(None, ["tien-do", self.course.slug, unit_code]))
        return table_download(headers, lines, filename=filename, file_format=file_format)

    def get_context_data(self, **kwargs):
        rows, total = self.table
        path = self.unit.path if self.unit else ""
        ancestors = Unit.objects.visible_to(self.request.user).filter(
            path__in=[path[:end] for end in range(Unit.steplen, len(path), Unit.steplen)]
        )
        for row in rows:
            row["url"] = None if row["own_people"] else course_progress_url(self.course, row["unit"])
        for counts in [*rows, total]:
            counts["percent"] = round(100 * counts["completed"] / counts["enrolled"]) if counts["enrolled"] else 0
        return super().get_context_data(
            course=self.course,
            unit=self.unit,
            rows=rows,
            total=total,
            trail=[(unit, course_progress_url(self.course, unit)) for unit in ancestors.order_by("depth")],
            list_url=f"{reverse('courses_enrolment:index')}?course={self.course.pk}"
            + (f"&unit={self.unit.pk}" if self.unit else ""),
            **kwargs,
        )


class AssignmentForm(ScopedFormMixin, WagtailAdminModelForm):
    unit_fields = ("unit",)

    class Meta:
        model = CourseAssignment
        fields = ["course", "unit", "categories", "due_date"]
        widgets = {
            "unit": unit_chooser.widget_class,
            "categories": forms.CheckboxSelectMultiple,
            "due_date": AdminDateInput,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = CoursePage.objects.live().order_by("title")
        self.fields["categories"].queryset = PersonCategory.objects.filter(is_active=True)


class AssignmentCreateView(CreateView):
    """Ordering an assignment starts the background enrolment and shows its progress."""

    submit_button_label = _("Assign and enrol")

    def save_instance(self):
        data = self.form.cleaned_data
        return services.assign_course(
            course=data["course"],
            unit=data["unit"],
            categories=data["categories"],
            due_date=data["due_date"],
            user=self.request.user,
        )

    def get_success_message(self, instance):
        return _("The people are being enrolled in the background.")

    def get_success_url(self):
        return reverse("courses_assignment:progress", args=[self.object.pk])


class AssignmentProgressView(JobProgressView):
    """The progress of an assignment's background enrolment."""

    model = CourseAssignment
    permission = "courses.view_courseassignment"
    index_url_name = "courses_assignment:index"
    header_icon = "group"
    running_note = _("This page refreshes itself until the enrolment is finished.")

    def get_queryset(self):
        return CourseAssignment.objects.select_related("course", "unit")

    def get_details(self):
        assignment = self.object
        due_date = [(_("Due date"), assignment.due_date.strftime("%d/%m/%Y"))] if assignment.due_date else []
        return [(_("Course"), assignment.course.title), (_("Unit"), assignment.unit.name), *due_date]

    def get_summary(self):
        job = self.object.job
        return _(
            "%(processed)s of %(total)s people processed; %(enrolled)s newly enrolled (people already enrolled keep "
            "their enrolment)."
        ) % {"processed": job.done, "total": job.total, "enrolled": self.object.enrolments.count()}

    def get_result(self):
        return course_progress_url(self.object.course, self.object.unit), _("See the course's progress by unit")
