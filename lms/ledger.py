"""The training ledger: the only writer of training records and the only place their source keys are built.

A source key names what produced a record (a course, a session, a line of an imported history), so that
recording the same thing again for the same person adds nothing: the database holds one record per person
and source key. The ledger takes ids and values, never a course: ``lms`` knows nothing of the apps above it.
"""

import hashlib
from dataclasses import dataclass
from datetime import date as Date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.models import Person, TrainingCorrection, TrainingKind, TrainingRecord
from lms.signals import training_recorded


def course_key(course_id):
    """The source key of a completion of the course ``course_id``."""
    return f"course:{course_id}"


def session_key(session_id):
    """The source key of an attendance of the training session ``session_id``."""
    return f"session:{session_id}"


def correction_key(record_id):
    """The source key of the record written in place of the wrong record ``record_id``."""
    return f"correction:{record_id}"


def import_key(fingerprint):
    """The source key of an imported history line: a hash, as the fingerprint may hold personal data."""
    return "import:" + hashlib.sha256(fingerprint.encode()).hexdigest()[:40]


def _placed(person, **fields):
    """A new record placed at the person's current unit, so it keeps telling where the training happened."""
    return TrainingRecord(
        person=person,
        unit_id=person.unit_id,
        province_id=person.province_id,
        commune_id=person.commune_id,
        **fields,
    )


def recorded(person_ids):
    """After writing training records of these people: each person's learning record changed, and the apps that
    count records are told (``training_recorded``)."""
    Person.objects.filter(pk__in=person_ids).learning_record_changed()
    training_recorded.send(sender=TrainingRecord, person_ids=person_ids)


def record_course_completion(*, person, course_id, title, date, hours, result):
    """The record of ``person``'s completion of a course; a second completion of it fails on the database's
    once-per-source constraint (the enrolment, locked by its caller, completes once)."""
    record = _placed(
        person,
        kind=TrainingKind.COURSE,
        reference=title[:255],
        source_key=course_key(course_id),
        date=date,
        hours=hours,
        result=result,
    )
    record.save()
    recorded([person.pk])
    return record


def record_session_attendance(*, session, people):
    """One record per person of ``people`` for attending ``session``; people already recorded are skipped."""
    TrainingRecord.objects.bulk_create(
        [
            _placed(
                person,
                kind=TrainingKind.SESSION,
                session=session,
                reference=session.title,
                source_key=session_key(session.pk),
                date=timezone.localdate(session.starts_at),
                hours=session.hours,
            )
            for person in people
        ],
        ignore_conflicts=True,
    )
    recorded([person.pk for person in people])


@dataclass(frozen=True)
class ImportedTraining:
    """A training done before the platform, as a line of an imported history gives it.

    ``fingerprint`` identifies the line (the file's own id for it, or what it says), so that importing
    the line again adds nothing.
    """

    person: Person
    fingerprint: str
    reference: str
    date: Date
    hours: Decimal | None = None
    result: str = ""


def record_imported(*, trainings):
    """Write the records of ``trainings`` not written before (nor repeated among them); returns those written."""
    records = [
        _placed(
            training.person,
            kind=TrainingKind.IMPORTED,
            reference=training.reference[:255],
            source_key=import_key(training.fingerprint),
            date=training.date,
            hours=training.hours,
            result=training.result[:100],
        )
        for training in trainings
    ]
    written = set(
        TrainingRecord.objects.filter(
            person__in=[record.person for record in records],
            source_key__in=[record.source_key for record in records],
        ).values_list("person_id", "source_key")
    )
    new_records = []
    for record in records:
        key = (record.person.pk, record.source_key)
        if key not in written:
            written.add(key)  # a line repeated in the file is written once
            new_records.append(record)
    created = TrainingRecord.objects.bulk_create(new_records)
    recorded({record.person.pk for record in created})
    return created


@dataclass(frozen=True)
class RightValues:
    """What a wrong record should have said, for the record written in its place."""

    reference: str
    date: Date
    hours: Decimal | None = None
    result: str = ""


def correct(*, record, reason, by=None, right=None):
    """Void ``record`` with ``reason`` and, given the ``right`` values, write the record that replaces it (placed
    at the wrong record's unit, where the training happened). Neither record changes: the correction is a new
    entry. A record is corrected once: correct the replacement to correct again."""
    replacement = None
    try:
        with transaction.atomic():
            if right is not None:
                replacement = TrainingRecord(
                    person_id=record.person_id,
                    unit_id=record.unit_id,
                    province_id=record.province_id,
                    commune_id=record.commune_id,
                    kind=record.kind,
                    session_id=record.session_id,
                    reference=right.reference[:255],
                    source_key=correction_key(record.pk),
                    date=right.date,
                    hours=right.hours,
                    result=right.result[:100],
                )
                replacement.save()
            correction = TrainingCorrection.objects.create(
                record=record, replacement=replacement, reason=reason, corrected_by=by
            )
            recorded({record.person_id})
            return correction
    except IntegrityError:
        raise ValidationError(_("This record has already been corrected.")) from None
