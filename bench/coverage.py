"""Time of the coverage reports as the organisation grows: 15,000, 150,000 (and, with --largest, 1,500,000) people.

    createdb -h 127.0.0.1 -U postgres lms_bench_coverage
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench_coverage .venv/bin/python bench/coverage.py
    .venv/bin/python bench/coverage.py                                    # SQLite under var/bench/
    .venv/bin/python bench/coverage.py --sizes 15000                      # one size only

Each size runs in a process of its own on a database made anew (`seed_demo`, then bulk inserts): 33 provinces
of communes of 10 residential areas, as many communes as the size needs (10, 100, 1,010 a province), with
full-time cadres at provinces and communes, a head and three members of the Ban công tác Mặt trận in each
residential area (one in ten people inactive) and about 13 training records a person (0-30, 2024-2026). Then
it makes the facts and totals of two targets and times, median and p90 of 11 runs after one to warm up: the
national, a province's and a commune's report read from the totals, the national report from the facts (as
while the totals are counted again) and by the full computation over the ledger, counting the totals again,
a bare GROUP BY of the same people by province, the national dashboard page through Django's whole stack as a
browser gets it (gzipped), an admin page with nothing in it but Wagtail's frame (to tell the dashboard's own
part), and the first page of the people missing; with the ratios of each to the bare GROUP BY. The last table
compares the sizes.
"""

import argparse
import gzip
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demo_database import prepare_database

PROVINCES = 33
AREAS_PER_COMMUNE = 10
PEOPLE_PER_COMMUNE = 5 + 4 * AREAS_PER_COMMUNE
RECORDS_PER_PERSON = 13
RUNS = 11


def build_units(root, communes_per_province):
    """The provinces, communes and residential areas, with their materialised paths made here:
    treebeard's one-by-one inserts would take an hour for 36,000 units."""
    from django.db.models import F

    from lms.models import Unit, UnitLevel

    provinces = Unit.objects.bulk_create(
        Unit(
            path=Unit._get_path(root.path, root.depth + 1, root.numchild + number),
            depth=root.depth + 1,
            numchild=communes_per_province,
            name=f"Tỉnh thử {number:02d}",
            code=f"BP{number:02d}",
            level=UnitLevel.PROVINCE,
        )
        for number in range(1, PROVINCES + 1)
    )
    Unit.objects.filter(pk=root.pk).update(numchild=root.numchild + PROVINCES)
    Unit.objects.filter(code__startswith="BP").update(province_id=F("pk"))
    provinces = list(Unit.objects.filter(code__startswith="BP").order_by("path"))
    communes = [
        Unit(
            path=Unit._get_path(province.path, province.depth + 1, number),
            depth=province.depth + 1,
            numchild=AREAS_PER_COMMUNE,
            name=f"Xã thử {province.code}-{number:04d}",
            code=f"{province.code}-{number:04d}",
            level=UnitLevel.COMMUNE,
            province_id=province.pk,
        )
        for province in provinces
        for number in range(1, communes_per_province + 1)
    ]
    Unit.objects.bulk_create(communes, batch_size=5000)
    Unit.objects.filter(code__startswith="BP", level=UnitLevel.COMMUNE).update(commune_id=F("pk"))
    communes = list(Unit.objects.filter(code__startswith="BP", level=UnitLevel.COMMUNE).order_by("path"))
    Unit.objects.bulk_create(
        (
            Unit(
                path=Unit._get_path(commune.path, commune.depth + 1, number),
                depth=commune.depth + 1,
                numchild=0,
                name=f"Thôn {number}",
                code=f"{commune.code}-{number:02d}",
                level=UnitLevel.RESIDENTIAL_AREA,
                province_id=commune.province_id,
                commune_id=commune.pk,
            )
            for commune in communes
            for number in range(1, AREAS_PER_COMMUNE + 1)
        ),
        batch_size=5000,
    )
    return provinces, communes


