"""Starting, saving and submitting an attempt cost a fixed number of queries, however many questions it has:
a hall of learners starting one quiz together must not multiply its queries by the number of questions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses import quizzes, services
from courses.models import AttemptState, QuestionCategory, TrueFalseQuestion
from tests.courses.helpers import make_catalogue, make_course, make_learner_person, make_quiz, make_single_choice
from tests.factories import make_unit

pytestmark = pytest.mark.django_db

# The most each request may take: session, user, person, page or attempt, the lock and the writes. The first start
# of a quiz in a process reads the quiz page, its slots, the categories, its pool and its questions (in a query and
# one more for each of their types, two here); the learners after it start from what the process keeps under the
# pages' version (lms.pages), which each request reads once. A save or a submit reads the attempt's row alone: its
# quiz and its course are the pages the process keeps (the first save of the process reads them, two queries). The
# submit saves the answers the page sends and grades them in one pass, and passes a required quiz, so it also
# completes the course (its steps as the process keeps them, read again here for a new course; its enrolment, its
# training record, and the learner's coverage facts counted again); the attempt graded and the training recorded each
# note that the learner's record changed (``Person.learning_version``).
MOST_QUERIES = {"first start": 17, "start": 10, "first save": 11, "save": 9, "submit": 27}


def quiz_of(count, course):
    """A quiz of ``count`` fixed questions and a draw of 2 * ``count`` from a category and the category inside
    it, of two question types, shuffled."""
    fixed = QuestionCategory.objects.create(name="Cố định")
    bank = QuestionCategory.objects.create(name="Ngân hàng")
    inner = QuestionCategory.objects.create(name="Bên trong", parent=bank)
    questions = [make_single_choice(fixed) for _n in range(count)]
    for n in range(count):
        make_single_choice(bank)
        TrueFalseQuestion.objects.create(category=inner, name=f"Đúng sai {n}", text="<p>?</p>", correct_answer=True)
    return make_quiz(
        course,
        questions=questions,
        draws=[(bank, 2 * count)],
        time_limit_minutes=30,
        shuffle_questions=True,
    )


def queries_of(client, url, data, **headers):
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, data, headers=headers)
    assert response.status_code in (200, 302)
    return len(captured)


def one_attempt_counted(client, catalogue, count):
    """The queries of a first learner starting a quiz of 3 * ``count`` questions, and of a second one starting it,
    saving every answer in one request (twice) and submitting it, as a learner does it."""
    course = make_course(catalogue, lessons=0)
    quiz = quiz_of(count, course)
    counted = {}
    for start in ("first start", "start"):
        person = make_learner_person(make_unit(name="Phường Phan Đình Phùng"))
        services.enrol(person=person, course=course)
        client.force_login(person.user)
        counted[start] = queries_of(client, reverse("quiz_start", args=[quiz.pk]), {})
    attempt = quiz.attempts.get(enrolment__person=person)
    assert attempt.questions.count() == 3 * count
    answers = {"shown": []}
    for answer in attempt.questions.all():
        answers["shown"].append(answer.pk)
        answers[f"answer-{answer.pk}"] = "a" if answer.frozen["type"] == "courses.singlechoicequestion" else "true"
    for save in ("first save", "save"):
        counted[save] = queries_of(client, reverse("quiz_save", args=[attempt.pk]), answers, Accept="application/json")
    assert attempt.questions.filter(response__isnull=True).count() == 0
    counted["submit"] = queries_of(client, reverse("quiz_submit", args=[attempt.pk]), answers)  # the page sends all
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.GRADED
    assert attempt.score == 3 * count
    return counted


def test_start_save_and_submit_take_as_many_queries_for_30_questions_as_for_3(client):
    catalogue = make_catalogue()
    few = one_attempt_counted(client, catalogue, 1)
    many = one_attempt_counted(client, catalogue, 10)
    assert many == few
    for request, most in MOST_QUERIES.items():
        assert many[request] <= most, request


def test_a_start_inserts_its_frozen_questions_as_values_on_postgresql():
    """Django would insert them on PostgreSQL as one array a column, UNNESTed, each document escaped as an element
    of an array by psycopg, in Python: 2.5 times the CPU of a list of VALUES for a start (``JSONInsertedAsValues``)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite always inserts a list of VALUES")
    course = make_course(make_catalogue(), lessons=0)
    quiz = quiz_of(2, course)
    person = make_learner_person(make_unit(name="Phường Phan Đình Phùng"))
    enrolment = services.enrol(person=person, course=course)
    with CaptureQueriesContext(connection) as captured:
        attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz)
    inserts = [query["sql"] for query in captured if query["sql"].startswith('INSERT INTO "courses_attemptquestion"')]
    assert len(inserts) == 1
    assert "UNNEST" not in inserts[0]
    assert inserts[0].count("), (") == attempt.questions.count() - 1  # a row of VALUES for each question
