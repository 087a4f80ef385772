"""An organiser reads one person's whole training history and corrects a wrong line: the ledger is never changed,
the correction is a new entry with its reason, audited, and what is voided stops counting everywhere."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lms import ledger, selectors, services
from lms.models import TrainingCorrection, TrainingRecord, UnitLogEntry
from targets import selectors as coverage
from targets.models import Target
from tests.factories import make_organiser, make_person, make_trainer, make_trainings, make_unit_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return make_unit_tree()


@pytest.fixture
def person(tree):
    return make_person(unit=tree["area"], full_name="Lê Thị Mai")


def history_url(person):
    return reverse("lms_person:trainings", args=[person.pk])


def correct_url(record):
    return reverse("lms_person:training_correct", args=[record.person_id, record.pk])


def test_a_voided_record_stays_unchanged_and_a_correction_entry_says_why_and_who(person):
    (record,) = make_trainings(person, day=date(2026, 3, 1), reference="Tập huấn nhầm người")
    organiser = make_organiser()

    correction = services.correct_training_record(record=record, reason="  Ghi nhầm   người ", user=organiser)

    record.refresh_from_db()
    assert (record.reference, record.date) == ("Tập huấn nhầm người", date(2026, 3, 1))
    assert (correction.record, correction.reason, correction.corrected_by, correction.replacement) == (
        record,
        "Ghi nhầm người",
        organiser,
        None,
    )
    assert list(TrainingRecord.objects.in_force()) == []
    entry = UnitLogEntry.objects.get(action="lms.training_corrected")
    assert (entry.user, entry.unit, entry.object_id) == (organiser, person.unit, str(person.pk))
    assert entry.data["reason"] == "Ghi nhầm người"


def test_the_right_values_are_a_new_record_in_place_of_the_wrong_one(person):
    (record,) = make_trainings(person, day=date(2026, 3, 1))
    right = ledger.RightValues(reference="Tập huấn kỹ năng số", date=date(2026, 3, 11), hours=Decimal("4.0"))

    correction = services.correct_training_record(record=record, reason="Sai ngày", user=None, right=right)

    replacement = correction.replacement
    assert list(TrainingRecord.objects.in_force()) == [replacement]
    assert (replacement.reference, replacement.date, replacement.hours, replacement.kind, replacement.unit) == (
        "Tập huấn kỹ năng số",
        date(2026, 3, 11),
        Decimal("4.0"),
        record.kind,
        record.unit,
    )
    assert TrainingRecord.objects.count() == 2


def test_a_record_is_corrected_once_and_the_ledger_refuses_changes_to_a_correction(person):
    (record,) = make_trainings(person, day=date(2026, 3, 1))
    correction = services.correct_training_record(record=record, reason="Sai", user=None)

    with pytest.raises(ValidationError):
        services.correct_training_record(record=record, reason="Sai lần nữa", user=None)
    with pytest.raises(ValidationError):
        correction.delete()
    with pytest.raises(ValidationError):
        TrainingCorrection.objects.filter(pk=correction.pk).update(reason="Đã sửa")
    assert TrainingCorrection.objects.get().reason == "Sai"


def test_a_correction_needs_a_reason(person):
    (record,) = make_trainings(person, day=date(2026, 3, 1))

    with pytest.raises(ValidationError):
        services.correct_training_record(record=record, reason="   ", user=None)
    assert not TrainingCorrection.objects.exists()


def test_a_voided_record_counts_neither_for_targets_nor_in_the_learners_own_list(tree, person):
    records = make_trainings(person, day=date(2026, 3, 1), times=3)
    target = Target.objects.create(
        name="3 lần",
        slug="3-lan",
        unit=tree["central"],
        min_records=3,
        window_start=date(2025, 1, 1),
        window_end=date(2030, 12, 31),
        starts_on=date(2025, 1, 1),
        deadline=date(2030, 12, 31),
    )
    before = coverage.coverage(target, tree["commune"]).total

    services.correct_training_record(record=records[0], reason="Trùng", user=None)

    after = coverage.coverage(target, tree["commune"]).total
    assert (before.met, before.trainings) == (1, 3)
    assert (after.met, after.trainings) == (0, 2)
    assert set(selectors.trainings_of(person)) == set(records[1:])


def test_an_organiser_reads_the_whole_history_with_the_voided_line_and_its_reason(client, tree, person):
    wrong, kept = make_trainings(person, day=date(2026, 3, 1), times=2, reference="Tập huấn")
    organiser = make_organiser(managed_unit=tree["commune"])
    services.correct_training_record(record=wrong, reason="Không dự buổi này", user=organiser)
    client.force_login(organiser)

    response = client.get(history_url(person))

    assert response.status_code == 200
    assert "Không dự buổi này" in response.text
    assert correct_url(kept) in response.text
    assert correct_url(wrong) not in response.text


def test_an_organiser_corrects_a_line_with_the_right_values_through_the_form(client, tree, person):
    (record,) = make_trainings(person, day=date(2026, 3, 1), reference="Tập huấn")
    client.force_login(make_organiser(managed_unit=tree["commune"]))
    form = client.get(correct_url(record))

    response = client.post(
        correct_url(record),
        {"reason": "Sai ngày", "replace": "on", "reference": "Tập huấn", "date": "2026-03-11", "hours": "3"},
    )

    assert form.status_code == 200
    assert response.status_code == 302
    (replacement,) = TrainingRecord.objects.in_force()
    assert (replacement.date, replacement.hours) == (date(2026, 3, 11), Decimal("3.0"))


def test_the_form_refuses_a_correction_without_a_reason_or_a_replacement_without_a_date(client, tree, person):
    (record,) = make_trainings(person, day=date(2026, 3, 1))
    client.force_login(make_organiser(managed_unit=tree["commune"]))

    no_reason = client.post(correct_url(record), {"reason": ""})
    no_date = client.post(correct_url(record), {"reason": "Sai", "replace": "on", "reference": "Tập huấn"})

    assert (no_reason.status_code, no_date.status_code) == (200, 200)
    assert not TrainingCorrection.objects.exists()


def test_a_voided_record_cannot_be_corrected_again_through_its_address(client, tree, person):
    (record,) = make_trainings(person, day=date(2026, 3, 1))
    services.correct_training_record(record=record, reason="Sai", user=None)
    client.force_login(make_organiser(managed_unit=tree["commune"]))

    assert client.post(correct_url(record), {"reason": "Sai nữa"}).status_code == 404


def test_an_organiser_of_another_commune_neither_reads_nor_corrects_the_history(client, tree, person):
    (record,) = make_trainings(person, day=date(2026, 3, 1))
    client.force_login(make_organiser(managed_unit=tree["other_commune"]))

    assert client.get(history_url(person)).status_code == 404
    assert client.post(correct_url(record), {"reason": "Sai"}).status_code == 404
    assert not TrainingCorrection.objects.exists()


def test_a_trainer_reads_the_history_but_may_not_correct_it(client, tree, person):
    (record,) = make_trainings(person, day=date(2026, 3, 1))
    client.force_login(make_trainer(managed_unit=tree["commune"]))

    reading = client.get(history_url(person))
    correcting = client.post(correct_url(record), {"reason": "Sai"})

    assert reading.status_code == 200
    assert correct_url(record) not in reading.text
    assert correcting.status_code == 302
    assert not TrainingCorrection.objects.exists()


def test_the_history_takes_the_same_number_of_queries_however_many_lines(
    client, tree, person, django_assert_max_num_queries
):
    organiser = make_organiser(managed_unit=tree["commune"])
    for record in make_trainings(person, day=date(2026, 3, 1), times=6)[:3]:
        services.correct_training_record(record=record, reason="Sai", user=organiser)
    client.force_login(organiser)

    with django_assert_max_num_queries(20):
        assert client.get(history_url(person)).status_code == 200
