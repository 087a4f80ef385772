"""Writes on enrolments and progress: enrol, assign, open and finish lessons, complete courses."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from courses.models import (
    Attempt,
    CourseAssignment,
    Enrolment,
    EnrolmentMode,
    EnrolmentSource,
    LessonProgress,
)
from courses.selectors import course_steps, done_allowed_at, missing_prerequisites, missing_prerequisites_by_person
from courses.signals import course_completed
from lms import ledger
from lms.models import BackgroundJob, Person, Unit
from lms.services import run_job

ASSIGNMENT_CHUNK = 5000


def enrol(*, person, course):
    """Enrol ``person`` in an open course (idempotent: enrolling twice returns the same enrolment)."""
    existing = Enrolment.objects.filter(person=person, course=course).first()
    if existing is not None:
        return existing
    if not course.live:
        raise ValidationError(_("This course is not published."))
    if course.enrolment_mode != EnrolmentMode.OPEN:
        raise PermissionDenied(_("This course is open only to the people an organiser assigns to it."))
    if missing := missing_prerequisites(person=person, course=course):
        raise ValidationError(
            _("Complete these courses first: %(courses)s.") % {"courses": ", ".join(c.title for c in missing)}
        )
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(person=person, course=course, source=EnrolmentSource.SELF)
            Person.objects.filter(pk=person.pk).learning_record_changed()
            return enrolment
    except IntegrityError:  # a parallel request enrolled them first
        return Enrolment.objects.get(person=person, course=course)


def open_lesson(*, enrolment, lesson, at=None):
    """Note that the learner is reading ``lesson`` (the first time starts its reading clock)."""
    moment = at or timezone.now()
    LessonProgress.objects.bulk_create(
        [LessonProgress(enrolment=enrolment, lesson=lesson, opened_at=moment)], ignore_conflicts=True
    )
    if enrolment.last_lesson_id != lesson.pk:
        with transaction.atomic():
            Enrolment.objects.filter(pk=enrolment.pk).update(last_lesson=lesson)
            Person.objects.filter(pk=enrolment.person_id).learning_record_changed()  # the next step it shows
        enrolment.last_lesson = lesson


@transaction.atomic
def mark_lesson_done(*, enrolment, lesson, at=None):
    """Mark ``lesson`` done (once) and complete the course if its rule is now met.

    Returns True when this call completed the course.
    """
    moment = at or timezone.now()
    if lesson.get_parent().pk != enrolment.course_id:
        raise ValidationError(_("This lesson is not part of the course."))
    progress = LessonProgress.objects.filter(enrolment=enrolment, lesson=lesson).first()
    if progress is None:
        raise ValidationError(_("Open the lesson before marking it done."))
    if moment < done_allowed_at(progress.opened_at, lesson):
        raise ValidationError(
            _("Read the lesson for at least %(minutes)s minutes before marking it done.")
            % {"minutes": lesson.min_reading_minutes}
        )
    if LessonProgress.objects.filter(pk=progress.pk, done_at__isnull=True).update(done_at=moment):
        Person.objects.filter(pk=enrolment.person_id).learning_record_changed()
    return complete_if_rule_met(enrolment=enrolment, at=moment)


def rule_is_met(enrolment):
    """Every required live lesson of the course is done and every required live quiz passed (the course's steps as
    each process keeps them: a hall passing its course's last quiz checks this on every submit)."""
    course = enrolment.course
    required = {step.pk for step in course_steps([course], None)[course.pk] if step.required}
    done = LessonProgress.objects.filter(enrolment=enrolment, done_at__isnull=False).values_list("lesson_id", flat=True)
    passed = {quiz_id for _enrolment, quiz_id in Attempt.objects.filter(enrolment=enrolment).passed_keys()}
    return required <= set(done) | passed


@transaction.atomic
def complete_if_rule_met(*, enrolment, at=None):
    """Complete the enrolment exactly once when its course's rule is met; write its training record.

    The enrolment's row is locked first, so parallel requests check the rule one after the other: the
    last of two requests finishing the last two lessons sees both done, and only one completes it.
    Returns True when this call completed it.
    """
    enrolment.completed_at = (
        Enrolment.objects.select_for_update().values_list("completed_at", flat=True).get(pk=enrolment.pk)
    )
    if enrolment.completed_at is not None or not rule_is_met(enrolment):
        return False
    moment = at or timezone.now()
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=moment)
    enrolment.completed_at = moment
    course = enrolment.course
    person = Person.objects.get(pk=enrolment.person_id)
    record = ledger.record_course_completion(
        person=person,
        course_id=course.pk,
        title=course.title,
        date=timezone.localdate(moment),
        hours=course.estimated_hours,
        result=_("Completed"),
    )
    course_completed.send(sender=Enrolment, enrolment=enrolment, record=record)
    return True


