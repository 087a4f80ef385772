"""Certificates follow completions: a course completed or a session attended, when a template grants one."""

from django.db import transaction
from django.dispatch import receiver

from certificates.services import template_for
from courses.signals import course_completed
from lms.models import TrainingRecord
from lms.signals import attendance_recorded


def issue_later(template, records):
    from certificates.tasks import issue_for_record

    for record in records:
        transaction.on_commit(lambda record=record: issue_for_record.enqueue(template.pk, record.pk))


@receiver(course_completed)
def certify_course(sender, enrolment, record, **kwargs):
    template = template_for({"courses": enrolment.course_id})
    if template is not None:
        issue_later(template, [record])


@receiver(attendance_recorded)
def certify_attendance(sender, session, people, **kwargs):
    template = template_for({"sessions": session.pk})
    if template is not None:
        issue_later(template, TrainingRecord.objects.filter(session=session, person__in=people))
