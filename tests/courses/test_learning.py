"""A cadre learning on the public site: catalogue, enrolment, lessons, completion, "my courses"."""

import json
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from wagtail import hooks
from wagtail.models import GroupPagePermission, Page, PageViewRestriction
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from courses import services, wagtail_hooks
from courses.models import (
    CourseIndexPage,
    CoursePage,
    Enrolment,
    EnrolmentMode,
    LessonPage,
    LessonProgress,
    QuestionCategory,
    QuizPage,
)
from courses.signals import course_completed
from home.models import HomePage
from lms import ledger, roles
from lms.models import Person, PersonCategory, TrainingKind, TrainingRecord
from tests.courses.helpers import (
    make_catalogue,
    make_course,
    make_learner_person,
    make_lesson,
    make_quiz,
    make_single_choice,
    run_side_by_side,
)
from tests.factories import make_learner, make_person, make_trainer, make_unit, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    return make_catalogue()


@pytest.fixture
def unit():
    return make_unit(name="Phường Phan Đình Phùng")


@pytest.fixture
def learner(unit):
    return make_learner_person(unit)


def logged_in(client, person):
    client.force_login(person.user)
    return client


def vietnamese(message):
    with translation.override("vi"):
        return gettext(message)


def not_a_learner_message():
    return vietnamese(
        "Your account is not linked to a cadre on a unit's list, so it cannot take courses. "
        "Ask your unit's organiser to add you with this phone number."
    ).replace("'", "&#x27;")


def enrol_url(course):
    return reverse("course_enrol", args=[course.pk])


def done_url(lesson):
    return reverse("lesson_done", args=[lesson.pk])


def open_lesson(client, lesson):
    """What a learner's browser does on a lesson: read the page, and its script posts the opening."""
    client.get(lesson.url)
    return client.post(reverse("lesson_opened", args=[lesson.pk]), headers={"accept": "application/json"})


def lessons_of(course):
    return list(course.lessons())


# Page tree


class PageTreeTests(WagtailPageTestCase):
    def test_a_catalogue_goes_under_any_page_of_the_site_then_courses_then_lessons(self):
        # The apps know nothing of the site's own page types: a province puts the catalogue where it likes.
        self.assertAllowedParentPageTypes(CourseIndexPage, {Page, HomePage})
        self.assertAllowedSubpageTypes(CourseIndexPage, {CoursePage})
        self.assertAllowedParentPageTypes(CoursePage, {CourseIndexPage})
        self.assertAllowedSubpageTypes(CoursePage, {LessonPage, QuizPage})
        self.assertAllowedParentPageTypes(LessonPage, {CoursePage})
        self.assertAllowedSubpageTypes(LessonPage, set())

    def test_courses_and_lessons_can_be_added_only_in_their_place(self):
        home = HomePage.objects.get()
        catalogue = make_catalogue()
        course = make_course(catalogue, lessons=0)

        self.assertCanCreateAt(HomePage, CourseIndexPage)
        self.assertCanNotCreateAt(HomePage, CoursePage)
        self.assertCanNotCreateAt(HomePage, LessonPage)
        self.assertCanCreateAt(CourseIndexPage, CoursePage)
        self.assertCanNotCreateAt(CourseIndexPage, LessonPage)
        self.assertCanCreateAt(CoursePage, LessonPage)
        self.assertCanNotCreateAt(CoursePage, CoursePage)
        assert CoursePage.can_create_at(catalogue)
        assert not CoursePage.can_create_at(home)
        assert LessonPage.can_create_at(course)
        assert not LessonPage.can_create_at(catalogue)


# Catalogue


def catalogue_titles(client, catalogue, **params):
    response = client.get(catalogue.url, params)
    assert response.status_code == 200
    return {course.title for course in response.context["courses"]}


def test_the_catalogue_filters_by_competence(client, catalogue):
    from courses.models import Competence

    safety = make_course(catalogue, title="An toàn thông tin")
    safety.competences = Competence.objects.filter(number="4.2")
    safety.save_revision().publish()
    make_course(catalogue, title="Kỹ năng số cơ bản")

    assert catalogue_titles(client, catalogue, competence="4.2") == {"An toàn thông tin"}
    assert catalogue_titles(client, catalogue) == {"An toàn thông tin", "Kỹ năng số cơ bản"}


