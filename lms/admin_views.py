"""Admin screens for the organisation; every queryset goes through the viewer's unit scope."""

import uuid
from datetime import timedelta
from pathlib import Path

import django_filters
import segno
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import EditView, HistoryView, IndexView, UsageView
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.models import CreateView
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.widgets import AdminDateInput, HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy

from lms import selectors, services
from lms.importers import AttendanceImport, PeopleImport, UnitImport
from lms.models import AttendanceMethod, TrainingSession, Unit, UnitLevel
from lms.spreadsheets import SPREADSHEET_SUFFIXES, table_csv, table_workbook, template_workbook


class AdminPageMixin(WagtailAdminTemplateMixin):
    """An admin page under a listing: breadcrumbs lead back to it, the last one is this page's title."""

    def parent_breadcrumbs(self):
        return []

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, *self.parent_breadcrumbs(), {"url": "", "label": self.get_page_title()}]


class JobProgressView(AdminPageMixin, TemplateView):
    """The page of a piece of background work: what it is, its job's status, a progress bar refreshing the page
    until the job is finished, its counts and errors; then a link to what it made.

    ``model`` is the work's model, with a ``job``; users need ``permission`` and see the work of their units.
    ``running_note`` tells the user what happens while the page refreshes; ``item_label`` heads the column of
    what failed, for work whose items can fail one by one.
    """

    template_name = "lms/admin/job_progress.html"
    model = None
    permission = None
    path_lookup = "unit__path"
    index_url_name = None
    running_note = None
    item_label = None

    def dispatch(self, request, pk):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        works = selectors.within_scope(request.user, self.get_queryset(), self.path_lookup)
        self.object = get_object_or_404(works.select_related("job"), pk=pk)
        return super().dispatch(request)

    def get_queryset(self):
        return self.model.objects.all()

    def get_page_title(self):
        return capfirst(self.model._meta.verbose_name)

    def get_page_subtitle(self):
        return str(self.object)

    def parent_breadcrumbs(self):
        return [{"url": reverse(self.index_url_name), "label": capfirst(self.model._meta.verbose_name_plural)}]

    def get_details(self):
        """``(label, value)`` pairs saying what the work is."""
        return []

    def get_summary(self):
        """The job's counts in a sentence about the work."""
        raise NotImplementedError

    def get_result(self):
        """``(url, label)`` of what the finished work made, or None."""
        return None

    def get_context_data(self, **kwargs):
        job = self.object.job
        return super().get_context_data(
            job=job,
            details=self.get_details(),
            summary=self.get_summary(),
            result=self.get_result() if job.is_finished else None,
            running_note=self.running_note,
            item_label=self.item_label,
            **kwargs,
        )


def menu_item_for(permission):
    """A menu item class shown only to users with ``permission``."""

    class PermittedMenuItem(MenuItem):
        def is_shown(self, request):
            return request.user.has_perm(permission)

    return PermittedMenuItem


def unit_in_scope(user, unit_id):
    """The unit whose id a URL's query gives, if ``user`` may see it; otherwise 404."""
    if not str(unit_id).isdigit():
        raise Http404
    return get_object_or_404(selectors.units_for(user), pk=unit_id)


class NeverDeletePermissionPolicy(ModelPermissionPolicy):
    """Model permissions without delete, even for superusers: nothing here is hard-deleted."""

    def user_has_permission(self, user, action):
        return action != "delete" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


def unit_filter_choices(request):
    """The units a listing can be narrowed to; from a whole country or province, communes are enough."""
    units = selectors.unit_choices_for(request.user)
    scope = selectors.scope_unit(request.user)
    if scope is None or scope.depth <= 2:
        units = units.exclude(level=UnitLevel.RESIDENTIAL_AREA)
    return units


class UnitSubtreeFilter(django_filters.ModelChoiceFilter):
    """Narrow a listing to a unit of the viewer's subtree and the units below it."""

    def __init__(self, *, path_lookup, **kwargs):
        super().__init__(label=gettext_lazy("Unit (and units below)"), queryset=unit_filter_choices, **kwargs)
        self.path_lookup = path_lookup

    @property
    def field(self):
        field = super().field
        field.label_from_instance = Unit.tree_label
        return field

    def filter(self, queryset, unit):
        return queryset.filter(**{f"{self.path_lookup}__startswith": unit.path}) if unit else queryset