def build_people(categories, limit, generator):
    """Full-time cadres at each province and commune, then the residential areas' people, up to ``limit``."""
    from lms.models import Person, Unit, UnitLevel
    from lms.vietnamese import fold, name_sort_key

    units = Unit.objects.filter(code__startswith="BP").order_by("path")
    plan = {
        UnitLevel.PROVINCE: [("chuyen-trach", 20)],
        UnitLevel.COMMUNE: [("chuyen-trach", 5)],
        UnitLevel.RESIDENTIAL_AREA: [("truong-ban-cong-tac-mat-tran", 1), ("uy-vien-uy-ban", 3)],
    }
    people = []
    for unit in units.only("pk", "level", "province_id", "commune_id").iterator(chunk_size=5000):
        for code, count in plan[unit.level]:
            for _number in range(count):
                if len(people) == limit:
                    break
                name = f"Nguyễn Văn Thử {len(people)}"
                person = Person(
                    full_name=name,
                    unit_id=unit.pk,
                    category=categories[code],
                    is_active=generator.random() >= 0.1,
                    province_id=unit.province_id,
                    commune_id=unit.commune_id,
                )
                person.sort_key, person.search_name = name_sort_key(name), fold(name)
                people.append(person)
    Person.objects.bulk_create(people, batch_size=10_000)


def record_rows(people, limit, generator):
    """(person, unit, province, commune, key, date) rows, 2024-2026: a skewed number a person (up to 30 in a
    pass over everyone), passes repeated until there are ``limit``."""
    start, days = date(2024, 1, 1), (date(2026, 11, 20) - date(2024, 1, 1)).days
    mean = limit / len(people)
    made = 0
    while made < limit:
        for person_id, unit_id, province_id, commune_id in people:
            for _number in range(min(30, int(generator.expovariate(1 / mean)))):
                if made == limit:
                    return
                made += 1
                day = start + timedelta(generator.randrange(days))
                yield person_id, unit_id, province_id, commune_id, f"bench:{made}", day


def load_records(people, limit, generator):
    """The records by PostgreSQL's COPY (a minute for two million), or in batches on SQLite."""
    from django.db import connection
    from django.utils import timezone

    from lms.models import TrainingRecord

    now = timezone.now()
    rows = record_rows(people, limit, generator)
    if connection.vendor == "postgresql":
        columns = "person_id, unit_id, province_id, commune_id, kind, reference, source_key, date, result, created_at"
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY lms_trainingrecord ({columns}) FROM STDIN") as copy,
        ):
            for person_id, unit_id, province_id, commune_id, key, day in rows:
                copy.write_row((person_id, unit_id, province_id, commune_id, "imported", "Tập huấn", key, day, "", now))
        return
    batch = []
    for person_id, unit_id, province_id, commune_id, key, day in rows:
        batch.append(
            TrainingRecord(
                person_id=person_id,
                unit_id=unit_id,
                province_id=province_id,
                commune_id=commune_id,
                kind="imported",
                reference="Tập huấn",
                source_key=key,
                date=day,
            )
        )
        if len(batch) == 20_000:
            TrainingRecord.objects.bulk_create(batch)
            batch = []
    TrainingRecord.objects.bulk_create(batch)


def timed(function, runs=RUNS):
    """(median ms, p90 ms, queries of one run) of ``function`` after a first run to warm up."""
    from django.db import connection

    queries = []

    def counted(execute, sql, params, many, context):
        queries.append(sql)  # a wrapper, not Django's query log: a request through the test client empties that
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        function()
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.9 * (len(times) - 1))], len(queries)


def with_empty_admin_page():
    """The site's URLs plus one admin page with nothing in it but Wagtail's frame (sidebar, header, scripts), at
    /admin/bench-frame/: what every admin page costs before its own content, to tell the dashboard's own part."""
    import types

    from django.test import override_settings
    from django.urls import include, path
    from django.views.generic import TemplateView
    from wagtail.admin.auth import require_admin_access
    from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

    class EmptyAdminPage(WagtailAdminTemplateMixin, TemplateView):
        template_name = "wagtailadmin/generic/base.html"
        page_title = "Trang trống"

    urls = types.ModuleType("bench_coverage_urls")
    urls.urlpatterns = [
        path("admin/bench-frame/", require_admin_access(EmptyAdminPage.as_view())),
        path("", include("config.urls")),
    ]
    sys.modules[urls.__name__] = urls
    return override_settings(ROOT_URLCONF=urls.__name__)


