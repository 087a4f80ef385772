"""Mail leaves through the task queue: ``EMAIL_BACKEND`` is :class:`QueuedEmailBackend`, which stores each
message as a task, and the worker hands it to ``EMAIL_DELIVERY_BACKEND``. So a request never waits for the mail
server, and its time does not tell whether it sent a message (a password reset for a known address takes as
long as for an unknown one). Everything that sends mail (Django's and Wagtail's password resets, Wagtail's
moderation notices, activation links, reminders) keeps calling Django's mail API."""

from django.core.mail.backends.base import BaseEmailBackend

from lms.tasks import deliver_email


def message_data(message):
    """``message`` as the JSON-serialisable keyword arguments of ``EmailMultiAlternatives``."""
    if message.attachments:
        raise ValueError("Messages with attachments cannot be queued.")
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [[str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])],
    }


class QueuedEmailBackend(BaseEmailBackend):
    """Queue every message for the worker instead of sending it now."""

    def send_messages(self, email_messages):
        for message in email_messages:
            deliver_email.enqueue(message_data(message))
        return len(email_messages)