class ScopedIndexView(IndexView):
    """A listing limited to the viewer's unit subtree."""

    path_lookup = None

    def get_base_queryset(self):
        return selectors.within_scope(self.request.user, super().get_base_queryset(), self.path_lookup)


class ScopedEditView(EditView):
    """Editing refused (404) for objects outside the viewer's unit subtree."""

    path_lookup = None

    def get_queryset(self):
        return selectors.within_scope(self.request.user, super().get_queryset(), self.path_lookup)


class ScopedHistoryView(HistoryView):
    path_lookup = None

    def get_base_object_queryset(self):
        return selectors.within_scope(self.request.user, super().get_base_object_queryset(), self.path_lookup)


class ScopedUsageView(UsageView):
    path_lookup = None

    def get_base_object_queryset(self):
        return selectors.within_scope(self.request.user, super().get_base_object_queryset(), self.path_lookup)


class UnitSearchForm(BaseFilterForm):
    q = forms.CharField(
        label=gettext_lazy("Name or code"),
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Name or code")}),
        required=False,
    )

    def filter(self, units):
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            units = units.filter(Q(name__icontains=query) | Q(short_name__icontains=query) | Q(code__startswith=query))
            self.is_searching, self.search_query = True, query
        return units


class ScopedUnitChoiceMixin:
    """The chooser offers, and accepts, only active units in the user's subtree."""

    filter_form_class = UnitSearchForm
    ordering = "path"

    def get_object_list(self):
        return selectors.unit_choices_for(self.request.user)

    @property
    def columns(self):
        return [
            TitleColumn(
                "name", label=_("name"), url_name=self.chosen_url_name, link_attrs={"data-chooser-modal-choice": True}
            ),
            Column("code", label=_("code")),
            Column("get_level_display", label=_("level")),
        ]


class UnitChooseView(ScopedUnitChoiceMixin, chooser_views.ChooseView):
    pass


class UnitChooseResultsView(ScopedUnitChoiceMixin, chooser_views.ChooseResultsView):
    pass


class ScopedUnitChosenMixin:
    """A chosen unit, by one id or several, is looked up only among the units the user may choose."""

    def get_object(self, pk):
        return selectors.unit_choices_for(self.request.user).get(pk=pk)

    def get_objects(self, pks):
        return selectors.unit_choices_for(self.request.user).filter(pk__in=pks)


class UnitChosenView(ScopedUnitChosenMixin, chooser_views.ChosenView):
    pass


class UnitChosenMultipleView(ScopedUnitChosenMixin, chooser_views.ChosenMultipleView):
    pass


class UnitChooserViewSet(ChooserViewSet):
    """A searchable unit chooser: the tree is too long for a drop-down at national scale."""

    model = Unit
    icon = "site"
    per_page = 50
    choose_one_text = gettext_lazy("Choose a unit")
    choose_another_text = gettext_lazy("Choose another unit")
    choose_view_class = UnitChooseView
    choose_results_view_class = UnitChooseResultsView
    chosen_view_class = UnitChosenView
    chosen_multiple_view_class = UnitChosenMultipleView


unit_chooser_viewset = UnitChooserViewSet("lms_unit_chooser", url_prefix="units/chooser")


class ScopedFormMixin:
    """Unit fields of the form offer only the units the user may use."""

    unit_fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.unit_fields:
            if name in self.fields:
                self.fields[name].queryset = selectors.unit_choices_for(self.for_user)
                self.fields[name].label_from_instance = Unit.tree_label


class PersonForm(ScopedFormMixin, WagtailAdminModelForm):
    unit_fields = ("unit",)

    class Meta:
        widgets = {"unit": unit_chooser_viewset.widget_class}


class SessionForm(ScopedFormMixin, WagtailAdminModelForm):
    unit_fields = ("organising_unit", "invited_units")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "invited_units" in self.fields:
            # residential areas are reached through their commune; listing them all would be too long
            self.fields["invited_units"].queryset = self.fields["invited_units"].queryset.exclude(
                level=UnitLevel.RESIDENTIAL_AREA
            )


