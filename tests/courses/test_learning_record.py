"""“Khóa học của tôi” keeps the learner's learning record rendered (``courses.views.learning_record``), and each
process keeps a learner's enrolment and progress in a course (``courses.selectors.learner_enrolment``,
``learner_progress``) for the course, lesson and quiz pages; both are made anew on every change of what they show:
each write of the record raises the person's ``learning_version``; a page's change, the language and the day are in
the key too. Each test opens the page first, so that a change the version missed would show the page as kept before
it."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from certificates.models import CertificateTemplate
from certificates.services import issue_certificate, make_pdf, revoke_certificate
from certificates.signing import create_signing_key
from courses import quizzes, services
from courses.models import EssayQuestion, QuestionCategory
from lms import ledger
from lms.models import AttendanceMethod, Person, TrainingRecord
from lms.services import record_attendance
from tests.courses.helpers import make_catalogue, make_course, make_learner_person, make_quiz, make_single_choice
from tests.factories import make_session, make_unit, make_user

pytestmark = pytest.mark.django_db

RECORD_TEMPLATE = "courses/learning_record.html"


@pytest.fixture
def catalogue():
    return make_catalogue()


@pytest.fixture
def learner():
    return make_learner_person(make_unit())


@pytest.fixture
def opened(client, learner):
    """The learner's "Khóa học của tôi" as they open it: its text (the record rendered and kept by the first open)."""
    client.force_login(learner.user)

    def my_courses():
        return client.get(reverse("my_courses")).text

    my_courses()
    return my_courses


def percents(text):
    return [int(value) for value in re.findall(r'<progress max="100" value="(\d+)"', text)]


def test_the_record_is_rendered_once_until_it_changes(client, learner, catalogue):
    services.enrol(person=learner, course=make_course(catalogue))
    client.force_login(learner.user)
    url = reverse("my_courses")

    first, again = client.get(url), client.get(url)
    Person.objects.filter(pk=learner.pk).learning_record_changed()
    changed = client.get(url)

    rendered = [
        [template.name for template in response.templates].count(RECORD_TEMPLATE)
        for response in (first, again, changed)
    ]
    assert rendered == [1, 0, 1]
    assert first.text.count("<progress") == again.text.count("<progress") == 1


def test_a_course_the_learner_enrols_in_shows(learner, catalogue, opened):
    course = make_course(catalogue, title="Nhận biết lừa đảo trực tuyến")
    assert course.title not in opened()

    services.enrol(person=learner, course=course)

    assert course.title in opened()


def test_a_course_assigned_to_the_learners_unit_shows_with_its_due_date(
    learner, catalogue, opened, django_capture_on_commit_callbacks
):
    course = make_course(catalogue, title="Chuyển đổi số cơ bản")
    assert course.title not in opened()

    with django_capture_on_commit_callbacks(execute=True):
        services.assign_course(
            course=course,
            unit=learner.unit,
            categories=[learner.category],
            due_date=timezone.localdate() + timedelta(days=10),
            user=make_user(is_superuser=True, is_staff=True),
        )

    page = opened()
    assert course.title in page
    assert "còn 10 ngày" in page


def test_the_next_step_follows_the_lesson_last_opened(learner, catalogue, opened):
    course = make_course(catalogue, lessons=3)
    first, _second, third = course.lessons()
    enrolment = services.enrol(person=learner, course=course)
    assert f"Bắt đầu: {first.title}" in opened()

    services.open_lesson(enrolment=enrolment, lesson=third)

    assert f"Bắt đầu: {third.title}" in opened()


def test_a_lesson_done_moves_the_progress_on(learner, catalogue, opened):
    course = make_course(catalogue, lessons=2)
    lesson = course.lessons().first()
    enrolment = services.enrol(person=learner, course=course)
    services.open_lesson(enrolment=enrolment, lesson=lesson)
    assert percents(opened()) == [0]

    services.mark_lesson_done(enrolment=enrolment, lesson=lesson)

    assert percents(opened()) == [50]


def test_a_quiz_passed_at_its_submit_moves_the_progress_on(learner, catalogue, opened):
    course = make_course(catalogue, lessons=1)
    quiz = make_quiz(
        course,
        questions=[make_single_choice(QuestionCategory.objects.create(name="Kỹ năng số"))],
        pass_mark=0,
        required=True,
    )
    enrolment = services.enrol(person=learner, course=course)
    attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz)
    assert percents(opened()) == [0]

    quizzes.submit_attempt(attempt=attempt)

    assert percents(opened()) == [50]


def test_a_quiz_passed_once_a_trainer_grades_its_essay_moves_the_progress_on(learner, catalogue, opened):
    course = make_course(catalogue, lessons=1)
    quiz = make_quiz(course, questions=[essay_question(points=2)], pass_mark=50, required=True)
    enrolment = services.enrol(person=learner, course=course)
    attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz)
    quizzes.submit_attempt(attempt=attempt)
    assert percents(opened()) == [0]

    quizzes.grade_essay(answer=attempt.questions.get(), points=2, feedback="Tốt.", user=None)

    assert percents(opened()) == [50]


def test_a_course_completed_moves_to_the_completed_ones_with_its_training(learner, catalogue, opened):
    course = make_course(catalogue, lessons=1, title="An toàn thông tin")
    lesson = course.lessons().get()
    enrolment = services.enrol(person=learner, course=course)
    services.open_lesson(enrolment=enrolment, lesson=lesson)
    assert "Đã hoàn thành ngày" not in opened()

    services.mark_lesson_done(enrolment=enrolment, lesson=lesson)

    page = opened()
    assert "Đã hoàn thành ngày" in page
    assert page.count("An toàn thông tin") == 2  # completed, and in the trainings


