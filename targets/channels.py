"""Where reminders go. A channel is a class with a ``name`` and two methods, ``address_of(recipient)`` and
``send(address, *, subject, body, reminder)``, listed by dotted path in ``COVERAGE_REMINDER_CHANNELS``:
``targets.channels.EmailChannel`` (email only) or ``targets.channels.ZaloChannel`` (Zalo to the people who
agreed to it, email to everyone else)."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.utils.functional import cached_property
from django.utils.module_loading import import_string

from lms.models import Person
from targets import services, zalo
from targets.models import ZaloTemplate


@dataclass(frozen=True)
class Reminder:
    """What a reminder is about, for channels that send data rather than text: its kind
    (``ZaloMessageKind``), its recipient (a ``Person`` or an organiser's ``User``), the context its text was
    written from (the target, what the person lacks or the units behind) and when it is sent."""

    kind: str
    recipient: object
    context: dict
    at: datetime


def person_of(recipient):
    """The person on a unit's list a recipient is: the person itself, or the one an organiser's account
    belongs to (None when it belongs to nobody on a list)."""
    if isinstance(recipient, Person):
        return recipient
    return getattr(recipient, "person", None)


class EmailChannel:
    """Reminders by email, to the person's address (or their account's) or the organiser's account's."""

    name = "email"

    def address_of(self, recipient):
        """The recipient's address on this channel (a ``Person`` or a ``User``), or "" when it has none."""
        return recipient.email or getattr(getattr(recipient, "user", None), "email", "") or ""

    def send(self, address, *, subject, body, reminder):
        send_mail(subject, body, None, [address])


class ZaloChannel(EmailChannel):
    """Reminders by Zalo (a ZNS template message) to the people who agreed to it and have a phone number, when a
    template for that kind of reminder is active; by email to everyone else. Zalo messages are queued and sent
    by the worker within the Official Account's daily quota (``targets.services.send_zalo_messages``)."""

    name = "zalo"

    @cached_property
    def templates(self):
        """The active template of each kind of reminder, read once per round of reminders."""
        active = ZaloTemplate.objects.filter(is_active=True).prefetch_related("parameters")
        return {template.kind: template for template in active}

    def address_of(self, recipient):
        person = person_of(recipient)
        if person is not None and person.zalo_consent:
            phone = zalo.zalo_phone(person.phone)
            if phone:
                return phone
        return super().address_of(recipient)

    def send(self, address, *, subject, body, reminder):
        template = self.templates.get(reminder.kind)
        if template is not None and "@" not in address:
            services.queue_zalo_message(template=template, reminder=reminder, phone=address, subject=subject, body=body)
            return
        # no template for this kind of reminder yet: the person who agreed to Zalo is emailed meanwhile
        email = address if "@" in address else super().address_of(reminder.recipient)
        if email:
            super().send(email, subject=subject, body=body, reminder=reminder)


def reminder_channels():
    return [import_string(path)() for path in settings.COVERAGE_REMINDER_CHANNELS]
