"""Add the questions of a Moodle GIFT or Aiken file, or of the XLSX template, to the question bank."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.question_formats import FORMATS
from courses.question_import import import_questions


class Command(BaseCommand):
    help = (
        "Import questions from a GIFT, Aiken or XLSX file into a category of the bank. Every unreadable "
        "question is reported with its line; nothing is imported then, unless --skip-invalid."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", dest="file_format", choices=FORMATS, required=True)
        parser.add_argument("--category", required=True, help="The bank category to import into (made if missing).")
        parser.add_argument("--skip-invalid", action="store_true", help="Import the readable questions anyway.")

    def handle(self, *args, file, file_format, category, skip_invalid, **options):
        try:
            handle = file.open("rb")
        except OSError as error:
            raise CommandError(f"{file}: {error}") from error
        with handle:
            added, existing, errors = import_questions(
                handle, filename=file.name, file_format=file_format, category_name=category, skip_invalid=skip_invalid
            )
        for error in errors:
            self.stderr.write(f"{file}: {error}")
        if errors and not skip_invalid:
            raise CommandError(f"{len(errors)} question(s) could not be read; nothing was imported.")
        self.stdout.write(f"{added} question(s) added, {existing} already in the bank, {len(errors)} skipped.")
