"""Write a category of the question bank as Moodle GIFT, Moodle XML or the XLSX import template."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.models import QuestionCategory
from courses.question_export import EXPORT_FORMATS, export_questions


class Command(BaseCommand):
    help = "Export the active questions of a bank category (and the categories inside it) as GIFT, XML or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("--category", required=True, help="The name of a top category of the bank.")
        parser.add_argument("--format", dest="file_format", choices=list(EXPORT_FORMATS), required=True)
        parser.add_argument("--output", type=Path, required=True)

    def handle(self, *args, category, file_format, output, **options):
        root = QuestionCategory.objects.filter(name=category, parent=None).first()
        if root is None:
            raise CommandError(f"No top category named “{category}”.")
        content, changed = export_questions(root, file_format)
        output.write_bytes(content)
        for question, reason in changed:
            self.stderr.write(f"{question.name}: {reason}")
        self.stdout.write(f"{output}: written.")
