"""The learner's own pages."""

from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse

from certificates.selectors import certificates_of
from courses.selectors import learner_courses, learner_person
from lms.selectors import trainings_of


@login_required
def my_courses(request):
    """The learner's own page, "Khóa học của tôi": their courses, what to do next, and their trainings."""
    person = learner_person(request.user)
    enrolments = learner_courses(person) if person else []
    return TemplateResponse(
        request,
        "home/my_courses.html",
        {
            "current": [enrolment for enrolment in enrolments if not enrolment.completed_at],
            "completed": [enrolment for enrolment in enrolments if enrolment.completed_at],
            "trainings": trainings_of(person)[:50],
            "certificates": certificates_of(person),
        },
    )
