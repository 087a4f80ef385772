"""Writes of the coverage app: snapshots of a target's coverage, the weekly reminders, and the Zalo messages
that carry some of them."""

import uuid
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from lms import roles
from lms.models import Unit, User
from targets import channels, selectors, zalo
from targets.models import (
    CoverageSnapshot,
    ReminderLog,
    SnapshotCount,
    Target,
    ZaloAccount,
    ZaloMessage,
    ZaloMessageKind,
    ZaloMessageState,
    ZaloTemplateField,
)

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
    reminder_channels = channels.reminder_channels()
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for target in targets_due(today):
            requirement, people = selectors.people_missing(target, target.unit, as_of=today)
            reminded = ReminderLog.objects.filter(sent_at__gt=now - REMINDER_INTERVAL)
            people = people.exclude(pk__in=reminded.filter(person__isnull=False).values("person_id"))
            for person in people.select_related("user"):
                context = {"target": target, "person": person, "lacks": requirement.lacks(person)}
                sent += _remind(
                    reminder_channels, target, ZaloMessageKind.PERSON_REMINDER, context, now=now, person=person
                )
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
                    sent += _remind(
                        reminder_channels, target, ZaloMessageKind.ORGANISER_REMINDER, context, now=now, user=organiser
                    )
    return sent


REMINDER_TEMPLATES = {
    ZaloMessageKind.PERSON_REMINDER: "coverage/reminders/person",
    ZaloMessageKind.ORGANISER_REMINDER: "coverage/reminders/organiser",
}


def _remind(reminder_channels, target, kind, context, *, now, person=None, user=None):
    """Send one reminder by each channel that reaches the recipient, and log it; the number sent."""
    recipient = person or user
    template = REMINDER_TEMPLATES[kind]
    subject = render_to_string(f"{template}_subject.txt", context).strip()
    body = render_to_string(f"{template}.txt", context)
    reminder = channels.Reminder(kind=kind, recipient=recipient, context=context, at=now)
    sent = 0
    for channel in reminder_channels:
        address = channel.address_of(recipient)
        if address:
            channel.send(address, subject=subject, body=body, reminder=reminder)
            ReminderLog.objects.create(
                target=target, person=person, user=user, channel=channel.name, address=address, sent_at=now
            )
            sent += 1
    return sent


# Zalo ZNS messages (docs/zalo.md): queued by ``targets.channels.ZaloChannel``, sent by the worker within the
# Official Account's daily quota, retried after a failure that may pass, replaced by an email after one that will not.

ZALO_RETRY_DELAY = timedelta(minutes=15)  # doubled after each failed attempt
ZALO_DAY_STARTS = time(7)  # messages held back by the quota go the next morning, when people read them
ZALO_PENDING = [ZaloMessageState.WAITING, ZaloMessageState.DEFERRED]
TOKEN_FIELDS = ["access_token", "refresh_token", "access_token_expires_at", "refreshed_at"]


def zalo_template_data(template, reminder):
    """The values of the template's placeholders for a reminder, as the strings ZNS takes."""
    context = reminder.context
    target = context["target"]
    person = channels.person_of(reminder.recipient)
    values = {
        ZaloTemplateField.FULL_NAME: lambda: person.full_name,
        ZaloTemplateField.UNIT: lambda: person.unit.name,
        ZaloTemplateField.TARGET: lambda: target.name,
        ZaloTemplateField.DEADLINE: lambda: target.deadline.strftime("%d/%m/%Y"),
        ZaloTemplateField.LACKS: lambda: "; ".join(str(lack) for lack in context.get("lacks", [])),
        # a unit's total and the line of its own people name the same unit: once here
        ZaloTemplateField.UNITS_BEHIND: lambda: ", ".join(
            dict.fromkeys(row.unit.name for row in context.get("behind", []))
        ),
    }
    return {parameter.placeholder: values[parameter.field]() for parameter in template.parameters.all()}