def test_a_certificate_shows_when_issued_its_download_when_its_pdf_is_made_and_its_revocation(learner, opened):
    if not settings.CERTIFICATE_SIGNING_KEY.exists():
        create_signing_key(
            settings.CERTIFICATE_SIGNING_KEY, passphrase=settings.CERTIFICATE_SIGNING_PASSPHRASE, common_name="Khóa thử"
        )
    cache.clear()
    template = CertificateTemplate.objects.create(
        name="Chứng nhận", issuer="MTTQ", place="Thái Nguyên", signer_name="A"
    )
    session = make_session(organising_unit=learner.unit, title="Tập huấn kỹ năng số")
    record_attendance(session=session, people=[learner], method=AttendanceMethod.TICKED)
    record = TrainingRecord.objects.get(person=learner)
    opened()

    certificate, _issued = issue_certificate(template=template, record=record)
    page = opened()
    assert certificate.serial in page
    assert reverse("certificate_download", args=[certificate.code]) not in page

    make_pdf(certificate)
    assert reverse("certificate_download", args=[certificate.code]) in opened()

    revoke_certificate(certificate=certificate, reason="Cấp nhầm người.", user=None)
    page = opened()
    assert reverse("certificate_download", args=[certificate.code]) not in page
    assert "đã thu hồi" in page


def test_trainings_show_as_recorded_and_go_when_voided(learner, opened):
    session = make_session(organising_unit=learner.unit, title="Tập huấn tại hội trường xã")

    record_attendance(session=session, people=[learner], method=AttendanceMethod.TICKED)
    assert "Tập huấn tại hội trường xã" in opened()

    (imported,) = ledger.record_imported(
        trainings=[
            ledger.ImportedTraining(
                person=learner, fingerprint="so-2023-1", reference="Lớp bồi dưỡng 2023", date=date(2023, 5, 4)
            )
        ]
    )
    assert "Lớp bồi dưỡng 2023" in opened()

    ledger.correct(record=imported, reason="Nhập nhầm người.")
    assert "Lớp bồi dưỡng 2023" not in opened()


def test_the_days_left_count_down_with_the_day(learner, catalogue, opened, monkeypatch):
    course = make_course(catalogue)
    enrolment = services.enrol(person=learner, course=course)
    today = timezone.localdate()
    type(enrolment).objects.filter(pk=enrolment.pk).update(due_date=today + timedelta(days=3))
    Person.objects.filter(pk=learner.pk).learning_record_changed()
    assert "còn 3 ngày" in opened()

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today + timedelta(days=1))

    assert "còn 2 ngày" in opened()


def test_a_course_renamed_shows_under_its_new_title(learner, catalogue, opened):
    course = make_course(catalogue, title="Kỹ năng số 1")
    services.enrol(person=learner, course=course)
    assert "Kỹ năng số 1" in opened()

    course.title = "Kỹ năng số cho cán bộ cơ sở"
    course.save_revision().publish()

    assert "Kỹ năng số cho cán bộ cơ sở" in opened()


def test_the_record_is_kept_in_each_language_apart(client, learner, catalogue, opened):
    services.enrol(person=learner, course=make_course(catalogue))
    assert "Bắt đầu" in opened()

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    assert "Bắt đầu" not in opened()


def test_the_course_page_follows_the_lessons_done_and_the_quizzes_passed(client, learner, catalogue):
    course = make_course(catalogue, lessons=1)
    lesson = course.lessons().get()
    quiz = make_quiz(course, questions=[make_single_choice(QuestionCategory.objects.create(name="Số"))], pass_mark=0)
    enrolment = services.enrol(person=learner, course=course)
    services.open_lesson(enrolment=enrolment, lesson=lesson)
    client.force_login(learner.user)
    assert client.get(course.url).context["lessons_done"] == 0

    services.mark_lesson_done(enrolment=enrolment, lesson=lesson)
    assert client.get(course.url).context["lessons_done"] == 1

    assert client.get(course.url).context["quizzes_passed"] == 0
    quizzes.submit_attempt(attempt=quizzes.start_attempt(enrolment=enrolment, quiz=quiz))
    assert client.get(course.url).context["quizzes_passed"] == 1


def test_a_lesson_opens_once_the_learner_enrols(client, learner, catalogue):
    course = make_course(catalogue, lessons=1)
    lesson = course.lessons().get()
    client.force_login(learner.user)
    assert client.get(lesson.url).status_code == 302  # enrol first, on the course page

    services.enrol(person=learner, course=course)

    assert client.get(lesson.url).status_code == 200


def test_a_person_saved_from_an_earlier_read_keeps_the_record_changed_since(learner):
    read_before = Person.objects.get(pk=learner.pk)
    Person.objects.filter(pk=learner.pk).learning_record_changed()

    read_before.position = "Chủ tịch"
    read_before.save()

    learner.refresh_from_db()
    assert (learner.position, learner.learning_version) == ("Chủ tịch", read_before.learning_version + 1)


def essay_question(*, points):
    category = QuestionCategory.objects.create(name="Tự luận")
    return EssayQuestion.objects.create(category=category, name="Kể lại", text="<p>Kể lại.</p>", points=Decimal(points))