def test_the_catalogue_filter_by_audience_keeps_courses_for_everyone(client, catalogue):
    for_full_time = make_course(catalogue, title="Dành cho chuyên trách")
    for_full_time.audience = PersonCategory.objects.filter(code="chuyen-trach")
    for_full_time.save_revision().publish()
    make_course(catalogue, title="Dành cho mọi người")

    assert catalogue_titles(client, catalogue, audience="chuyen-trach") == {
        "Dành cho chuyên trách",
        "Dành cho mọi người",
    }
    assert catalogue_titles(client, catalogue, audience="khong-chuyen-trach") == {"Dành cho mọi người"}


def test_the_catalogue_filters_follow_a_competence_or_category_changed_after_they_were_read(client, catalogue):
    """The filters' choices are kept in the cache; changing one of their models forgets them."""
    from courses.models import Competence, CompetenceDomain

    def offered(select):
        page = client.get(catalogue.url).content.decode()
        return page.split(f'name="{select}"')[1].split("</select>")[0]

    assert "Bí thư chi bộ" not in offered("audience")  # the choices are read, and kept
    category = PersonCategory.objects.create(name="Bí thư chi bộ", code="bi-thu")
    assert "Bí thư chi bộ" in offered("audience")
    category.is_active = False
    category.save()
    assert "Bí thư chi bộ" not in offered("audience")
    domain = CompetenceDomain.objects.first()
    competence = Competence.objects.create(domain=domain, number=f"{domain.number}.9", name="Dùng VNeID")
    assert "Dùng VNeID" in offered("competence")
    competence.delete()
    assert "Dùng VNeID" not in offered("competence")
    domain.name = "Miền đổi tên"
    domain.save()
    assert f'label="{domain}"' in offered("competence")


def test_a_course_page_opened_before_follows_its_audience_and_competences_renamed_after(client, catalogue):
    from courses.models import Competence

    course = make_course(catalogue, title="An toàn thông tin")
    course.audience = PersonCategory.objects.filter(code="chuyen-trach")
    course.competences = Competence.objects.filter(number="4.2")
    course.save_revision().publish()
    category, competence = course.audience.get(), course.competences.get()
    assert str(category) in client.get(course.url).text  # each process keeps them now
    assert str(competence) in client.get(course.url).text

    category.name = "Cán bộ chuyên trách cấp xã"
    category.save()
    assert "Cán bộ chuyên trách cấp xã" in client.get(course.url).text
    competence.name = "Bảo vệ thiết bị và dữ liệu"
    competence.save()
    assert str(competence) in client.get(course.url).text


def test_the_catalogue_opened_before_follows_the_courses_and_competences_changed_after(client, catalogue):
    from courses.models import Competence

    safety = make_course(catalogue, title="An toàn thông tin")
    safety.competences = Competence.objects.filter(number="4.2")
    safety.save_revision().publish()
    assert catalogue_titles(client, catalogue) == {"An toàn thông tin"}  # each process keeps it now

    make_course(catalogue, title="Kỹ năng số cơ bản")
    assert catalogue_titles(client, catalogue) == {"An toàn thông tin", "Kỹ năng số cơ bản"}
    safety.unpublish()
    assert catalogue_titles(client, catalogue) == {"Kỹ năng số cơ bản"}
    safety.save_revision().publish()
    assert "· 4.2" in client.get(catalogue.url).text
    competence = Competence.objects.get(number="4.2")
    competence.number = "4.9"
    competence.save()
    assert "· 4.9" in client.get(catalogue.url).text


@pytest.mark.parametrize("query", ["chữ ký số", "chu ky so", "CHU KY SO", "  chu   ky  "])
def test_search_finds_a_course_with_or_without_diacritics(client, catalogue, query):
    make_course(catalogue, title="Sử dụng chữ ký số và phần mềm quản lý văn bản")
    make_course(catalogue, title="An toàn thông tin", summary="Phòng chống lừa đảo trên mạng.")

    assert catalogue_titles(client, catalogue, q=query) == {"Sử dụng chữ ký số và phần mềm quản lý văn bản"}


def test_search_looks_in_the_summary_and_says_when_nothing_matches(client, catalogue):
    make_course(catalogue, title="An toàn thông tin", summary="Phòng chống lừa đảo trên mạng.")

    assert catalogue_titles(client, catalogue, q="lua dao") == {"An toàn thông tin"}
    response = client.get(catalogue.url, {"q": "bóng đá"})
    assert vietnamese("No course matches. Try other words or fewer filters.") in response.text


def test_unpublished_courses_are_not_in_the_catalogue(client, catalogue):
    make_course(catalogue, title="Đã xuất bản")
    make_course(catalogue, title="Đã gỡ").unpublish()

    assert catalogue_titles(client, catalogue) == {"Đã xuất bản"}


