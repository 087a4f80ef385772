"""Admin screens for the organisation; every queryset goes through the viewer's unit scope."""

import uuid
from datetime import timedelta
from pathlib import Path

import segno
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic.models import CreateView
from wagtail.admin.widgets import AdminDateInput, Button, HeaderButton

from lms import activation, ledger, personal_data, selectors, services
from lms.admin.choosers import unit_chooser_viewset
from lms.admin.forms import ScopedFormMixin
from lms.admin.views import AdminPageMixin, ScopedEditView, ScopedHistoryView, ScopedIndexView, unit_in_scope
from lms.importers import AttendanceImport, PeopleImport, UnitImport
from lms.models import AttendanceMethod, Person, TrainingRecord, TrainingSession, Unit, UnitLevel
from lms.spreadsheets import SPREADSHEET_SUFFIXES, XLSX_TYPE, template_workbook
from lms.unit_sync import UnitSync
from lms.uploads import max_import_size


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
    """One level of the tree: the children of ``?parent=`` (or the top of the viewer's scope); a search looks
    through the whole subtree, by name without diacritics or by code."""

    default_ordering = "code"  # the order of the official lists
    is_searchable = True
    search_fields = ["name"]

    def search_queryset(self, queryset):
        return queryset.matching(self.search_query) if self.is_searching else queryset

    @cached_property
    def parent_unit(self):
        parent_id = self.request.GET.get("parent")
        return unit_in_scope(self.request.user, parent_id) if parent_id else None

    def get_base_queryset(self):
        units = super().get_base_queryset()
        if self.is_searching:
            units = units.in_unit(self.parent_unit) if self.parent_unit is not None else units
        elif self.parent_unit is not None:
            units = units.children_of(self.parent_unit)
        elif (top := selectors.scope_unit(self.request.user)) is not None:
            units = units.filter(pk=top.pk)
        else:
            units = units.filter(depth=1)
        return selectors.with_people_counts(units)

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        if self.parent_unit is not None:
            for unit in [*self.parent_unit.get_ancestors(), self.parent_unit]:
                if Unit.objects.visible_to(self.request.user).filter(pk=unit.pk).exists():
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
        if self.request.user.is_superuser:
            buttons.append(HeaderButton(_("Synchronise units"), url=reverse("lms_unit:sync"), icon_name="resubmit"))
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
        self.parent_unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=parent_pk)
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
        validators=[max_import_size],
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in SPREADSHEET_SUFFIXES:
            raise ValidationError(_("Upload an .xlsx or .csv file."))
        return upload


class UnitListUploadForm(UploadForm):
    """An official unit list: a spreadsheet, or the JSON that Mặt trận số exports."""

    SUFFIXES = (*SPREADSHEET_SUFFIXES, ".json")
    file = forms.FileField(
        label=gettext_lazy("Unit list (.xlsx, .csv or .json)"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUFFIXES)}),
        validators=[max_import_size],
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in self.SUFFIXES:
            raise ValidationError(_("Upload an .xlsx, .csv or .json file."))
        return upload


