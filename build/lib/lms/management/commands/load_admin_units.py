"""Load the official provinces and communes (after the 2025 reform) into the unit tree."""

import time

from django.core.management.base import BaseCommand, CommandError
from vietnamadminunits.database import get_data

from lms import services


class Command(BaseCommand):
    help = "Load the 34 provinces and 3,321 communes and wards with their official codes. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--province", metavar="CODE", help="Only this province (official code, e.g. 19).")

    def handle(self, *args, province=None, **options):
        started = time.perf_counter()
        rows = get_data(table="admin_units")
        if province:
            rows = [row for row in rows if row["provinceCode"] == province]
            if not rows:
                raise CommandError(f"No province has the official code {province!r}.")
        counts = services.load_official_units(rows=rows)
        self.stdout.write(
            f"{len(rows)} communes read; {counts['created']} units created, {counts['renamed']} renamed "
            f"in {time.perf_counter() - started:.1f} s."
        )
