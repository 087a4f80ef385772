"""Training sessions, their attendance, and the ledger every coverage report reads."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.models.scoping import UnitScopedQuerySet


def new_checkin_code():
    return secrets.token_urlsafe(12)


class SessionKind(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE_LIVE = "online_live", _("Online, live")
    HYBRID = "hybrid", _("Hybrid")


class TrainingSessionQuerySet(UnitScopedQuerySet):
    unit_path = "organising_unit__path"


class TrainingSession(models.Model):
    """A training conference (hội nghị tập huấn) held by a unit for the people of the invited units."""

    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=SessionKind.choices, default=SessionKind.IN_PERSON)
    organising_unit = models.ForeignKey(
        "lms.Unit", verbose_name=_("organising unit"), on_delete=models.PROTECT, related_name="organised_sessions"
    )
    invited_units = models.ManyToManyField(
        "lms.Unit",
        verbose_name=_("invited units"),
        blank=True,
        related_name="invited_to_sessions",
        help_text=_("Their people (and those of the units below them) are listed for attendance."),
    )
    open_to_everyone = models.BooleanField(
        _("open session"),
        default=False,
        help_text=_("Anyone on a unit's list may check in by the QR code, not only the people of the invited units."),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    place = models.CharField(_("place"), max_length=255, blank=True)
    meeting_url = models.URLField(_("meeting link"), blank=True)
    trainer = models.CharField(_("trainer"), max_length=255, blank=True)
    topics = models.TextField(_("topics"), blank=True)
    follow_up_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page opened after check-in"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "For example the quiz taken at the session: a learner who checks in by the QR code is taken straight "
            "to it, already logged in."
        ),
    )
    checkin_code = models.CharField(max_length=32, unique=True, default=new_checkin_code, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-starts_at"]

    def __str__(self):
        return self.title

    @property
    def audit_unit_id(self):
        """The unit whose organisers may read this session's history (see ``UnitLogEntry``)."""
        return self.organising_unit_id

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The session must end after it starts.")})

    @property
    def checkin_opens_at(self):
        return self.starts_at - timedelta(minutes=settings.LMS_CHECKIN_OPENS_MINUTES_BEFORE)

    @property
    def checkin_closes_at(self):
        return self.ends_at

    def checkin_is_open(self, at=None):
        moment = at or timezone.now()
        return self.checkin_opens_at <= moment <= self.checkin_closes_at


class AttendanceMethod(models.TextChoices):
    TICKED = "ticked", _("Ticked by an organiser")
    IMPORTED = "imported", _("Imported from a spreadsheet")
    SELF_CHECKIN = "self_checkin", _("Self check-in by QR code")


class Attendance(models.Model):
    """A person was at a session; recorded once, however many times it is ticked or scanned."""

    session = models.ForeignKey(TrainingSession, on_delete=models.PROTECT, related_name="attendances")
    person = models.ForeignKey("lms.Person", on_delete=models.PROTECT, related_name="attendances")
    method = models.CharField(_("recorded by"), max_length=20, choices=AttendanceMethod.choices)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [models.UniqueConstraint("session", "person", name="lms_attendance_once_per_session")]

    def __str__(self):
        return f"{self.person} @ {self.session}"


class TrainingKind(models.TextChoices):
    COURSE = "course", _("Online course")
    SESSION = "session", _("Training session")
    IMPORTED = "imported", _("Earlier training (imported)")


class TrainingRecordQuerySet(UnitScopedQuerySet):
    # Scoped by the person's unit today, as organisers see their people's records; the record's own
    # unit is where the training happened and stays what it was.
    unit_path = "person__unit__path"

    def in_force(self):
        """The records that count: those no correction has voided."""
        return self.filter(correction__isnull=True)

    def update(self, **kwargs):
        raise ValidationError(_("Training records are never changed."))

    def delete(self):
        raise ValidationError(_("Training records are never deleted."))


class TrainingRecord(models.Model):
    """One training of one person: an append-only ledger, written by ``lms.ledger`` only; repeated trainings
    are separate rows.

    The unit (and its province and commune) are those of the person at the time, so a record
    keeps telling where the training happened after people move or units merge.
    """

    person = models.ForeignKey("lms.Person", on_delete=models.PROTECT, related_name="training_records")
    unit = models.ForeignKey("lms.Unit", on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey("lms.Unit", null=True, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("lms.Unit", null=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=TrainingKind.choices)
    session = models.ForeignKey(
        TrainingSession, null=True, blank=True, on_delete=models.PROTECT, related_name="training_records"
    )
    reference = models.CharField(_("training"), max_length=255)
    source_key = models.CharField(
        max_length=100, help_text="What produced the record, so that repeating it adds nothing: session:12, ..."
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, null=True, blank=True)
    result = models.CharField(_("result"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TrainingRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint("person", "source_key", name="lms_training_record_once_per_source"),
        ]
        indexes = [models.Index(fields=["province", "date"]), models.Index(fields=["commune", "date"])]

    def __str__(self):
        return f"{self.reference} ({self.date:%d/%m/%Y})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("Training records are never changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Training records are never deleted."))


class TrainingCorrectionQuerySet(UnitScopedQuerySet):
    unit_path = "record__person__unit__path"

    def update(self, **kwargs):
        raise ValidationError(_("Corrections of training records are never changed."))

    def delete(self):
        raise ValidationError(_("Corrections of training records are never deleted."))


class TrainingCorrection(models.Model):
    """A wrong training record voided, with the reason, by whom and when, and the record written in its place if
    any: the ledger itself is never changed, so both the wrong line and its correction stay readable. Written by
    ``lms.ledger`` only."""

    record = models.OneToOneField(
        TrainingRecord, verbose_name=_("training record"), on_delete=models.PROTECT, related_name="correction"
    )
    replacement = models.OneToOneField(
        TrainingRecord,
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
    )
    reason = models.CharField(_("reason"), max_length=500)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("corrected by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    corrected_at = models.DateTimeField(_("corrected at"), default=timezone.now)

    objects = TrainingCorrectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("training record correction")
        verbose_name_plural = _("training record corrections")

    def __str__(self):
        return f"{self.record}: {self.reason}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("Corrections of training records are never changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Corrections of training records are never deleted."))
