"""Reading a learner page writes nothing: linking an account to its person, opening a lesson and grading an
attempt whose time ran out all happen on a POST or in a background task, never on a GET."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certificates.models import CertificateTemplate
from certificates.services import issue_certificate
from courses import quizzes, services
from courses.models import QuestionCategory
from courses.selectors import catalogue_filter_choices
from lms.models import Person, TrainingRecord
from tests.courses.helpers import make_catalogue, make_course, make_quiz, make_single_choice
from tests.factories import make_learner, make_person, make_session, make_unit

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@pytest.fixture
def world():
    """A course of one lesson and one timed quiz, a training session open for check-in, and a learner
    whose account is linked to their person (logging in links it)."""
    unit = make_unit(name="Phường Phan Đình Phùng")
    catalogue = make_catalogue()
    course = make_course(catalogue, lessons=1)
    quiz = make_quiz(
        course,
        questions=[make_single_choice(QuestionCategory.objects.create(name="Kỹ năng số"))],
        time_limit_minutes=10,
    )
    person = make_person(unit=unit, phone="0912345678", user=make_learner(phone="0912345678"))
    session = make_session(organising_unit=unit, starts_at=timezone.now() + timedelta(minutes=10))
    # The caches a running site has filled (Wagtail's site root paths are, by the pages' links above): filling
    # one is the one write a read may make, once an hour at most.
    catalogue_filter_choices()
    return {
        "catalogue": catalogue,
        "course": course,
        "lesson": course.lessons().get(),
        "quiz": quiz,
        "person": person,
        "session": session,
    }


def learner_pages(world):
    """Every page a learner reads that needs no attempt."""
    return [
        "/",
        world["catalogue"].url,
        world["course"].url,
        world["lesson"].url,
        world["quiz"].url,
        reverse("my_courses"),
        reverse("session_checkin", args=[world["session"].checkin_code]),
    ]


def attempt_pages(attempt):
    return [reverse("quiz_attempt", args=[attempt.pk]), reverse("quiz_attempt_result", args=[attempt.pk])]


def writes_on_reading(client, urls):
    """The pages of ``urls`` a GET could not read (their status) or that wrote (their SQL)."""
    found = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        written = [query["sql"] for query in queries if query["sql"].lstrip().upper().startswith(WRITES)]
        if response.status_code >= 400 or written:
            found[url] = response.status_code if response.status_code >= 400 else written
    return found


def logged_in(client, world):
    client.force_login(world["person"].user)
    return client


def test_a_learner_logged_in_before_their_account_was_linked_reads_every_page_without_a_write(client, world):
    services.enrol(person=world["person"], course=world["course"])  # as an organiser's assignment does
    logged_in(client, world)
    Person.objects.filter(pk=world["person"].pk).update(user=None)  # a session older than the link

    assert writes_on_reading(client, learner_pages(world)) == {}
    assert Person.objects.get(pk=world["person"].pk).user is None


def test_an_enrolled_learner_reads_every_page_without_a_write(client, world):
    services.enrol(person=world["person"], course=world["course"])

    assert writes_on_reading(logged_in(client, world), learner_pages(world)) == {}


def test_a_learner_whose_timed_attempt_ran_out_reads_every_page_without_a_write(client, world):
    enrolment = services.enrol(person=world["person"], course=world["course"])
    attempt = quizzes.start_attempt(enrolment=enrolment, quiz=world["quiz"], at=timezone.now() - timedelta(hours=1))

    assert writes_on_reading(logged_in(client, world), learner_pages(world) + attempt_pages(attempt)) == {}


def complete(world):
    """The learner does the lesson and passes the quiz, which completes the course; returns the attempt."""
    enrolment = services.enrol(person=world["person"], course=world["course"])
    services.open_lesson(enrolment=enrolment, lesson=world["lesson"])
    services.mark_lesson_done(enrolment=enrolment, lesson=world["lesson"])
    attempt = quizzes.start_attempt(enrolment=enrolment, quiz=world["quiz"])
    attempt.questions.update(response="a")
    quizzes.submit_attempt(attempt=attempt)
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    return attempt


def test_a_learner_who_completed_the_course_reads_every_page_without_a_write(client, world):
    attempt = complete(world)

    assert writes_on_reading(logged_in(client, world), learner_pages(world) + attempt_pages(attempt)) == {}


def test_a_learner_with_a_certificate_reads_every_page_and_its_check_without_a_write(client, world):
    complete(world)
    record = TrainingRecord.objects.get(person=world["person"])
    certificate, _issued = issue_certificate(template=CertificateTemplate.objects.create(name="MTTQ"), record=record)
    verify = reverse("certificate_verify", args=[certificate.code])

    assert writes_on_reading(logged_in(client, world), [*learner_pages(world), verify]) == {}
