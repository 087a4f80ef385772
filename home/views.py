"""The learner's own pages."""

from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse


@login_required
def my_courses(request):
    """"Khóa học của tôi": the courses and trainings of the logged-in learner."""
    return TemplateResponse(request, "home/my_courses.html", {})
