"""The unit tree: central, province, (historical) district, commune/ward and residential area."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from lms.models.scoping import UnitScopedQuerySet
from lms.vietnamese import fold


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


SEARCH_KEY_LENGTH = 360  # a name (255), a space and a short name (100), folded


def unit_search_key(name, short_name):
    """What a unit search looks in: the name and the short name, folded."""
    return fold(f"{name} {short_name}")


class UnitQuerySet(UnitScopedQuerySet, MP_NodeQuerySet):
    unit_path = "path"

    def matching(self, text):
        """Units whose name or short name contains the text, diacritics and case or not ("thai nguyen" finds
        "Thái Nguyên"), or whose code starts with it."""
        folded, text = fold(text), text.strip()
        if not folded:
            return self
        if len(folded) > SEARCH_KEY_LENGTH:  # longer than any key: no match (and no LIKE pattern SQLite refuses)
            return self.none()
        return self.filter(models.Q(search_key__contains=folded) | models.Q(code__istartswith=text))

    def children_of(self, unit):
        """The units just below ``unit``, read as a range of the (depth, path) index, however large its subtree
        (and whatever the ``numchild`` of an instance read before units were added below it)."""
        first, last = self.model.alphabet[0], self.model.alphabet[-1]
        return self.filter(
            depth=unit.depth + 1,
            path__range=(unit.path + first * self.model.steplen, unit.path + last * self.model.steplen),
        )

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

    # The folded name and short name, stored so that SQLite and PostgreSQL search alike (see lms.vietnamese).
    search_key = models.CharField(max_length=SEARCH_KEY_LENGTH, editable=False, default="")

    objects = UnitManager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        # (depth, path): a unit's children, and the top of the tree, read without going through the subtree
        indexes = [models.Index(fields=["level", "is_active"]), models.Index(fields=["depth", "path"])]

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

    def refresh_search_key(self):
        """Fold the names into ``search_key``: on every save, and before writes that bypass ``save``."""
        self.search_key = unit_search_key(self.name, self.short_name)

    def inherit_ancestry(self, parent):
        """Take the province and commune from the parent (the unit's own ids are set once it is saved)."""
        self.province_id = parent.province_id if parent else None
        self.commune_id = parent.commune_id if parent else None

    def save(self, *args, **kwargs):
        self.refresh_search_key()
        super().save(*args, **kwargs)
        own_level_field = {UnitLevel.PROVINCE: "province_id", UnitLevel.COMMUNE: "commune_id"}.get(self.level)
        if own_level_field and getattr(self, own_level_field) != self.pk:
            setattr(self, own_level_field, self.pk)
            Unit.objects.filter(pk=self.pk).update(**{own_level_field: self.pk})

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Units are never deleted; merge or close them instead."))
