"""Certificates follow completions: a course completed or a session attended, when a template grants one."""

from django.db import transaction
from django.dispatch import receiver

from certificates.services import template_for
from courses.signals import course_completed
from lms.models import TrainingRecord
from lms.signals import attendance_recorded


def issue_later(source, records):
    """Issue, after the commit, each record's certificate with the template that grants it in its person's unit."""
    from certificates.tasks import issue_for_record

    templates = {}  # by unit: the people of a session are mostly of a few units
    for record in records:
        unit = record.person.unit
        if unit.pk not in templates:
            templates[unit.pk] = template_for(source, unit=unit)
        template = templates[unit.pk]
        if template is not None:
            transaction.on_commit(
                lambda template=template, record=record: issue_for_record.enqueue(template.pk, record.pk)
            )


@receiver(course_completed)
def certify_course(sender, enrolment, record, **kwargs):
    issue_later({"courses": enrolment.course_id}, [record])


@receiver(attendance_recorded)
def certify_attendance(sender, session, people, **kwargs):
    records = TrainingRecord.objects.filter(session=session, person__in=people).select_related("person__unit")
    issue_later({"sessions": session.pk}, records)
