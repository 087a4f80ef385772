"""Certificates in the Wagtail admin: templates (with a PDF preview), issued certificates and their
register, bulk issues; all scoped to the organiser's units."""

from datetime import timedelta

import django_filters
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import ButtonsColumnMixin, Column, DateColumn, TitleColumn
from wagtail.admin.views.generic.preview import PreviewOnCreate
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.widgets import ListingButton
from wagtail.permissions import register_permission_policy

from certificates import admin_views, personal_data, signing
from certificates.models import Certificate, CertificateBatch, CertificateStatus, CertificateTemplate
from certificates.selectors import certificates_of
from lms.admin.choosers import unit_chooser_viewset
from lms.admin.home import HomePanel, works_as
from lms.admin.permissions import LimitedPermissionPolicy, NeverDeletePermissionPolicy
from lms.admin.reports import LoggedExportMixin, SafeExportMixin
from lms.admin.views import ScopedIndexView, ScopedPreviewOnEdit
from lms.admin.viewsets import ScopedViewSet
from lms.models import UnitLogEntry


class TemplateIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("unit")


class CertificateTemplateViewSet(ScopedViewSet):
    """Templates of the user's units; the live preview too is of those only."""

    model = CertificateTemplate
    name = "certificates_template"
    url_prefix = "certificate-templates"
    icon = "doc-full"
    menu_order = 300
    index_view_class = TemplateIndexView
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("orientation")]),
        FieldPanel("unit", widget=unit_chooser_viewset.widget_class),
        MultiFieldPanel(
            [
                FieldPanel("issuer"),
                FieldRowPanel([FieldPanel("serial_suffix"), FieldPanel("place")]),
                FieldPanel("title"),
                FieldPanel("body"),
                FieldPanel("printed_fields"),
            ],
            heading=_("Text"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("signer_title"), FieldPanel("signer_name")]),
                FieldRowPanel([FieldPanel("signature"), FieldPanel("seal"), FieldPanel("background")]),
            ],
            heading=_("Signature"),
        ),
        MultiFieldPanel([FieldPanel("courses"), FieldPanel("sessions")], heading=_("Granted for")),
    ]
    list_display = ["name", "unit", "serial_suffix", "orientation"]

    def get_edit_handler(self):
        return ObjectList(self.panels, base_form_class=admin_views.TemplateForm).bind_to_model(self.model)

    # The preview panel shows the template as a PDF filled with an example, live as it is edited.
    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(preview_url_name=self.get_url_name("preview_on_add"), **kwargs)

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(preview_url_name=self.get_url_name("preview_on_edit"), **kwargs)

    def get_urlpatterns(self):
        preview_on_add = self.construct_view(PreviewOnCreate, form_class=self.get_form_class())
        preview_on_edit = self.construct_view(ScopedPreviewOnEdit, form_class=self.get_form_class(for_update=True))
        return [
            *super().get_urlpatterns(),
            path("new/preview/", preview_on_add, name="preview_on_add"),
            path("<id:pk>/preview/", preview_on_edit, name="preview_on_edit"),
        ]


class CertificateTitleColumn(ButtonsColumnMixin, TitleColumn):
    """The certificate's number, linking to its PDF, with the listing's buttons for it."""

    def __init__(self, *args, view, **kwargs):
        super().__init__(*args, **kwargs)
        self.view = view

    def get_buttons(self, instance, parent_context):
        return self.view.get_list_buttons(instance)


class CertificateIndexView(LoggedExportMixin, SafeExportMixin, ScopedIndexView):
    """The certificates of the viewer's units, each with its PDF and, for those who may, revoke and reissue; the
    register exported with times in Vietnam's time and statuses in words."""

    export_what = _("Certificate register")

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("person__unit")

    @cached_property
    def columns(self):
        number = CertificateTitleColumn(
            "serial",
            label=_("number"),
            get_url=lambda certificate: reverse("certificates_certificate:pdf", args=[certificate.pk]),
            view=self,
        )
        return [number, *super().columns]

    def get_list_more_buttons(self, instance):
        buttons = [
            ListingButton(
                _("PDF"), url=reverse("certificates_certificate:pdf", args=[instance.pk]), icon_name="download"
            )
        ]
        if instance.is_valid and self.request.user.has_perm("certificates.change_certificate"):
            for action, label in (("reissue", _("Reissue")), ("revoke", _("Revoke"))):
                buttons.append(
                    ListingButton(
                        label,
                        url=reverse(f"certificates_certificate:{action}", args=[instance.pk]),
                        icon_name="warning",
                    )
                )
        return buttons


class CertificateFilterSet(WagtailFilterSet):
    """Narrow the certificates to a status, a template the organiser may use, or a year."""

    status = django_filters.ChoiceFilter(label=_("status"), choices=CertificateStatus.choices)
    template = django_filters.ModelChoiceFilter(
        label=_("template"), queryset=lambda request: CertificateTemplate.objects.usable_by(request.user)
    )
    year = django_filters.NumberFilter(label=_("year"))

    class Meta:
        model = Certificate
        fields = ["status", "template", "year"]


