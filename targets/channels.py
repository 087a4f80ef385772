"""Where reminders go. Email is built in; another channel (Zalo, SMS) is a class with the same two methods,
listed by dotted path in ``COVERAGE_REMINDER_CHANNELS``."""

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string


class EmailChannel:
    """Reminders by email, to the person's address (or their account's) or the organiser's account's."""

    name = "email"

    def address_of(self, recipient):
        """The recipient's address on this channel (a ``Person`` or a ``User``), or "" when it has none."""
        return recipient.email or getattr(getattr(recipient, "user", None), "email", "") or ""

    def send(self, address, *, subject, body):
        send_mail(subject, body, None, [address])


def reminder_channels():
    return [import_string(path)() for path in settings.COVERAGE_REMINDER_CHANNELS]
