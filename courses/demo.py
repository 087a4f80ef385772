"""Demo course content: the catalogue, three published courses with a quiz each, and some learners' progress."""

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from wagtail.models import GroupPagePermission

from courses import quizzes, services
from courses.demo_content import COURSES
from courses.models import (
    Competence,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    LessonPage,
    QuestionCategory,
    QuizPage,
    QuizSlot,
    ReviewOption,
)
from courses.question_import import import_questions
from lms import roles
from lms.demo import DEMO_COMMUNE_CODE, demo_people
from lms.models import Person, PersonCategory

CATALOGUE_TITLE = "Khóa học"
CATALOGUE_INTRO = (
    "Các khóa học kỹ năng số dành cho cán bộ Mặt trận Tổ quốc các cấp và Trưởng Ban công tác "
    "Mặt trận ở khu dân cư. Mỗi khóa gồm các bài học ngắn, học được trên điện thoại."
)
# Trainers write and edit the catalogue's courses; publishing goes through moderation.
TRAINER_PAGE_PERMISSIONS = ("add_page", "change_page")
DEMO_LEARNERS_PER_COURSE = 60
# Each course's bank is a GIFT file here, imported under one bank whose every question a quiz may draw.
DEMO_QUESTIONS = Path(__file__).resolve().parent / "demo_questions"
DEMO_BANK = "Ngân hàng câu hỏi kỹ năng số"
QUIZ_TITLE = "Bài kiểm tra cuối khóa"
QUIZ_INTRO = (
    "<p>10 câu hỏi rút ngẫu nhiên từ ngân hàng câu hỏi: 7 câu về nội dung khóa học và 3 câu ôn tập kỹ năng số "
    "chung. Làm trong 20 phút, đạt từ 70% trở lên; được làm 3 lần, tính lần cao điểm nhất.</p>"
)


@transaction.atomic
def seed_demo_catalogue(home_page):
    """Publish the course catalogue under ``home_page`` unless one exists, with its demo courses;
    give trainers the catalogue to edit; return it."""
    catalogue = CourseIndexPage.objects.child_of(home_page).first()
    if catalogue is None:
        catalogue = CourseIndexPage(title=CATALOGUE_TITLE, slug="khoa-hoc", intro=CATALOGUE_INTRO)
        home_page.add_child(instance=catalogue)
        catalogue.save_revision().publish()
    trainers = Group.objects.get(name=roles.TRAINER)
    for codename in TRAINER_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=trainers,
            page=catalogue,
            permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
        )
    for spec in COURSES:
        if not CoursePage.objects.child_of(catalogue).filter(slug=spec["slug"]).exists():
            publish_course(catalogue, spec)
        course = CoursePage.objects.child_of(catalogue).get(slug=spec["slug"])
        if not QuizPage.objects.child_of(course).exists():
            publish_quiz(course)
    return catalogue


def publish_quiz(course):
    """The course's final quiz: 7 questions drawn from the course's own bank and 3 from the whole bank."""
    gift = DEMO_QUESTIONS / f"{course.slug}.gift"
    with gift.open("rb") as file:
        result = import_questions(file, filename=gift.name, file_format="gift", category_name=DEMO_BANK)
    if result.errors or result.notes:
        raise ValueError(f"{gift.name}: {result.errors + result.notes}")
    bank = QuestionCategory.objects.get(name=DEMO_BANK, parent=None)
    own = QuestionCategory.objects.get(parent=bank, name=course.title)
    quiz = QuizPage(
        title=QUIZ_TITLE,
        slug="bai-kiem-tra",
        intro=QUIZ_INTRO,
        pass_mark=70,
        attempts_allowed=3,
        time_limit_minutes=20,
        review=ReviewOption.CORRECT,
    )
    quiz.slots = [QuizSlot(category=own, count=7, sort_order=0), QuizSlot(category=bank, count=3, sort_order=1)]
    course.add_child(instance=quiz)
    quiz.save_revision().publish()


