"""Back up the site: database, media, private media and signing key (docs/operations.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from home.backups import back_up


class Command(BaseCommand):
    help = "Write a backup of the database, media, private media and signing key into a new folder."

    def add_arguments(self, parser):
        parser.add_argument("destination", type=Path, help="A folder that does not exist yet.")

    def handle(self, *args, destination, **options):
        if destination.exists():
            raise CommandError(_("%(folder)s already exists: choose a new folder.") % {"folder": destination})
        back_up(destination)
        self.stdout.write(_("Backup written to %(folder)s.") % {"folder": destination})
