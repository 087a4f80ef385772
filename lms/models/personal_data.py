"""What Law 91/2025/QH15 asks of the data held about people: who read or exported it (the access log), and the
corrections people ask for (see ``lms.personal_data`` and docs/personal-data.md)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.models.scoping import UnitScopedQuerySet


class AccessKind(models.TextChoices):
    VIEW = "view", _("Viewed")
    EXPORT = "export", _("Exported")


class PersonalDataAccessQuerySet(UnitScopedQuerySet):
    unit_path = "unit__path"


class PersonalDataAccess(models.Model):
    """One view or export of personal data by staff: who, when, what, and which person or which list. Written
    once, never changed; the unit (the person's, or the unit whose list was exported) decides which
    organisers read it."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AccessKind.choices)
    what = models.CharField(_("what"), max_length=255)
    person = models.ForeignKey(
        "lms.Person", verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # None for an export of the whole install by a superuser: only superusers read those entries.
    unit = models.ForeignKey(
        "lms.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    objects = PersonalDataAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("access to personal data")
        verbose_name_plural = _("accesses to personal data")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.user_id} {self.what}"


class CorrectionStatus(models.TextChoices):
    OPEN = "open", _("Waiting")
    HANDLED = "handled", _("Handled")


class CorrectionRequestQuerySet(UnitScopedQuerySet):
    unit_path = "person__unit__path"


class CorrectionRequest(models.Model):
    """A person's request to correct what is held about them, for the organisers of their unit to handle."""

    person = models.ForeignKey(
        "lms.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="correction_requests"
    )
    message = models.TextField(_("what should be corrected"), max_length=2000)
    created_at = models.DateTimeField(_("asked on"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.OPEN
    )
    handled_at = models.DateTimeField(_("handled on"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answer = models.TextField(_("answer"), blank=True)

    objects = CorrectionRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.person} ({self.created_at:%d/%m/%Y})"

    @property
    def audit_unit_id(self):
        """The unit whose organisers may read this request's history: its person's (see ``UnitLogEntry``)."""
        return self.person.unit_id

    @property
    def is_open(self):
        return self.status == CorrectionStatus.OPEN
