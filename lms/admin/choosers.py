"""A searchable unit chooser offering, and accepting, only the active units of the user's subtree."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.widgets.chooser import BaseChooser

from lms import selectors
from lms.converters import parse_id
from lms.models import Unit


class UnitSearchForm(BaseFilterForm):
    # SQLite refuses a LIKE pattern over 50,000 bytes ("pattern too complex"): a longer search is no search.
    q = forms.CharField(
        label=gettext_lazy("Name or code"),
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Name or code")}),
        required=False,
        max_length=255,
    )

    def filter(self, units):
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            units = units.matching(query)
            self.is_searching, self.search_query = True, query
        return units


class ScopedUnitChoiceMixin:
    """The chooser offers, and accepts, only active units in the user's subtree."""

    filter_form_class = UnitSearchForm
    ordering = "path"

    def get_object_list(self):
        return selectors.unit_choices_for(self.request.user)

    @property
    def columns(self):
        return [
            TitleColumn(
                "name", label=_("name"), url_name=self.chosen_url_name, link_attrs={"data-chooser-modal-choice": True}
            ),
            Column("code", label=_("code")),
            Column("get_level_display", label=_("level")),
        ]


class UnitChooseView(ScopedUnitChoiceMixin, chooser_views.ChooseView):
    pass


class UnitChooseResultsView(ScopedUnitChoiceMixin, chooser_views.ChooseResultsView):
    pass


class ScopedUnitChosenMixin:
    """A chosen unit, by one id or several, is looked up only among the units the user may choose."""

    def get_object(self, pk):
        return selectors.unit_choices_for(self.request.user).get(pk=pk)

    def get_objects(self, pks):
        return selectors.unit_choices_for(self.request.user).filter(pk__in=pks)


class UnitChosenView(ScopedUnitChosenMixin, chooser_views.ChosenView):
    pass


class UnitChosenMultipleView(ScopedUnitChosenMixin, chooser_views.ChosenMultipleView):
    pass


class UnitChooser(BaseChooser):
    """The unit field; a form shown again with a posted value that is no id shows no unit."""

    def get_instance(self, value):
        if isinstance(value, str) and parse_id(value) is None:
            return None  # Wagtail's lookup takes any text for an id and fails on it
        return super().get_instance(value)


class UnitChooserViewSet(ChooserViewSet):
    """A searchable unit chooser: the tree is too long for a drop-down at national scale."""

    model = Unit
    base_widget_class = UnitChooser
    icon = "site"
    per_page = 50
    choose_one_text = gettext_lazy("Choose a unit")
    choose_another_text = gettext_lazy("Choose another unit")
    choose_view_class = UnitChooseView
    choose_results_view_class = UnitChooseResultsView
    chosen_view_class = UnitChosenView
    chosen_multiple_view_class = UnitChosenMultipleView


unit_chooser_viewset = UnitChooserViewSet("lms_unit_chooser", url_prefix="units/chooser")
