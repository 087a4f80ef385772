"""What the coverage app holds about a person, for "Dữ liệu của tôi" and erasure (see ``lms.personal_data``).
Its counts (facts, snapshots) hold no name: erasure leaves them as they are, so every report stays the same."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.personal_data import table
from targets.models import ReminderLog, ZaloMessage


def sections(person):
    reminders = ReminderLog.objects.filter(person=person).select_related("target").order_by("sent_at")
    yield table(
        "reminders",
        gettext_lazy("Reminders sent to you"),
        [_("target"), _("channel"), _("address"), _("sent at")],
        [[r.target.name, r.channel, r.address, r.sent_at] for r in reminders],
    )
    messages = ZaloMessage.objects.filter(person=person).select_related("template").order_by("created_at")
    yield table(
        "zalo_messages",
        gettext_lazy("Zalo messages to you"),
        [_("template"), _("phone number"), _("data"), _("state"), _("sent at")],
        [[m.template.name, m.phone, words_sent(m), m.get_state_display(), m.sent_at] for m in messages],
    )


def words_sent(message):
    return "; ".join(f"{placeholder}: {value}" for placeholder, value in message.template_data.items())


def erase(person, erasure):
    """The addresses reminders were sent to go; the reminders stay (they are counted once a week per person). The
    Zalo messages keep their state and Zalo's answer, without the phone, the email and the words sent."""
    ReminderLog.objects.filter(person=person).update(address="")
    erasure.scrub_field(ReminderLog.objects.all(), "address")
    messages = ZaloMessage.objects.filter(person=person)
    messages.update(phone="", fallback_email="")
    for field_name in ("template_data", "fallback_subject", "fallback_body"):
        erasure.scrub_field(messages, field_name)
