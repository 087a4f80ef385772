"""Start the weekly snapshots and reminders, and the nightly coverage totals (idempotent): ``make run`` and
deployments call it once."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from targets.tasks import schedule_nightly_totals, schedule_weekly_work


class Command(BaseCommand):
    help = "Queue the weekly coverage snapshots and reminders, unless they are already queued."

    def handle(self, *args, **options):
        schedule_nightly_totals()
        result = schedule_weekly_work()
        if result is None:
            self.stdout.write(_("The weekly coverage work is already queued (or the task backend cannot wait)."))
        else:
            self.stdout.write(_("The weekly coverage work is queued for %(when)s.") % {"when": result.task.run_after})
