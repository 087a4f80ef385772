"""Every page a logged-in learner opens costs a fixed number of queries, twelve at most, that does not grow with their
courses, lessons, attempts, trainings or certificates: the same pages are counted for a learner with one of each and
for one with ten."""

import pytest
from django.urls import reverse

from certificates.models import CertificateTemplate
from certificates.services import issue_certificate
from courses import quizzes, services
from courses.models import QuestionCategory
from lms import ledger
from lms.models import Person, TrainingRecord
from tests.courses.helpers import make_catalogue, make_course, make_learner_person, make_quiz, make_single_choice
from tests.factories import make_unit

pytestmark = pytest.mark.django_db

# What each page reads for a logged-in learner: the version of what the process keeps of the pages (Wagtail's site
# and its root page, the sites' root paths its links are made from, the pages along the path with their view
# restrictions and the page served, the first catalogue: all found by the request before), the session and the user
# (with their person and whether the admin lets them in), then the page's own reads. Two counts a page:
# as the process keeps what the learner did (their "Khóa học của tôi" rendered; their enrolment, lessons and quizzes
# passed in the course), and once their learning record has changed (``Person.learning_version``), read again.
QUERIES = {
    "my courses": (3, 8),
    "catalogue": (4, 4),
    "course": (3, 6),
    "lesson": (3, 6),
    "quiz": (4, 5),
    "attempt result": (4, 4),
    "password change": (3, 3),
}


def learner_with(catalogue, *, courses, lessons, attempts):
    """A learner enrolled in ``courses`` courses of ``lessons`` lessons and a quiz each, with every lesson of the
    first course done (so it is completed and certified), ``attempts`` graded attempts at its quiz, each
    other course half read, and one more course unpublished since. Returns the learner and the pages they open."""
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
    withdrawn = make_course(catalogue, lessons=lessons)
    services.enrol(person=person, course=withdrawn)
    withdrawn.unpublish()
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


@pytest.mark.parametrize("items", [1, 10])
def test_each_learner_page_makes_a_fixed_number_of_queries_whatever_the_learner_has_done(
    client, django_assert_num_queries, items
):
    user, pages = learner_with(make_catalogue(), courses=items, lessons=items, attempts=items)
    client.force_login(user)

    for name, url in pages.items():
        assert client.get(url).status_code == 200, name  # warms Wagtail's site cache, as a running server has it
        kept, read = QUERIES[name]
        with django_assert_num_queries(kept):
            assert client.get(url).status_code == 200, name
        Person.objects.filter(user=user).learning_record_changed()
        with django_assert_num_queries(read):
            assert client.get(url).status_code == 200, name