def assign_course(*, course, unit, categories, due_date, user):
    """Order the enrolment of the active people of ``unit``'s subtree (of ``categories``) in ``course``.

    The enrolments are made by a background task; returns the assignment that tracks it.
    """
    from courses.tasks import run_assignment

    if not Unit.objects.visible_to(user).filter(pk=unit.pk).exists():
        raise PermissionDenied(_("This unit is outside yours."))
    assignment = CourseAssignment.objects.create(
        job=BackgroundJob.order(CourseAssignment, by=user), course=course, unit=unit, due_date=due_date
    )
    assignment.categories.set(categories)
    log(instance=assignment, action="courses.assign", user=user, data={"course": course.title, "unit": unit.code})
    transaction.on_commit(lambda: run_assignment.enqueue(assignment.pk))
    return assignment


def people_to_assign(assignment):
    people = Person.objects.filter(is_active=True).in_unit(assignment.unit)
    categories = list(assignment.categories.all())
    return people.filter(category__in=categories) if categories else people


def prerequisite_errors(lacking):
    """The job's errors for the people ``lacking`` prerequisites (``{person id: [course titles]}``), in name order."""
    people = Person.objects.filter(pk__in=lacking).select_related("unit").in_name_order()
    with translation.override(settings.LANGUAGE_CODE):
        return [
            {
                "item": f"{person.full_name} ({person.unit})",
                "error": _("Has not completed the courses this one needs first: %(courses)s.")
                % {"courses": ", ".join(lacking[person.pk])},
            }
            for person in people
        ]


def enrol_assigned_people(assignment):
    """Make an assignment's enrolments as its job (once), in chunks, saving the progress after each; people
    already enrolled keep their enrolment, and people who lack a prerequisite course are not enrolled but listed
    in the job's errors, with what they lack."""

    def enrol(job):
        people = people_to_assign(assignment)
        person_ids = list(people.order_by("pk").values_list("pk", flat=True))
        not_enrolled = people.exclude(enrolments__course_id=assignment.course_id)
        lacking = missing_prerequisites_by_person(assignment.course, not_enrolled)
        job.report(total=len(person_ids), errors=prerequisite_errors(lacking))
        person_ids = [person_id for person_id in person_ids if person_id not in lacking]
        for start in range(0, len(person_ids), ASSIGNMENT_CHUNK):
            chunk = person_ids[start : start + ASSIGNMENT_CHUNK]
            with transaction.atomic():
                already = set(
                    Enrolment.objects.filter(course_id=assignment.course_id, person_id__in=chunk).values_list(
                        "person_id", flat=True
                    )
                )
                Enrolment.objects.bulk_create(
                    [
                        Enrolment(
                            person_id=person_id,
                            course_id=assignment.course_id,
                            source=EnrolmentSource.ASSIGNED,
                            assignment=assignment,
                            due_date=assignment.due_date,
                        )
                        for person_id in chunk
                        if person_id not in already
                    ],
                    ignore_conflicts=True,
                )
                Person.objects.filter(pk__in=chunk).exclude(pk__in=already).learning_record_changed()
            job.report(done=start + len(chunk))

    run_job(assignment.job, enrol)
