"""The organisation in the Wagtail admin: menus, viewsets, log actions, scoping by unit."""

from datetime import timedelta

import django_filters
from django.apps import apps
from django.db.models import Count, Q
from django.forms import modelform_factory
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column, TitleColumn
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button, ListingButton
from wagtail.log_actions import LogFormatter
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import register_permission_policy

from lms import admin_views, selectors
from lms.admin.appearance import initials_avatar_url
from lms.admin.choosers import unit_chooser_viewset
from lms.admin.filters import UnitSubtreeFilter
from lms.admin.home import HomePanel, works_as
from lms.admin.permissions import LimitedPermissionPolicy, NeverDeletePermissionPolicy
from lms.admin.reports import LoggedExportMixin
from lms.admin.views import ScopedIndexView
from lms.admin.viewsets import ScopedViewSet
from lms.importers import PeopleImport
from lms.models import (
    CorrectionRequest,
    LoginLockout,
    Person,
    PersonalDataAccess,
    PersonCategory,
    TrainingSession,
    Unit,
    UnitLogEntry,
)
from lms.personal_data_admin import CorrectionRequestViewSet, PersonalDataAccessViewSet, PersonEraseView


class UnitViewSet(ScopedViewSet):
    model = Unit
    name = "lms_unit"
    url_prefix = "units"
    icon = "site"
    menu_order = 100
    index_view_class = admin_views.UnitIndexView
    add_view_class = admin_views.UnitCreateView
    form_fields = ["name", "short_name", "code", "level", "valid_from"]
    list_per_page = 100

    base_form_class = admin_views.UnitForm

    def get_form_class(self, for_update=False):
        # the code is never changed once given, and the level only by creating another unit
        fields = ["name", "short_name", "valid_from", "valid_to", "is_active"] if for_update else self.form_fields
        return modelform_factory(
            self.model, form=self.base_form_class, formfield_callback=self.formfield_for_dbfield, fields=fields
        )

    @property
    def list_display(self):
        return [
            TitleColumn(
                "name",
                label=_("name"),
                get_url=lambda unit: f"{reverse('lms_unit:index')}?parent={unit.pk}" if unit.numchild else None,
            ),
            Column("code", label=_("code")),
            Column("get_level_display", label=_("level")),
            Column("people_count", label=_("active people")),
            Column("numchild", label=_("units below")),
            BooleanColumn("is_active", label=_("active")),
        ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("merge/<id:parent_pk>/", admin_views.UnitMergeView.as_view(), name="merge"),
            path("import/", admin_views.UnitImportView.as_view(), name="import"),
            path("sync/", admin_views.UnitSyncView.as_view(), name="sync"),
        ]


class PersonFilterSet(WagtailFilterSet):
    unit = UnitSubtreeFilter()
    category = django_filters.ModelChoiceFilter(label=_("category"), queryset=PersonCategory.objects.all())
    is_active = django_filters.BooleanFilter(label=_("active"))
    trained_this_term = django_filters.BooleanFilter(label=_("Trained this term"), method="filter_trained")

    class Meta:
        model = Person
        fields = ["unit", "category", "is_active"]

    def filter_trained(self, queryset, name, trained):
        if trained is None:
            return queryset
        condition = selectors.trained_this_term()
        return queryset.filter(condition if trained else ~condition)


class PersonIndexView(LoggedExportMixin, ScopedIndexView):
    """People in Vietnamese name order, searchable with or without diacritics; their export is logged."""

    export_what = _("People list")

    search_fields = ["full_name"]
    is_searchable = True
    default_ordering = "sort_key"

    def search_queryset(self, queryset):
        return queryset.matching(self.search_query) if self.is_searching else queryset

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("unit", "category")

    @property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        if self.request.user.has_perm("lms.add_person"):
            buttons.append(ListingButton(_("Import people"), url=reverse("lms_person:import"), icon_name="upload"))
        if self.request.user.has_perm("lms.change_person"):
            buttons.append(
                ListingButton(_("Account activation"), url=reverse("lms_person:activation"), icon_name="key")
            )
        return buttons


