"""Admin screens for course progress and assignments; every queryset goes through the viewer's unit scope."""

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.models import CreateView
from wagtail.admin.widgets import AdminDateInput, HeaderButton

from courses import selectors, services
from courses.models import CourseAssignment, CoursePage, Enrolment, EnrolmentSource, EnrolmentStatus
from lms.admin.choosers import unit_chooser_viewset as unit_chooser
from lms.admin.filters import UnitSubtreeFilter
from lms.admin.forms import ScopedFormMixin
from lms.admin.reports import LoggedExportMixin, SafeExportMixin, UnitReportView
from lms.admin.views import AdminPageMixin, JobProgressView, ScopedIndexView, unit_in_scope
from lms.models import Person, PersonCategory, Unit


class EnrolmentFilterSet(WagtailFilterSet):
    course = django_filters.ModelChoiceFilter(label=_("course"), queryset=CoursePage.objects.order_by("title"))
    unit = UnitSubtreeFilter()
    status = django_filters.ChoiceFilter(label=_("status"), choices=EnrolmentStatus.choices)
    source = django_filters.ChoiceFilter(label=_("how"), choices=EnrolmentSource.choices)
    overdue = django_filters.BooleanFilter(label=_("overdue"))

    class Meta:
        model = Enrolment
        fields = ["course", "unit", "status", "source"]


class EnrolmentIndexView(LoggedExportMixin, SafeExportMixin, ScopedIndexView):
    """Who is enrolled in what, how far they are; filtered and exported within the viewer's subtree."""

    export_what = _("Enrolments")

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


def progress_label(row):
    if row["own_people"]:
        return _("%(unit)s (its own people)") % {"unit": row["name"]}
    return row["name"]


class CourseProgressView(AdminPageMixin, UnitReportView):
    """One course's enrolments counted for each unit below a unit (one aggregate query), with drill-down
    and export. Not paginated: a unit has few units below it, and every page would need the total."""

    model = Enrolment
    permission_model = Enrolment
    header_icon = "group"
    paginate_by = None
    results_template_name = "courses/admin/progress_by_unit_results.html"
    columns = [
        TitleColumn("name", label=_("Unit"), accessor=progress_label, get_url=lambda row: row["url"]),
        Column("enrolled", label=_("Enrolled")),
        Column("not_started", label=_("Not started")),
        Column("in_progress", label=pgettext_lazy("learning", "In progress")),
        Column("completed", label=_("Completed")),
        Column("percent", label=_("Completed (%)"), accessor=lambda row: f"{row['percent']}%"),
    ]
    list_export = ["name", "code", "enrolled", "not_started", "in_progress", "completed"]
    export_headings = {
        "name": _("Unit"),
        "code": _("Code"),
        "enrolled": _("Enrolled"),
        "not_started": _("Not started"),
        "in_progress": pgettext_lazy("learning", "In progress"),
        "completed": _("Completed"),
    }

    @cached_property
    def course(self):
        return get_object_or_404(CoursePage, pk=self.kwargs["course_pk"])

    @cached_property
    def unit(self):
        """The unit broken down: asked for (within the viewer's subtree), or the viewer's own; None stands
        for the whole country."""
        if "unit" in self.request.GET:
            return unit_in_scope(self.request.user, self.request.GET["unit"])
        if self.request.user.is_superuser:
            return None
        if self.request.user.managed_unit is None:
            raise PermissionDenied
        return self.request.user.managed_unit

    def get_page_title(self):
        return _("Progress by unit")

    def get_page_subtitle(self):
        return self.course.title

    def parent_breadcrumbs(self):
        index_url = reverse("courses_enrolment:index")
        return [{"url": f"{index_url}?course={self.course.pk}", "label": capfirst(Enrolment._meta.verbose_name_plural)}]

    def get_filename(self):
        return "-".join(filter(None, ["tien-do", self.course.slug, self.unit.code if self.unit else ""]))

    @cached_property
    def table(self):
        """The rows by unit and their total, each with its label, link and share completed."""
        rows, total = selectors.progress_by_unit(self.course, self.unit, self.request.user)
        for row in rows:
            row.update(name=row["unit"].name, code=row["unit"].code)
            row["url"] = None if row["own_people"] else course_progress_url(self.course, row["unit"])
        total.update(name=_("Total"), code=self.unit.code if self.unit else "", own_people=False, url=None)
        for counts in [*rows, total]:
            counts["percent"] = round(100 * counts["completed"] / counts["enrolled"]) if counts["enrolled"] else 0
        return rows, total

    def get_base_queryset(self):
        rows, total = self.table
        return [*rows, total]

    @cached_property
    def header_buttons(self):
        list_url = f"{reverse('courses_enrolment:index')}?course={self.course.pk}"
        if self.unit:
            list_url += f"&unit={self.unit.pk}"
        return [HeaderButton(_("List the people"), url=list_url, icon_name="list-ul")]

    def get_context_data(self, **kwargs):
        rows, total = self.table
        path = self.unit.path if self.unit else ""
        ancestors = Unit.objects.visible_to(self.request.user).filter(
            path__in=[path[:end] for end in range(Unit.steplen, len(path), Unit.steplen)]
        )
        return super().get_context_data(
            course=self.course,
            unit=self.unit,
            rows=rows,
            total=total,
            trail=[(unit, course_progress_url(self.course, unit)) for unit in ancestors.order_by("depth")],
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
    item_label = _("Not enrolled")

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
