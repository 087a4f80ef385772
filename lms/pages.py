"""Wagtail pages read in few queries: a page served in a fixed number, however deep it lies in the page tree, and
the pages nobody needs a password or a log-in to see.

Wagtail routes a path one level at a time (two queries a level: the child, then its specific page) and then reads
the view restrictions of the page and of its ancestors (two more). A lesson four levels down cost eleven queries
before its own. Here the site's root page finds every page along the path, with whether each has a view
restriction, in one query, and the page served in one more; and each process keeps what it found for a path
until a page, a view restriction or a site changes anywhere (``forget_pages``), so that a learner's page after the
first is routed by one read of the shared cache, not by these two queries. Other reads that every learner makes
alike (a course's lessons and quizzes, the questions a quiz draws from) are kept so too (``kept``, ``keep``), and
forgotten as well when what they were read from changes.
"""

import pickle
import secrets

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.db.models.lookups import StartsWith
from django.http import Http404
from django.utils.deprecation import MiddlewareMixin
from django.utils.safestring import mark_safe
from wagtail.models import Page, PageViewRestriction, Site


def public_pages():
    """The filter of Wagtail's ``.public()`` (no view restriction on the page or above it) in the page query itself,
    where ``.public()`` reads every restriction in a query of its own first."""
    return ~Exists(PageViewRestriction.objects.filter(StartsWith(OuterRef("path"), F("page__path"))))


def public_page_or_404(request, model, pk):
    """The live page of ``model`` with this id that no view restriction hides, as this process keeps it; else 404
    (the page a learner's form acts on: enrol in a course, mark a lesson done, start a quiz)."""
    page = kept_else_read(
        pages_version(request),
        ("public page", model._meta.label, pk),
        lambda: model.objects.live().filter(public_pages()).filter(pk=pk).first(),
    )
    if page is None:
        raise Http404
    return page


def kept_page(request, model, pk):
    """The page of ``model`` with this id, live or not, as this process keeps it: the quiz and the course a learner's
    attempt names, read on each of its requests (its page, each save, the submit, the result)."""
    return kept_else_read(pages_version(request), ("page", model._meta.label, pk), lambda: model.objects.get(pk=pk))


class RestrictionsKnownFromRoute:
    """A page whose view restrictions the route may have read already (``restrictions_along_path``: the ids of
    the pages along its path that carry one, an alias standing for its original as in Wagtail), so that serving
    it reads none when there are none."""

    restrictions_along_path = None

    def get_view_restrictions(self):
        if self.restrictions_along_path is None:
            return super().get_view_restrictions()
        if not self.restrictions_along_path:
            return PageViewRestriction.objects.none()
        return PageViewRestriction.objects.filter(page_id__in=self.restrictions_along_path)


class RoutesWholePath(RestrictionsKnownFromRoute):
    """The site's root page: routes a path in one query for the pages along it and one for the page served.

    The pages below it then do not route themselves level by level: a page type below that overrides ``route``
    (Wagtail's RoutablePageMixin) gets the part of the path beyond the deepest page that exists, so one of its own
    routes no longer wins over a child page of the same slug.
    """

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        along_path, page = self.pages_along(request, path_components)
        # The pages along the path, for what the page's templates show of them (the catalogue it lies in).
        request.pages_along_path = along_path
        page._cached_parent_obj = along_path[-2]  # as Wagtail's route leaves it: get_parent() reads nothing
        page.restrictions_along_path = [
            ancestor.alias_of_id or ancestor.pk for ancestor in along_path if ancestor.restricted
        ]
        return page.route(request, path_components[page.depth - self.depth :])

    def pages_along(self, request, path_components):
        """The pages along the path (each with ``restricted``), as far as they exist, and the deepest one as its
        specific page: as this process found them if no page has changed since, else read."""
        key = ("route", self.pk, tuple(path_components))
        version = pages_version(request)
        found = kept(key, version)
        if found is not None:
            return found
        url_paths = [
            f"{self.url_path}{'/'.join(path_components[:length])}/" for length in range(1, len(path_components) + 1)
        ]
        above = [self.path[:end] for end in range(self.steplen, len(self.path) + 1, self.steplen)]
        restricted = Exists(
            PageViewRestriction.objects.filter(page_id=Coalesce(OuterRef("alias_of_id"), OuterRef("pk")))
        )
        along_path = list(
            Page.objects.filter(
                Q(path__in=above) | (Page.objects.descendant_of_q(self, inclusive=True) & Q(url_path__in=url_paths))
            )
            .annotate(restricted=restricted)
            # what the page served needs of the pages above it: their links, and which one it is below
            .only("path", "depth", "url_path", "title", "live", "alias_of_id", "content_type_id")
            .order_by("depth")
        )
        deepest = along_path[-1]
        if deepest.depth == self.depth:  # not even the first component names a child
            raise Http404
        found = along_path, deepest.specific
        if deepest.depth - self.depth == len(path_components):  # a page's own path: as many as there are pages
            keep(key, version, found)
        return found


