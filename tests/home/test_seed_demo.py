import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from wagtail.models import Page, Revision

from certificates.models import Certificate
from courses.demo_content import COURSES
from courses.models import (
    Attempt,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    Question,
    QuizPage,
)
from lms import ledger, roles
from lms.demo import DEMO_COMMUNE_CODE, DEMO_PASSWORD, DEMO_PROVINCE_CODE
from lms.models import Attendance, Person, PersonCategory, TrainingRecord, TrainingSession, Unit, UnitLevel
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def snapshot():
    users = get_user_model().objects.order_by("username")
    return {
        "users": list(users.values_list("username", "password", "email", "phone", "is_superuser", "groups__name")),
        "pages": list(Page.objects.order_by("path").values_list("path", "title", "live")),
        "revisions": Revision.objects.count(),
        "units": list(Unit.objects.order_by("path").values_list("path", "code", "name")),
        "people": list(Person.objects.order_by("external_id").values_list("external_id", "unit__code", "user_id")),
        "sessions": list(TrainingSession.objects.order_by("title").values_list("title", flat=True)),
        "records": TrainingRecord.objects.count(),
        "enrolments": list(Enrolment.objects.order_by("pk").values_list("person_id", "course_id", "completed_at")),
        "lesson_progress": LessonProgress.objects.count(),
    }


def test_seed_demo_creates_the_four_documented_accounts_with_their_roles():
    call_command("seed_demo", stdout=None)

    users = get_user_model().objects
    assert users.get(username="quantri").is_superuser
    assert users.get(username="tochuc").groups.filter(name=roles.ORGANISER).exists()
    assert users.get(username="giangvien").groups.filter(name=roles.TRAINER).exists()
    assert users.get(username="hocvien").groups.filter(name=roles.LEARNER).exists()
    request = RequestFactory().post("/tai-khoan/login/")
    for username in ("quantri", "tochuc", "giangvien", "hocvien"):
        assert authenticate(request, username=username, password=DEMO_PASSWORD) is not None


def test_seed_demo_publishes_the_course_catalogue_with_courses_lessons_and_learners_at_every_stage():
    call_command("seed_demo", stdout=None)

    catalogue = CourseIndexPage.objects.live().get()
    assert catalogue.url == "/khoa-hoc/"
    courses = CoursePage.objects.live().child_of(catalogue)
    assert sorted(courses.values_list("slug", flat=True)) == sorted(spec["slug"] for spec in COURSES)
    for course in courses:
        assert LessonPage.objects.live().child_of(course).count() == 4
    learner = Person.objects.get(user__username="hocvien")
    learner_enrolments = Enrolment.objects.filter(person=learner)
    assert learner_enrolments.filter(completed_at__isnull=False).count() == 1
    assert learner_enrolments.filter(completed_at__isnull=True).count() == 1
    first_course = Enrolment.objects.filter(course__slug=COURSES[0]["slug"])
    assert first_course.filter(completed_at__isnull=False).exists()
    assert first_course.filter(completed_at__isnull=True, lesson_progress__isnull=False).exists()
    assert first_course.filter(lesson_progress__isnull=True).exists()
    # Those who completed it passed its quiz.
    passed = Attempt.objects.filter(
        passed=True, quiz__in=QuizPage.objects.child_of(courses.get(slug=COURSES[0]["slug"]))
    )
    assert set(passed.values_list("enrolment", flat=True)) == set(
        first_course.filter(completed_at__isnull=False).values_list("pk", flat=True)
    )


def test_seed_demo_leaves_the_demo_learner_a_signed_certificate_for_the_completed_course():
    call_command("seed_demo", stdout=None)

    learner = Person.objects.get(user__username="hocvien")
    (certificate,) = Certificate.objects.filter(person=learner)
    completed = Enrolment.objects.get(person=learner, completed_at__isnull=False)
    assert certificate.training_record.source_key == ledger.course_key(completed.course_id)
    assert certificate.is_valid
    assert certificate.pdf
    assert len(certificate.sha256) == 64
    with certificate.pdf.open("rb") as file:
        assert len(PdfFileReader(file).embedded_signatures) == 1


def test_seed_demo_gives_each_course_a_quiz_drawing_from_a_bank_of_at_least_30_questions_of_several_types():
    call_command("seed_demo", stdout=None)

    for course in CoursePage.objects.live():
        (quiz,) = QuizPage.objects.live().child_of(course)
        drawable = set()
        for slot in quiz.slots.all():
            drawable |= set(
                Question.objects.filter(category__in=slot.category.with_descendants()).values_list("pk", flat=True)
            )
        assert len(drawable) >= 30
        kinds = Question.objects.filter(pk__in=drawable).values_list("polymorphic_ctype__model", flat=True)
        assert set(kinds) >= {
            "singlechoicequestion",
            "multiplechoicequestion",
            "truefalsequestion",
            "shortanswerquestion",
            "matchingquestion",
        }
        right = {
            question.pk: question.grade(question.right_response())
            for question in Question.objects.filter(pk__in=drawable)
        }
        assert set(right.values()) == {1}
    assert not Question.objects.filter(text__contains="_____").exists()  # no question lost its feedback to a gap


def test_seed_demo_gives_a_real_province_with_residential_areas_people_sessions_and_a_scoped_organiser():
    call_command("seed_demo", stdout=None)

    province = Unit.objects.get(code=DEMO_PROVINCE_CODE)
    assert province.name == "Tỉnh Thái Nguyên"
    assert Unit.objects.filter(province=province, level=UnitLevel.COMMUNE).count() == 92
    assert Unit.objects.filter(province=province, level=UnitLevel.RESIDENTIAL_AREA).count() >= 10
    assert 250 <= Person.objects.filter(province=province).count() <= 350
    assert set(Person.objects.values_list("category", flat=True)) == set(
        PersonCategory.objects.values_list("pk", flat=True)
    )
    sessions = TrainingSession.objects.all()
    assert len(sessions) == 2
    for session in sessions:
        assert Attendance.objects.filter(session=session).exists()
        assert session.ends_at < timezone.now()
    completed_courses = Enrolment.objects.filter(completed_at__isnull=False).count()
    assert TrainingRecord.objects.count() == Attendance.objects.count() + completed_courses
    organiser = get_user_model().objects.get(username="tochuc")
    assert organiser.managed_unit.code == DEMO_COMMUNE_CODE
    assert Person.objects.get(user__username="hocvien").commune.code == DEMO_COMMUNE_CODE


def test_running_seed_demo_twice_changes_nothing():
    call_command("seed_demo", stdout=None)
    first = snapshot()

    call_command("seed_demo", stdout=None)

    assert snapshot() == first


def test_seeding_again_a_database_in_use_enrols_no_one_imported_and_invents_no_completion():
    call_command("seed_demo", stdout=None)
    area = Unit.objects.get(code=f"{DEMO_COMMUNE_CODE}-01")
    # Imported since: their ids sort before the demo's own, as a province's list often does.
    imported = [make_person(unit=area, external_id=f"001-{number}") for number in range(3)]
    before = snapshot()

    call_command("seed_demo", stdout=None)

    assert snapshot() == before
    assert not Enrolment.objects.filter(person__in=imported).exists()
    assert not TrainingRecord.objects.filter(person__in=imported).exists()


def test_seed_demo_refuses_where_demo_data_is_switched_off(settings):
    settings.LMS_ALLOW_DEMO_DATA = False

    with pytest.raises(CommandError, match="LMS_ALLOW_DEMO_DATA"):
        call_command("seed_demo", stdout=None)

    assert not get_user_model().objects.filter(username="quantri").exists()
