"""The personal-data retention rule, at once (the weekly job runs it too): erase everyone who left at least
``PERSONAL_DATA_RETENTION_YEARS`` ago; ``--dry-run`` lists them only."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from lms import personal_data


class Command(BaseCommand):
    help = "Erase (pseudonymise) the people who left at least PERSONAL_DATA_RETENTION_YEARS ago."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List the people who would be erased.")

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            people = personal_data.people_past_retention().select_related("unit").order_by("unit__path", "sort_key")
            for person in people:
                self.stdout.write(f"{person.pk}\t{person.end_date:%d/%m/%Y}\t{person.unit.code}\t{person.full_name}")
            self.stdout.write(_("People whose data would be erased: %(count)s.") % {"count": people.count()})
            return
        erased = personal_data.erase_people_past_retention()
        self.stdout.write(_("People whose data was erased: %(count)s.") % {"count": erased})
