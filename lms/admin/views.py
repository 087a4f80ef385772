"""Admin views every app builds on: pages under a listing, and model views that see only the viewer's
unit subtree (through the model's ``visible_to``)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.text import capfirst
from django.views.generic import TemplateView
from wagtail.admin.views.generic import EditView, HistoryView, IndexView, UsageView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.preview import PreviewOnEdit

from lms.converters import parse_id
from lms.models import Unit


class AdminPageMixin(WagtailAdminTemplateMixin):
    """An admin page under a listing: breadcrumbs lead back to it, the last one is this page's title."""

    def parent_breadcrumbs(self):
        return []

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, *self.parent_breadcrumbs(), {"url": "", "label": self.get_page_title()}]


def unit_in_scope(user, unit_id):
    """The unit whose id a URL's query gives, if ``user`` may see it; otherwise 404."""
    unit_id = parse_id(unit_id)
    if unit_id is None:
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


class ScopedPreviewOnEdit(PreviewOnEdit):
    """The live preview of an object being edited, refused (404) for objects outside the viewer's unit subtree."""

    def get_object(self):
        get_object_or_404(self.model.objects.visible_to(self.request.user), pk=self.kwargs["pk"])
        return super().get_object()


class JobProgressView(AdminPageMixin, TemplateView):
    """The page of a piece of background work: what it is, its job's status, a progress bar refreshing the page
    until the job is finished, its counts and errors; then a link to what it made.

    ``model`` is the work's (unit-scoped) model, with a ``job``; users need ``permission`` and see the work of
    their units. ``running_note`` tells the user what happens while the page refreshes; ``item_label`` heads the
    column of what failed, for work whose items can fail one by one.
    """

    template_name = "lms/admin/job_progress.html"
    model = None
    permission = None
    index_url_name = None
    running_note = None
    item_label = None

    def dispatch(self, request, pk):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        works = self.get_queryset().visible_to(request.user)
        self.object = get_object_or_404(works.select_related("job"), pk=pk)
        return super().dispatch(request)

    def get_queryset(self):
        return self.model.objects.all()

    def get_page_title(self):
        return capfirst(self.model._meta.verbose_name)

    def get_page_subtitle(self):
        return str(self.object)

    def parent_breadcrumbs(self):
        return [{"url": reverse(self.index_url_name), "label": capfirst(self.model._meta.verbose_name_plural)}]

    def get_details(self):
        """``(label, value)`` pairs saying what the work is."""
        return []

    def get_summary(self):
        """The job's counts in a sentence about the work."""
        raise NotImplementedError

    def get_result(self):
        """``(url, label)`` of what the finished work made, or None."""
        return None

    def get_context_data(self, **kwargs):
        job = self.object.job
        return super().get_context_data(
            job=job,
            details=self.get_details(),
            summary=self.get_summary(),
            result=self.get_result() if job.is_finished else None,
            running_note=self.running_note,
            item_label=self.item_label,
            **kwargs,
        )