def publish_course(catalogue, spec):
    course = CoursePage(
        title=spec["title"],
        slug=spec["slug"],
        summary=spec["summary"],
        estimated_hours=Decimal(spec["estimated_hours"]),
        enrolment_mode=spec["enrolment_mode"],
    )
    course.audience = PersonCategory.objects.filter(code__in=spec["audience"])
    course.competences = Competence.objects.filter(number__in=spec["competences"])
    course.prerequisites = CoursePage.objects.filter(slug__in=spec["prerequisites"])
    catalogue.add_child(instance=course)
    course.save_revision().publish()
    for lesson_spec in spec["lessons"]:
        lesson = LessonPage(
            title=lesson_spec["title"],
            slug=lesson_spec["slug"],
            required=lesson_spec["required"],
            min_reading_minutes=lesson_spec["min_reading_minutes"],
            body=json.dumps(lesson_spec["body"]),
        )
        course.add_child(instance=lesson)
        lesson.save_revision().publish()


@transaction.atomic
def seed_demo_progress():
    """Demo learners of the demo commune at every stage of the first course; the demo learner has
    completed it and is part way through the second. People already enrolled are left alone, and people not
    made by the demo are never enrolled."""
    first, second = (CoursePage.objects.get(slug=spec["slug"]) for spec in COURSES[:2])
    long_ago = timezone.now() - timedelta(days=7)
    learner = Person.objects.filter(user__username="hocvien").first()
    if learner is not None and not Enrolment.objects.filter(person=learner).exists():
        finish_course(services.enrol(person=learner, course=first), at=long_ago)
        finish_lessons(services.enrol(person=learner, course=second), list(second.lessons()[:1]), at=long_ago)
    lessons = list(first.lessons())
    # The same demo people every run, whoever was imported, moved or switched off since: seeding again enrols
    # nobody new and invents no completion.
    commune_people = demo_people().filter(unit__code__startswith=DEMO_COMMUNE_CODE).order_by("external_id")
    enrolled = set(Enrolment.objects.filter(course=first).values_list("person_id", flat=True))
    for index, person in enumerate(commune_people[:DEMO_LEARNERS_PER_COURSE]):
        if person.pk in enrolled or not person.is_active:
            continue
        enrolment = services.enrol(person=person, course=first)
        if index % 3 == 0:
            finish_course(enrolment, at=long_ago, first_try_right=index % 8 if index % 2 else None)
        else:
            finish_lessons(enrolment, lessons[:1] if index % 3 == 1 else [], at=long_ago)


def finish_lessons(enrolment, lessons, *, at):
    """Open and mark done ``lessons``, as if read at ``at``."""
    for lesson in lessons:
        services.open_lesson(enrolment=enrolment, lesson=lesson, at=at)
        services.mark_lesson_done(enrolment=enrolment, lesson=lesson, at=at + timedelta(minutes=10))


def finish_course(enrolment, *, at, first_try_right=None):
    """Read every lesson, then pass the course's quizzes, as if done at ``at``; with ``first_try_right``,
    after a first attempt with only that many right answers."""
    finish_lessons(enrolment, list(enrolment.course.lessons()), at=at)
    for quiz in enrolment.course.quizzes():
        if first_try_right is not None:
            take_quiz(enrolment, quiz, right=first_try_right, at=at)
        take_quiz(enrolment, quiz, right=None, at=at + timedelta(minutes=15))


def take_quiz(enrolment, quiz, *, right, at):
    """An attempt whose first ``right`` questions (all if None) are answered right, the others left blank."""
    attempt = quizzes.start_attempt(enrolment=enrolment, quiz=quiz, at=at)
    for answer in attempt.questions.all()[:right]:
        answer.response = answer.as_question.right_response()
        answer.save(update_fields=["response"])
    quizzes.submit_attempt(attempt=attempt, at=at + timedelta(minutes=12))
