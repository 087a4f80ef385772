"""Template context every page needs."""

from django.utils.functional import SimpleLazyObject

from courses.models import CourseIndexPage
from lms.pages import keep_site, kept_else_read, pages_version, public_pages


def first_public_catalogue():
    """The first live catalogue that no view restriction on it or above it hides, in one query."""
    return CourseIndexPage.objects.live().filter(public_pages()).order_by("path").first()


def catalogue_for(request):
    """The live catalogue the page served lies in, when the route read the pages along its path (nothing to
    query); else the first public one, as this process keeps it.

    The site's header asks for it before any link to a page, so the page links of a view of the site's own (not
    Wagtail's admin, which draws no header of ours) find the site as the process keeps it too (``keep_site``)."""
    keep_site(request)
    above = [
        page
        for page in getattr(request, "pages_along_path", ())
        if page.live and page.specific_class and issubclass(page.specific_class, CourseIndexPage)
    ]
    if above:
        return above[-1]
    return kept_else_read(pages_version(request), ("first public catalogue",), first_public_catalogue)


def site_navigation(request):
    """The course catalogue for the main menu; queried only if a template uses it."""
    return {"course_catalogue": SimpleLazyObject(lambda: catalogue_for(request))}
