"""Add the questions of a Moodle GIFT, Moodle XML or Aiken file, or of the XLSX template, to the question bank."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.question_import import IMPORT_FORMATS, import_questions


class Command(BaseCommand):
    help = (
        "Import questions from a GIFT, Moodle XML, Aiken or XLSX file into a category of the bank. Every "
        "unreadable question is reported with its line; nothing is imported then, unless --skip-invalid. A "
        "question already there (same ID number, or same name) is updated if it changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", dest="file_format", choices=list(IMPORT_FORMATS), required=True)
        parser.add_argument("--category", required=True, help="The bank category to import into (made if missing).")
        parser.add_argument("--skip-invalid", action="store_true", help="Import the readable questions anyway.")

    def handle(self, *args, file, file_format, category, skip_invalid, **options):
        try:
            handle = file.open("rb")
        except OSError as error:
            raise CommandError(f"{file}: {error}") from error
        with handle:
            result = import_questions(
                handle, filename=file.name, file_format=file_format, category_name=category, skip_invalid=skip_invalid
            )
        for error in result.errors:
            self.stderr.write(f"{file}: {error}")
        if result.errors and not skip_invalid:
            raise CommandError(f"{len(result.errors)} question(s) could not be read; nothing was imported.")
        for note in result.notes:
            self.stderr.write(f"{file}: {note}")
        self.stdout.write(
            f"{result.added} question(s) added, {result.updated} updated, {result.existing} already in the bank, "
            f"{len(result.errors)} skipped."
        )
