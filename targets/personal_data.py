"""What the coverage app holds about a person, for "Dữ liệu của tôi" and erasure (see ``lms.personal_data``).
Its counts (facts, snapshots) hold no name: erasure leaves them as they are, so every report stays the same."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.personal_data import table
from targets.models import ReminderLog


def sections(person):
    reminders = ReminderLog.objects.filter(person=person).select_related("target").order_by("sent_at")
    yield table(
        "reminders",
        gettext_lazy("Reminders sent to you"),
        [_("target"), _("channel"), _("address"), _("sent at")],
        [[r.target.name, r.channel, r.address, r.sent_at] for r in reminders],
    )


def erase(person, erasure):
    """The addresses reminders were sent to go; the reminders stay (they are counted once a week per person)."""
    ReminderLog.objects.filter(person=person).update(address="")
    erasure.scrub_field(ReminderLog.objects.all(), "address")
