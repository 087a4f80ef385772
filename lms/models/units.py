"""The unit tree: central, province, (historical) district, commune/ward and residential area."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from lms.models.scoping import UnitScopedQuerySet


class UnitLevel(models.TextChoices):
    """Levels of the Front's organisation; ``district`` is kept only for units closed in 2025."""

    CENTRAL = "central", _("Central")
    PROVINCE = "province", _("Province or city")
    DISTRICT = "district", _("District (before 2025)")
    COMMUNE = "commune", _("Commune, ward or special zone")
    RESIDENTIAL_AREA = "residential_area", _("Residential area")

    @property
    def rank(self):
        """0 for central, growing downwards."""
        return list(UnitLevel).index(self)


class UnitQuerySet(UnitScopedQuerySet, MP_NodeQuerySet):
    unit_path = "path"

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Units are never deleted; merge or close them instead."))


class UnitManager(MP_NodeManager.from_queryset(UnitQuerySet)):
    def get_queryset(self):
        return UnitQuerySet(self.model, using=self._db).order_by("path")


class Unit(MP_Node):
    """A unit of the Front; its official code is unique and never reused, even after a merger.

    ``province`` and ``commune`` hold the unit's ancestors at those levels (the unit itself
    when it is at that level), so that reports can count with integer GROUP BYs.
    """

    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    code = models.CharField(_("code"), max_length=32, unique=True, help_text=_("Official code; never reused."))
    level = models.CharField(_("level"), max_length=20, choices=UnitLevel.choices)
    is_active = models.BooleanField(_("active"), default=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_units",
    )
    province = models.ForeignKey(
        "self", null=True, blank=True, editable=False, on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey(
        "self", null=True, blank=True, editable=False, on_delete=models.PROTECT, related_name="+"
    )

    objects = UnitManager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [models.Index(fields=["level", "is_active"])]

    def __str__(self):
        return self.name

    @property
    def audit_unit_id(self):
        """The unit whose organisers may read this unit's history (see ``UnitLogEntry``)."""
        return self.pk

    def clean(self):
        super().clean()
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end date is before the start date.")})

    def tree_label(self):
        """The name indented by depth, with the code: for long choice lists in tree order."""
        return f"{'— ' * (self.depth - 1)}{self.name} ({self.code})"

    def inherit_ancestry(self, parent):
        """Take the province and commune from the parent (the unit's own ids are set once it is saved)."""
        self.province_id = parent.province_id if parent else None
        self.commune_id = parent.commune_id if parent else None

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        own_level_field = {UnitLevel.PROVINCE: "province_id", UnitLevel.COMMUNE: "commune_id"}.get(self.level)
        if own_level_field and getattr(self, own_level_field) != self.pk:
            setattr(self, own_level_field, self.pk)
            Unit.objects.filter(pk=self.pk).update(**{own_level_field: self.pk})

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Units are never deleted; merge or close them instead."))
