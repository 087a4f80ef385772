"""Every page a logged-in learner opens costs a number of queries that does not grow with their courses, lessons,
attempts, trainings or certificates: the same learner pages are counted for a learner with little and for one with
a lot."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certificates.models import CertificateTemplate
from certificates.services import issue_certificate
from courses import quizzes, services
from courses.models import QuestionCategory
from lms import ledger
from lms.models import TrainingRecord
from tests.courses.helpers import make_catalogue, make_course, make_learner_person, make_quiz, make_single_choice
from tests.factories import make_unit

pytestmark = pytest.mark.django_db

# Today's counts; the aim is 12 at most on every page (the page tree's routing and the header's catalogue link
# and admin permission check account for most of the rest).
MOST_QUERIES = {
    "my courses": 16,
    "catalogue": 18,
    "course": 25,
    "lesson": 25,
    "quiz": 22,
    "attempt result": 11,
    "password change": 8,
}


def learner_with(catalogue, *, courses, lessons, attempts):
    """A learner enrolled in ``courses`` courses of ``lessons`` lessons and a quiz each, with every lesson of the
    first course done (so it is completed and certified), ``attempts`` graded attempts at its quiz, and each
    other course half read. Returns the learner and the pages they open."""
    category = QuestionCategory.objects.create(name="Kỹ năng số")
    questions = [make_single_choice(category) for _question in range(3)]
    template = CertificateTemplate.objects.create(name="Chứng nhận", issuer="X", place="Y", signer_name="Z")
    person = make_learner_person(make_unit())
    for number in range(courses):
        course = make_course(catalogue, lessons=lessons)
        quiz = make_quiz(course, questions=questions, required=False)
        enrolment = services.enrol(person=person, course=course)
        done = course.lessons() if number == 0 else course.lessons()[: lessons // 2]
        for lesson in done:
            services.open_lesson(enrolment=enrolment, lesson=lesson)
            services.mark_lesson_done(enrolment=enrolment, lesson=lesson)
        if number == 0:
            first_course, first_quiz, first_enrolment = course, quiz, enrolment
            template.courses.add(course)
    for _attempt in range(attempts):
        attempt = quizzes.start_attempt(enrolment=first_enrolment, quiz=first_quiz)
        attempt = quizzes.submit_attempt(attempt=attempt)[0]
    for record in TrainingRecord.objects.filter(person=person, source_key=ledger.course_key(first_course.pk)):
        issue_certificate(template=template, record=record)
    pages = {
        "my courses": reverse("my_courses"),
        "catalogue": catalogue.url,
        "course": first_course.url,
        "lesson": first_course.lessons().first().url,
        "quiz": first_quiz.url,
        "attempt result": reverse("quiz_attempt_result", args=[attempt.pk]),
        "password change": reverse("password_change"),
    }
    return person.user, pages


def queries_per_page(client, user, pages):
    client.force_login(user)
    counts = {}
    for name, url in pages.items():
        assert client.get(url).status_code == 200, name  # warms Wagtail's site cache, as a running server has it
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, name
        counts[name] = len(queries)
    return counts


def test_each_learner_page_needs_a_few_queries_whatever_the_learner_has_done(client):
    catalogue = make_catalogue()
    little = queries_per_page(client, *learner_with(catalogue, courses=1, lessons=2, attempts=1))
    client.logout()
    a_lot = queries_per_page(client, *learner_with(catalogue, courses=4, lessons=6, attempts=3))

    assert a_lot == little
    assert all(a_lot[page] <= most for page, most in MOST_QUERIES.items()), a_lot
