"""Admin screens of certificates: revoke or reissue one, download its PDF, order and follow a bulk issue."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic.models import CreateView

from certificates import services
from certificates.models import PLACEHOLDERS, Certificate, CertificateBatch, CertificateTemplate
from courses.models import CoursePage
from lms.admin.choosers import unit_chooser_viewset as unit_chooser
from lms.admin.forms import ScopedFormMixin
from lms.admin.views import AdminPageMixin, JobProgressView


def certificates_for(user):
    return Certificate.objects.visible_to(user)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class CertificateActionView(AdminPageMixin, FormView):
    """Revoke a certificate, or revoke it and issue a new one; both need a reason and go in the audit log."""

    form_class = ReasonForm
    template_name = "certificates/admin/certificate_action.html"
    header_icon = "warning"
    reissue = False

    def dispatch(self, request, pk):
        if not request.user.has_perm("certificates.change_certificate"):
            raise PermissionDenied
        self.certificate = get_object_or_404(certificates_for(request.user).select_related("person"), pk=pk)
        return super().dispatch(request)

    def get_page_title(self):
        return _("Reissue the certificate") if self.reissue else _("Revoke the certificate")

    def get_page_subtitle(self):
        return f"{self.certificate.serial} · {self.certificate.person.full_name}"

    def parent_breadcrumbs(self):
        return [
            {"url": reverse("certificates_certificate:index"), "label": capfirst(Certificate._meta.verbose_name_plural)}
        ]

    def form_valid(self, form):
        action = services.reissue_certificate if self.reissue else services.revoke_certificate
        try:
            result = action(certificate=self.certificate, reason=form.cleaned_data["reason"], user=self.request.user)
        except ValidationError as error:
            form.add_error("reason", error)
            return self.form_invalid(form)
        if self.reissue:
            messages.success(self.request, _("Reissued as %(serial)s.") % {"serial": result.serial})
        else:
            messages.success(self.request, _("Certificate %(serial)s revoked.") % {"serial": result.serial})
        return redirect("certificates_certificate:index")

    def get_context_data(self, **kwargs):
        return super().get_context_data(certificate=self.certificate, reissue=self.reissue, **kwargs)


def certificate_pdf(request, pk):
    """The stored, signed PDF of a certificate of the organiser's units."""
    if not request.user.has_perm("certificates.view_certificate"):
        raise PermissionDenied
    certificate = get_object_or_404(certificates_for(request.user), pk=pk)
    if not certificate.pdf:
        raise Http404
    return FileResponse(certificate.pdf.open("rb"), filename=f"giay-chung-nhan-{certificate.number:04d}.pdf")


class TemplateForm(ScopedFormMixin, WagtailAdminModelForm):
    """A template of a unit the user keeps (only a superuser keeps shared ones), granted for live courses and for
    the sessions of the user's units."""

    unit_fields = ("unit",)
    printed_fields = forms.MultipleChoiceField(
        label=_("Fields printed"),
        choices=[(name, capfirst(label)) for name, label in PLACEHOLDERS.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=CertificateTemplate._meta.get_field("printed_fields").help_text,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].required = not self.for_user.is_superuser
        self.fields["courses"].queryset = CoursePage.objects.live().order_by("title")
        self.fields["sessions"].queryset = self.fields["sessions"].queryset.visible_to(self.for_user)


class BatchForm(ScopedFormMixin, WagtailAdminModelForm):
    unit_fields = ("unit",)

    class Meta:
        model = CertificateBatch
        fields = ["template", "course", "session", "unit"]
        widgets = {"unit": unit_chooser.widget_class}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = CertificateTemplate.objects.usable_by(self.for_user)
        self.fields["course"].queryset = CoursePage.objects.live().order_by("title")
        self.fields["session"].queryset = self.fields["session"].queryset.visible_to(self.for_user)

    def clean(self):
        data = super().clean()
        if bool(data.get("course")) == bool(data.get("session")):
            raise ValidationError(_("Choose a course or a session, not both."))
        template, unit = data.get("template"), data.get("unit")
        if template and unit and not CertificateTemplate.objects.for_unit(unit).filter(pk=template.pk).exists():
            self.add_error(
                "template",
                _("The template of %(owner)s cannot be used for the people of %(unit)s, which is not below it.")
                % {"owner": template.unit, "unit": unit},
            )
        return data


class BatchCreateView(CreateView):
    """Ordering a bulk issue starts it in the background and shows its progress."""

    submit_button_label = _("Issue the certificates")

    def save_instance(self):
        batch, self.ordered = services.order_batch(**self.form.cleaned_data, user=self.request.user)
        return batch

    def get_success_message(self, instance):
        if not self.ordered:
            return _("These certificates are already being issued: here is the bulk issue ordered before.")
        return _("The certificates are being issued in the background.")

    def get_success_url(self):
        return reverse("certificates_batch:progress", args=[self.object.pk])


class BatchProgressView(JobProgressView):
    """A bulk issue's progress; then its ZIP and the people whose certificate failed."""

    model = CertificateBatch
    permission = "certificates.add_certificatebatch"
    index_url_name = "certificates_batch:index"
    header_icon = "doc-full"
    running_note = _("This page refreshes itself until the certificates are issued.")
    item_label = _("Person")

    def get_queryset(self):
        return CertificateBatch.objects.select_related("template", "course", "session", "unit")

    def get(self, request, *args, **kwargs):
        if request.GET.get("download") and self.object.archive:
            return FileResponse(
                self.object.archive.open("rb"), as_attachment=True, filename=f"chung-nhan-{self.object.pk}.zip"
            )
        return super().get(request, *args, **kwargs)

    def get_summary(self):
        job = self.object.job
        return _("%(done)s of %(total)s certificates issued; %(failed)s failed.") % {
            "done": job.done,
            "total": job.total,
            "failed": job.failed,
        }

    def get_result(self):
        return ("?download=1", _("Download the certificates (ZIP)")) if self.object.archive else None
