"""The coverage dashboard and the list of the people missing, in the Wagtail admin; every report is of a unit
of the viewer's subtree and of a target they report against."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import CreateView, IndexView
from wagtail.admin.widgets import AdminDateInput

from lms.admin.filters import unit_filter_choices
from lms.admin.forms import ScopedFormMixin
from lms.admin.reports import LoggedExportMixin, ModelPermissionMixin, UnitReportView
from lms.admin.views import AdminPageMixin, ScopedIndexView, unit_in_scope
from lms.converters import parse_id
from lms.models import Person, PersonCategory, Unit, UnitLevel
from targets import charts, exports, selectors, summary
from targets.models import ApiToken, Target


class TargetForm(ScopedFormMixin, WagtailAdminModelForm):
    unit_fields = ("unit",)
    levels = forms.MultipleChoiceField(
        label=_("People of units at these levels"),
        choices=UnitLevel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: every level."),
    )

    class Meta:
        model = Target
        fields = "__all__"
        widgets = {
            "categories": forms.CheckboxSelectMultiple,
            "competences": forms.CheckboxSelectMultiple,
            "courses": forms.CheckboxSelectMultiple,
            "window_start": AdminDateInput,
            "window_end": AdminDateInput,
            "starts_on": AdminDateInput,
            "deadline": AdminDateInput,
        }


class CoverageFilterForm(forms.Form):
    """The choice of a report. The target and unit come from the view, which has read and checked them: here
    they are shown among the choices (each read in one query)."""

    target = forms.TypedChoiceField(label=_("Target"), coerce=int, required=False)
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int, required=False)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=PersonCategory.objects.filter(is_active=True),
        required=False,
        empty_label=_("Every category"),
    )
    as_of = forms.DateField(label=_("As of"), widget=AdminDateInput, required=False)

    def __init__(self, data, *, request, targets, target, unit):
        # the form shows the report's target and unit, whether the query named them or they are the defaults
        super().__init__({**data.dict(), "target": target.pk, "unit": unit.pk})
        self.fields["target"].choices = [(choice.pk, str(choice)) for choice in targets]
        # the units a report moves to from here: those above it that the viewer may see, and those just below
        # (the whole country would be thousands of options on every page)
        above = [unit.path[:end] for end in range(Unit.steplen, len(unit.path), Unit.steplen)]
        visible_above = unit_filter_choices(request).filter(path__in=above)
        below = Unit.objects.children_of(unit).filter(is_active=True)
        parts = [visible_above.order_by(), below.order_by(), Unit.objects.filter(pk=unit.pk).order_by()]
        units = parts[0].union(*parts[1:]).order_by("path")  # each part read on its index
        self.fields["unit"].choices = [(choice.pk, Unit.tree_label(choice)) for choice in units]


class CoverageMixin(ModelPermissionMixin, AdminPageMixin):
    """Reads the target, unit, category and day of a report from the query, once the viewer's permission to
    view targets is checked, refusing what they may not see: targets they do not report against and units
    outside their subtree are "not found"."""

    permission_model = Target
    permission_required = "view"
    header_icon = "tasks"

    @cached_property
    def targets(self):
        """The targets the viewer reports against."""
        return list(selectors.targets_for(self.request.user))

    @cached_property
    def target(self):
        """The target asked for, or else the one whose deadline comes next (the last one past when all are past;
        they are in order of deadline); None if the viewer reports against none."""
        target_id = self.request.GET.get("target")
        if not target_id:
            today = timezone.localdate()
            upcoming = (target for target in self.targets if target.deadline >= today)
            return next(upcoming, self.targets[-1] if self.targets else None)
        target_id = parse_id(target_id)
        target = next((target for target in self.targets if target.pk == target_id), None)
        if target is None:
            raise Http404
        return target

    @cached_property
    def unit(self):
        unit_id = self.request.GET.get("unit")
        unit = unit_in_scope(self.request.user, unit_id) if unit_id else selectors.default_unit(self.request.user)
        if unit is None:
            raise PermissionDenied
        return unit

    @cached_property
    def report_form(self):
        form = CoverageFilterForm(
            self.request.GET, request=self.request, targets=self.targets, target=self.target, unit=self.unit
        )
        form.is_valid()  # a wrong category or day is left out and shown in the form
        return form

    @property
    def category(self):
        return self.report_form.cleaned_data.get("category")

    @property
    def as_of(self):
        return self.report_form.cleaned_data.get("as_of")

    def query(self, **changes):
        """The query string of this report with ``changes``; None values are dropped."""
        params = {
            "target": self.target.pk,
            "unit": self.unit.pk,
            "category": self.category.pk if self.category else None,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            **changes,
        }
        return "?" + urlencode({key: value for key, value in params.items() if value is not None})

    def get_page_subtitle(self):
        return self.target.name if self.target else ""


class CoverageView(CoverageMixin, TemplateView):
    """A target's coverage for a unit: the table by child unit with drill-down, bars against the thresholds,
    the share by month, and the exports."""

    template_name = "coverage/admin/coverage.html"
    page_title = _("Coverage")

    def get_page_title(self):
        return self.page_title

    @cached_property
    def report(self):
        return selectors.coverage(self.target, self.unit, as_of=self.as_of, category=self.category)

    def get(self, request, *args, **kwargs):
        if self.target is None:
            return self.render_to_response(super().get_context_data(no_target=True))
        file_format = request.GET.get("export")
        if file_format in exports.FORMATS:
            # The official report is signed by whoever exports it, printed under the signer's title.
            content = exports.report_file(self.report, file_format, signer=request.user.get_full_name())
            response = HttpResponse(content, exports.CONTENT_TYPES[file_format])
            filename = exports.report_filename(self.report)
            response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
            return response
        return super().get(request, *args, **kwargs)

    def trail(self):
        """The units above this one that the viewer may see, each with the link to its report."""
        path = self.unit.path
        ancestors = Unit.objects.visible_to(self.request.user).filter(
            path__in=[path[:end] for end in range(Unit.steplen, len(path), Unit.steplen)]
        )
        return [(unit, self.query(unit=unit.pk)) for unit in ancestors.order_by("depth")]

    def get_context_data(self, **kwargs):
        report = self.report
        rows = [
            (row, None if row.own_people or row.unit.is_leaf() else self.query(unit=row.unit.pk))
            for row in report.rows_with_people
        ]
        trend_points = selectors.monthly_trend(self.target, self.unit)
        if not report.snapshot and report.category is None:
            trend_points = [p for p in trend_points if p[0] < report.as_of.replace(day=1)]
            trend_points.append((report.as_of.replace(day=1), report.total.population, report.total.met))
        missing_url = reverse("coverage_report:missing") + self.query()
        return super().get_context_data(
            report=report,
            rows=rows,
            filters=self.report_form,
            trail=self.trail(),
            bars=charts.bars(report),
            trend=charts.trend(trend_points, report.total.threshold),
            export_urls={name: self.query(export=name) for name in exports.FORMATS},
            missing_url=missing_url,
            **kwargs,
        )


def joined(lacks):
    return "; ".join(lacks)


class MissingPeopleView(LoggedExportMixin, CoverageMixin, UnitReportView):
    """The people of a unit's subtree who do not meet a target, with what each one lacks; exported whole."""

    export_what = _("People not meeting the target")

    model = Person
    page_title = _("People not meeting the target")
    results_template_name = "coverage/admin/missing_results.html"
    columns = [
        Column("full_name", label=_("Full name")),
        Column("unit", label=_("Unit"), accessor="unit.name"),
        Column("category", label=_("Category"), accessor="category.name"),
        Column("phone", label=_("Phone number")),
        Column("lacks", label=_("Lacks"), accessor=lambda person: joined(person.lacks)),
    ]
    list_export = ["full_name", "unit.name", "category.name", "position", "phone", "trainings", "lacks"]
    export_headings = {
        "full_name": _("Full name"),
        "unit.name": _("Unit"),
        "category.name": _("Category"),
        "position": _("Position"),
        "phone": _("Phone number"),
        "trainings": _("Trainings"),
        "lacks": _("Lacks"),
    }
    custom_field_preprocess = {"lacks": {"csv": joined, "xlsx": joined}}
    no_results_message = _("Everyone meets the target.")

    def get(self, request, *args, **kwargs):
        if self.target is None:
            raise Http404
        return super().get(request, *args, **kwargs)

    def parent_breadcrumbs(self):
        return [{"url": reverse("coverage_report:index") + self.query(), "label": _("Coverage")}]

    def export_unit(self):
        return self.unit

    def get_filename(self):
        return f"chua-dat-{self.target.slug}-{self.unit.code}"

    @cached_property
    def missing(self):
        # a page is counted once it is cut (``decorate_paginated_queryset``); a download, as it is written
        return selectors.people_missing(
            self.target, self.unit, as_of=self.as_of, category=self.category, counted=self.is_export
        )

    def get_base_queryset(self):
        _requirement, people = self.missing
        return people

    def with_lacks(self, person):
        """``person`` with ``lacks``: what they lack, read from the annotations (no query)."""
        requirement, _people = self.missing
        person.lacks = requirement.lacks(person)
        return person

    def decorate_paginated_queryset(self, people):
        if self.is_export:
            return people  # streamed, each row given what it lacks as it is written
        requirement, _people = self.missing
        return [self.with_lacks(person) for person in summary.count_for_lacks(requirement, list(people))]

    def to_row_dict(self, person):
        return super().to_row_dict(self.with_lacks(person))

    def get_context_data(self, **kwargs):
        return super().get_context_data(unit=self.unit, target=self.target, **kwargs)


class ApiKeyCreateView(CreateView):
    """Makes a key and shows it once, on the page itself: only its hash is stored."""

    def save_instance(self):
        token, self.key = ApiToken.issue(name=self.form.cleaned_data["name"], unit=self.form.cleaned_data["unit"])
        return token

    def save_action(self):
        context = self.get_context_data(token=self.object, key=self.key, index_url=reverse("coverage_apitoken:index"))
        return TemplateResponse(self.request, "coverage/admin/api_key_created.html", context)


class TargetIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("unit")


class ApiKeyIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("unit")
