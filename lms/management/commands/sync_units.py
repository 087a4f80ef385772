"""Bring the unit tree in line with an official unit list (an export of Mặt trận số's unit database)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lms.unit_sync import UnitSync


class Command(BaseCommand):
    help = (
        "Apply a unit list (CSV, XLSX or JSON: code, name, level, parent code, valid from, valid to, merged into) "
        "as additions, renames, merges and closings; all rows or none; --dry-run lists the changes only. "
        "See docs/data-formats.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="An .xlsx, .csv or .json file.")
        parser.add_argument("--dry-run", action="store_true", help="List the changes; write nothing.")

    def handle(self, *args, file, dry_run=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        with path.open("rb") as handle:
            report = UnitSync().run(handle, path.name, apply=not dry_run)
        for error in report.errors:
            self.stderr.write(str(error))
        if report.errors:
            raise CommandError(_("%(count)s errors; nothing was written.") % {"count": len(report.errors)})
        for change in report.changes:
            self.stdout.write(str(change))
        if report.left_out:
            self.stdout.write(
                _("%(count)s closed units that were never on this site were left out.") % {"count": report.left_out}
            )
        if not report.changes:
            self.stdout.write(_("The list matches the site: nothing to change."))
        elif report.applied:
            self.stdout.write(_("Applied: %(count)s changes.") % {"count": len(report.changes)})
        else:
            self.stdout.write(
                _("Dry run, nothing written: %(count)s changes would be made.") % {"count": len(report.changes)}
            )
