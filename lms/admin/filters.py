"""Narrowing a listing to a unit of the viewer's subtree."""

import django_filters
from django.utils.translation import gettext_lazy

from lms import selectors
from lms.admin.choosers import unit_chooser_viewset
from lms.models import UnitLevel


def unit_filter_choices(request):
    """The units a listing can be narrowed to; from a whole country or province, communes are enough."""
    units = selectors.unit_choices_for(request.user)
    scope = selectors.scope_unit(request.user)
    if scope is None or scope.depth <= 2:
        units = units.exclude(level=UnitLevel.RESIDENTIAL_AREA)
    return units


def units_of_viewer(request):
    return selectors.unit_choices_for(request.user)


class UnitSubtreeFilter(django_filters.ModelChoiceFilter):
    """Narrow a listing of a unit-scoped model to a unit of the viewer's subtree and the units below it, picked
    with the unit chooser: searched by name without diacritics or by code, as a drop-down of a province's
    thousands of units could not be."""

    def __init__(self, **kwargs):
        super().__init__(
            label=gettext_lazy("Unit (and units below)"),
            queryset=units_of_viewer,
            widget=unit_chooser_viewset.widget_class,
            **kwargs,
        )

    def filter(self, queryset, unit):
        return queryset.in_unit(unit) if unit else queryset