class PeopleUploadForm(UploadForm):
    create_accounts = forms.BooleanField(
        label=gettext_lazy("Give people with a phone number a learner account"), required=False
    )
    send_activation = forms.BooleanField(
        label=gettext_lazy("Email each new account that has an email address an activation link"), required=False
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
        stored_name = preview_storage().save(f"{UPLOADS}/{token}{Path(upload.name).suffix.lower()}", upload)
        options = {name: form.cleaned_data[name] for name in self.options}
        self.request.session[f"import-{token}"] = {"path": stored_name, "name": upload.name, "options": options}
        with preview_storage().open(stored_name, "rb") as handle:
            report = self.importer(options).run(handle, upload.name, apply=False)
        return self.render_to_response(
            self.get_context_data(form=form, report=report, token=token, filename=upload.name)
        )

    def apply(self, token):
        pending = self.request.session.pop(f"import-{token}", None)
        if pending is None or not preview_storage().exists(pending["path"]):
            messages.error(self.request, _("This preview has expired; upload the file again."))
            return redirect(self.request.path)
        with preview_storage().open(pending["path"], "rb") as handle:
            report = self.importer(pending["options"]).run(handle, pending["name"], apply=True)
        preview_storage().delete(pending["path"])
        if not report.applied:
            return self.render_to_response(self.get_context_data(report=report, filename=pending["name"]))
        messages.success(self.request, self.applied_message(report))
        return redirect(self.get_done_url())

    def applied_message(self, report):
        return _("Imported: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.") % {
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        }

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


def preview_storage():
    """Uploaded lists hold personal data: kept between preview and import where the web server never serves
    files (``PRIVATE_MEDIA_ROOT``)."""
    return storages["private"]


def forget_stale_uploads():
    """Delete uploaded lists whose preview was never applied: they hold personal data."""
    storage = preview_storage()
    if not storage.exists(UPLOADS):
        return
    cutoff = timezone.now() - UPLOAD_KEPT_FOR
    for name in storage.listdir(UPLOADS)[1]:
        path = f"{UPLOADS}/{name}"
        if storage.get_modified_time(path) < cutoff:
            storage.delete(path)


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


class UnitSyncView(SpreadsheetImportView):
    """Apply an official unit list (Mặt trận số's export) to the whole tree: superusers only, since it adds,
    renames, merges and closes units anywhere in the country."""

    page_title = gettext_lazy("Synchronise units")
    template_name = "lms/admin/unit_sync.html"
    header_icon = "resubmit"
    form_class = UnitListUploadForm
    permission = "lms.change_unit"
    importer_class = UnitSync

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def importer(self, options):
        return UnitSync(user=self.request.user)

    def applied_message(self, report):
        return _("Applied: %(count)s changes.") % {"count": len(report.changes)}

    def get_done_url(self):
        return reverse("lms_unit:index")


class PeopleImportView(SpreadsheetImportView):
    page_title = gettext_lazy("Import people")
    permission = "lms.add_person"
    importer_class = PeopleImport
    form_class = PeopleUploadForm
    options = ("create_accounts", "send_activation")

    def get_done_url(self):
        return reverse("lms_person:index")


class AttendanceImportView(SpreadsheetImportView):
    page_title = gettext_lazy("Import attendance")
    permission = "lms.add_attendance"
    importer_class = AttendanceImport

    def dispatch(self, request, pk):
        self.session = get_object_or_404(TrainingSession.objects.visible_to(request.user), pk=pk)
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
        self.session = get_object_or_404(TrainingSession.objects.visible_to(request.user), pk=pk)
        return super().dispatch(request)

    def get_page_title(self):
        return _("Attendance")

    def parent_breadcrumbs(self):
        return session_breadcrumbs(self.session)

    def get_page_subtitle(self):
        return self.session.title

    @cached_property
    def invited(self):
        return selectors.invited_people(self.session).visible_to(self.request.user)

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


# Account activation ----------------------------------------------------------------------------


class ActivationForm(ScopedFormMixin, forms.Form):
    unit_fields = ("unit",)
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Unit"), queryset=Unit.objects.none(), widget=unit_chooser_viewset.widget_class
    )

    def __init__(self, *args, for_user, **kwargs):
        self.for_user = for_user
        super().__init__(*args, **kwargs)


def log_person_view(request, person, what):
    """A page showing ``person``'s data was read (a GET; what a POST changes is in the audit log)."""
    if request.method == "GET":
        personal_data.log_view(user=request.user, person=person, what=what)


class PersonEditView(ScopedEditView):
    """A person's page, leading to their training history and to their account's activation when they have an
    account; a change of unit is kept in the person's history. Reading it is logged."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)  # finds the object in the viewer's scope, or 404
        log_person_view(request, self.object, _("Person's page"))
        return response

    def save_instance(self):
        person = super().save_instance()
        services.record_moves([(person.pk, self.form.initial["unit"], person.unit_id)])
        return person

    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        url = reverse("lms_person:trainings", args=[self.object.pk])
        buttons.append(Button(_("Training history"), url=url, icon_name="list-ul", priority=30))
        if self.request.user.has_perm("lms.change_person"):
            url = reverse("lms_person:activation_person", args=[self.object.pk])
            buttons.append(Button(_("Account activation"), url=url, icon_name="key", priority=40))
        if self.request.user.has_perm("lms.erase_person") and self.object.erased_at is None:
            url = reverse("lms_person:erase", args=[self.object.pk])
            buttons.append(Button(_("Erase personal data"), url=url, icon_name="warning", priority=50))
        return buttons


class PersonHistoryView(ScopedHistoryView):
    """A person's audit history; reading it is logged."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        log_person_view(request, self.object, _("History"))
        return response


