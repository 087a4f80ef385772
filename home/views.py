"""The learner's own pages."""

from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse

from lms.selectors import trainings_of


@login_required
def my_courses(request):
    """The learner's own page, "Khóa học của tôi": their courses and trainings."""
    return TemplateResponse(request, "home/my_courses.html", {"trainings": trainings_of(request.user)[:50]})
