"""The model viewset of every unit-scoped model: its listing, edit, history and usage views see only the
user's unit subtree (the model's ``visible_to``)."""

from django.db import models
from django.forms import modelform_factory
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.forms.models import formfield_for_dbfield as wagtail_formfield_for_dbfield
from wagtail.admin.viewsets.model import ModelViewSet

from lms.admin.views import ScopedEditView, ScopedHistoryView, ScopedIndexView, ScopedUsageView


class ScopedViewSet(ModelViewSet):
    """A model viewset whose every view sees only the user's unit subtree."""

    index_view_class = ScopedIndexView
    edit_view_class = ScopedEditView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    copy_view_enabled = False
    inspect_view_enabled = False
    base_form_class = WagtailAdminModelForm

    def formfield_for_dbfield(self, db_field, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"  # meeting links are typed without "https://"
        return wagtail_formfield_for_dbfield(db_field, **kwargs)  # keeps Wagtail's admin widgets

    def get_form_class(self, for_update=False):
        if self._edit_handler:  # panels lay the form out, on the form class they name
            return super().get_form_class(for_update)
        return modelform_factory(
            self.model,
            form=self.base_form_class,
            formfield_callback=self.formfield_for_dbfield,
            fields=self.get_form_fields(),
        )
