"""Writes of the coverage app: snapshots of a target's coverage, and the weekly reminders."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from lms import roles
from lms.models import Unit, User
from targets import selectors
from targets.channels import reminder_channels
from targets.models import CoverageSnapshot, ReminderLog, SnapshotCount, Target

REMINDER_INTERVAL = timedelta(days=7)


def take_snapshot(*, target, as_of=None):
    """Save ``target``'s coverage as of a day (today by default): every unit of the tree as it is (place,
    name, code, open or closed) with its own people counted, so that any unit's report of that day can be
    summed from it later, whatever becomes of the tree. Taking it twice keeps the first."""
    as_of = as_of or timezone.localdate()
    existing = CoverageSnapshot.objects.filter(target=target, taken_on=as_of).first()
    if existing:
        return existing
    requirement = selectors.Requirement.of(target, as_of)
    people = selectors.in_population(target, as_of=as_of)
    counts = selectors.grouped_counts(people, requirement, F("counted_unit"))
    units = Unit.objects.values_list("pk", "path", "name", "short_name", "code", "level", "is_active").order_by()
    try:
        with transaction.atomic():
            snapshot = CoverageSnapshot.objects.create(target=target, taken_on=as_of)
            SnapshotCount.objects.bulk_create(
                (
                    SnapshotCount(
                        snapshot=snapshot,
                        unit_id=unit_id,
                        path=path,
                        name=name,
                        short_name=short_name,
                        code=code,
                        level=level,
                        was_active=is_active,
                        population=population,
                        met=met,
                        trainings=trainings,
                    )
                    for unit_id, path, name, short_name, code, level, is_active in units.iterator()
                    for population, met, trainings in [counts.get(unit_id, (0, 0, 0))]
                ),
                batch_size=2000,
            )
    except IntegrityError:  # another worker took the same snapshot meanwhile
        return CoverageSnapshot.objects.get(target=target, taken_on=as_of)
    return snapshot


def take_snapshots(*, as_of=None):
    """A snapshot of every active target."""
    return [take_snapshot(target=target, as_of=as_of) for target in Target.objects.filter(is_active=True)]


def targets_due(today):
    """Active targets whose deadline is near (``COVERAGE_REMINDER_DAYS``) and not past."""
    return Target.objects.filter(
        is_active=True,
        deadline__gte=today,
        deadline__lte=today + timedelta(days=settings.COVERAGE_REMINDER_DAYS),
    ).select_related("unit")


def send_reminders(*, now=None):
    """Remind the people who do not meet a target whose deadline is near, and the organisers of the units
    behind its threshold, by every channel that has an address for them; nobody more than once a week."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    channels = reminder_channels()
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for target in targets_due(today):
            requirement, people = selectors.people_missing(target, target.unit, as_of=today)
            reminded = ReminderLog.objects.filter(sent_at__gt=now - REMINDER_INTERVAL)
            people = people.exclude(pk__in=reminded.filter(person__isnull=False).values("person_id"))
            for person in people.select_related("user"):
                context = {"target": target, "person": person, "lacks": requirement.lacks(person)}
                sent += _remind(channels, target, "coverage/reminders/person", context, now=now, person=person)
            organisers = (
                User.objects.filter(
                    is_active=True, groups__name=roles.ORGANISER, managed_unit__in=Unit.objects.in_unit(target.unit)
                )
                .exclude(pk__in=reminded.filter(user__isnull=False).values("user_id"))
                .select_related("managed_unit")
                .distinct()
            )
            for organiser in organisers:
                report = selectors.coverage(target, organiser.managed_unit, as_of=today)
                behind = [row for row in [report.total, *report.rows] if row.status == selectors.Status.BEHIND]
                if behind:
                    context = {"target": target, "organiser": organiser, "report": report, "behind": behind}
                    sent += _remind(channels, target, "coverage/reminders/organiser", context, now=now, user=organiser)
    return sent


def _remind(channels, target, template, context, *, now, person=None, user=None):
    """Send one reminder by each channel that reaches the recipient, and log it; the number sent."""
    recipient = person or user
    subject = render_to_string(f"{template}_subject.txt", context).strip()
    body = render_to_string(f"{template}.txt", context)
    sent = 0
    for channel in channels:
        address = channel.address_of(recipient)
        if address:
            channel.send(address, subject=subject, body=body)
            ReminderLog.objects.create(
                target=target, person=person, user=user, channel=channel.name, address=address, sent_at=now
            )
            sent += 1
    return sent
