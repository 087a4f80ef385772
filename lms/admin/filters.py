"""Narrowing a listing to a unit of the viewer's subtree."""

import django_filters
from django.utils.translation import gettext_lazy

from lms import selectors
from lms.models import Unit, UnitLevel


def unit_filter_choices(request):
    """The units a listing can be narrowed to; from a whole country or province, communes are enough."""
    units = selectors.unit_choices_for(request.user)
    scope = selectors.scope_unit(request.user)
    if scope is None or scope.depth <= 2:
        units = units.exclude(level=UnitLevel.RESIDENTIAL_AREA)
    return units


class UnitSubtreeFilter(django_filters.ModelChoiceFilter):
    """Narrow a listing of a unit-scoped model to a unit of the viewer's subtree and the units below it."""

    def __init__(self, **kwargs):
        super().__init__(label=gettext_lazy("Unit (and units below)"), queryset=unit_filter_choices, **kwargs)

    @property
    def field(self):
        field = super().field
        field.label_from_instance = Unit.tree_label
        return field

    def filter(self, queryset, unit):
        return queryset.in_unit(unit) if unit else queryset