def make_targets(root, categories):
    """The two targets timed: three trainings in the 2025-2030 term (full-time cadres and heads, thresholds
    90/80/60), and one training in 2026 (everyone, 50%)."""
    from lms.models import UnitLevel
    from targets.models import Target, TargetThreshold

    term = Target.objects.create(
        name="Ít nhất 3 lần trong nhiệm kỳ 2025-2030",
        slug="bench-3-lan",
        unit=root,
        min_records=3,
        window_start=date(2025, 1, 1),
        window_end=date(2030, 12, 31),
        starts_on=date(2025, 1, 1),
        deadline=date(2030, 12, 31),
    )
    term.categories.set([categories["chuyen-trach"], categories["truong-ban-cong-tac-mat-tran"]])
    term.save()
    TargetThreshold.objects.bulk_create(
        TargetThreshold(target=term, level=level, percent=percent)
        for level, percent in ((UnitLevel.PROVINCE, 90), (UnitLevel.COMMUNE, 80), (UnitLevel.RESIDENTIAL_AREA, 60))
    )
    year = Target.objects.create(
        name="Ít nhất 50% được bồi dưỡng năm 2026",
        slug="bench-nam-2026",
        unit=root,
        min_records=1,
        window_start=date(2026, 1, 1),
        window_end=date(2026, 12, 31),
        threshold=50,
        starts_on=date(2026, 1, 1),
        deadline=date(2026, 12, 31),
    )
    return term, year