class CertificateViewSet(ScopedViewSet):
    model = Certificate
    name = "certificates_certificate"
    url_prefix = "certificates"
    icon = "doc-full-inverse"
    menu_order = 100
    index_view_class = CertificateIndexView
    form_fields = []
    filterset_class = CertificateFilterSet
    search_fields = ["person__full_name", "code", "what"]
    # The issuance register (sổ cấp): every certificate with what identifies it, exported as XLSX or CSV.
    list_export = [
        "serial",
        "code",
        "person.full_name",
        "person.birth_date",
        "person.unit",
        "what",
        "completed_on",
        "issued_at",
        "get_status_display",
        "revoked_reason",
    ]
    export_headings = {
        "serial": _("Number"),
        "code": _("Verification code"),
        "person.full_name": _("Full name"),
        "person.birth_date": _("Date of birth"),
        "person.unit": _("Unit"),
        "what": _("Completed"),
        "completed_on": _("Date completed"),
        "issued_at": _("Issued at"),
        "get_status_display": _("Status"),
        "revoked_reason": _("Reason revoked"),
    }
    export_filename = "so-cap-giay-chung-nhan"

    @property
    def list_display(self):
        return [
            # The number, with the certificate's buttons, comes first: see CertificateIndexView.columns.
            Column("person", label=_("person")),
            Column("person.unit", label=_("unit")),
            Column("what", label=_("completed")),
            DateColumn("issued_at", label=_("issued at")),
            Column("get_status_display", label=_("status")),
        ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<id:pk>/pdf/", admin_views.certificate_pdf, name="pdf"),
            path("<id:pk>/revoke/", admin_views.CertificateActionView.as_view(), name="revoke"),
            path("<id:pk>/reissue/", admin_views.CertificateActionView.as_view(reissue=True), name="reissue"),
        ]


class BatchIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("template", "course", "session", "unit", "job")


class BatchViewSet(ScopedViewSet):
    model = CertificateBatch
    name = "certificates_batch"
    url_prefix = "certificate-batches"
    icon = "download"
    menu_order = 200
    index_view_class = BatchIndexView
    add_view_class = admin_views.BatchCreateView
    form_fields = ["template", "course", "session", "unit"]

    def get_form_class(self, for_update=False):
        return admin_views.BatchForm

    @property
    def list_display(self):
        return [
            TitleColumn(
                "template",
                label=_("template"),
                get_url=lambda batch: reverse("certificates_batch:progress", args=[batch.pk]),
            ),
            Column("course", label=_("course")),
            Column("session", label=_("session")),
            Column("unit", label=_("unit")),
            Column("status", accessor="job.get_status_display", label=_("status")),
            Column("done", accessor="job.done", label=_("issued")),
            DateColumn("created_at", accessor="job.created_at", label=_("ordered at")),
        ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<id:pk>/progress/", admin_views.BatchProgressView.as_view(), name="progress"),
        ]


class CertificatesViewSetGroup(ViewSetGroup):
    menu_label = _("Certificates")
    menu_icon = "doc-full-inverse"
    menu_order = 270
    items = (CertificateViewSet, BatchViewSet, CertificateTemplateViewSet)


@hooks.register("register_admin_viewset")
def register_certificate_viewsets():
    return CertificatesViewSetGroup()


@hooks.register("register_log_actions")
def register_certificate_log_actions(actions):
    for model in (Certificate, CertificateBatch, CertificateTemplate):
        actions.register_model(model, UnitLogEntry)  # so organisers read only their units' certificate history
    actions.register_action("certificates.issue", _("Issue a certificate"), _("Certificate issued"))
    actions.register_action("certificates.revoke", _("Revoke a certificate"), _("Certificate revoked"))
    actions.register_action("certificates.reissue", _("Reissue a certificate"), _("Certificate reissued"))


# Certificates are only viewed here; revoking and reissuing (Django's change permission) have their own screens.
register_permission_policy(Certificate, LimitedPermissionPolicy(Certificate, actions={"view"}))
register_permission_policy(CertificateBatch, LimitedPermissionPolicy(CertificateBatch, actions={"add", "view"}))
register_permission_policy(CertificateTemplate, NeverDeletePermissionPolicy(CertificateTemplate))


@hooks.register("learner_record_sections")
def learner_certificates_section(request, person):
    """The learner's own certificates on "Khóa học của tôi", newest first; nothing if they have none."""
    certificates = list(certificates_of(person))
    if certificates:
        return render_to_string("certificates/learner_section.html", {"certificates": certificates}, request)
    return None


class RecentBatchesPanel(HomePanel):
    """The last bulk issues of the organiser's units with the result of their background job."""

    panel_id = "recent-batches"
    heading = _("Recent bulk issues of certificates")
    template_name = "certificates/admin/home_batches.html"
    order = 40

    def rows(self):
        return list(
            CertificateBatch.objects.visible_to(self.request.user)
            .select_related("template", "course", "session", "unit", "job")
            .order_by("-job__created_at")[:5]
        )


# The administrator is warned this long before the signing key's certificate expires.
SIGNING_KEY_WARNING_DAYS = 60


class SigningKeyPanel(HomePanel):
    """For the administrator: when the certificate signing key expires (certificates issued after that day
    carry a signature no reader trusts), or that the site has none."""

    panel_id = "signing-key"
    heading = _("Certificate signing key")
    template_name = "certificates/admin/home_signing_key.html"
    order = 20

    def rows(self):
        expiry = signing.signing_key_expiry()
        if expiry is None:
            return {"expiry": None}
        days_left = (expiry - timezone.now()).days
        return {
            "expiry": expiry,
            "days_left": days_left,
            "warn": expiry - timezone.now() < timedelta(days=SIGNING_KEY_WARNING_DAYS),
        }


@hooks.register("construct_homepage_panels")
def add_certificate_panels(request, panels):
    if works_as(request.user, "certificates.add_certificatebatch"):
        panels.append(RecentBatchesPanel(request))
    if request.user.is_superuser:
        panels.append(SigningKeyPanel(request))


# What this app holds about a person: shown and downloaded in "Dữ liệu của tôi", erased with the person.
hooks.register("personal_data_sections", personal_data.sections)
hooks.register("erase_personal_data", personal_data.erase)
