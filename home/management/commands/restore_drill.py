"""Restore a backup into a new place and check it: row counts and a certificate's signature (docs/operations.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from home.backups import check_restored, drill


class Command(BaseCommand):
    help = "Restore a backup into a temporary place and check it; fails naming each difference."

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="A folder written by `manage.py backup`.")
        # The drill runs this command again inside the restored copy, with --check.
        parser.add_argument("--check", action="store_true", help="Check this site against the backup's manifest.")

    def handle(self, *args, backup, check, **options):
        problems = check_restored(backup) if check else drill(backup)
        if check:
            self.stdout.write("\n".join(problems))
        elif problems:
            raise CommandError("\n".join(problems))
        else:
            self.stdout.write(_("The backup restores: every table has its rows and the certificate verifies."))
