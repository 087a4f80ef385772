"""The organisation in the Wagtail admin: menus, viewsets, log actions, scoping by unit."""

import django_filters
from django.forms import modelform_factory
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column, TitleColumn
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton
from wagtail.permissions import register_permission_policy

from lms import admin_views, selectors
from lms.admin.choosers import unit_chooser_viewset
from lms.admin.filters import UnitSubtreeFilter
from lms.admin.permissions import NeverDeletePermissionPolicy
from lms.admin.views import ScopedIndexView
from lms.admin.viewsets import ScopedViewSet
from lms.importers import PeopleImport
from lms.models import Person, PersonCategory, TrainingSession, Unit, UnitLogEntry


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


class PersonIndexView(ScopedIndexView):
    """People in Vietnamese name order, searchable with or without diacritics."""

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
        return buttons


class PersonViewSet(ScopedViewSet):
    model = Person
    name = "lms_person"
    url_prefix = "people"
    icon = "group"
    menu_order = 200
    base_form_class = admin_views.PersonForm
    index_view_class = PersonIndexView
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
        return [*super().get_urlpatterns(), path("import/", admin_views.PeopleImportView.as_view(), name="import")]


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
        "starts_at",
        "ends_at",
        "hours",
        "place",
        "meeting_url",
        "trainer",
        "topics",
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


class OrganisationViewSetGroup(ViewSetGroup):
    menu_label = _("Organisation")
    menu_icon = "site"
    menu_order = 250
    items = (UnitViewSet, PersonViewSet, SessionViewSet, PersonCategoryViewSet)


@hooks.register("register_admin_viewset")
def register_organisation_viewsets():
    return [OrganisationViewSetGroup(), unit_chooser_viewset]


@hooks.register("register_log_actions")
def register_organisation_log_actions(actions):
    for model in (Unit, Person, TrainingSession):
        actions.register_model(model, UnitLogEntry)
    actions.register_action("lms.load_official_units", _("Load official units"), _("Official units loaded"))
    actions.register_action("lms.unit_merge", _("Merge unit"), _("Merged into another unit"))
    actions.register_action("lms.unit_merge_target", _("Receive merged units"), _("Units merged into this one"))
    actions.register_action("lms.import", _("Import"), _("Imported from a spreadsheet"))
    actions.register_action("lms.attendance", _("Record attendance"), _("Attendance recorded"))


for organisation_model in (Unit, Person, TrainingSession, PersonCategory):
    register_permission_policy(organisation_model, NeverDeletePermissionPolicy(organisation_model))
