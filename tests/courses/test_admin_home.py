"""The admin home of organisers and trainers for courses: assignments due and overdue and the last ordered;
courses awaiting moderation, essays to grade and quizzes with weak questions; each in one or two queries and
within the viewer's units."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from courses import quiz_selectors
from courses.demo import seed_demo_catalogue
from courses.models import (
    CourseAssignment,
    CourseIndexPage,
    Enrolment,
    EnrolmentSource,
    EssayQuestion,
    QuestionCategory,
)
from courses.wagtail_hooks import (
    DUE_SOON_DAYS,
    AssignmentsPanel,
    CoursesInModerationPanel,
    EssaysPanel,
    WeakQuizzesPanel,
)
from home.models import HomePage
from lms.models import JobStatus
from tests.courses.helpers import make_catalogue, make_course, make_quiz, make_single_choice, publish
from tests.courses.test_quiz_admin import submitted
from tests.factories import make_job, make_organiser, make_person, make_trainer, make_unit_tree, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return make_unit_tree()


def panel_for(panel_class, user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return panel_class(request)


def home_of(client, user):
    client.force_login(user)
    return client.get(reverse("wagtailadmin_home")).text


# Course assignments


def assign(course, unit, *, due_in, people_done=(0, 0), status=JobStatus.DONE):
    """An assignment of ``course`` to ``unit`` due in ``due_in`` days (None: no date), with ``people_done``
    = (people not done, people done) enrolled by it."""
    today = timezone.localdate()
    assignment = CourseAssignment.objects.create(
        job=make_job(kind="courses.courseassignment", status=status),
        course=course,
        unit=unit,
        due_date=None if due_in is None else today + timedelta(days=due_in),
    )
    not_done, done = people_done
    for number in range(not_done + done):
        Enrolment.objects.create(
            person=make_person(unit=unit),
            course=course,
            source=EnrolmentSource.ASSIGNED,
            assignment=assignment,
            due_date=assignment.due_date,
            completed_at=timezone.now() if number >= not_done else None,
        )
    return assignment


def test_assignments_overdue_and_due_within_two_weeks_with_people_not_done_are_listed_soonest_first(tree):
    course = make_course(make_catalogue(), lessons=1)
    area = tree["area"]
    overdue = assign(course, area, due_in=-1, people_done=(2, 1))
    today = assign(course, area, due_in=0, people_done=(1, 0))
    last_day = assign(course, area, due_in=DUE_SOON_DAYS, people_done=(1, 0))
    assign(course, area, due_in=DUE_SOON_DAYS + 1, people_done=(1, 0))  # not soon yet
    assign(course, area, due_in=-5, people_done=(0, 2))  # everyone done
    assign(course, area, due_in=None, people_done=(1, 0))  # no due date
    assign(course, tree["other_commune"], due_in=-1, people_done=(1, 0))  # another commune

    due = panel_for(AssignmentsPanel, make_organiser(managed_unit=tree["commune"])).rows()["due"]

    assert [(assignment, assignment.not_done, assignment.is_overdue) for assignment in due] == [
        (overdue, 2, True),
        (today, 1, False),
        (last_day, 1, False),
    ]


def test_the_last_assignments_ordered_show_their_job_s_result_in_the_organiser_s_units_only(
    tree, django_assert_num_queries
):
    course = make_course(make_catalogue(), lessons=1)
    done = assign(course, tree["area"], due_in=None, people_done=(3, 0))
    failed = assign(course, tree["commune"], due_in=None, status=JobStatus.FAILED)
    assign(course, tree["other_commune"], due_in=None, people_done=(1, 0))
    panel = panel_for(AssignmentsPanel, make_organiser(managed_unit=tree["commune"]))

    with django_assert_num_queries(2):
        rows = panel.rows()
        recent = [(assignment, assignment.job.status, assignment.enrolled) for assignment in rows["recent"]]
        list(rows["due"])

    assert recent == [(failed, JobStatus.FAILED, 0), (done, JobStatus.DONE, 3)]


def test_the_home_shows_the_assignments_to_organisers_and_not_to_trainers(client, tree):
    course = make_course(make_catalogue(), lessons=1, title="Khóa được giao")
    assign(course, tree["area"], due_in=-3, people_done=(1, 0))

    organiser_home = home_of(client, make_organiser(managed_unit=tree["commune"]))
    trainer_home = home_of(client, make_trainer(managed_unit=tree["commune"]))

    assert 'id="assignments-section"' in organiser_home
    assert "Khóa được giao" in organiser_home
    assert "quá hạn" in organiser_home
    assert 'id="assignments-section"' not in trainer_home


# Courses awaiting moderation


def test_the_trainer_sees_the_courses_they_may_edit_that_wait_for_a_moderator(client):
    catalogue = seed_demo_catalogue(HomePage.objects.get())
    trainer = make_trainer(is_staff=True)
    waiting = make_course(catalogue, lessons=0, title="Khóa chờ duyệt")
    catalogue.get_workflow().start(waiting, trainer)
    make_course(catalogue, lessons=0, title="Khóa đã xuất bản")
    other_catalogue = publish(HomePage.objects.get(), CourseIndexPage(title="Khóa học khác", slug="khoa-hoc-khac"))
    elsewhere = make_course(other_catalogue, lessons=0, title="Khóa ở mục khác")  # no permission there
    catalogue.get_workflow().start(elsewhere, make_user(is_superuser=True))

    rows = list(panel_for(CoursesInModerationPanel, trainer).rows())
    home = home_of(client, trainer)

    assert [page.pk for page in rows] == [waiting.pk]
    assert 'id="courses-in-moderation-section"' in home
    assert "Khóa chờ duyệt" in home


# Essays and weak quizzes


@pytest.fixture
def category():
    return QuestionCategory.objects.create(name="Kỹ năng số")


def essay_quiz(category, course):
    essay = EssayQuestion.objects.create(category=category, name="Tự luận", text="<p>?</p>", points=Decimal(1))
    return make_quiz(course, questions=[essay])


def test_essays_waiting_are_counted_by_quiz_with_its_course_in_one_query(tree, category, django_assert_num_queries):
    course = make_course(make_catalogue(), lessons=0, title="Khóa có tự luận")
    quiz = essay_quiz(category, course)
    for _learner in range(2):
        submitted(course, quiz, tree["area"], ["Bài làm"])
    submitted(course, quiz, tree["other_commune"], ["Bài của xã khác"])
    panel = panel_for(EssaysPanel, make_trainer(managed_unit=tree["commune"]))

    with django_assert_num_queries(1):
        rows = panel.rows()

    assert [(row["attempt__quiz_id"], row["course_title"], row["essays"]) for row in rows] == [
        (quiz.pk, "Khóa có tự luận", 2)
    ]


# Answers to the quiz's four questions ("a" is right), scoring 75, 50, 50, 25 and 50%. Question 1 is right
# in 2 of 5 (facility 0.4) but by the worst attempt and not the best (discrimination -1); question 2 is
# right in 1 of 5 only (facility 0.2, discrimination +1); questions 3 and 4 are sound.
WEAK_QUIZ_ANSWERS = [
    ["b", "a", "a", "a"],
    ["a", "b", "a", "b"],
    ["b", "b", "a", "a"],
    ["a", "b", "b", "b"],
    ["b", "b", "a", "a"],
]


def weak_quiz(category, course):
    questions = [make_single_choice(category, f"Câu {number}") for number in range(1, 5)]
    return make_quiz(course, questions=questions, pass_mark=50)


def test_quizzes_with_low_facility_or_negative_discrimination_are_listed_with_their_weak_questions(tree, category):
    course = make_course(make_catalogue(), lessons=0, title="Khóa có bài kiểm tra")
    quiz = weak_quiz(category, course)
    sound = make_quiz(course, questions=[make_single_choice(category, "Câu dễ vừa")], title="Bài tốt")
    for answers in WEAK_QUIZ_ANSWERS:
        submitted(course, quiz, tree["area"], answers)
    for answers in (["a"], ["a"], ["b"], ["a"], ["b"]):
        submitted(course, sound, tree["area"], [answers[0]])
    trainer = make_trainer(managed_unit=tree["commune"])

    rows = panel_for(WeakQuizzesPanel, trainer).rows()

    statistics = quiz_selectors.quiz_statistics(quiz, trainer)
    weak = [row["name"] for row in statistics["questions"] if quiz_selectors.is_weak(row)]
    assert weak == ["Câu 1", "Câu 2"]  # the same figures as the quiz's statistics
    assert rows == [
        {"quiz_id": quiz.pk, "title": quiz.title, "course_title": "Khóa có bài kiểm tra", "attempts": 5, "weak": 2}
    ]


def test_a_quiz_needs_enough_graded_attempts_in_the_trainer_s_units_to_be_judged(
    tree, category, django_assert_num_queries
):
    course = make_course(make_catalogue(), lessons=0)
    quiz = weak_quiz(category, course)
    for answers in WEAK_QUIZ_ANSWERS[:-1]:
        submitted(course, quiz, tree["area"], answers)
    submitted(course, quiz, tree["other_commune"], WEAK_QUIZ_ANSWERS[-1])
    assert len(WEAK_QUIZ_ANSWERS) == quiz_selectors.MIN_ATTEMPTS_FOR_STATISTICS
    commune_trainer = make_trainer(managed_unit=tree["commune"])
    province_trainer = make_trainer(managed_unit=tree["province"])

    commune_rows = panel_for(WeakQuizzesPanel, commune_trainer).rows()
    with django_assert_num_queries(2):
        province_rows = panel_for(WeakQuizzesPanel, province_trainer).rows()

    assert commune_rows == []  # 4 attempts in the commune
    assert [(row["attempts"], row["weak"]) for row in province_rows] == [(5, 2)]


def test_the_trainer_s_home_has_the_essays_and_weak_quizzes_panels_and_the_organiser_s_does_not(client, tree):
    trainer_home = home_of(client, make_trainer(managed_unit=tree["commune"]))
    organiser_home = home_of(client, make_organiser(managed_unit=tree["commune"]))

    for panel_id in ("essays", "weak-quizzes"):
        assert f'id="{panel_id}-section"' in trainer_home
        assert f'id="{panel_id}-section"' not in organiser_home
