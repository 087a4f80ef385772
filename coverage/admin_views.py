"""The coverage dashboard and the list of the people missing, in the Wagtail admin; every report is of a unit
of the viewer's subtree and of a target they report against."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic.models import CreateView, IndexView
from wagtail.admin.widgets import AdminDateInput

from coverage import charts, exports, selectors
from coverage.models import ApiToken, Target
from lms.admin.filters import unit_filter_choices
from lms.admin.forms import ScopedFormMixin
from lms.admin.views import AdminPageMixin, ScopedIndexView, unit_in_scope
from lms.models import PersonCategory, Unit, UnitLevel


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
    target = forms.ModelChoiceField(label=_("Target"), queryset=Target.objects.none(), required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=PersonCategory.objects.filter(is_active=True), required=False
    )
    as_of = forms.DateField(label=_("As of"), widget=AdminDateInput, required=False)

    def __init__(self, data, *, request, target, unit):
        # the form shows the report's target and unit, whether the query named them or they are the defaults
        super().__init__({**data.dict(), "target": target.pk, "unit": unit.pk})
        self.fields["target"].queryset = selectors.targets_for(request.user)
        self.fields["unit"].queryset = Unit.objects.filter(
            Q(pk__in=unit_filter_choices(request).values("pk")) | Q(pk=unit.pk)
        ).order_by("path")
        self.fields["unit"].label_from_instance = Unit.tree_label


class CoverageMixin(AdminPageMixin):
    """Reads the target, unit, category and day of a report from the query, refusing what the viewer may not
    see: targets they do not report against and units outside their subtree are "not found"."""

    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("coverage.view_target"):
            raise PermissionDenied
        targets = selectors.targets_for(request.user)
        target_id = request.GET.get("target")
        if target_id:
            self.target = targets.filter(pk=target_id).first() if target_id.isdigit() else None
        else:
            self.target = targets.first()
        if self.target is None:
            if target_id:
                raise Http404
            return self.no_target()
        unit_id = request.GET.get("unit")
        self.unit = unit_in_scope(request.user, unit_id) if unit_id else selectors.default_unit(request.user)
        if self.unit is None:
            raise PermissionDenied
        self.filters = CoverageFilterForm(request.GET, request=request, target=self.target, unit=self.unit)
        self.filters.is_valid()  # a wrong category or day is left out and shown in the form
        self.category = self.filters.cleaned_data.get("category")
        self.as_of = self.filters.cleaned_data.get("as_of")
        return super().dispatch(request, *args, **kwargs)

    def no_target(self):
        raise Http404

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

    def no_target(self):
        return self.render_to_response(super().get_context_data(no_target=True))

    @cached_property
    def report(self):
        return selectors.coverage(self.target, self.unit, as_of=self.as_of, category=self.category)

    def get(self, request, *args, **kwargs):
        file_format = request.GET.get("export")
        if file_format in exports.FORMATS:
            response = HttpResponse(exports.report_file(self.report, file_format), exports.CONTENT_TYPES[file_format])
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
            filters=self.filters,
            trail=self.trail(),
            bars=charts.bars(report),
            trend=charts.trend(trend_points, report.total.threshold),
            export_urls={name: self.query(export=name) for name in exports.FORMATS},
            missing_url=missing_url,
            **kwargs,
        )


class MissingPeopleView(CoverageMixin, TemplateView):
    """The people of a unit's subtree who do not meet a target, with what each one lacks; exported whole."""

    template_name = "coverage/admin/missing.html"
    page_title = _("People not meeting the target")
    per_page = 50

    def get_page_title(self):
        return self.page_title

    def parent_breadcrumbs(self):
        return [{"url": reverse("coverage_report:index") + self.query(), "label": _("Coverage")}]

    def get(self, request, *args, **kwargs):
        requirement, people = selectors.people_missing(self.target, self.unit, as_of=self.as_of, category=self.category)
        file_format = request.GET.get("export")
        if file_format in ("xlsx", "csv"):
            headers, lines = exports.missing_table(requirement, people)
            filename = f"chua-dat-{self.target.slug}-{self.unit.code}"
            response = HttpResponse(
                exports.table_file(headers, lines, file_format=file_format, title=filename),
                exports.CONTENT_TYPES[file_format],
            )
            response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
            return response
        page = Paginator(people, self.per_page).get_page(request.GET.get("p"))
        return self.render_to_response(
            self.get_context_data(
                page=page,
                people=[(person, requirement.lacks(person)) for person in page],
                unit=self.unit,
                target=self.target,
                export_urls={name: self.query(export=name) for name in ("xlsx", "csv")},
                page_query=self.query(),
            )
        )


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