def queue_zalo_message(*, template, reminder, phone, subject, body):
    """Queue a reminder as a ZNS message to ``phone`` (in Zalo's 84… form) for the worker to send, keeping the
    email that replaces it should Zalo be unable to deliver it."""
    person = channels.person_of(reminder.recipient)
    return ZaloMessage.objects.create(
        person=person,
        template=template,
        phone=phone,
        template_data=zalo_template_data(template, reminder),
        tracking_id=uuid.uuid4().hex,
        created_at=reminder.at,
        next_attempt_at=reminder.at,
        fallback_email=channels.EmailChannel().address_of(reminder.recipient),
        fallback_subject=subject[:255],
        fallback_body=body,
    )


def zalo_account():
    """The Official Account of ``ZALO_APP_ID``, with its stored tokens and today's quota."""
    account, _created = ZaloAccount.objects.get_or_create(app_id=settings.ZALO_APP_ID)
    return account


def store_zalo_tokens(*, refresh_token, access_token="", expires_in=None, now=None):
    """Keep the tokens an administrator obtained from Zalo (docs/zalo.md). Without an access token, one is
    fetched at once with the refresh token, which checks it; returns whether the account now has one."""
    now = now or timezone.now()
    account = zalo_account()
    account.refresh_token = refresh_token
    account.access_token = access_token
    account.access_token_expires_at = now + timedelta(seconds=expires_in) if access_token and expires_in else None
    account.refresh_error_code, account.refresh_error_message = None, ""
    account.save()
    if access_token:
        return True
    return refresh_zalo_token(account=account, now=now)


def refresh_zalo_token(*, account, now=None):
    """Trade the account's refresh token for new tokens and store both (the old refresh token is spent).
    A refusal is kept on the account for the administrator; returns whether it worked. Raises
    ``zalo.ZaloUnavailable`` when Zalo cannot be reached."""
    now = now or timezone.now()
    spent = account.refresh_token
    result = zalo.refresh_access_token(spent)
    if not result.ok:
        account.refresh_from_db()
        if account.refresh_token != spent:  # another worker refreshed first and spent the token: use its tokens
            return bool(account.access_token)
        account.refresh_error_code, account.refresh_error_message = result.error, result.message[:255]
        # unless another worker stored new tokens meanwhile, whose refresh is the one that counts
        ZaloAccount.objects.filter(pk=account.pk, refresh_token=spent).update(
            refresh_error_code=account.refresh_error_code, refresh_error_message=account.refresh_error_message
        )
        return False
    account.access_token, account.refresh_token = result.access_token, result.refresh_token
    account.access_token_expires_at = now + timedelta(seconds=result.expires_in)
    account.refreshed_at = now
    account.refresh_error_code, account.refresh_error_message = None, ""
    account.save(update_fields=[*TOKEN_FIELDS, "refresh_error_code", "refresh_error_message"])
    return True


def send_zalo_messages(*, now=None):
    """Send the Zalo messages that are due, as long as today's quota lasts (the site's ``ZALO_DAILY_CAP`` and
    the quota Zalo reports left); what the quota leaves out waits for the next morning. The number sent."""
    now = now or timezone.now()
    if not ZaloMessage.objects.due(now).exists():  # the usual case where Zalo is not used
        return 0
    today = timezone.localdate(now)
    account = zalo_account()
    sent = 0
    stopped = False
    # Every message tried leaves the due ones (sent, failed, or due later), so this ends.
    while not stopped and (batch := list(ZaloMessage.objects.due(now).select_related("template")[:100])):
        for message in batch:
            # the quota is read again before each message: Zalo says what is left in every answer
            if account.quota_left(today, daily_cap=settings.ZALO_DAILY_CAP) <= 0:
                stopped = True
                break
            claimed = ZaloMessage.objects.filter(pk=message.pk, state=message.state)
            if not claimed.update(state=ZaloMessageState.SENDING):  # another worker has it
                continue
            outcome = _deliver(account, message, now=now)
            if outcome is None:  # no token, or the quota is gone: the others would fare no better
                stopped = True
                break
            sent += outcome == ZaloMessageState.SENT
    if account.quota_left(today, daily_cap=settings.ZALO_DAILY_CAP) <= 0:
        ZaloMessage.objects.due(now).update(state=ZaloMessageState.DEFERRED, next_attempt_at=_next_morning(today))
    elif stopped:  # no token: the others wait as long as the message that found out, without an attempt counted
        ZaloMessage.objects.due(now).update(next_attempt_at=now + ZALO_RETRY_DELAY)
    return sent


