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
