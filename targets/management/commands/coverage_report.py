"""Write a target's coverage report for a unit to a file: the table as CSV or XLSX, or the official PDF."""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lms.models import PersonCategory, Unit
from targets import exports, selectors
from targets.models import Target


class Command(BaseCommand):
    help = "Write a target's coverage report for a unit (the whole country by default) to a file."

    def add_arguments(self, parser):
        parser.add_argument("--target", required=True, help="The target's short code (slug).")
        parser.add_argument("--unit", help="The unit's code; the top of the tree when left out.")
        parser.add_argument("--format", choices=exports.FORMATS, required=True)
        parser.add_argument("--output", required=True, type=Path)
        parser.add_argument("--as-of", type=date.fromisoformat, help="YYYY-MM-DD; today when left out.")
        parser.add_argument("--category", help="Only people of this category (its code).")
        parser.add_argument("--signer", default="", help="The full name printed under the PDF's signature.")

    def handle(self, *args, **options):
        target = self.lookup(Target, slug=options["target"], what=_("target"))
        unit = (
            self.lookup(Unit, code=options["unit"], what=_("unit")) if options["unit"] else Unit.get_first_root_node()
        )
        category = None
        if options["category"]:
            category = self.lookup(PersonCategory, code=options["category"], what=_("category"))
        report = selectors.coverage(target, unit, as_of=options["as_of"], category=category)
        options["output"].write_bytes(exports.report_file(report, options["format"], signer=options["signer"]))
        total = report.total
        self.stdout.write(
            _("%(unit)s: %(met)d of %(population)d people meet “%(target)s” (%(percent)s%%); written to %(file)s")
            % {
                "unit": unit.name,
                "met": total.met,
                "population": total.population,
                "target": target.name,
                "percent": total.percent if total.percent is not None else 0,
                "file": options["output"],
            }
        )

    def lookup(self, model, *, what, **query):
        try:
            return model.objects.get(**query)
        except model.DoesNotExist:
            value = next(iter(query.values()))
            raise CommandError(_("No %(what)s with the code “%(value)s”.") % {"what": what, "value": value}) from None