def keep_site(request):
    """Find the request's Wagtail site as this process keeps it, where Wagtail reads it from the database on every
    request, and leave it where Wagtail's ``Site.find_for_request`` looks first (its routing, its page links); and
    the sites' root paths that Wagtail makes a page's link from, which it reads from the shared cache on every
    request, where it looks for them first."""
    if not hasattr(request, "_wagtail_site"):
        version = pages_version(request)
        key = ("site", request.get_host(), request.get_port())
        request._wagtail_site = kept_else_read(version, key, lambda: site_with_root_page(request))
        request._wagtail_cached_site_root_paths = kept_else_read(
            version, ("site root paths",), Site.get_site_root_paths
        )


def site_with_root_page(request):
    """The request's site with its root page as its specific type, which Wagtail asks for to route every page."""
    site = Site._find_for_request(request)
    if site is not None:
        site.root_page.specific  # noqa: B018 (a cached property: kept with the site)
    return site


class KeptSiteMiddleware(MiddlewareMixin):
    """Serves Wagtail's pages with the site each process keeps (``keep_site``); the site's other views that draw a
    page find it when their header asks for the catalogue (``courses.context_processors.catalogue_for``)."""

    def process_view(self, request, view, _args, _kwargs):
        from wagtail.views import serve  # not at import: it needs the models loaded

        if view is serve:
            keep_site(request)


# What each process keeps of the pages: key -> (the pages' version then, the objects pickled: each request gets a
# copy of its own). Bounded: past MAX_KEPT entries it starts again.
KEPT = {}
MAX_KEPT = 5000
PAGES_VERSION_KEY = "lms:pages-version"
# A change made without Django's signals (a migration, an update in bulk) is seen at the latest when the version
# expires and a new one is drawn.
PAGES_VERSION_SECONDS = 300


# What ``kept`` gives for a key this process does not keep (or kept before the pages changed): None may be kept.
NOT_KEPT = object()


def pages_version(request=None):
    """The version of what every process keeps of the pages, in the shared cache, read once a request (each call
    without one): a new one is drawn when a page changes."""
    if request is None:
        return cache.get(PAGES_VERSION_KEY) or draw_pages_version()
    if not hasattr(request, "pages_version"):
        request.pages_version = cache.get(PAGES_VERSION_KEY) or draw_pages_version()
    return request.pages_version


def kept_else_read(version, key, read):
    """What ``read()`` returns, as this process keeps it under ``key`` if no page has changed since ``version``
    (``pages_version``) was drawn, else read now and kept."""
    value = kept(key, version, NOT_KEPT)
    if value is NOT_KEPT:  # what was read may be None (no such page): kept too
        value = read()
        keep(key, version, value)
    return value


def kept_else_read_each(version, label, ids, read):
    """For each of ``ids``, what this process keeps under ``(label, id)`` if no page has changed since ``version``;
    those it does not keep are read at once, ``read(missing ids)`` giving a dict by id (an id it lacks is kept as
    None, so that it is not read again), and kept. A dict by id."""
    found = {pk: kept((label, pk), version, NOT_KEPT) for pk in ids}
    missing = [pk for pk, value in found.items() if value is NOT_KEPT]
    if missing:
        read_now = read(missing)
        for pk in missing:
            found[pk] = read_now.get(pk)
            keep((label, pk), version, found[pk])
    return found


def kept(key, version, default=None):
    """A copy of what this process keeps under ``key``, if the pages have not changed since (else ``default``)."""
    known = KEPT.get(key)
    return pickle.loads(known[1]) if known is not None and known[0] == version else default  # this process's own


def keep(key, version, value):
    if len(KEPT) >= MAX_KEPT:
        KEPT.clear()
    KEPT[key] = (version, pickle.dumps(value))


# A rendered part of a page is kept this long at most: its key names all it is made of, so this only lets memory go.
RENDERED_SECONDS = 15 * 60


def rendered_fragments():
    """Where rendered parts of pages are kept: the ``template_fragments`` cache, as for Django's ``{% cache %}`` tag
    (each process's memory in this project's settings), else the default one."""
    return caches["template_fragments" if "template_fragments" in settings.CACHES else "default"]


def rendered_once(key, render):
    """The HTML ``render()`` makes, kept under ``key`` in ``rendered_fragments``: the key names everything the HTML
    is made of, so that it is rendered anew as soon as any of it changes."""
    fragments = rendered_fragments()
    html = fragments.get(key)
    if html is None:
        html = render()
        fragments.set(key, html, RENDERED_SECONDS)
    return mark_safe(html)  # rendered by a template, which escaped what people wrote


def forget_pages(**_signal):
    """Receiver of the signals of a page, a view restriction or a site changed: what every process keeps of the
    pages is read again. The version is drawn now, for the rest of this transaction, and again once it commits: a
    cache outside the database (Redis) shows the first one at once, and a process that read the old pages before
    the commit may have kept them under it."""
    transaction.on_commit(draw_pages_version)
    draw_pages_version()


def draw_pages_version():
    version = secrets.token_hex(8)
    cache.set(PAGES_VERSION_KEY, version, PAGES_VERSION_SECONDS)
    return version