def test_search_follows_a_course_renamed_and_republished(client, catalogue):
    course = make_course(catalogue, title="Kỹ năng số cơ bản")
    course.title = "Dịch vụ công trực tuyến"
    course.save_revision().publish()

    assert catalogue_titles(client, catalogue, q="dich vu cong") == {"Dịch vụ công trực tuyến"}
    assert catalogue_titles(client, catalogue, q="ky nang so") == set()


# Enrolment


def test_a_learner_enrols_in_an_open_course_in_one_click_once(client, catalogue, learner):
    course = make_course(catalogue)
    logged_in(client, learner)

    first = client.post(enrol_url(course))
    second = client.post(enrol_url(course))

    assert first.status_code == 302
    assert first.url == lessons_of(course)[0].url
    assert second.status_code == 302
    assert Enrolment.objects.filter(person=learner, course=course).count() == 1


def test_an_assigned_only_course_refuses_self_enrolment(client, catalogue, learner):
    course = make_course(catalogue, enrolment_mode=EnrolmentMode.ASSIGNED)

    response = logged_in(client, learner).post(enrol_url(course))

    assert response.status_code == 403
    assert vietnamese("This course is open only to the people an organiser assigns to it.") in response.text
    assert not Enrolment.objects.exists()


def test_the_course_page_of_an_assigned_only_course_offers_no_enrol_button(client, catalogue, learner):
    course = make_course(catalogue, enrolment_mode=EnrolmentMode.ASSIGNED)

    response = logged_in(client, learner).get(course.url)

    assert enrol_url(course) not in response.text
    assert vietnamese("This course is open only to the people an organiser assigns to it.") in response.text


def test_prerequisites_are_enforced_on_the_server(client, catalogue, learner):
    basics = make_course(catalogue, title="Kỹ năng số cơ bản")
    advanced = make_course(catalogue, title="Chữ ký số")
    advanced.prerequisites = [basics]
    advanced.save_revision().publish()
    logged_in(client, learner)

    refused = client.post(enrol_url(advanced), follow=True)

    assert not Enrolment.objects.filter(course=advanced).exists()
    assert "Kỹ năng số cơ bản" in refused.text
    assert enrol_url(advanced) not in client.get(advanced.url).text

    Enrolment.objects.create(person=learner, course=basics, completed_at=timezone.now())
    client.post(enrol_url(advanced))

    assert Enrolment.objects.filter(person=learner, course=advanced).exists()


def test_enrolling_needs_a_login(client, catalogue):
    course = make_course(catalogue)

    response = client.post(enrol_url(course))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not Enrolment.objects.exists()
    assert reverse("login") in client.get(course.url).text


def test_an_account_not_linked_to_a_person_is_told_why_it_cannot_enrol(client, catalogue):
    course = make_course(catalogue)
    client.force_login(make_learner())

    response = client.post(enrol_url(course))

    assert response.status_code == 403
    assert "Ask your unit" not in response.text
    assert not_a_learner_message() in response.text
    assert not Enrolment.objects.exists()


def test_a_learner_logged_in_before_their_account_was_linked_is_linked_by_their_first_post(client, catalogue, unit):
    course = make_course(catalogue)
    person = make_person(unit=unit, phone="0912345678")
    user = make_learner(phone="0912345678")
    client.force_login(user)
    Person.objects.filter(pk=person.pk).update(user=None)  # as for a session older than the link at log-in

    page = client.get(course.url)
    assert page.context["person"] == person  # found by the phone number, not linked by reading
    assert Person.objects.get(pk=person.pk).user is None
    client.post(enrol_url(course))

    assert Person.objects.get(pk=person.pk).user == user
    assert Enrolment.objects.filter(person=person, course=course).exists()


# Progress


def test_opening_a_lesson_starts_its_clock_and_is_where_the_learner_resumes(client, catalogue, learner):
    course = make_course(catalogue, lessons=3)
    first, second, _third = lessons_of(course)
    enrolment = services.enrol(person=learner, course=course)
    logged_in(client, learner)

    open_lesson(client, first)
    client.post(done_url(first))
    response = open_lesson(client, second)

    assert response.status_code == 200
    assert LessonProgress.objects.get(enrolment=enrolment, lesson=second).opened_at is not None
    enrolment.refresh_from_db()
    assert enrolment.last_lesson_id == second.pk
    course_page = client.get(course.url).text
    assert f'<a class="button" href="{second.url}">' in course_page
    my_courses = client.get(reverse("my_courses")).text
    assert f'<a class="button" href="{second.url}">' in my_courses


