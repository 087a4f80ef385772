"""Background work of the coverage app (django-tasks): every week, snapshots, reminders and the personal-data
retention rule; every night, the coverage totals of the new day; the facts of a target that changed, the totals
after people or units changed; sending the Zalo messages that are due."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from lms import personal_data
from targets import services, summary
from targets.models import Target


def next_run(now):
    """The next weekly run: the coming ``COVERAGE_WEEKDAY`` (0 = Monday) at 01:00, local time."""
    today = timezone.localdate(now)
    days_ahead = (settings.COVERAGE_WEEKDAY - today.weekday() - 1) % 7 + 1
    return timezone.make_aware(datetime.combine(today + timedelta(days=days_ahead), time(1)))


@task()
def weekly_coverage_work():
    """Queue next week's run first (so a failure here does not end the schedule), then snapshot every
    active target, send the reminders (and the Zalo messages queued), and erase the people past the retention
    rule (``lms.personal_data``)."""
    schedule_weekly_work()
    services.take_snapshots()
    services.send_reminders()
    send_zalo_messages.enqueue()
    personal_data.erase_people_past_retention()


def schedule_weekly_work(now=None):
    """Queue the next weekly run unless one is already waiting."""
    return schedule(weekly_coverage_work, next_run(now or timezone.now()))


def schedule(periodic_task, run_after):
    """Queue ``periodic_task`` for ``run_after`` unless a run of it is already waiting: the queued task is the
    schedule. Needs a task backend that can wait (the database one that ``db_worker`` runs)."""
    if not periodic_task.get_backend().supports_defer:
        return None
    waiting = DBTaskResult.objects.filter(task_path=periodic_task.module_path, status=TaskResultStatus.READY)
    if waiting.exists():
        return None
    return periodic_task.using(run_after=run_after).enqueue()


@task()
def rebuild_coverage_summary(target_id):
    """Count again the facts of a target that changed (see ``targets.summary``)."""
    summary.rebuild(Target.objects.get(pk=target_id))


@task()
def rebuild_coverage_totals(target_id):
    """Count again the totals of a target once people or units changed (see ``targets.summary``)."""
    summary.rebuild_totals(Target.objects.get(pk=target_id))


@task()
def nightly_coverage_totals():
    """Queue tomorrow's run first, then count the totals of every target for the new day: people whose
    start or end date passed, and trainings dated today, count from today on."""
    schedule_nightly_totals()
    summary.rebuild_all_totals()


def schedule_nightly_totals(now=None):
    """Queue the next nightly count of the totals (at 00:05, local time) unless one is already waiting."""
    tomorrow = timezone.localdate(now or timezone.now()) + timedelta(days=1)
    return schedule(nightly_coverage_totals, timezone.make_aware(datetime.combine(tomorrow, time(0, 5))))


@task()
def send_zalo_messages():
    """Send the Zalo messages that are due within today's quota, then queue this task again for when the next
    one is due (a retry, or the messages the quota held back until the next morning)."""
    services.send_zalo_messages()
    schedule_zalo_sending()


def schedule_zalo_sending():
    """Queue ``send_zalo_messages`` for the next message due, unless a run is already waiting for it by then.
    Needs a task backend that can wait (the database one that ``db_worker`` runs)."""
    if not send_zalo_messages.get_backend().supports_defer:
        return None
    due = services.next_zalo_attempt()
    if due is None:
        return None
    waiting = DBTaskResult.objects.filter(
        task_path=send_zalo_messages.module_path, status=TaskResultStatus.READY, run_after__lte=due
    )
    if waiting.exists():
        return None
    return send_zalo_messages.using(run_after=due).enqueue()
