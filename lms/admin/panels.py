"""Panels of the admin kit."""

from django.forms.formsets import ORDERING_FIELD_NAME
from modelcluster.forms import BaseChildFormSet
from wagtail.admin.panels import InlinePanel


class FormSetOfPostedForms(BaseChildFormSet):
    """A child formset whose every form has an order after cleaning, even a form counted in ``TOTAL_FORMS`` whose
    fields were never posted: Wagtail's inline panel sorts by it and would fail with a server error."""

    def full_clean(self):
        super().full_clean()
        if self.can_order:
            for form in self.forms:
                if hasattr(form, "cleaned_data"):
                    form.cleaned_data.setdefault(ORDERING_FIELD_NAME, None)


class OrderedInlinePanel(InlinePanel):
    """Wagtail's InlinePanel, answering a crafted form count with the form again instead of a server error."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["formset"] = FormSetOfPostedForms
        return options
