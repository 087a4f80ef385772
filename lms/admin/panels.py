"""Panels of the admin kit."""

import re

from django.forms.formsets import ORDERING_FIELD_NAME
from modelcluster.forms import BaseChildFormSet
from wagtail.admin.panels import InlinePanel


class FormSetOfPostedForms(BaseChildFormSet):
    """A child formset that takes only the forms really posted: an existing row counts as one only when its id
    was posted (a crafted ``INITIAL_FORMS`` would look up ids that are not there), and every form has an order
    after cleaning, even a form counted in ``TOTAL_FORMS`` whose fields were never posted (Wagtail's inline
    panel sorts by it). Either would otherwise be a server error."""

    def total_form_count(self):
        """No more forms than were posted: a crafted ``TOTAL_FORMS`` would draw up to Django's cap of a thousand."""
        counted = super().total_form_count()
        if not self.is_bound:
            return counted
        posted_form = re.compile(rf"{re.escape(self.prefix)}-(\d+)-")
        posted = {match[1] for key in self.data if (match := posted_form.match(key))}
        return min(counted, len(posted))

    def initial_form_count(self):
        counted = super().initial_form_count()
        if not self.is_bound:
            return counted
        id_field = self.model._meta.pk.name
        return next((i for i in range(counted) if f"{self.add_prefix(i)}-{id_field}" not in self.data), counted)

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
