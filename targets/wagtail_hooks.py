"""Targets and coverage in the Wagtail admin: the targets of the organiser's units, the coverage dashboard
and the people missing; scoped to the organiser's subtree."""

from django.forms import modelform_factory
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, TitleColumn
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from lms.admin.home import HomePanel, works_as
from lms.admin.panels import OrderedInlinePanel
from lms.admin.permissions import NeverDeletePermissionPolicy, menu_item_for
from lms.admin.reports import report_urls
from lms.admin.viewsets import ScopedViewSet
from lms.models import UnitLogEntry
from targets import admin_views, personal_data, selectors
from targets.models import ApiToken, Target


class TargetViewSet(ScopedViewSet):
    model = Target
    name = "coverage_target"
    url_prefix = "targets"
    icon = "crosshairs"
    menu_order = 200
    index_view_class = admin_views.TargetIndexView
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name"), FieldPanel("slug")]),
            FieldPanel("unit"),
            MultiFieldPanel([FieldPanel("levels"), FieldPanel("categories")], heading=_("Who is counted")),
            MultiFieldPanel(
                [
                    FieldPanel("min_records"),
                    FieldRowPanel([FieldPanel("window_start"), FieldPanel("window_end")]),
                    FieldPanel("courses"),
                    FieldPanel("competences"),
                ],
                heading=_("What each person needs"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("threshold"),
                    OrderedInlinePanel("level_thresholds", heading=_("Thresholds for levels"), label=_("level")),
                    FieldRowPanel([FieldPanel("starts_on"), FieldPanel("deadline")]),
                    FieldPanel("is_active"),
                ],
                heading=_("Share to reach and by when"),
            ),
        ],
        base_form_class=admin_views.TargetForm,
    )
    list_filter = ["is_active"]

    def get_form_class(self, for_update=False):
        return self._edit_handler.get_form_class()

    @property
    def list_display(self):
        return [
            TitleColumn("name", label=_("name"), url_name=self.get_url_name("edit")),
            Column("unit", label=_("unit")),
            Column("threshold", label=_("share to reach (%)")),
            DateColumn("deadline", label=_("deadline")),
            BooleanColumn("is_active", label=_("active")),
        ]


class CoverageReportViewSet(ViewSet):
    """The dashboard and the people missing."""

    name = "coverage_report"
    url_prefix = "coverage"
    icon = "tasks"
    menu_label = _("Coverage")
    menu_order = 100
    menu_item_class = menu_item_for("coverage.view_target")

    def get_urlpatterns(self):
        return [
            path("", admin_views.CoverageView.as_view(), name="index"),
            *report_urls(self, "missing/", admin_views.MissingPeopleView, "missing"),
        ]


class ApiTokenViewSet(ModelViewSet):
    """Keys of the coverage API (superusers only: no group has the permissions)."""

    model = ApiToken
    name = "coverage_apitoken"
    url_prefix = "api-keys"
    icon = "key"
    menu_order = 300
    add_view_class = admin_views.ApiKeyCreateView
    index_view_class = admin_views.ApiKeyIndexView
    copy_view_enabled = False
    inspect_view_enabled = False

    @property
    def list_display(self):
        return [
            TitleColumn("name", label=_("name"), url_name=self.get_url_name("edit")),
            Column("unit", label=_("unit")),
            BooleanColumn("is_active", label=_("active")),
            DateColumn("created_at", label=_("created")),
            DateColumn("last_used_at", label=_("last used")),
        ]

    def get_form_class(self, for_update=False):
        fields = ["name", "is_active"] if for_update else ["name", "unit"]
        return modelform_factory(ApiToken, form=WagtailAdminModelForm, fields=fields)


class CoverageViewSetGroup(ViewSetGroup):
    menu_label = _("Targets")
    menu_icon = "crosshairs"
    menu_order = 260
    items = (CoverageReportViewSet, TargetViewSet, ApiTokenViewSet)


@hooks.register("register_admin_viewset")
def register_coverage_viewsets():
    return CoverageViewSetGroup()


@hooks.register("register_log_actions")
def register_coverage_log_actions(actions):
    actions.register_model(Target, UnitLogEntry)  # so organisers read only their units' target history


register_permission_policy(Target, NeverDeletePermissionPolicy(Target))
register_permission_policy(ApiToken, NeverDeletePermissionPolicy(ApiToken))


class TargetsPanel(HomePanel):
    """The organiser's unit against each active target it reports against (those of the unit and of the
    units above it): share, threshold, status and people still needed, with the report and the people
    missing one click away."""

    panel_id = "targets"
    heading = _("Your unit's targets")
    template_name = "coverage/admin/home_targets.html"
    order = 10

    def rows(self):
        unit = selectors.default_unit(self.request.user)
        if unit is None:  # an organiser not yet given a unit has no targets to show
            return []
        targets = (
            Target.objects.filter(is_active=True)
            .for_unit(unit)
            .prefetch_related("categories", "courses", "competences", "level_thresholds")
            .order_by("deadline", "name")
        )
        rows = []
        for target, standing in zip(targets, selectors.unit_standings(targets, unit), strict=True):
            query = "?" + urlencode({"target": target.pk, "unit": unit.pk})
            rows.append(
                {
                    "target": target,
                    "standing": standing,
                    "report_url": reverse("coverage_report:index") + query,
                    "missing_url": reverse("coverage_report:missing") + query,
                }
            )
        return rows


@hooks.register("construct_homepage_panels")
def add_targets_panel(request, panels):
    if works_as(request.user, "coverage.view_target"):
        panels.append(TargetsPanel(request))


# What this app holds about a person: shown and downloaded in "Dữ liệu của tôi", erased with the person.
hooks.register("personal_data_sections", personal_data.sections)
hooks.register("erase_personal_data", personal_data.erase)
