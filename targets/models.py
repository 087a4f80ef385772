"""Targets from the plans organisers are judged by, and what is kept of their coverage over time."""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from lms.models import Unit, UnitLevel
from lms.models.scoping import UnitScopedQuerySet

PERCENT_VALIDATORS = [MaxValueValidator(100)]


class TargetQuerySet(UnitScopedQuerySet):
    unit_path = "unit__path"


class Target(ClusterableModel):
    """A chỉ tiêu: which people (levels x categories, active only) must have had which trainings, by when,
    and the share of them each level of unit must reach."""

    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(_("short code"), max_length=80, unique=True, help_text=_("Used in exports and the API."))
    unit = models.ForeignKey(
        "lms.Unit",
        verbose_name=_("unit whose plan it is"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Organisers of this unit and of the units below it report against the target."),
    )
    levels = models.JSONField(
        _("people of units at these levels"),
        default=list,
        blank=True,
        help_text=_("None ticked: every level."),
    )
    categories = ParentalManyToManyField(
        "lms.PersonCategory",
        verbose_name=_("people in these categories"),
        blank=True,
        help_text=_("None ticked: every category."),
    )
    min_records = models.PositiveSmallIntegerField(
        _("at least this many trainings"),
        null=True,
        blank=True,
        help_text=_(
            "Counted in the window below. Left empty with no course and no competence chosen, the target asks "
            "for one training."
        ),
    )
    window_start = models.DateField(
        _("trainings from"),
        null=True,
        blank=True,
        help_text=_("Trainings, courses and competences count only from this day on. Empty: from any day."),
    )
    window_end = models.DateField(
        _("trainings until"),
        null=True,
        blank=True,
        help_text=_("And only until this day. Empty: until the day of the report."),
    )
    courses = ParentalManyToManyField(
        "courses.CoursePage",
        verbose_name=_("and completed these courses"),
        blank=True,
        related_name="+",
        help_text=_("Completed within the window above."),
    )
    competences = ParentalManyToManyField(
        "courses.Competence",
        verbose_name=_("and trained in these competences"),
        blank=True,
        related_name="+",
        help_text=_("A competence counts when the person completed a course that teaches it, within the window above."),
    )
    threshold = models.PositiveSmallIntegerField(
        _("share to reach (%)"),
        default=100,
        validators=PERCENT_VALIDATORS,
        help_text=_("For every level not set below."),
    )
    starts_on = models.DateField(_("plan starts on"))
    deadline = models.DateField(_("deadline"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Whether the facts below hold for the target as it is: false from a change until they are made again.
    summary_ready = models.BooleanField(default=False, editable=False)
    # The day the totals below hold for: None from a change of people or units until they are counted again.
    totals_on = models.DateField(null=True, editable=False)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["deadline", "name", "pk"]  # targets of one deadline and name in the order they were made

    def __str__(self):
        return self.name

    @property
    def audit_unit_id(self):
        return self.unit_id

    def clean(self):
        super().clean()
        unknown = set(self.levels) - set(UnitLevel.values)
        if unknown:
            raise ValidationError({"levels": _("Unknown levels: %(levels)s.") % {"levels": ", ".join(sorted(unknown))}})
        if self.window_start and self.window_end and self.window_end < self.window_start:
            raise ValidationError({"window_end": _("The end date is before the start date.")})
        if self.starts_on and self.deadline and self.deadline < self.starts_on:
            raise ValidationError({"deadline": _("The deadline is before the plan starts.")})

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Targets are never deleted; make them inactive instead."))


class TargetThreshold(Orderable):
    """A level's own share to reach, e.g. province 90%, commune 80%, residential area 60%."""

    target = ParentalKey(Target, on_delete=models.CASCADE, related_name="level_thresholds")
    level = models.CharField(_("level"), max_length=20, choices=UnitLevel.choices)
    percent = models.PositiveSmallIntegerField(_("share to reach (%)"), validators=PERCENT_VALIDATORS)

    class Meta(Orderable.Meta):
        verbose_name = _("threshold for a level")
        verbose_name_plural = _("thresholds for levels")
        constraints = [models.UniqueConstraint("target", "level", name="coverage_threshold_once_per_level")]


class CoverageSnapshot(models.Model):
    """A target's coverage as it stood on a day, kept so that a report sent then can be made again."""

    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="snapshots")
    taken_on = models.DateField(_("as of"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("coverage snapshot")
        verbose_name_plural = _("coverage snapshots")
        ordering = ["-taken_on"]
        constraints = [models.UniqueConstraint("target", "taken_on", name="coverage_snapshot_once_per_day")]

    def __str__(self):
        return f"{self.target} ({self.taken_on:%d/%m/%Y})"


class SnapshotCountQuerySet(UnitScopedQuerySet):
    unit_path = "path"  # the unit's place in the tree on the snapshot's day, not today's


class SnapshotCount(models.Model):
    """One unit as it was on a snapshot's day (its place in the tree, name, code, level, whether it was open)
    and its own people counted then (not those below it): sums over its subtree then give any report of that
    day, whatever became of the tree since."""

    snapshot = models.ForeignKey(CoverageSnapshot, on_delete=models.CASCADE, related_name="counts")
    unit = models.ForeignKey("lms.Unit", on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255)
    name = models.CharField(max_length=255)
    short_name = models.CharField(max_length=100, blank=True)
    code = models.CharField(max_length=32)
    level = models.CharField(max_length=20, choices=UnitLevel.choices)
    was_active = models.BooleanField()
    population = models.PositiveIntegerField()
    met = models.PositiveIntegerField()
    trainings = models.PositiveIntegerField()

    objects = SnapshotCountQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint("snapshot", "unit", name="coverage_snapshot_count_once_per_unit")]
        indexes = [models.Index(fields=["snapshot", "path"])]

    def __str__(self):
        return f"{self.unit_id}: {self.met}/{self.population}"

    def unit_then(self, *, numchild=0):
        """The unit as it was on the snapshot's day (not saved: for reading only)."""
        return Unit(
            pk=self.unit_id,
            path=self.path,
            depth=len(self.path) // Unit.steplen,
            numchild=numchild,
            name=self.name,
            short_name=self.short_name,
            code=self.code,
            level=self.level,
            is_active=self.was_active,
        )


class CoverageFact(models.Model):
    """What decides whether one person meets one target, counted from their training records in the target's
    window: kept current as records are written (see ``targets.summary``), so that today's reports join the
    people to these rows instead of counting the ledger. A person without a row has no training in the window.
    """

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("lms.Person", on_delete=models.CASCADE, related_name="coverage_facts")
    met = models.BooleanField()
    trainings = models.PositiveIntegerField()
    # the latest training counted: the row holds for every day from this one on
    latest_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint("target", "person", name="coverage_fact_once_per_person")]

    def __str__(self):
        return f"{self.target_id}/{self.person_id}: {self.trainings}"


class CoverageTotal(models.Model):
    """A target's counts of today in a unit's whole subtree (the unit, the units below it and their people),
    or a change to them: the rows of one unit add up. Made from the facts, kept current as records are written
    and counted again when people or units change (see ``targets.summary``), so that today's reports read a
    row per unit shown instead of a row per person."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="totals")
    unit = models.ForeignKey("lms.Unit", on_delete=models.CASCADE, related_name="+")
    population = models.IntegerField()  # a change may take away
    met = models.IntegerField()
    trainings = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["target", "unit"])]

    def __str__(self):
        return f"{self.target_id}/{self.unit_id}: {self.met}/{self.population}"


class ReminderLog(models.Model):
    """A reminder sent, to a person behind a target or to an organiser of a unit behind its threshold;
    read to send nobody more than one a week."""

    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("lms.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(max_length=50)
    address = models.CharField(max_length=255)
    sent_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["person", "sent_at"]), models.Index(fields=["user", "sent_at"])]

    def __str__(self):
        return f"{self.channel} {self.address} {self.sent_at:%d/%m/%Y}"


def hash_token(key):
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A key another system reads the coverage API with, limited to a unit's subtree; only its hash is kept."""

    name = models.CharField(_("name"), max_length=150, help_text=_("Which system uses it."))
    unit = models.ForeignKey("lms.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self):
        return self.name

    @classmethod
    def issue(cls, *, name, unit):
        """A new token and its key, which is shown once and never stored."""
        key = secrets.token_urlsafe(32)
        return cls.objects.create(name=name, unit=unit, key_hash=hash_token(key)), key


class ZaloMessageKind(models.TextChoices):
    """What a Zalo template is used for."""

    PERSON_REMINDER = "person_reminder", _("Reminder to a person who does not meet a target")
    ORGANISER_REMINDER = "organiser_reminder", _("Reminder to an organiser of a unit behind a target")


class ZaloTemplateField(models.TextChoices):
    """What a placeholder of a Zalo template is filled with."""

    FULL_NAME = "full_name", _("the recipient's full name")
    UNIT = "unit", _("the recipient's unit")
    TARGET = "target", _("the target's name")
    DEADLINE = "deadline", _("the target's deadline (dd/mm/yyyy)")
    LACKS = "lacks", _("what the person still lacks")
    UNITS_BEHIND = "units_behind", _("the units behind their threshold")


class ZaloTemplate(ClusterableModel):
    """A ZNS template approved by Zalo for the site's Official Account, and what fills each of its
    placeholders; the active one of a kind is used for that kind of reminder."""

    name = models.CharField(_("name"), max_length=150)
    template_id = models.CharField(
        _("Zalo template id"), max_length=32, help_text=_("As shown in the ZNS account once Zalo approved it.")
    )
    kind = models.CharField(_("used for"), max_length=30, choices=ZaloMessageKind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Zalo template")
        verbose_name_plural = _("Zalo templates")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                "kind",
                condition=models.Q(is_active=True),
                name="coverage_zalo_template_one_active_per_kind",
                violation_error_message=_("Another active template is already used for this."),
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.template_id})"

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Zalo templates are never deleted; make them inactive instead."))


class ZaloTemplateParameter(Orderable):
    """One placeholder of a template (as written in the template approved by Zalo) and what fills it."""

    template = ParentalKey(ZaloTemplate, on_delete=models.CASCADE, related_name="parameters")
    placeholder = models.SlugField(
        _("placeholder"), max_length=50, allow_unicode=False, help_text=_("As in the template, e.g. ten, han.")
    )
    field = models.CharField(_("filled with"), max_length=30, choices=ZaloTemplateField.choices)

    class Meta(Orderable.Meta):
        verbose_name = _("placeholder")
        verbose_name_plural = _("placeholders")
        constraints = [
            models.UniqueConstraint("template", "placeholder", name="coverage_zalo_placeholder_once_per_template")
        ]


class ZaloAccount(models.Model):
    """The site's Official Account at Zalo: its tokens (the refresh token changes at every refresh, so it lives
    here and not in the settings) and how much of today's quota it has used."""

    app_id = models.CharField(max_length=64, unique=True)
    access_token = models.TextField(blank=True)
    access_token_expires_at = models.DateTimeField(null=True, blank=True)
    refresh_token = models.TextField(blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    # the last refresh that failed (cleared by the next one that works): what an administrator must fix
    refresh_error_code = models.IntegerField(null=True, blank=True)
    refresh_error_message = models.CharField(max_length=255, blank=True)
    quota_day = models.DateField(null=True, blank=True)
    daily_quota = models.PositiveIntegerField(null=True, blank=True)
    remaining_quota = models.PositiveIntegerField(null=True, blank=True)
    sent_on_quota_day = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Zalo Official Account")
        verbose_name_plural = _("Zalo Official Accounts")

    def __str__(self):
        return self.app_id

    def quota_left(self, day, *, daily_cap):
        """How many more messages may go on ``day``: the site's own cap, and what Zalo said remains."""
        if self.quota_day != day:
            return daily_cap
        left = daily_cap - self.sent_on_quota_day
        if self.remaining_quota is not None:
            left = min(left, self.remaining_quota)
        return max(left, 0)


class ZaloMessageState(models.TextChoices):
    WAITING = "waiting", _("waiting")
    SENDING = "sending", _("sending")
    DEFERRED = "deferred", _("deferred to the next day")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class ZaloMessageQuerySet(UnitScopedQuerySet):
    unit_path = "person__unit__path"

    def due(self, now):
        return self.filter(
            state__in=[ZaloMessageState.WAITING, ZaloMessageState.DEFERRED], next_attempt_at__lte=now
        ).order_by("next_attempt_at", "pk")


class ZaloMessage(models.Model):
    """One ZNS message to a person, from queued to sent or failed, with what Zalo answered; the email sent
    instead when Zalo cannot deliver it."""

    person = models.ForeignKey(
        "lms.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="zalo_messages"
    )
    template = models.ForeignKey(
        ZaloTemplate, verbose_name=_("template"), on_delete=models.PROTECT, related_name="messages"
    )
    phone = models.CharField(_("phone number"), max_length=15)
    template_data = models.JSONField(_("data"), default=dict)
    tracking_id = models.CharField(max_length=48, unique=True, editable=False)
    state = models.CharField(
        _("state"), max_length=10, choices=ZaloMessageState.choices, default=ZaloMessageState.WAITING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error_code = models.IntegerField(_("Zalo error code"), null=True, blank=True)
    error_message = models.CharField(_("Zalo error"), max_length=255, blank=True)
    msg_id = models.CharField(_("Zalo message id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # the same reminder by email, sent when Zalo cannot deliver this message
    fallback_email = models.EmailField(blank=True)
    fallback_subject = models.CharField(max_length=255, blank=True)
    fallback_body = models.TextField(blank=True)
    emailed_at = models.DateTimeField(_("emailed instead at"), null=True, blank=True)

    objects = ZaloMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("Zalo message")
        verbose_name_plural = _("Zalo messages")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self):
        return f"{self.phone} {self.get_state_display()}"
