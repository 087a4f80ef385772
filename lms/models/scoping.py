"""Unit scope, spelled once: every model that belongs to a unit names the lookup to its unit's path."""

from django.db import models


class UnitScopedQuerySet(models.QuerySet):
    """Rows of a unit's subtree, and rows a user may see; subclasses set ``unit_path``.

    Units are a treebeard materialised-path tree: a unit's path is its parent's path plus one
    fixed-width step, so the units below a unit are exactly those whose path starts with its path.
    """

    unit_path = None  # the lookup from the model to its unit's path, e.g. "unit__path"

    def in_unit(self, unit):
        """Rows of ``unit`` and of every unit below it. In a subquery, ``unit`` may instead be an
        expression of a unit's path, such as ``OuterRef("path")``."""
        path = unit if hasattr(unit, "resolve_expression") else unit.path
        return self.filter(**{f"{self.unit_path}__startswith": path})

    def visible_to(self, user):
        """Everything for a superuser, the subtree of an organiser's or trainer's managed unit, and
        nothing for anyone else."""
        if user.is_superuser:
            return self
        if user.managed_unit_id is None:
            return self.none()
        return self.in_unit(user.managed_unit)

    def usable_by(self, user):
        """What ``user`` may use without changing it: their subtree (``visible_to``) and the rows that apply to
        their unit (``for_unit``). Everything for a superuser; the rows of no unit for a user without a unit."""
        if user.is_superuser:
            return self
        if user.managed_unit_id is None:
            return self.filter(self._shared())
        unit = user.managed_unit
        return self.filter(self._applying_to(unit) | models.Q(**{f"{self.unit_path}__startswith": unit.path}))

    def for_unit(self, unit):
        """The rows that apply to ``unit``: those of the unit itself, of every unit above it, and of no unit
        (shared by the whole install)."""
        return self.filter(self._applying_to(unit))

    def _shared(self):
        return models.Q(**{f"{self.unit_path}__isnull": True})

    def _applying_to(self, unit):
        # the paths of a unit and of its ancestors are the prefixes of its path, one step at a time
        paths = [unit.path[:end] for end in range(unit.steplen, len(unit.path) + 1, unit.steplen)]
        return self._shared() | models.Q(**{f"{self.unit_path}__in": paths})
