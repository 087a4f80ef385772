"""Personal data in the Wagtail admin, scoped to the organiser's subtree: erasing a person, the people's correction
requests, and the log of who viewed or exported personal data (read only)."""

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.widgets.button import MenuItem

from lms import personal_data
from lms.admin.filters import UnitSubtreeFilter
from lms.admin.views import AdminPageMixin, ScopedIndexView
from lms.admin.viewsets import ScopedViewSet
from lms.admin_views import PersonPageMixin
from lms.models import AccessKind, CorrectionRequest, CorrectionStatus, PersonalDataAccess

ERASE_PERMISSION = "lms.erase_person"
HANDLE_PERMISSION = "lms.change_correctionrequest"


class EraseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why the data is erased"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("For example: the person asked for it on 05/03/2026; or: left the unit in 2020."),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that the name, phone, email, date of birth and account cannot be restored"),
    )


class PersonEraseView(PersonPageMixin, FormView):
    """Asks for a reason and a confirmation, then erases (pseudonymises) one person of the organiser's subtree."""

    template_name = "lms/admin/person_erase.html"
    page_title = gettext_lazy("Erase personal data")
    header_icon = "warning"
    permission = ERASE_PERMISSION
    form_class = EraseForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(person=self.person, **kwargs)

    def form_valid(self, form):
        try:
            personal_data.erase_person(person=self.person, reason=form.cleaned_data["reason"], user=self.request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The person's data was erased; their trainings still count."))
        return redirect("lms_person:edit", self.person.pk)


class CorrectionFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=gettext_lazy("status"), choices=CorrectionStatus.choices)

    class Meta:
        model = CorrectionRequest
        fields = ["status"]


class CorrectionIndexView(ScopedIndexView):
    """The correction requests of the organiser's people, the waiting ones first."""

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("person__unit").order_by("-status", "-created_at", "-id")

    def get_list_more_buttons(self, instance):
        if not instance.is_open or not self.request.user.has_perm(HANDLE_PERMISSION):
            return []
        url = reverse("lms_correctionrequest:handle", args=[instance.pk])
        return [MenuItem(_("Handle"), url=url, icon_name="tick")]


class HandleForm(forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("Answer to the person"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What was corrected, or why nothing was; the person reads it in “My data”."),
    )


class CorrectionHandleView(AdminPageMixin, FormView):
    """Shows a waiting request and marks it handled, with an answer to the person."""

    template_name = "lms/admin/correction_handle.html"
    page_title = gettext_lazy("Handle a correction request")
    header_icon = "tick"
    form_class = HandleForm

    def dispatch(self, request, pk):
        if not request.user.has_perm(HANDLE_PERMISSION):
            raise PermissionDenied
        requests = CorrectionRequest.objects.visible_to(request.user).filter(status=CorrectionStatus.OPEN)
        self.correction = get_object_or_404(requests.select_related("person__unit"), pk=pk)
        if request.method == "GET":
            personal_data.log_view(user=request.user, person=self.correction.person, what=self.page_title)
        return super().dispatch(request)

    def get_page_subtitle(self):
        return self.correction.person.full_name

    def parent_breadcrumbs(self):
        label = capfirst(CorrectionRequest._meta.verbose_name_plural)
        return [{"url": reverse("lms_correctionrequest:index"), "label": label}]

    def get_context_data(self, **kwargs):
        return super().get_context_data(correction=self.correction, **kwargs)

    def form_valid(self, form):
        try:
            personal_data.handle_correction(
                correction=self.correction, user=self.request.user, answer=form.cleaned_data["answer"]
            )
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
        else:
            messages.success(self.request, _("The request is marked handled."))
        return redirect("lms_correctionrequest:index")


class CorrectionRequestViewSet(ScopedViewSet):
    model = CorrectionRequest
    name = "lms_correctionrequest"
    url_prefix = "correction-requests"
    icon = "edit"
    menu_order = 600
    index_view_class = CorrectionIndexView
    filterset_class = CorrectionFilterSet
    form_fields = []

    @property
    def list_display(self):
        return [
            Column("person", label=_("person")),
            Column("unit", label=_("unit"), accessor="person.unit.name"),
            Column("message", label=_("what should be corrected")),
            DateColumn("created_at", label=_("asked on")),
            StatusTagColumn("get_status_display", label=_("status"), primary=lambda correction: correction.is_open),
        ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<id:pk>/handle/", CorrectionHandleView.as_view(), name="handle"),
        ]


class AccessFilterSet(WagtailFilterSet):
    unit = UnitSubtreeFilter()
    kind = django_filters.ChoiceFilter(label=gettext_lazy("kind"), choices=AccessKind.choices)

    class Meta:
        model = PersonalDataAccess
        fields = ["unit", "kind"]


class AccessIndexView(ScopedIndexView):
    """Who viewed or exported personal data in the organiser's subtree, newest first."""

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user", "person", "unit")


class PersonalDataAccessViewSet(ScopedViewSet):
    """The access log: read only (its permission policy allows viewing only, even for a superuser)."""

    model = PersonalDataAccess
    name = "lms_personaldataaccess"
    url_prefix = "personal-data-access"
    icon = "view"
    menu_order = 700
    index_view_class = AccessIndexView
    filterset_class = AccessFilterSet
    form_fields = []
    list_per_page = 100

    @property
    def list_display(self):
        return [
            Column(
                "at", label=_("when"), accessor=lambda entry: timezone.localtime(entry.at).strftime("%d/%m/%Y %H:%M")
            ),
            Column("user", label=_("who")),
            Column("get_kind_display", label=_("kind")),
            Column("what", label=_("what")),
            Column("person", label=_("person")),
            Column("unit", label=_("unit")),
            Column("detail", label=_("detail")),
        ]
