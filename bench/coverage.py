"""Time of the coverage reports at national scale: 150,000 people and 2,000,000 training records.

    createdb -h 127.0.0.1 -U postgres lms_bench_coverage
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench_coverage .venv/bin/python bench/coverage.py
    .venv/bin/python bench/coverage.py --people 15000 --records 200000     # SQLite under var/bench/, smaller

Loads `seed_demo` into an emptied database, adds 33 provinces of 100 communes of 10 residential areas
each (with full-time cadres at provinces and communes, a head and three members of the Ban công tác
Mặt trận in each residential area, one in ten people inactive) and the training records (0-30 a person,
2024-2026), then times the national, a province's and a commune's report of two targets (median and p90
of 11 runs after one to warm up, with the number of queries), the first page of the people missing,
and a national snapshot.
"""

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demo_database import prepare_database

PROVINCES = 33
COMMUNES_PER_PROVINCE = 100
AREAS_PER_COMMUNE = 10
RUNS = 11


def build_units(root):
    """The provinces, communes and residential areas, with their materialised paths made here:
    treebeard's one-by-one inserts would take an hour for 36,000 units."""
    from django.db.models import F

    from lms.models import Unit, UnitLevel

    provinces = Unit.objects.bulk_create(
        Unit(
            path=Unit._get_path(root.path, root.depth + 1, root.numchild + number),
            depth=root.depth + 1,
            numchild=COMMUNES_PER_PROVINCE,
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
            name=f"Xã thử {province.code}-{number:03d}",
            code=f"{province.code}-{number:03d}",
            level=UnitLevel.COMMUNE,
            province_id=province.pk,
        )
        for province in provinces
        for number in range(1, COMMUNES_PER_PROVINCE + 1)
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
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        function()
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.9 * (len(times) - 1))], len(queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=150_000)
    parser.add_argument("--records", type=int, default=2_000_000)
    options = parser.parse_args()
    prepare_database("coverage")

    from django.db import connection

    from lms.models import Person, PersonCategory, TrainingRecord, Unit, UnitLevel
    from targets import selectors, services
    from targets.models import Target, TargetThreshold

    generator = random.Random(2026)
    started = time.perf_counter()
    root = Unit.get_first_root_node()
    provinces, communes = build_units(root)
    categories = {category.code: category for category in PersonCategory.objects.all()}
    build_people(categories, options.people - Person.objects.count(), generator)
    people = list(Person.objects.values_list("pk", "unit_id", "province_id", "commune_id").order_by("pk"))
    load_records(people, options.records - TrainingRecord.objects.count(), generator)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"data: {Unit.objects.count():,} units, {Person.objects.count():,} people "
        f"({Person.objects.filter(is_active=False).count():,} inactive), "
        f"{TrainingRecord.objects.count():,} training records; made in {time.perf_counter() - started:.0f} s"
    )

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
    province, commune = provinces[0], communes[0]
    print(f"{'report':<56} {'median ms':>10} {'p90 ms':>10} {'queries':>8}")
    for target in (term, year):
        for label, unit in (("national", root), ("province", province), ("commune", commune)):
            report = selectors.coverage(target, unit)
            median, p90, queries = timed(lambda target=target, unit=unit: selectors.coverage(target, unit))
            name = f"{target.slug}: {label} ({len(report.rows)} rows, {report.total.population:,} people)"
            print(f"{name:<56} {median:>10.1f} {p90:>10.1f} {queries:>8}")
        for label, unit in (("province", province), ("commune", commune)):

            def first_page(target=target, unit=unit):
                _requirement, missing = selectors.people_missing(target, unit)
                return missing.count(), list(missing[:50])

            median, p90, queries = timed(first_page)
            name = f"{target.slug}: people missing, {label}, page 1"
            print(f"{name:<56} {median:>10.1f} {p90:>10.1f} {queries:>8}")
    started = time.perf_counter()
    snapshot = services.take_snapshot(target=term, as_of=date(2026, 11, 1))
    elapsed = time.perf_counter() - started
    print(f"national snapshot of {term.slug}: {snapshot.counts.count():,} unit rows in {elapsed * 1000:.0f} ms")


if __name__ == "__main__":
    main()
