"""Create or update people from a spreadsheet, by external id or phone."""

from lms.importers import PeopleImport
from lms.management.importing import ImportCommand


class Command(ImportCommand):
    help = "Import people: all rows or none; importing the same file again changes nothing. See docs/data-formats.md."
    importer_class = PeopleImport

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--create-accounts", action="store_true", help="Give people with a phone a learner account."
        )

        parser.add_argument(
            "--send-activation",
            action="store_true",
            help="Email each new account that has an email address a link to choose its password.",
        )

    def importer_kwargs(self, options):
        return {"create_accounts": options["create_accounts"], "send_activation": options["send_activation"]}