def test_a_lesson_cannot_be_marked_done_before_its_minimum_reading_time(client, catalogue, learner):
    course = make_course(catalogue, lessons=0)
    lesson = make_lesson(course, min_reading_minutes=5)
    enrolment = services.enrol(person=learner, course=course)
    logged_in(client, learner)
    open_lesson(client, lesson)

    too_early = client.post(done_url(lesson), follow=True)

    progress = LessonProgress.objects.get(enrolment=enrolment, lesson=lesson)
    assert too_early.redirect_chain == [(lesson.url, 302)]
    assert progress.done_at is None
    assert (
        vietnamese("Read the lesson for at least %(minutes)s minutes before marking it done.") % {"minutes": 5}
        in too_early.text
    )

    LessonProgress.objects.filter(pk=progress.pk).update(opened_at=timezone.now() - timedelta(minutes=6))
    client.post(done_url(lesson))

    progress.refresh_from_db()
    assert progress.done_at is not None


def test_a_lesson_must_be_opened_before_it_is_marked_done(client, catalogue, learner):
    course = make_course(catalogue, lessons=1)
    (lesson,) = lessons_of(course)
    enrolment = services.enrol(person=learner, course=course)

    logged_in(client, learner).post(done_url(lesson))

    assert not LessonProgress.objects.filter(enrolment=enrolment, done_at__isnull=False).exists()
    assert enrolment.completed_at is None


# Completion


def finish(client, lessons):
    for lesson in lessons:
        open_lesson(client, lesson)
        client.post(done_url(lesson))


def test_doing_every_required_lesson_completes_the_course_and_writes_one_training_record(client, catalogue, learner):
    course = make_course(catalogue, lessons=2, estimated_hours=Decimal("2.5"))
    make_lesson(course, required=False)
    required = [lesson for lesson in lessons_of(course) if lesson.required]
    services.enrol(person=learner, course=course)
    logged_in(client, learner)

    finish(client, required[:1])
    assert Enrolment.objects.get(person=learner).completed_at is None

    finish(client, required[1:])
    finish(client, required)

    assert Enrolment.objects.get(person=learner).completed_at is not None
    record = TrainingRecord.objects.get(person=learner)
    assert record.kind == TrainingKind.COURSE
    assert record.hours == Decimal("2.5")
    assert record.source_key == ledger.course_key(course.pk)
    assert record.unit == learner.unit


def test_completion_happens_once_even_when_two_requests_saw_it_incomplete(catalogue, learner):
    course = make_course(catalogue, lessons=1)
    (lesson,) = lessons_of(course)
    enrolment = services.enrol(person=learner, course=course)
    services.open_lesson(enrolment=enrolment, lesson=lesson)
    first_click, second_click = (Enrolment.objects.get(pk=enrolment.pk) for _click in range(2))

    completed = [
        services.mark_lesson_done(enrolment=first_click, lesson=lesson),
        services.mark_lesson_done(enrolment=second_click, lesson=lesson),
    ]

    assert completed == [True, False]
    assert TrainingRecord.objects.filter(person=learner).count() == 1


