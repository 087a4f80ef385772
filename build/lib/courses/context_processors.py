"""Template context every page needs."""

from django.utils.functional import SimpleLazyObject

from courses.models import CourseIndexPage


def site_navigation(request):
    """The course catalogue for the main menu; queried only if a template uses it."""
    return {"course_catalogue": SimpleLazyObject(lambda: CourseIndexPage.objects.live().public().first())}