def one_size(people_wanted, records_wanted):
    """Build one size and time it; prints its table and returns the medians by name."""
    import copy

    prepare_database("coverage")

    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from lms.models import Person, PersonCategory, TrainingRecord, Unit, User
    from targets import selectors, summary
    from targets.models import Target

    generator = random.Random(2026)
    started = time.perf_counter()
    root = Unit.get_first_root_node()
    communes_per_province = max(1, round((people_wanted / PROVINCES - 20) / PEOPLE_PER_COMMUNE))
    provinces, communes = build_units(root, communes_per_province)
    categories = {category.code: category for category in PersonCategory.objects.all()}
    build_people(categories, people_wanted - Person.objects.count(), generator)
    people = list(Person.objects.values_list("pk", "unit_id", "province_id", "commune_id").order_by("pk"))
    load_records(people, records_wanted - TrainingRecord.objects.count(), generator)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"data: {Unit.objects.count():,} units ({communes_per_province} communes a province), "
        f"{Person.objects.count():,} people ({Person.objects.filter(is_active=False).count():,} inactive), "
        f"{TrainingRecord.objects.count():,} training records; made in {time.perf_counter() - started:.0f} s"
    )
    term, year = make_targets(root, categories)
    for target in (term, year):
        started = time.perf_counter()
        summary.rebuild(target)
        target.refresh_from_db()
        print(f"facts of {target.slug} made in {time.perf_counter() - started:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    with_empty_admin_page().enable()
    admin = User.objects.create_superuser("bench-admin", "bench-admin@example.invalid", "unused")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    province, commune = provinces[0], communes[0]
    results = {}
    print(f"{'':<58} {'median ms':>10} {'p90 ms':>8} {'queries':>8} {'/ GROUP BY':>11}")
    for target in (term, year):
        reference = copy.copy(target)
        reference.summary_ready = False  # the full computation over the ledger
        assert selectors.coverage(target, root).from_totals  # the reports below read the totals
        population = selectors.in_population(target, as_of=timezone.localdate())

        def from_the_facts(target=target):
            """The report as it is read while the totals are counted again after a change of people."""
            Target.objects.filter(pk=target.pk).update(totals_on=None)
            try:
                report = selectors.coverage(target, root)
            finally:
                Target.objects.filter(pk=target.pk).update(totals_on=timezone.localdate())
            assert report.requirement is None
            assert not report.from_totals

        def bare_group_by(population=population):
            return list(population.values("province_id").annotate(people=Count("pk")).order_by())

        def dashboard(target=target):
            response = client.get(reverse("coverage_report:index"), {"target": target.pk}, HTTP_ACCEPT_ENCODING="gzip")
            assert response.status_code == 200
            return response

        def empty_admin_page():
            assert client.get("/admin/bench-frame/").status_code == 200

        def first_missing_page(target=target):
            requirement, missing = selectors.people_missing(target, province, counted=False)  # as the page does
            return missing.count(), summary.count_for_lacks(requirement, list(missing[:50]))

        sent = len(dashboard().content)
        size = len(gzip.decompress(dashboard().content))
        bare = None
        measures = [
            ("bare GROUP BY of the same people by province", bare_group_by),
            ("national report", lambda target=target: selectors.coverage(target, root)),
            ("province report", lambda target=target: selectors.coverage(target, province)),
            ("commune report", lambda target=target: selectors.coverage(target, commune)),
            ("national report from the facts (totals stale)", from_the_facts),
            ("national report, full computation", lambda reference=reference: selectors.coverage(reference, root)),
            ("totals counted again (after a change of people)", lambda target=target: summary.rebuild_totals(target)),
            (f"national dashboard page ({size / 1000:.0f} KB, {sent / 1000:.0f} KB gzipped)", dashboard),
            ("Wagtail's admin frame alone (an empty admin page)", empty_admin_page),
            ("people missing of a province, first page", first_missing_page),
        ]
        for label, function in measures:
            slow = "full computation" in label or "counted again" in label
            median, p90, queries = timed(function, runs=5 if slow else RUNS)
            bare = bare or median
            name = f"{target.slug}: {label}"
            print(f"{name:<58} {median:>10.1f} {p90:>8.1f} {queries:>8} {median / bare:>10.1f}x")
            results[f"{target.slug}: {label.split(' (')[0]}"] = median
        page, frame, report = (
            results[f"{target.slug}: {label}"]
            for label in ("national dashboard page", "Wagtail's admin frame alone", "national report")
        )
        name = f"{target.slug}: the dashboard page less the frame"
        print(f"{name:<58} {page - frame:>10.1f}   ({(page - frame) / report:.1f}x the national report)")
        rows = {
            "national": len(selectors.coverage(target, root).rows),
            "province": len(selectors.coverage(target, province).rows),
            "commune": len(selectors.coverage(target, commune).rows),
        }
        results[f"{target.slug}: rows"] = rows
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="15000,150000", help="people of each size, comma-separated")
    parser.add_argument("--largest", action="store_true", help="add 1,500,000 people (about 20 million records)")
    parser.add_argument("--one-size", type=int, help=argparse.SUPPRESS)  # a child process: build and time one
    options = parser.parse_args()
    os.environ["LMS_STAFF_TWO_FACTOR"] = "0"  # the bench's superuser opens the dashboard without a second factor
    if options.one_size:
        results = one_size(options.one_size, options.one_size * RECORDS_PER_PERSON)
        print("RESULTS " + json.dumps(results))
        return
    sizes = [int(size) for size in options.sizes.split(",")] + ([1_500_000] if options.largest else [])
    by_size = {}
    for size in sizes:
        print(f"\n== {size:,} people ==", flush=True)
        output = subprocess.run(
            [sys.executable, __file__, "--one-size", str(size)], check=True, stdout=subprocess.PIPE, text=True
        ).stdout
        print(output.split("RESULTS ")[0], end="", flush=True)
        by_size[size] = json.loads(output.split("RESULTS ")[1])
    if len(sizes) < 2:
        return
    smallest = sizes[0]
    print(f"\n== growth from {smallest:,} people (time ratio; units shown) ==")
    for name in by_size[smallest]:
        if name.endswith(": rows"):
            continue
        cells = []
        for size in sizes[1:]:
            ratio = by_size[size][name] / by_size[smallest][name]
            level = next((level for level in ("national", "province", "commune") if f" {level} report" in name), None)
            shown = ""
            if level and name.endswith(" report"):
                rows = (
                    by_size[size][name.split(":")[0] + ": rows"][level]
                    / by_size[smallest][name.split(":")[0] + ": rows"][level]
                )
                shown = f" (units shown x{rows:.1f})"
            cells.append(f"{size:,}: x{ratio:.1f}{shown}")
        print(f"{name:<58} " + "; ".join(cells))


if __name__ == "__main__":
    main()