def test_completion_fires_the_course_completed_signal_once(catalogue, learner):
    course = make_course(catalogue, lessons=1)
    (lesson,) = lessons_of(course)
    enrolment = services.enrol(person=learner, course=course)
    services.open_lesson(enrolment=enrolment, lesson=lesson)
    received = []

    def receiver(sender, enrolment, record, **kwargs):
        received.append((enrolment.pk, record.pk))

    course_completed.connect(receiver)
    try:
        services.mark_lesson_done(enrolment=enrolment, lesson=lesson)
        services.mark_lesson_done(enrolment=enrolment, lesson=lesson)
    finally:
        course_completed.disconnect(receiver)

    assert received == [(enrolment.pk, TrainingRecord.objects.get(person=learner).pk)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_requests_complete_a_course_exactly_once_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs a database that runs requests in parallel")
    course = make_course(make_catalogue(), lessons=1)
    (lesson,) = lessons_of(course)
    learner = make_learner_person(make_unit())
    enrolment = services.enrol(person=learner, course=course)
    services.open_lesson(enrolment=enrolment, lesson=lesson)
    requests = 4
    barrier = threading.Barrier(requests)
    results = []

    def click():
        try:
            mine = Enrolment.objects.get(pk=enrolment.pk)
            barrier.wait()
            results.append(services.mark_lesson_done(enrolment=mine, lesson=lesson))
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _request in range(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [False] * (requests - 1) + [True]
    assert TrainingRecord.objects.filter(person=learner).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_finishing_the_last_two_lessons_in_parallel_still_completes_the_course_on_postgresql():
    # Each request checks the completion rule; were the checks not one after the other, each would see
    # the other's lesson not yet done and neither would complete the course.
    if connection.vendor != "postgresql":
        pytest.skip("needs a database that runs requests in parallel")
    course = make_course(make_catalogue(), lessons=2)
    first, second = lessons_of(course)
    learner = make_learner_person(make_unit())
    enrolment = services.enrol(person=learner, course=course)
    for lesson in (first, second):
        services.open_lesson(enrolment=enrolment, lesson=lesson)
    first_checked, second_finished = threading.Event(), threading.Event()
    results = {}

    def first_request():
        try:
            with transaction.atomic():
                mine = Enrolment.objects.get(pk=enrolment.pk)
                results["first"] = services.mark_lesson_done(enrolment=mine, lesson=first)
                first_checked.set()
                # Commit only once the second request is through, or after a while if it is waiting on a lock.
                second_finished.wait(timeout=3)
        finally:
            first_checked.set()
            connection.close()

    def second_request():
        try:
            first_checked.wait(timeout=10)
            mine = Enrolment.objects.get(pk=enrolment.pk)
            results["second"] = services.mark_lesson_done(enrolment=mine, lesson=second)
        finally:
            second_finished.set()
            connection.close()

    run_side_by_side(first_request, second_request)

    assert LessonProgress.objects.filter(enrolment=enrolment, done_at__isnull=False).count() == 2
    assert sorted(results.values()) == [False, True]
    assert Enrolment.objects.get(pk=enrolment.pk).completed_at is not None
    assert TrainingRecord.objects.filter(person=learner).count() == 1


# Access


def test_a_learner_cannot_mark_lessons_of_a_course_they_are_not_enrolled_in(client, catalogue, unit, learner):
    course = make_course(catalogue, lessons=1)
    (lesson,) = lessons_of(course)
    enrolment = services.enrol(person=learner, course=course)
    services.open_lesson(enrolment=enrolment, lesson=lesson)
    other = make_learner_person(unit)

    response = logged_in(client, other).post(done_url(lesson))

    assert response.status_code == 403
    assert vietnamese("You are not enrolled in this course.") in response.text
    assert LessonProgress.objects.get(enrolment=enrolment).done_at is None
    assert not Enrolment.objects.filter(person=other).exists()


def test_a_learner_s_writes_on_pages_behind_a_password_are_not_found(client, catalogue, learner):
    course = make_course(catalogue, lessons=1)
    (lesson,) = lessons_of(course)
    quiz = make_quiz(course, questions=[make_single_choice(QuestionCategory.objects.create(name="Kỹ năng số"))])
    enrolment = services.enrol(person=learner, course=course)  # before the catalogue was closed
    closed = make_course(catalogue, lessons=0)
    PageViewRestriction.objects.create(page=catalogue, restriction_type=PageViewRestriction.PASSWORD, password="x")
    logged_in(client, learner)

    writes = [
        enrol_url(closed),
        opened_url(lesson),
        done_url(lesson),
        reverse("quiz_start", args=[quiz.pk]),
    ]

    assert [client.post(url).status_code for url in writes] == [404, 404, 404, 404]
    assert not Enrolment.objects.filter(course=closed).exists()
    assert not LessonProgress.objects.filter(enrolment=enrolment).exists()
    assert not enrolment.attempts.exists()


def test_the_course_page_shows_each_learner_only_their_own_progress(client, catalogue, unit, learner):
    course = make_course(catalogue, lessons=1)
    (lesson,) = lessons_of(course)
    enrolment = services.enrol(person=learner, course=course)
    services.open_lesson(enrolment=enrolment, lesson=lesson)
    services.mark_lesson_done(enrolment=enrolment, lesson=lesson)

    mine = logged_in(client, learner).get(course.url)
    theirs = logged_in(client, make_learner_person(unit)).get(course.url)

    assert mine.context["enrolment"] == enrolment
    assert vietnamese("Your progress") in mine.text
    assert theirs.context["enrolment"] is None
    assert not any(lesson.is_done for lesson in theirs.context["lessons"])
    assert vietnamese("Your progress") not in theirs.text
    assert enrol_url(course) in theirs.text


def test_a_lesson_of_an_open_course_sends_a_learner_not_enrolled_to_the_course_page(client, catalogue, learner):
    course = make_course(catalogue, lessons=1)

    response = logged_in(client, learner).get(lessons_of(course)[0].url)

    assert response.status_code == 302
    assert response.url == course.url
    assert not LessonProgress.objects.exists()
    course_page = client.get(course.url).text
    assert vietnamese("Enrol in the course to read its lessons.") in course_page
    assert enrol_url(course) in course_page


def test_a_lesson_of_an_assigned_only_course_is_refused_to_people_not_assigned(client, catalogue, learner):
    course = make_course(catalogue, lessons=1, enrolment_mode=EnrolmentMode.ASSIGNED)
    lesson = lessons_of(course)[0]

    response = logged_in(client, learner).get(lesson.url)

    assert response.status_code == 403
    assert "Nội dung bài học" not in response.text


def test_lessons_need_a_login(client, catalogue):
    course = make_course(catalogue, lessons=1)

    response = client.get(lessons_of(course)[0].url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_my_courses_shows_only_my_own_courses_in_progress_and_completed(client, catalogue, unit, learner):
    started = make_course(catalogue, title="Khóa đang học")
    finished = make_course(catalogue, title="Khóa đã xong")
    someone_elses = make_course(catalogue, title="Khóa của người khác")
    services.enrol(person=learner, course=started)
    Enrolment.objects.create(person=learner, course=finished, completed_at=timezone.now())
    services.enrol(person=make_learner_person(unit), course=someone_elses)

    response = logged_in(client, learner).get(reverse("my_courses"))

    assert [enrolment.course.title for enrolment in response.context["current"]] == ["Khóa đang học"]
    assert [enrolment.course.title for enrolment in response.context["completed"]] == ["Khóa đã xong"]
    assert "Khóa của người khác" not in response.text
    page = response.text
    in_progress = page.index('<h2 id="current-heading">Đang học</h2>')
    completed = page.index(f'<h2 id="completed-heading">{vietnamese("Completed")}</h2>')
    assert in_progress < page.index("Khóa đang học") < completed < page.index("Khóa đã xong")


# The enrolment gate of lessons and quizzes (a before_serve_page hook)


STEPS = ["lesson", "quiz"]
NOT_ENROLLED = {
    "lesson": "Enrol in the course to read its lessons.",
    "quiz": "Enrol in the course to take its quizzes.",
}


def course_step(catalogue, kind, **course_fields):
    """A course of one lesson and one quiz, and its ``kind`` of step."""
    course = make_course(catalogue, lessons=1, **course_fields)
    quiz = make_quiz(course, questions=[make_single_choice(QuestionCategory.objects.create(name="Kỹ năng số"))])
    return course, lessons_of(course)[0] if kind == "lesson" else quiz


@pytest.mark.parametrize("kind", STEPS)
def test_a_step_is_served_to_a_learner_enrolled_in_its_course(client, catalogue, learner, kind):
    course, step = course_step(catalogue, kind)
    services.enrol(person=learner, course=course)

    response = logged_in(client, learner).get(step.url)

    assert response.status_code == 200
    assert response.context["page"] == step


@pytest.mark.parametrize("kind", STEPS)
def test_a_step_sends_an_anonymous_visitor_to_log_in(client, catalogue, kind):
    _course, step = course_step(catalogue, kind)

    response = client.get(step.url)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={step.url}"


@pytest.mark.parametrize("kind", STEPS)
def test_a_step_of_an_open_course_sends_a_learner_not_enrolled_to_enrol_on_the_course_page(
    client, catalogue, learner, kind
):
    course, step = course_step(catalogue, kind)

    response = logged_in(client, learner).get(step.url, follow=True)

    assert response.redirect_chain == [(course.url, 302)]
    assert vietnamese(NOT_ENROLLED[kind]) in response.text
    assert enrol_url(course) in response.text


@pytest.mark.parametrize("kind", STEPS)
def test_a_step_of_an_assigned_only_course_is_refused_to_a_learner_not_assigned(client, catalogue, learner, kind):
    _course, step = course_step(catalogue, kind, enrolment_mode=EnrolmentMode.ASSIGNED)

    response = logged_in(client, learner).get(step.url)

    assert response.status_code == 403
    assert vietnamese("This course is open only to the people an organiser assigns to it.") in response.text


@pytest.mark.parametrize("kind", STEPS)
def test_a_step_is_refused_to_an_account_without_a_person(client, catalogue, kind):
    _course, step = course_step(catalogue, kind)
    client.force_login(make_learner())

    response = client.get(step.url)

    assert response.status_code == 403
    assert not_a_learner_message() in response.text


def test_the_gate_is_a_before_serve_page_hook_and_the_page_models_keep_wagtails_serve():
    assert wagtail_hooks.let_only_enrolled_learners_into_lessons_and_quizzes in hooks.get_hooks("before_serve_page")
    assert LessonPage.serve is Page.serve
    assert QuizPage.serve is Page.serve


# Opening a lesson


def opened_url(lesson):
    return reverse("lesson_opened", args=[lesson.pk])


def test_a_lesson_page_offers_to_start_it_until_it_is_opened(client, catalogue, learner):
    course = make_course(catalogue, lessons=1)
    (lesson,) = lessons_of(course)
    enrolment = services.enrol(person=learner, course=course)
    logged_in(client, learner)

    before = client.get(lesson.url).text
    opened = client.post(opened_url(lesson))
    after = client.get(lesson.url).text

    assert f'action="{opened_url(lesson)}" data-open-lesson' in before
    assert f'action="{done_url(lesson)}" data-lesson-done hidden>' in before  # until the opening lands
    assert f'action="{done_url(lesson)}" data-lesson-done>' in after
    assert opened.status_code == 302
    assert opened.url == lesson.url
    assert LessonProgress.objects.filter(enrolment=enrolment, lesson=lesson).exists()
    assert opened_url(lesson) not in after


def test_opening_a_lesson_is_refused_to_a_learner_not_enrolled(client, catalogue, learner):
    (lesson,) = lessons_of(make_course(catalogue, lessons=1))

    response = logged_in(client, learner).post(opened_url(lesson))

    assert response.status_code == 403
    assert not LessonProgress.objects.exists()


# Preview


def test_a_trainer_previews_a_lesson_draft_in_the_admin(client, catalogue):
    course = make_course(catalogue, lessons=1)
    lesson = lessons_of(course)[0].specific
    lesson.body = json.dumps([{"type": "paragraph", "value": "<p>Bản nháp chưa xuất bản.</p>"}])
    lesson.save_revision()
    client.force_login(make_user(is_superuser=True, is_staff=True))

    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[lesson.pk]))

    assert response.status_code == 200
    assert "Bản nháp chưa xuất bản." in response.text
    assert "Bản nháp chưa xuất bản." not in client.get(lesson.url).text


def test_a_trainer_previews_a_course_draft_s_audience_while_learners_see_the_published_one(client, catalogue):
    course = make_course(catalogue)
    course.audience = PersonCategory.objects.filter(code="chuyen-trach")
    course.save_revision().publish()
    published = str(course.audience.get())
    assert published in client.get(course.url).text  # each process keeps it now
    course.audience = PersonCategory.objects.filter(code="khong-chuyen-trach")
    course.save_revision()
    client.force_login(make_user(is_superuser=True, is_staff=True))

    draft = client.get(reverse("wagtailadmin_pages:view_draft", args=[course.pk])).text

    assert str(PersonCategory.objects.get(code="khong-chuyen-trach")) in draft
    assert published not in draft
    assert published in client.get(course.url).text


def test_a_trainer_previews_unsaved_lesson_edits_in_the_admin_without_being_a_learner(client, catalogue):
    course = make_course(catalogue, lessons=2)
    lesson = lessons_of(course)[1].specific
    trainers = Group.objects.get(name=roles.TRAINER)
    for codename in ("add_page", "change_page"):
        GroupPagePermission.objects.create(
            group=trainers,
            page=catalogue,
            permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
        )
    trainer = make_trainer(is_staff=True)
    client.force_login(trainer)
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[lesson.pk])
    form = nested_form_data(
        {
            "title": lesson.title,
            "slug": lesson.slug,
            "body": streamfield([("paragraph", rich_text("<p>Bản nháp chưa lưu của giảng viên.</p>"))]),
        }
    )

    stored = client.post(preview_url, form)
    response = client.get(preview_url)

    assert stored.json()["is_valid"]
    assert response.status_code == 200
    assert "Bản nháp chưa lưu của giảng viên." in response.text
    assert response.context["enrolment"] is None
    assert response.context["position"] == 2
    assert not LessonProgress.objects.exists()
    lesson.refresh_from_db()
    assert "Bản nháp chưa lưu của giảng viên." not in str(lesson.body)