class ActivationView(AdminPageMixin, FormView):
    """First log-in of people whose account has no password yet, for a unit's subtree or (with ``pk``) one
    person of the viewer's scope: email them activation links, or print one-time codes for those without email."""

    template_name = "lms/admin/activation.html"
    page_title = gettext_lazy("Account activation")
    header_icon = "key"

    def dispatch(self, request, pk=None):
        if not request.user.has_perm("lms.change_person"):
            raise PermissionDenied
        self.person = (
            get_object_or_404(Person.objects.visible_to(request.user).select_related("user", "unit"), pk=pk)
            if pk
            else None
        )
        if self.person:
            log_person_view(request, self.person, self.page_title)
        return super().dispatch(request)

    def get_form_class(self):
        return forms.Form if self.person else ActivationForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        return kwargs if self.person else {**kwargs, "for_user": self.request.user}

    def get_page_subtitle(self):
        return self.person.full_name if self.person else ""

    def parent_breadcrumbs(self):
        return [{"url": reverse("lms_person:index"), "label": capfirst(Person._meta.verbose_name_plural)}]

    def get_context_data(self, **kwargs):
        awaiting = self.person and activation.awaiting_activation(Person.objects.filter(pk=self.person.pk)).exists()
        resettable = (
            self.person
            and self.person.user
            and self.person.user.is_active
            and not awaiting
            and activation.is_learner_only(self.person.user)
        )
        return super().get_context_data(person=self.person, awaiting=awaiting, resettable=resettable, **kwargs)

    def form_valid(self, form):
        if self.person and ("create_account" in self.request.POST or "reset_password" in self.request.POST):
            return self.change_account()
        if self.person:
            unit, people = self.person.unit, Person.objects.filter(pk=self.person.pk)
        else:
            unit = form.cleaned_data["unit"]
            people = Person.objects.visible_to(self.request.user).in_unit(unit).filter(is_active=True)
        if "print_codes" in self.request.POST:
            issued = activation.issue_codes(people, by=self.request.user)
            response = HttpResponse(activation.codes_pdf(unit, issued), content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="ma-kich-hoat-{unit.code}.pdf"'
            return response
        sent = activation.send_activation_links(people, by=self.request.user)
        messages.success(self.request, _("Activation links sent: %(count)s.") % {"count": sent})
        return redirect(self.request.get_full_path())

    def change_account(self):
        """Create the person's learner account, or take its password away: either way it then awaits activation."""
        try:
            if "create_account" in self.request.POST:
                activation.create_learner_account(self.person, by=self.request.user)
                messages.success(self.request, _("The account was created. Now send the link or print the code."))
            else:
                activation.reset_learner_password(self.person, by=self.request.user)
                messages.success(
                    self.request, _("The old password no longer works. Now send the link or print the code.")
                )
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
        return redirect(self.request.path)


# A person's training history -------------------------------------------------------------------


class PersonPageMixin(AdminPageMixin):
    """A page about one person of the viewer's subtree (404 outside it), for users with ``permission``."""

    permission = "lms.view_person"

    def dispatch(self, request, pk, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        self.person = get_object_or_404(Person.objects.visible_to(request.user).select_related("unit"), pk=pk)
        log_person_view(request, self.person, self.page_title)
        return super().dispatch(request, **kwargs)

    def get_page_subtitle(self):
        return self.person.full_name

    def parent_breadcrumbs(self):
        return [
            {"url": reverse("lms_person:index"), "label": capfirst(Person._meta.verbose_name_plural)},
            {"url": reverse("lms_person:edit", args=[self.person.pk]), "label": self.person.full_name},
        ]


class PersonTrainingsView(PersonPageMixin, TemplateView):
    """Every training record of one person, the voided ones with their correction, each correctable."""

    template_name = "lms/admin/person_trainings.html"
    page_title = gettext_lazy("Training history")
    header_icon = "list-ul"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            person=self.person,
            records=selectors.training_history(self.person),
            can_correct=self.request.user.has_perm("lms.change_person"),
            **kwargs,
        )


class TrainingCorrectionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why the record is wrong"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Kept in the person's history with your name."),
    )
    replace = forms.BooleanField(
        label=gettext_lazy("Write the right record in its place"),
        required=False,
        help_text=gettext_lazy("Leave unticked when the training did not happen at all."),
    )
    reference = forms.CharField(label=gettext_lazy("training"), max_length=255, required=False)
    date = forms.DateField(label=gettext_lazy("date"), required=False, widget=AdminDateInput())
    hours = forms.DecimalField(label=gettext_lazy("hours"), max_digits=5, decimal_places=1, min_value=0, required=False)
    result = forms.CharField(label=gettext_lazy("result"), max_length=100, required=False)

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("replace"):
            for name in ("reference", "date"):
                if not cleaned_data.get(name) and name not in self.errors:
                    self.add_error(name, _("Give the right value, or untick “Write the right record in its place”."))
        return cleaned_data

    def right_values(self):
        data = self.cleaned_data
        if not data["replace"]:
            return None
        return ledger.RightValues(
            reference=data["reference"], date=data["date"], hours=data["hours"], result=data["result"]
        )


class TrainingCorrectionView(PersonPageMixin, FormView):
    """Void one wrong training record of a person, for a reason, optionally writing the right one in its place."""

    template_name = "lms/admin/training_correction.html"
    page_title = gettext_lazy("Correct a training record")
    header_icon = "edit"
    permission = "lms.change_person"
    form_class = TrainingCorrectionForm

    def dispatch(self, request, pk, record_pk):
        self.record_pk = record_pk
        return super().dispatch(request, pk)

    @cached_property
    def record(self):
        """The record to correct: one of the person's records in force (404 for a voided or unknown one)."""
        records = TrainingRecord.objects.filter(person=self.person).in_force()
        return get_object_or_404(records, pk=self.record_pk)

    def get_initial(self):
        record = self.record
        return {"reference": record.reference, "date": record.date, "hours": record.hours, "result": record.result}

    def parent_breadcrumbs(self):
        url = reverse("lms_person:trainings", args=[self.person.pk])
        return [*super().parent_breadcrumbs(), {"url": url, "label": _("Training history")}]

    def get_context_data(self, **kwargs):
        return super().get_context_data(record=self.record, **kwargs)

    def form_valid(self, form):
        try:
            services.correct_training_record(
                record=self.record,
                reason=form.cleaned_data["reason"],
                user=self.request.user,
                right=form.right_values(),
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The record was corrected."))
        return redirect("lms_person:trainings", self.person.pk)
