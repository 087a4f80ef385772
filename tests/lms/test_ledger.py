"""The training ledger: source keys, one record per person and source, and the only writer of records."""

import os
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction

from lms import ledger
from lms.models import TrainingKind, TrainingRecord
from tests.factories import make_person, make_session, make_unit_tree

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def tree():
    return make_unit_tree()


def imported(person, fingerprint="line 1", reference="Tập huấn", **fields):
    return ledger.ImportedTraining(
        person=person, fingerprint=fingerprint, reference=reference, date=date(2024, 10, 1), **fields
    )


def test_source_keys_name_the_course_or_the_session():
    assert (ledger.course_key(12), ledger.session_key(5)) == ("course:12", "session:5")


def test_an_imported_lines_key_is_a_hash_of_its_fingerprint_that_does_not_show_it():
    key = ledger.import_key("Nguyễn Văn An|2024-10-01")

    assert key == ledger.import_key("Nguyễn Văn An|2024-10-01") != ledger.import_key("Nguyễn Văn An|2024-10-02")
    assert re.fullmatch(r"import:[0-9a-f]{40}", key)


def test_a_course_completion_is_recorded_at_the_persons_unit_province_and_commune(tree):
    person = make_person(unit=tree["area"])

    record = ledger.record_course_completion(
        person=person, course_id=7, title="Kỹ năng số", date=date(2026, 1, 5), hours=Decimal("2.0"), result="Đạt"
    )

    record.refresh_from_db()
    assert (record.person, record.unit, record.province, record.commune) == (
        person,
        tree["area"],
        tree["province"],
        tree["commune"],
    )
    assert (record.kind, record.reference, record.source_key, record.date, record.hours, record.result) == (
        TrainingKind.COURSE,
        "Kỹ năng số",
        ledger.course_key(7),
        date(2026, 1, 5),
        Decimal("2.0"),
        "Đạt",
    )


def test_a_second_completion_of_the_same_course_by_the_same_person_is_refused(tree):
    person = make_person(unit=tree["area"])
    completion = {"course_id": 7, "title": "Kỹ năng số", "date": date(2026, 1, 5), "hours": None, "result": ""}
    ledger.record_course_completion(person=person, **completion)

    with pytest.raises(IntegrityError), transaction.atomic():
        ledger.record_course_completion(person=person, **completion)

    assert TrainingRecord.objects.filter(person=person).count() == 1


def test_attending_a_session_is_recorded_once_per_person_on_the_local_date_however_often_it_is_recorded(tree):
    session = make_session(
        organising_unit=tree["commune"], starts_at=datetime(2026, 3, 10, 18, 30, tzinfo=UTC), hours=Decimal("3.5")
    )
    first, second = make_person(unit=tree["area"]), make_person(unit=tree["commune"])
    ledger.record_session_attendance(session=session, people=[first])

    ledger.record_session_attendance(session=session, people=[first, second])

    records = TrainingRecord.objects.filter(session=session)
    assert sorted(records.values_list("person", "source_key", "date", "hours")) == [
        (person.pk, ledger.session_key(session.pk), date(2026, 3, 11), Decimal("3.5")) for person in (first, second)
    ]


def test_imported_trainings_already_written_or_repeated_in_one_import_are_written_once(tree):
    person, other = make_person(unit=tree["area"]), make_person(unit=tree["area"])
    ledger.record_imported(trainings=[imported(person)])

    written = ledger.record_imported(
        trainings=[imported(person), imported(other), imported(other), imported(person, fingerprint="line 2")]
    )

    assert {(record.person, record.source_key) for record in written} == {
        (other, ledger.import_key("line 1")),
        (person, ledger.import_key("line 2")),
    }
    assert TrainingRecord.objects.filter(kind=TrainingKind.IMPORTED).count() == 3


def test_an_imported_training_keeps_its_hours_and_result_cut_to_the_records_lengths(tree):
    person = make_person(unit=tree["area"])

    [record] = ledger.record_imported(
        trainings=[imported(person, reference="Tập huấn " * 40, hours=Decimal("8.0"), result="Đạt " * 40)]
    )

    record.refresh_from_db()
    assert (len(record.reference), len(record.result), record.hours) == (255, 100, Decimal("8.0"))


# Writing records or spelling source keys anywhere else would bypass the ledger's once-per-source keys.
FORBIDDEN = re.compile(
    r"(?<!class )\bTrainingRecord\("
    r"|TrainingRecord\.objects\.(?:create|bulk_create|get_or_create|update_or_create)\b"
    r"|\.for_person\("
    r"|source_key=f[\"']"
    r"|[\"'](?:course|session|import):"
)
# The coverage benchmark loads millions of synthetic records by PostgreSQL's COPY, past any ledger function.
ALLOWED = {Path("lms/ledger.py"), Path("tests/lms/test_ledger.py"), Path("bench/coverage.py")}


def python_sources():
    for directory, subdirectories, files in os.walk(ROOT):
        # not the copies a wheel's build leaves (`make plugin-check`)
        subdirectories[:] = [
            name for name in subdirectories if not name.startswith(".") and name not in {"migrations", "build"}
        ]
        for name in files:
            if name.endswith(".py"):
                yield Path(directory, name).relative_to(ROOT)


def test_training_records_are_written_and_source_keys_spelled_by_the_ledger_only():
    offences = [
        f"{path}:{number}: {line.strip()}"
        for path in python_sources()
        if path not in ALLOWED
        for number, line in enumerate((ROOT / path).read_text().splitlines(), start=1)
        if FORBIDDEN.search(line)
    ]

    assert offences == []
