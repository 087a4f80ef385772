"""Weekly reminders to the people behind a target and the organisers of units behind their threshold,
and the weekly schedule that runs them."""

from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from targets import services, tasks
from targets.models import CoverageSnapshot, Target
from tests.factories import make_organiser, make_person, make_trainings, make_unit_tree, migrate_back, migrate_forward

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2026, 12, 1, 9))


class RecordingChannel:
    """A channel that keeps what it was asked to send (to each phone number)."""

    name = "recording"
    sent = []

    def address_of(self, recipient):
        return getattr(recipient, "phone", "")

    def send(self, address, *, subject, body, reminder):
        self.sent.append((address, subject))


@pytest.fixture
def due():
    units = make_unit_tree()
    target = Target.objects.create(
        name="Bồi dưỡng năm 2026",
        slug="nam-2026",
        unit=units["province"],
        min_records=1,
        window_start=date(2026, 1, 1),
        window_end=date(2026, 12, 31),
        starts_on=date(2026, 1, 1),
        deadline=date(2026, 12, 31),
    )
    trained = make_person(unit=units["commune"], email="da-hoc@example.com")
    make_trainings(trained, day=date(2026, 5, 1))
    untrained = make_person(unit=units["area"], email="chua-hoc@example.com")
    organiser = make_organiser(managed_unit=units["commune"], email="tochuc@example.com")
    return target, trained, untrained, organiser


def sent_to():
    return sorted(address for message in mail.outbox for address in message.to)


def test_people_behind_a_target_due_soon_and_organisers_of_units_behind_are_reminded_once_a_week(due):
    _target, _trained, untrained, _organiser = due

    assert services.send_reminders(now=NOW) == 2
    assert sent_to() == ["chua-hoc@example.com", "tochuc@example.com"]
    (to_person,) = [message for message in mail.outbox if message.to == [untrained.email]]
    assert "0/1 lần tập huấn" in to_person.body

    assert services.send_reminders(now=NOW + timedelta(days=6)) == 0
    assert services.send_reminders(now=NOW + timedelta(days=8)) == 2
    assert untrained.email in sent_to()


def test_targets_far_from_their_deadline_or_past_it_send_nothing(due):
    target, *_people = due
    assert services.send_reminders(now=NOW - timedelta(days=200)) == 0
    Target.objects.filter(pk=target.pk).update(deadline=date(2026, 11, 30))
    assert services.send_reminders(now=NOW) == 0
    assert mail.outbox == []


@override_settings(COVERAGE_REMINDER_CHANNELS=["tests.coverage.test_reminders.RecordingChannel"])
def test_another_channel_receives_the_reminders_by_its_own_addresses(due):
    _target, _trained, untrained, organiser = due
    RecordingChannel.sent.clear()

    services.send_reminders(now=NOW)

    assert [address for address, _subject in RecordingChannel.sent] == [untrained.phone, organiser.phone]
    assert mail.outbox == []


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_weekly_work_is_queued_once_for_the_next_monday_night():
    first = tasks.schedule_weekly_work(now=NOW)  # a Tuesday
    second = tasks.schedule_weekly_work(now=NOW)

    assert second is None
    queued = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert queued.task_path == tasks.weekly_coverage_work.module_path
    assert timezone.localtime(queued.run_after) == timezone.make_aware(datetime(2026, 12, 7, 1))
    assert first.id == str(queued.id)


def test_the_weekly_work_snapshots_every_active_target_and_reminds(due):
    target, *_people = due
    tasks.weekly_coverage_work.call()

    assert CoverageSnapshot.objects.filter(target=target, taken_on=timezone.localdate()).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_weekly_work_queued_before_the_package_moved_still_finds_its_task():
    migrate_back(("coverage", "0002_organiser_permissions"))  # the task queue's own tables stay as they are
    queued = DBTaskResult.objects.create(
        task_path="coverage.tasks.weekly_coverage_work",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now(),
    )
    other = DBTaskResult.objects.create(
        task_path="courses.tasks.close_overdue_attempt",
        args_kwargs={"args": [1], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now(),
    )

    migrate_forward()

    paths = dict(DBTaskResult.objects.filter(pk__in=[queued.pk, other.pk]).values_list("pk", "task_path"))
    assert paths == {queued.pk: "targets.tasks.weekly_coverage_work", other.pk: "courses.tasks.close_overdue_attempt"}
    assert callable(import_string(paths[queued.pk]).call)