# Query counts


def queries_for(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_course_and_lesson_pages_do_not_query_per_lesson(client, catalogue, learner):
    short, long = make_course(catalogue, lessons=2), make_course(catalogue, lessons=8)
    for course in (short, long):
        enrolment = services.enrol(person=learner, course=course)
        for lesson in lessons_of(course):
            services.open_lesson(enrolment=enrolment, lesson=lesson)
            services.mark_lesson_done(enrolment=enrolment, lesson=lesson)
    logged_in(client, learner)

    assert queries_for(client, long.url) == queries_for(client, short.url)
    assert queries_for(client, lessons_of(long)[-1].url) == queries_for(client, lessons_of(short)[-1].url)
    assert queries_for(client, long.url) <= 25


def test_my_courses_does_not_query_per_course(client, catalogue, learner):
    logged_in(client, learner)
    services.enrol(person=learner, course=make_course(catalogue, lessons=3))
    one_course = queries_for(client, reverse("my_courses"))
    for _course in range(5):
        services.enrol(person=learner, course=make_course(catalogue, lessons=3))

    assert queries_for(client, reverse("my_courses")) == one_course


def test_my_courses_lists_the_courses_due_soonest_first_and_marks_those_overdue(client, catalogue, learner):
    today = timezone.localdate()
    due = {}
    for title, due_in, completed in [
        ("Khóa hạn ba ngày nữa", 3, False),
        ("Khóa quá hạn", -1, False),
        ("Khóa hạn hôm nay", 0, False),
        ("Khóa đã xong trước hạn", -10, True),
        ("Khóa không có hạn", None, False),
    ]:
        due[title] = Enrolment.objects.create(
            person=learner,
            course=make_course(catalogue, lessons=1, title=title),
            due_date=None if due_in is None else today + timedelta(days=due_in),
            completed_at=timezone.now() if completed else None,
        )

    response = logged_in(client, learner).get(reverse("my_courses"))

    listed = [
        (enrolment.course.title, enrolment.days_left, enrolment.days_overdue) for enrolment in response.context["due"]
    ]
    assert listed == [("Khóa quá hạn", -1, 1), ("Khóa hạn hôm nay", 0, 0), ("Khóa hạn ba ngày nữa", 3, 0)]
    assert [enrolment.course.title for enrolment in response.context["current"]] == ["Khóa không có hạn"]
    assert [enrolment.course.title for enrolment in response.context["completed"]] == ["Khóa đã xong trước hạn"]
    page = response.text
    assert page.count('class="card card--overdue"') == 1
    overdue_card = page[page.index("Khóa quá hạn") : page.index("Khóa hạn hôm nay")]
    assert vietnamese("Overdue") in overdue_card
    assert page.index('id="due-heading"') < page.index('id="current-heading"')
    lesson = due["Khóa quá hạn"].course.lessons().first()
    assert f'<p class="next-step"><a class="button" href="{lesson.url}">' in overdue_card


def test_the_lessons_quizzes_and_prerequisites_of_a_course_read_before_follow_what_the_trainer_publishes_after(
    client, catalogue, learner
):
    course = make_course(catalogue, lessons=1, title="Chữ ký số")
    first = lessons_of(course)[0]
    services.enrol(person=learner, course=course)
    logged_in(client, learner)
    for url in (course.url, first.url, reverse("my_courses")):  # each process keeps the course's steps now
        assert client.get(url).status_code == 200

    second = make_lesson(course, title="Ký một văn bản")
    basics = make_course(catalogue, title="Kỹ năng số cơ bản")
    course.prerequisites = [basics]
    course.save_revision().publish()

    course_page = client.get(course.url)
    assert [lesson.title for lesson in course_page.context["lessons"]] == [first.title, "Ký một văn bản"]
    assert [page.title for page in course_page.context["prerequisites"]] == ["Kỹ năng số cơ bản"]
    assert client.get(first.url).context["following_lesson"].pk == second.pk
    assert client.get(reverse("my_courses")).context["current"][0].required_count == 2

    second.unpublish()
    assert [lesson.title for lesson in client.get(course.url).context["lessons"]] == [first.title]
    assert client.get(reverse("my_courses")).context["current"][0].required_count == 1

    course.title = "Chữ ký số trên điện thoại"
    course.save_revision().publish()
    assert [enrolment.course.title for enrolment in client.get(reverse("my_courses")).context["current"]] == [
        "Chữ ký số trên điện thoại"
    ]
    course.unpublish()
    assert client.get(reverse("my_courses")).context["current"] == []