class PersonViewSet(ScopedViewSet):
    model = Person
    name = "lms_person"
    url_prefix = "people"
    icon = "group"
    menu_order = 200
    base_form_class = admin_views.PersonForm
    index_view_class = PersonIndexView
    edit_view_class = admin_views.PersonEditView
    history_view_class = admin_views.PersonHistoryView
    filterset_class = PersonFilterSet
    form_fields = [
        "full_name",
        "gender",
        "birth_date",
        "unit",
        "position",
        "category",
        "phone",
        "email",
        "zalo_consent",
        "external_id",
        "is_active",
        "start_date",
        "end_date",
    ]
    list_per_page = 50
    # The export has the import's columns, so an exported list can be edited and imported back.
    list_export = [
        "external_id",
        "full_name",
        "get_gender_display",
        "birth_date",
        "unit.code",
        "position",
        "category.name",
        "phone",
        "email",
        "start_date",
        "end_date",
        "is_active",
    ]
    export_filename = "nguoi"

    export_headings = dict(zip(list_export, (column.header for column in PeopleImport.columns), strict=True))

    @property
    def list_display(self):
        return [
            TitleColumn("full_name", label=_("full name"), url_name=self.get_url_name("edit")),
            Column("unit", label=_("unit")),
            Column("category", label=_("category")),
            Column("position", label=_("position")),
            Column("phone", label=_("phone number")),
            BooleanColumn("is_active", label=_("active")),
        ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("import/", admin_views.PeopleImportView.as_view(), name="import"),
            path("activation/", admin_views.ActivationView.as_view(), name="activation"),
            path("<id:pk>/activation/", admin_views.ActivationView.as_view(), name="activation_person"),
            path("<id:pk>/trainings/", admin_views.PersonTrainingsView.as_view(), name="trainings"),
            path("<id:pk>/erase/", PersonEraseView.as_view(), name="erase"),
            path(
                "<id:pk>/trainings/<id:record_pk>/correct/",
                admin_views.TrainingCorrectionView.as_view(),
                name="training_correct",
            ),
        ]


class SessionViewSet(ScopedViewSet):
    model = TrainingSession
    name = "lms_session"
    url_prefix = "sessions"
    icon = "date"
    menu_order = 300
    base_form_class = admin_views.SessionForm
    index_view_class = admin_views.SessionIndexView
    form_fields = [
        "title",
        "kind",
        "organising_unit",
        "invited_units",
        "open_to_everyone",
        "starts_at",
        "ends_at",
        "hours",
        "place",
        "meeting_url",
        "trainer",
        "topics",
        "follow_up_page",
    ]
    search_fields = ["title", "trainer", "place"]

    @property
    def list_display(self):
        return [
            TitleColumn("title", label=_("title"), url_name=self.get_url_name("edit")),
            Column("starts_at", label=_("starts at")),
            Column("organising_unit", label=_("organising unit")),
            TitleColumn(
                "attendance_count",
                label=_("present"),
                get_url=lambda session: reverse("lms_session:attendance", args=[session.pk]),
            ),
        ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<id:pk>/attendance/", admin_views.AttendanceView.as_view(), name="attendance"),
            path("<id:pk>/attendance/import/", admin_views.AttendanceImportView.as_view(), name="attendance_import"),
        ]


class PersonCategoryViewSet(ModelViewSet):
    model = PersonCategory
    name = "lms_personcategory"
    url_prefix = "person-categories"
    icon = "tag"
    menu_order = 400
    form_fields = ["name", "code", "sort_order", "is_active"]
    list_display = ["name", "code", "sort_order", "is_active"]
    copy_view_enabled = False


def organisation_viewsets():
    viewsets = [
        UnitViewSet,
        PersonViewSet,
        SessionViewSet,
        PersonCategoryViewSet,
        CorrectionRequestViewSet,
        PersonalDataAccessViewSet,
    ]
    if apps.is_installed("axes"):  # log-in lockouts are counted by django-axes, which the site may leave out
        from lms.lockouts_admin import LockoutViewSet

        viewsets.append(LockoutViewSet)
    return tuple(viewsets)


class OrganisationViewSetGroup(ViewSetGroup):
    menu_label = _("Organisation")
    menu_icon = "site"
    menu_order = 250
    items = organisation_viewsets()


@hooks.register("register_admin_viewset")
def register_organisation_viewsets():
    return [OrganisationViewSetGroup(), unit_chooser_viewset]


class LockoutFormatter(LogFormatter):
    label = _("Lock out")

    def format_message(self, log_entry):
        if log_entry.data.get("by_address"):
            return _("Address %(address)s locked out after too many wrong passwords") % {
                "address": log_entry.data.get("ip_address")
            }
        return _("Locked out after too many wrong passwords, the last one from %(address)s") % {
            "address": log_entry.data.get("ip_address")
        }


