"""Targets and coverage in the Wagtail admin: the targets of the organiser's units, the coverage dashboard
and the people missing; scoped to the organiser's subtree."""

from django.conf import settings
from django.db.models import Count
from django.forms import modelform_factory
from django.template.loader import render_to_string
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
from lms.admin.permissions import LimitedPermissionPolicy, NeverDeletePermissionPolicy, menu_item_for
from lms.admin.reports import report_urls
from lms.admin.views import ScopedIndexView
from lms.admin.viewsets import ScopedViewSet
from lms.models import UnitLogEntry
from targets import admin_views, personal_data, selectors, services
from targets.models import ApiToken, Target, ZaloMessage, ZaloMessageState, ZaloTemplate

ZALO_CHANNEL = "targets.channels.ZaloChannel"


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


class ZaloTemplateViewSet(ModelViewSet):
    """The ZNS templates Zalo approved for the Official Account, and what fills their placeholders
    (superusers only: no group has the permissions)."""

    model = ZaloTemplate
    name = "coverage_zalotemplate"
    url_prefix = "zalo-templates"
    icon = "mail"
    menu_order = 400
    copy_view_enabled = False
    inspect_view_enabled = False
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("template_id")]),
        FieldPanel("kind"),
        OrderedInlinePanel("parameters", heading=_("Placeholders"), label=_("placeholder")),
        FieldPanel("is_active"),
    ]
    list_filter = ["kind", "is_active"]

    @property
    def list_display(self):
        return [
            TitleColumn("name", label=_("name"), url_name=self.get_url_name("edit")),
            Column("template_id", label=_("Zalo template id")),
            Column("get_kind_display", label=_("used for")),
            BooleanColumn("is_active", label=_("active")),
        ]


class ZaloMessageIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("person", "template")


class ZaloMessageViewSet(ScopedViewSet):
    """Every Zalo message to the people of the viewer's units: its state, Zalo's error, the email sent
    instead; read only."""

    model = ZaloMessage
    name = "coverage_zalomessage"
    url_prefix = "zalo-messages"
    icon = "list-ul"
    menu_order = 410
    index_view_class = ZaloMessageIndexView
    form_fields = []
    list_filter = ["state"]
    list_per_page = 50
    list_export = [
        "person.full_name",
        "phone",
        "template.name",
        "get_state_display",
        "attempts",
        "error_code",
        "error_message",
        "msg_id",
        "created_at",
        "sent_at",
        "emailed_at",
    ]
    export_filename = "tin-nhan-zalo"

    @property
    def list_display(self):
        return [
            Column("person", label=_("person")),
            Column("phone", label=_("phone number")),
            Column("template", label=_("template")),
            Column("get_state_display", label=_("state")),
            Column("attempts", label=_("attempts")),
            Column("error_code", label=_("Zalo error code")),
            Column("error_message", label=_("Zalo error")),
            DateColumn("created_at", label=_("queued at")),
            DateColumn("sent_at", label=_("sent at")),
            DateColumn("emailed_at", label=_("emailed instead at")),
        ]


class CoverageViewSetGroup(ViewSetGroup):
    menu_label = _("Targets")
    menu_icon = "crosshairs"
    menu_order = 260
    items = (CoverageReportViewSet, TargetViewSet, ApiTokenViewSet, ZaloTemplateViewSet, ZaloMessageViewSet)


@hooks.register("register_admin_viewset")
def register_coverage_viewsets():
    return CoverageViewSetGroup()


@hooks.register("register_log_actions")
def register_coverage_log_actions(actions):
    actions.register_model(Target, UnitLogEntry)  # so organisers read only their units' target history


register_permission_policy(Target, NeverDeletePermissionPolicy(Target))
register_permission_policy(ApiToken, NeverDeletePermissionPolicy(ApiToken))
register_permission_policy(ZaloTemplate, NeverDeletePermissionPolicy(ZaloTemplate))
register_permission_policy(ZaloMessage, LimitedPermissionPolicy(ZaloMessage, actions={"view"}))


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


class ZaloPanel(HomePanel):
    """For the administrator, when reminders go by Zalo: the Official Account's token (and the refusal of its
    last refresh, which only an administrator can mend), today's quota, and the messages by state."""

    panel_id = "zalo"
    heading = _("Reminders by Zalo")
    template_name = "coverage/admin/home_zalo.html"
    order = 20

    def rows(self):
        counts = dict(ZaloMessage.objects.order_by().values_list("state").annotate(Count("pk")))
        return {
            "account": services.zalo_account(),
            "states": [(label, counts.get(state, 0)) for state, label in ZaloMessageState.choices],
            "messages_url": reverse("coverage_zalomessage:index"),
        }


@hooks.register("construct_homepage_panels")
def add_targets_panel(request, panels):
    if works_as(request.user, "coverage.view_target"):
        panels.append(TargetsPanel(request))
    if request.user.is_superuser and ZALO_CHANNEL in settings.COVERAGE_REMINDER_CHANNELS:
        panels.append(ZaloPanel(request))


@hooks.register("learner_dashboard_sections")
def learner_zalo_section(request, person):
    """On "Khóa học của tôi", the learner's own agreement to Zalo reminders, when the site reminds by Zalo and
    the learner has a phone number on the list."""
    if person is None or not person.phone or ZALO_CHANNEL not in settings.COVERAGE_REMINDER_CHANNELS:
        return None
    return render_to_string("coverage/learner_zalo.html", {"person": person}, request)


# What this app holds about a person: shown and downloaded in "Dữ liệu của tôi", erased with the person.
hooks.register("personal_data_sections", personal_data.sections)
hooks.register("erase_personal_data", personal_data.erase)
