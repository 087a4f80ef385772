"""Admin views every app builds on: pages under a listing, and model views that see only the viewer's
unit subtree (through the model's ``visible_to``)."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from wagtail.admin.views.generic import EditView, HistoryView, IndexView, UsageView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from lms.models import Unit


class AdminPageMixin(WagtailAdminTemplateMixin):
    """An admin page under a listing: breadcrumbs lead back to it, the last one is this page's title."""

    def parent_breadcrumbs(self):
        return []

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, *self.parent_breadcrumbs(), {"url": "", "label": self.get_page_title()}]


def unit_in_scope(user, unit_id):
    """The unit whose id a URL's query gives, if ``user`` may see it; otherwise 404."""
    if not str(unit_id).isdigit():
        raise Http404
    return get_object_or_404(Unit.objects.visible_to(user), pk=unit_id)


class ScopedIndexView(IndexView):
    """A listing limited to the viewer's unit subtree."""

    def get_base_queryset(self):
        return super().get_base_queryset().visible_to(self.request.user)


class ScopedEditView(EditView):
    """Editing refused (404) for objects outside the viewer's unit subtree."""

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)


class ScopedObjectMixin:
    """The page of one object, refused (404) for objects outside the viewer's unit subtree."""

    def get_base_object_queryset(self):
        return super().get_base_object_queryset().visible_to(self.request.user)


class ScopedHistoryView(ScopedObjectMixin, HistoryView):
    pass


class ScopedUsageView(ScopedObjectMixin, UsageView):
    pass
