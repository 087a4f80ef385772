"""What the import commands share: read a file, print every refused row, apply all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lms.models import Unit


class ImportCommand(BaseCommand):
    """Runs one ``lms.importers`` import from the command line."""

    importer_class = None

    def add_arguments(self, parser):
        parser.add_argument("file", help="An .xlsx or .csv file; the first row holds the column headers.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; write nothing.")
        parser.add_argument("--unit", metavar="CODE", help="Refuse rows outside this unit's subtree.")

    def importer_kwargs(self, options):
        return {}

    def handle(self, *args, file, dry_run=False, unit=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        scope = None
        if unit:
            scope = Unit.objects.filter(code=unit).first()
            if scope is None:
                raise CommandError(f"No unit has the code {unit!r}.")
        importer = self.importer_class(scope=scope, **self.importer_kwargs(options))
        with path.open("rb") as handle:
            report = importer.run(handle, path.name, apply=not dry_run)
        for error in report.errors:
            self.stderr.write(str(error))
        summary = f"{report.created} new, {report.updated} updated, {report.unchanged} unchanged"
        if report.errors:
            raise CommandError(f"{len(report.errors)} errors; nothing was written. ({summary} otherwise.)")
        self.stdout.write(f"{'Applied' if report.applied else 'Dry run, nothing written'}: {summary}.")
        return None