class UnitForm(WagtailAdminModelForm):
    def clean(self):
        cleaned_data = super().clean()
        valid_from, valid_to = cleaned_data.get("valid_from"), cleaned_data.get("valid_to")
        if valid_from and valid_to and valid_to < valid_from:
            self.add_error("valid_to", _("The end date is before the start date."))
        return cleaned_data


class SessionIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("organising_unit")
            .annotate(attendance_count=Count("attendances"))
        )


# Units ---------------------------------------------------------------------------------------


class UnitIndexView(ScopedIndexView):
    """One level of the tree: the children of ``?parent=`` (or the top of the viewer's scope)."""

    default_ordering = "code"  # the order of the official lists

    @cached_property
    def parent_unit(self):
        parent_id = self.request.GET.get("parent")
        return unit_in_scope(self.request.user, parent_id) if parent_id else None

    def get_base_queryset(self):
        units = super().get_base_queryset()
        if self.parent_unit is not None:
            units = units.filter(path__startswith=self.parent_unit.path, depth=self.parent_unit.depth + 1)
        elif (top := selectors.scope_unit(self.request.user)) is not None:
            units = units.filter(pk=top.pk)
        else:
            units = units.filter(depth=1)
        return selectors.with_people_counts(units)

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        if self.parent_unit is not None:
            for unit in [*self.parent_unit.get_ancestors(), self.parent_unit]:
                if selectors.units_for(self.request.user).filter(pk=unit.pk).exists():
                    items.append({"url": f"{self.index_url}?parent={unit.pk}", "label": unit.name})
        return items

    def get_add_url(self):
        url = super().get_add_url()
        if url and self.parent_unit is not None:
            return f"{url}?parent={self.parent_unit.pk}"
        return url if self.request.user.is_superuser else None  # only superusers add top units

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.user_has_permission("change"):
            if self.parent_unit is not None:
                buttons.append(
                    HeaderButton(
                        _("Merge units here"),
                        url=reverse("lms_unit:merge", args=[self.parent_unit.pk]),
                        icon_name="resubmit",
                    )
                )
            buttons.append(HeaderButton(_("Import units"), url=reverse("lms_unit:import"), icon_name="upload"))
        return buttons


class UnitCreateView(CreateView):
    """A new unit goes under ``?parent=`` (in the viewer's scope); only superusers create top units."""

    @cached_property
    def parent_unit(self):
        parent_id = self.request.GET.get("parent")
        if parent_id:
            return unit_in_scope(self.request.user, parent_id)
        if not self.request.user.is_superuser:
            raise PermissionDenied
        return None

    def get_add_url(self):
        url = super().get_add_url()
        return f"{url}?parent={self.parent_unit.pk}" if self.parent_unit else url

    def save_instance(self):
        return services.add_unit(parent=self.parent_unit, user=self.request.user, **self.form.cleaned_data)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)

    def get_success_url(self):
        return (
            f"{reverse(self.index_url_name)}?parent={self.parent_unit.pk}"
            if self.parent_unit
            else super().get_success_url()
        )


class MergeForm(forms.Form):
    sources = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Units to merge"), queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    target = forms.ModelChoiceField(label=gettext_lazy("Merge into"), queryset=Unit.objects.none())
    on_date = forms.DateField(label=gettext_lazy("Date of the merger"), widget=AdminDateInput())

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sources"].queryset = units
        self.fields["target"].queryset = units


