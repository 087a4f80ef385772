"""Wagtail pages read in few queries: a page served in a fixed number, however deep it lies in the page tree, and
the pages nobody needs a password or a log-in to see.

Wagtail routes a path one level at a time (two queries a level: the child, then its specific page) and then reads
the view restrictions of the page and of its ancestors (two more). A lesson four levels down cost eleven queries
before its own. Here the site's root page finds every page along the path, with whether each has a view
restriction, in one query, and the page served in one more.
"""

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.db.models.lookups import StartsWith
from django.http import Http404
from wagtail.models import Page, PageViewRestriction


def public_pages():
    """The filter of Wagtail's ``.public()`` (no view restriction on the page or above it) in the page query itself,
    where ``.public()`` reads every restriction in a query of its own first."""
    return ~Exists(PageViewRestriction.objects.filter(StartsWith(OuterRef("path"), F("page__path"))))


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
        # The pages along the path, for what the page's templates show of them (the catalogue it lies in).
        request.pages_along_path = along_path
        page = deepest.specific
        page._cached_parent_obj = along_path[-2]  # as Wagtail's route leaves it: get_parent() reads nothing
        page.restrictions_along_path = [
            ancestor.alias_of_id or ancestor.pk for ancestor in along_path if ancestor.restricted
        ]
        return page.route(request, path_components[deepest.depth - self.depth :])
