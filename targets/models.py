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

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["deadline", "name"]

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