class PersonErasedFormatter(LogFormatter):
    label = _("Erase personal data")

    def format_message(self, log_entry):
        return _("Personal data erased: %(reason)s") % {"reason": log_entry.data.get("reason")}


class TrainingCorrectionFormatter(LogFormatter):
    label = _("Correct a training record")

    def format_message(self, log_entry):
        return _("Training record “%(reference)s” of %(date)s voided: %(reason)s") % {
            "reference": log_entry.data.get("reference"),
            "date": log_entry.data.get("date"),
            "reason": log_entry.data.get("reason"),
        }


@hooks.register("register_user_listing_buttons")
def user_activation_button(user, request_user):
    """In the users list, an account without a password leads to its person's activation page."""
    if user.has_usable_password() or not request_user.has_perm("lms.change_person"):
        return []
    person = Person.objects.visible_to(request_user).filter(user=user).first()
    if person is None:
        return []
    url = reverse("lms_person:activation_person", args=[person.pk])
    return [Button(_("Account activation"), url=url, icon_name="key", priority=40)]


@hooks.register("register_log_actions")
def register_organisation_log_actions(actions):
    for model in (Unit, Person, TrainingSession, LoginLockout, CorrectionRequest):
        actions.register_model(model, UnitLogEntry)
    actions.register_action("lms.person_erased")(PersonErasedFormatter)
    actions.register_action(
        "lms.correction_requested", _("Ask for a correction"), _("Correction of personal data requested")
    )
    actions.register_action("lms.correction_handled", _("Handle a correction request"), _("Correction request handled"))
    actions.register_action("lms.lockout")(LockoutFormatter)
    actions.register_action("lms.lockout_lift", _("Lift lockout"), _("Lockout lifted"))
    actions.register_action("lms.load_official_units", _("Load official units"), _("Official units loaded"))
    actions.register_action("lms.unit_merge", _("Merge unit"), _("Merged into another unit"))
    actions.register_action("lms.unit_rename", _("Rename unit"), _("Unit renamed"))
    actions.register_action("lms.unit_close", _("Close unit"), _("Unit closed"))
    actions.register_action("lms.unit_sync", _("Synchronise units"), _("Units synchronised with an official list"))
    actions.register_action("lms.unit_merge_target", _("Receive merged units"), _("Units merged into this one"))
    actions.register_action("lms.import", _("Import"), _("Imported from a spreadsheet"))
    actions.register_action("lms.attendance", _("Record attendance"), _("Attendance recorded"))
    actions.register_action("lms.activation_link_sent", _("Send activation link"), _("Activation link emailed"))
    actions.register_action(
        "lms.activation_code_issued", _("Issue activation code"), _("Activation code issued for printing")
    )
    actions.register_action("lms.activated", _("Activate account"), _("Account activated"))
    actions.register_action("lms.training_corrected")(TrainingCorrectionFormatter)
    actions.register_action("lms.account_created", _("Create a learner account"), _("Learner account created"))
    actions.register_action(
        "lms.sso_linked", _("Link a single sign-on account"), _("Linked to a single sign-on account")
    )
    actions.register_action("lms.password_reset", _("Reset the password"), _("Password reset, awaiting activation"))


for organisation_model in (Unit, Person, TrainingSession, PersonCategory):
    register_permission_policy(organisation_model, NeverDeletePermissionPolicy(organisation_model))
# Lockouts are made by wrong passwords and lifted by their own view, never added or edited in a form.
register_permission_policy(LoginLockout, LimitedPermissionPolicy(LoginLockout, actions={"view"}))
# People ask for corrections on the site and organisers handle them on their own screen (for those with Django's change
# permission); the access log is written by the views that read personal data and never changed.
register_permission_policy(CorrectionRequest, LimitedPermissionPolicy(CorrectionRequest, actions={"view"}))
register_permission_policy(PersonalDataAccess, LimitedPermissionPolicy(PersonalDataAccess, actions={"view"}))


@hooks.register("register_log_actions")
def register_two_factor_log_actions(actions):
    # Logged on the user's account: superusers read them in its history and in Reports → Site history.
    actions.register_action(
        "lms.two_factor_enrol", _("Set up two-step verification"), _("Two-step verification set up")
    )
    actions.register_action("lms.two_factor_refused", _("Refuse a two-step code"), _("Two-step code refused"))
    actions.register_action(
        "lms.two_factor_recovery_code", _("Log in with a recovery code"), _("Logged in with a recovery code")
    )
    actions.register_action("lms.two_factor_reset", _("Reset two-step verification"), _("Two-step verification reset"))


