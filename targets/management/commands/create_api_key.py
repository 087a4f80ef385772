"""Make a key for another system to read the coverage API of a unit's subtree."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lms.models import Unit
from targets.models import ApiToken


class Command(BaseCommand):
    help = "Make an API key for another system; the key is printed once and never stored."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Which system uses it.")
        parser.add_argument("--unit", required=True, help="Code of the unit whose subtree it may read.")

    def handle(self, *args, **options):
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(_("No unit with the code “%(code)s”.") % {"code": options["unit"]})
        _token, key = ApiToken.issue(name=options["name"], unit=unit)
        self.stdout.write(key)