class UnitMergeView(AdminPageMixin, FormView):
    """Merge some children of a unit into another of its children."""

    template_name = "lms/admin/unit_merge.html"
    page_title = gettext_lazy("Merge units")
    header_icon = "resubmit"
    form_class = MergeForm

    def dispatch(self, request, parent_pk):
        if not request.user.has_perm("lms.change_unit"):
            raise PermissionDenied
        self.parent_unit = get_object_or_404(selectors.units_for(request.user), pk=parent_pk)
        return super().dispatch(request)

    def get_page_subtitle(self):
        return self.parent_unit.name

    def parent_breadcrumbs(self):
        index_url = reverse("lms_unit:index")
        return [
            {"url": index_url, "label": capfirst(Unit._meta.verbose_name_plural)},
            {"url": f"{index_url}?parent={self.parent_unit.pk}", "label": self.parent_unit.name},
        ]

    def get_form_kwargs(self):
        units = self.parent_unit.get_children().filter(is_active=True).order_by("name")
        return {**super().get_form_kwargs(), "units": units, "initial": {"on_date": timezone.localdate()}}

    def form_valid(self, form):
        try:
            target = services.merge_units(
                sources=form.cleaned_data["sources"],
                target=form.cleaned_data["target"],
                on_date=form.cleaned_data["on_date"],
                user=self.request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The units were merged into %(unit)s.") % {"unit": target})
        return redirect(f"{reverse('lms_unit:index')}?parent={self.parent_unit.pk}")


# Imports --------------------------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SPREADSHEET_SUFFIXES)}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in SPREADSHEET_SUFFIXES:
            raise ValidationError(_("Upload an .xlsx or .csv file."))
        return upload


class PeopleUploadForm(UploadForm):
    create_accounts = forms.BooleanField(
        label=gettext_lazy("Give people with a phone number a learner account"), required=False
    )


class SpreadsheetImportView(AdminPageMixin, FormView):
    """Upload, preview every refused row, then apply the same file in one transaction."""

    template_name = "lms/admin/import.html"
    header_icon = "upload"
    form_class = UploadForm
    permission = ""
    importer_class = None
    options = ()  # names of form fields passed on to the importer

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        if not request.user.is_superuser and request.user.managed_unit_id is None:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def importer(self, options):
        return self.importer_class(scope=selectors.scope_unit(self.request.user), user=self.request.user, **options)

    def post(self, request, *args, **kwargs):
        if "token" in request.POST:
            return self.apply(request.POST["token"])
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        forget_stale_uploads()
        upload = form.cleaned_data["file"]
        token = uuid.uuid4().hex
        stored_name = default_storage.save(f"{UPLOADS}/{token}{Path(upload.name).suffix.lower()}", upload)
        options = {name: form.cleaned_data[name] for name in self.options}
        self.request.session[f"import-{token}"] = {"path": stored_name, "name": upload.name, "options": options}
        with default_storage.open(stored_name, "rb") as handle:
            report = self.importer(options).run(handle, upload.name, apply=False)
        return self.render_to_response(
            self.get_context_data(form=form, report=report, token=token, filename=upload.name)
        )

    def apply(self, token):
        pending = self.request.session.pop(f"import-{token}", None)
        if pending is None:
            messages.error(self.request, _("This preview has expired; upload the file again."))
            return redirect(self.request.path)
        with default_storage.open(pending["path"], "rb") as handle:
            report = self.importer(pending["options"]).run(handle, pending["name"], apply=True)
        default_storage.delete(pending["path"])
        if not report.applied:
            return self.render_to_response(self.get_context_data(report=report, filename=pending["name"]))
        messages.success(
            self.request,
            _("Imported: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.")
            % {"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
        )
        return redirect(self.get_done_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            columns=self.importer_class.columns, template_url=f"{self.request.path}?template=1", **kwargs
        )

    def get(self, request, *args, **kwargs):
        if request.GET.get("template"):
            return template_download(self.importer_class, self.get_page_title())
        return super().get(request, *args, **kwargs)

    def get_done_url(self):
        raise NotImplementedError

    def parent_breadcrumbs(self):
        model = self.importer_class.model
        return [{"url": self.get_done_url(), "label": capfirst(model._meta.verbose_name_plural)}]


UPLOADS = "imports"
UPLOAD_KEPT_FOR = timedelta(hours=2)


def forget_stale_uploads():
    """Delete uploaded lists whose preview was never applied: they hold personal data."""
    if not default_storage.exists(UPLOADS):
        return
    cutoff = timezone.now() - UPLOAD_KEPT_FOR
    for name in default_storage.listdir(UPLOADS)[1]:
        path = f"{UPLOADS}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_download(headers, rows, *, filename, file_format):
    """A table as an .xlsx or .csv download named ``filename`` (without suffix)."""
    if file_format == "csv":
        response = HttpResponse(table_csv(headers, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(table_workbook(headers, rows, title=filename), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{"csv" if file_format == "csv" else "xlsx"}"'
    return response


def template_download(importer_class, title):
    """An empty workbook with the import's headers, to fill in."""
    response = HttpResponse(
        template_workbook(importer_class.columns, title=str(importer_class.label)), content_type=XLSX_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="mau-{importer_class.__name__.lower()}.xlsx"'
    return response


class UnitImportView(SpreadsheetImportView):
    page_title = gettext_lazy("Import units")
    permission = "lms.add_unit"
    importer_class = UnitImport

    def get_done_url(self):
        return reverse("lms_unit:index")


class PeopleImportView(SpreadsheetImportView):
    page_title = gettext_lazy("Import people")
    permission = "lms.add_person"
    importer_class = PeopleImport
    form_class = PeopleUploadForm
    options = ("create_accounts",)

    def get_done_url(self):
        return reverse("lms_person:index")


class AttendanceImportView(SpreadsheetImportView):
    page_title = gettext_lazy("Import attendance")
    permission = "lms.add_attendance"
    importer_class = AttendanceImport

    def dispatch(self, request, pk):
        self.session = get_object_or_404(selectors.sessions_for(request.user), pk=pk)
        return super().dispatch(request)

    def get_page_subtitle(self):
        return self.session.title

    def importer(self, options):
        return super().importer({**options, "session": self.session})

    def get_done_url(self):
        return reverse("lms_session:attendance", args=[self.session.pk])

    def parent_breadcrumbs(self):
        return [*session_breadcrumbs(self.session), {"url": self.get_done_url(), "label": _("Attendance")}]


def session_breadcrumbs(session):
    return [
        {"url": reverse("lms_session:index"), "label": capfirst(TrainingSession._meta.verbose_name_plural)},
        {"url": reverse("lms_session:edit", args=[session.pk]), "label": session.title},
    ]


# Attendance ------------------------------------------------------------------------------------


class AttendanceView(AdminPageMixin, FormView):
    """The people invited to a session, ticked as present; the QR code learners scan to check in."""

    template_name = "lms/admin/attendance.html"
    header_icon = "tick"

    class Form(forms.Form):
        people = forms.ModelMultipleChoiceField(queryset=None, required=False)

        def __init__(self, *args, people, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["people"].queryset = people

    form_class = Form

    def dispatch(self, request, pk):
        if not request.user.has_perm("lms.view_attendance"):
            raise PermissionDenied
        self.session = get_object_or_404(selectors.sessions_for(request.user), pk=pk)
        return super().dispatch(request)

    def get_page_title(self):
        return _("Attendance")

    def parent_breadcrumbs(self):
        return session_breadcrumbs(self.session)

    def get_page_subtitle(self):
        return self.session.title

    @cached_property
    def invited(self):
        return selectors.within_scope(self.request.user, selectors.invited_people(self.session), "unit__path")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "people": self.invited}

    def get_context_data(self, **kwargs):
        present = set(self.session.attendances.values_list("person_id", flat=True))
        checkin_url = self.request.build_absolute_uri(reverse("session_checkin", args=[self.session.checkin_code]))
        return super().get_context_data(
            session=self.session,
            people=self.invited.select_related("unit", "category").in_name_order(),
            present=present,
            present_count=len(present),
            checkin_url=checkin_url,
            checkin_qr=segno.make(checkin_url, error="m").svg_inline(scale=5),
            can_record=self.request.user.has_perm("lms.add_attendance"),
            **kwargs,
        )

    def form_valid(self, form):
        if not self.request.user.has_perm("lms.add_attendance"):
            raise PermissionDenied
        recorded = services.record_attendance(
            session=self.session,
            people=form.cleaned_data["people"],
            method=AttendanceMethod.TICKED,
            user=self.request.user,
        )
        messages.success(self.request, _("%(count)s people recorded as present.") % {"count": recorded})
        return redirect(self.request.path)
