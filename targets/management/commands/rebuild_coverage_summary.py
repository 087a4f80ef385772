"""Count again, from the whole ledger, the facts today's coverage reports read (see ``targets.summary``)."""

from django.core.management.base import BaseCommand

from targets import summary


class Command(BaseCommand):
    help = "Count again the facts today's coverage reports read, for every target."

    def handle(self, *args, **options):
        count = summary.rebuild_all()
        self.stdout.write(f"{count} targets")
