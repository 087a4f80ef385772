"""Demo course content: the catalogue, three published courses, and some learners' progress."""

import json
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from wagtail.models import GroupPagePermission

from courses import services
from courses.demo_content import COURSES
from courses.models import Competence, CourseIndexPage, CoursePage, Enrolment, LessonPage
from lms import roles
from lms.demo import DEMO_COMMUNE_CODE
from lms.models import Person, PersonCategory

CATALOGUE_TITLE = "Khóa học"
CATALOGUE_INTRO = (
    "Các khóa học kỹ năng số dành cho cán bộ Mặt trận Tổ quốc các cấp và Trưởng Ban công tác "
    "Mặt trận ở khu dân cư. Mỗi khóa gồm các bài học ngắn, học được trên điện thoại."
)
# Trainers write and edit the catalogue's courses; publishing goes through moderation.
TRAINER_PAGE_PERMISSIONS = ("add_page", "change_page")
DEMO_LEARNERS_PER_COURSE = 60


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
    return catalogue


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
    """Learners of the demo commune at every stage of the first course; the demo learner has
    completed it and is part way through the second. People already enrolled are left alone."""
    first, second = (CoursePage.objects.get(slug=spec["slug"]) for spec in COURSES[:2])
    long_ago = timezone.now() - timedelta(days=7)
    learner = Person.objects.filter(user__username="hocvien").first()
    if learner is not None and not Enrolment.objects.filter(person=learner).exists():
        finish_lessons(services.enrol(person=learner, course=first), list(first.lessons()), at=long_ago)
        finish_lessons(services.enrol(person=learner, course=second), list(second.lessons()[:1]), at=long_ago)
    lessons = list(first.lessons())
    commune_people = Person.objects.filter(unit__code__startswith=DEMO_COMMUNE_CODE, is_active=True).order_by(
        "external_id"
    )[:DEMO_LEARNERS_PER_COURSE]
    enrolled = set(Enrolment.objects.filter(course=first).values_list("person_id", flat=True))
    for index, person in enumerate(commune_people):
        if person.pk in enrolled:
            continue
        enrolment = services.enrol(person=person, course=first)
        finish_lessons(enrolment, lessons if index % 3 == 0 else lessons[:1] if index % 3 == 1 else [], at=long_ago)


def finish_lessons(enrolment, lessons, *, at):
    """Open and mark done ``lessons``, as if read at ``at``."""
    for lesson in lessons:
        services.open_lesson(enrolment=enrolment, lesson=lesson, at=at)
        services.mark_lesson_done(enrolment=enrolment, lesson=lesson, at=at + timedelta(minutes=10))