def next_zalo_attempt():
    """When the next waiting message is due, or None."""
    pending = ZaloMessage.objects.filter(state__in=ZALO_PENDING).order_by("next_attempt_at")
    return pending.values_list("next_attempt_at", flat=True).first()


def _deliver(account, message, *, now):
    """Send one claimed message, refreshing the access token when it has expired; record Zalo's answer. The
    message's new state, or None when sending must stop for now."""
    message.attempts += 1
    try:
        token_ok = bool(account.access_token) and not (
            account.access_token_expires_at and account.access_token_expires_at <= now
        )
        if not token_ok and not refresh_zalo_token(account=account, now=now):
            _retry_later(message, now, error=zalo.ACCESS_TOKEN_INVALID, text=account.refresh_error_message)
            return None
        result = _send(account, message)
        if result.error == zalo.ACCESS_TOKEN_INVALID:  # expired early or revoked: a new token, and once more
            if not refresh_zalo_token(account=account, now=now):
                _retry_later(message, now, error=result.error, text=account.refresh_error_message or result.message)
                return None
            result = _send(account, message)
    except zalo.ZaloUnavailable as error:
        return _retry_later(message, now, error=None, text=str(error))
    if result.ok:
        _count_sent(account, result, today=timezone.localdate(now))
        message.state, message.msg_id, message.sent_at = ZaloMessageState.SENT, result.msg_id, now
        message.error_code, message.error_message = None, ""
        message.save()
        return message.state
    if result.error == zalo.DAILY_QUOTA_EXCEEDED:
        account.quota_day, account.remaining_quota = timezone.localdate(now), 0
        account.save(update_fields=["quota_day", "remaining_quota"])
        message.attempts -= 1  # not the message's fault: it goes as it is tomorrow
        _record(message, ZaloMessageState.DEFERRED, result.error, result.message, _next_morning(account.quota_day))
        return None
    if result.error in zalo.PERMANENT_ERRORS:
        return _fail(message, now, error=result.error, text=result.message)
    return _retry_later(message, now, error=result.error, text=result.message)


def _send(account, message):
    return zalo.send_template(
        access_token=account.access_token,
        phone=message.phone,
        template_id=message.template.template_id,
        template_data=message.template_data,
        tracking_id=message.tracking_id,
    )


def _count_sent(account, result, *, today):
    """Count a message sent today, in the database (several workers may send at once), and keep the quota Zalo
    reported left."""
    accounts = ZaloAccount.objects.filter(pk=account.pk)
    accounts.exclude(quota_day=today).update(quota_day=today, sent_on_quota_day=0, remaining_quota=None)
    counted = {"sent_on_quota_day": F("sent_on_quota_day") + 1}
    if result.remaining_quota is not None:
        counted.update(daily_quota=result.daily_quota, remaining_quota=result.remaining_quota)
    accounts.update(**counted)
    account.refresh_from_db(fields=["quota_day", "sent_on_quota_day", "daily_quota", "remaining_quota"])


def _retry_later(message, now, *, error, text):
    """A failure that may pass (Zalo unreachable, its server failing, a token to renew): try again later, each
    time waiting twice as long, up to ``ZALO_MAX_ATTEMPTS`` attempts; then email instead."""
    if message.attempts >= settings.ZALO_MAX_ATTEMPTS:
        return _fail(message, now, error=error, text=text)
    delay = ZALO_RETRY_DELAY * 2 ** (message.attempts - 1)
    _record(message, ZaloMessageState.WAITING, error, text, now + delay)
    return message.state


def _fail(message, now, *, error, text):
    """Zalo will not deliver the message: give up, and send its email instead when the person has an address."""
    _record(message, ZaloMessageState.FAILED, error, text, None)
    if message.fallback_email:
        send_mail(message.fallback_subject, message.fallback_body, None, [message.fallback_email])
        message.emailed_at = now
        message.save(update_fields=["emailed_at"])
    return message.state


def _record(message, state, error, text, next_attempt_at):
    message.state, message.next_attempt_at = state, next_attempt_at
    message.error_code, message.error_message = error, (text or "")[:255]
    message.save()


def _next_morning(day):
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), ZALO_DAY_STARTS))