@hooks.register("construct_main_menu")
def hide_help_menu(request, menu_items):
    # Wagtail's help menu leads to its English editor guide and release notes on wagtail.org.
    menu_items[:] = [item for item in menu_items if item.name != "help"]


@hooks.register("get_avatar_url")
def initials_avatar(user, size):
    """Initials instead of Gravatar's pictures, which a LAN cannot load; a picture the user uploaded stays, and a
    revision made by no user (a page created in code) keeps Wagtail's own picture."""
    profile = getattr(user, "wagtail_userprofile", None)
    if user is None or (profile is not None and profile.avatar):
        return None
    return initials_avatar_url(user, size)


class UpcomingSessionsPanel(HomePanel):
    """The next training sessions of the user's units, each with its attendance page (the QR code to show
    in the room) and the check-in link to send."""

    panel_id = "upcoming-sessions"
    heading = _("Upcoming training sessions")
    template_name = "lms/admin/home/sessions.html"
    order = 30

    def rows(self):
        sessions = (
            TrainingSession.objects.visible_to(self.request.user)
            .filter(ends_at__gte=timezone.now())
            .select_related("organising_unit")
            .order_by("starts_at")[:5]
        )
        return [
            {
                "session": session,
                "attendance_url": reverse("lms_session:attendance", args=[session.pk]),
                "checkin_url": self.request.build_absolute_uri(reverse("session_checkin", args=[session.checkin_code])),
            }
            for session in sessions
        ]


class RecentImportsPanel(HomePanel):
    """The last spreadsheets imported into the user's units: what, when, by whom and how many rows were new."""

    panel_id = "recent-imports"
    heading = _("Recent imports")
    template_name = "lms/admin/home/imports.html"
    order = 50

    def rows(self):
        return list(
            UnitLogEntry.objects.visible_to(self.request.user)
            .filter(action="lms.import")
            .select_related("user", "unit")
            .order_by("-timestamp", "-id")[:5]
        )


FAILED_TASKS_DAYS = 7  # failures older than a week have been seen to or no longer matter


class SiteHealthPanel(HomePanel):
    """For the administrator: the log-in lockouts that hold now, and the background tasks failed and waiting
    (each where the site counts them: django-axes, and the database task backend)."""

    panel_id = "site-health"
    heading = _("Site health")
    template_name = "lms/admin/home/site_health.html"
    order = 10

    def rows(self):
        figures = {"lockouts": None, "tasks": None, "failed_days": FAILED_TASKS_DAYS}
        if apps.is_installed("axes"):
            from lms.lockouts import current_lockouts

            figures["lockouts"] = current_lockouts(self.request.user).count()
        if apps.is_installed("django_tasks_db"):
            from django_tasks.base import TaskResultStatus
            from django_tasks_db.models import DBTaskResult

            failed_since = timezone.now() - timedelta(days=FAILED_TASKS_DAYS)

            figures["tasks"] = DBTaskResult.objects.aggregate(
                failed=Count("pk", filter=Q(status=TaskResultStatus.FAILED, finished_at__gte=failed_since)),
                waiting=Count("pk", filter=Q(status=TaskResultStatus.READY)),
            )
        return figures


@hooks.register("construct_homepage_panels")
def add_organisation_panels(request, panels):
    user = request.user
    if works_as(user, "lms.view_trainingsession"):
        panels.append(UpcomingSessionsPanel(request))
    if works_as(user, "lms.add_person"):
        panels.append(RecentImportsPanel(request))
    if user.is_superuser:
        panels.append(SiteHealthPanel(request))


@hooks.register("construct_homepage_panels")
def keep_only_wagtail_panels_that_help(request, panels):
    """Of Wagtail's own panels, keep the pages waiting for the user's review and, for those who edit pages,
    their recent edits; the locked pages and "your pages in a workflow" (the trainer's courses awaiting
    moderation say it for courses) go."""
    from wagtail.admin.views.home import RecentEditsPanel, WorkflowObjectsToModeratePanel

    edits_pages = PagePermissionPolicy().user_has_any_permission(request.user, {"add", "change", "publish"})
    panels[:] = [
        panel
        for panel in panels
        if not panel.__module__.startswith("wagtail.")
        or isinstance(panel, WorkflowObjectsToModeratePanel)
        or (isinstance(panel, RecentEditsPanel) and edits_pages)
    ]
