"""Coverage of past days: snapshots that give the report of their day again whatever becomes of the tree,
people counted where they were on a day without a snapshot, one rule for who is on the list, and the
boundaries of windows, thresholds and the as-of day."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import Competence
from lms import ledger
from lms.importers import PeopleImport
from lms.models import Person, PersonMove, Unit, UnitLevel
from lms.services import merge_units, record_moves
from targets import selectors, services
from targets.models import TargetThreshold
from tests.courses.helpers import make_catalogue, make_course
from tests.coverage.test_coverage import dashboard, three_times_target, train
from tests.factories import make_person, make_unit, make_unit_tree, make_user
from tests.lms.test_importers import person_row, run_people, sheet

pytestmark = pytest.mark.django_db

SNAPSHOT_DAY = date(2026, 6, 1)
REORGANISED_ON = date(2026, 7, 1)


def lines(report):
    """Everything a report shows, row by row, the total last."""
    return [
        (
            row.unit.pk,
            row.unit.name,
            row.unit.code,
            row.unit.level,
            row.own_people,
            row.population,
            row.met,
            row.trainings,
            row.threshold,
            row.status,
            row.percent,
            row.gap,
        )
        for row in [*report.rows, report.total]
    ]


def counts(report):
    return [(row.unit.pk, row.own_people, row.population, row.met, row.trainings) for row in report.rows]


def move(person, unit, *, on_date):
    """Move ``person`` the way every writer does: keep the move, then change the unit."""
    record_moves([(person.pk, person.unit_id, unit.pk)], on_date=on_date)
    person.unit = unit
    person.save()


@pytest.fixture
def world():
    """The tree of ``make_unit_tree`` with a residential area under the second commune, people trained to
    different degrees in each unit, and a target with per-level thresholds."""
    units = make_unit_tree()
    units["gia_sang_area"] = make_unit(parent=units["other_commune"], name="Tổ dân phố Gia Sàng 1")
    people = {}
    for key, unit_key, times in [
        ("province_cadre", "province", 3),
        ("commune_cadre", "commune", 2),
        ("area_head", "area", 3),
        ("area_member", "area", 0),
        ("other_area_head", "other_area", 3),
        ("other_area_member", "other_area", 1),
        ("other_commune_cadre", "other_commune", 3),
        ("gia_sang_head", "gia_sang_area", 0),
        ("other_province_cadre", "other_province", 3),
    ]:
        people[key] = make_person(unit=units[unit_key])
        if times:
            train(people[key], date(2026, 3, 1), times=times)
    target = three_times_target(units["central"], threshold=100, deadline=date(2027, 12, 31))
    TargetThreshold.objects.create(target=target, level=UnitLevel.COMMUNE, percent=50)
    TargetThreshold.objects.create(target=target, level=UnitLevel.RESIDENTIAL_AREA, percent=60)
    return units, people, target


def reorganise(units, people):
    """What happens to a tree after a report was sent: mergers of residential areas and of communes, a
    rename, people moving, leaving and arriving, trainings imported late, a new unit."""
    merge_units(sources=[units["other_area"]], target=units["area"], on_date=REORGANISED_ON)
    merge_units(sources=[units["other_commune"]], target=units["commune"], on_date=REORGANISED_ON)
    Unit.objects.filter(pk=units["commune"].pk).update(name="Phường Phan Đình Phùng mới")
    move(people["commune_cadre"], units["other_province"], on_date=REORGANISED_ON)
    move(Person.objects.get(pk=people["area_member"].pk), units["gia_sang_area"], on_date=REORGANISED_ON)
    Person.objects.filter(pk=people["province_cadre"].pk).update(is_active=False, end_date=REORGANISED_ON)
    newcomer = make_person(unit=units["area"])
    train(newcomer, date(2026, 2, 1), times=3)
    train(people["area_member"], date(2026, 5, 1), times=3)  # imported late, dated before the snapshot
    make_unit(parent=units["province"], name="Phường mới")


def test_a_snapshot_gives_every_report_of_its_day_again_row_by_row_after_the_tree_changed(world):
    units, people, target = world
    sent = {key: lines(selectors.coverage(target, unit, as_of=SNAPSHOT_DAY)) for key, unit in units.items()}
    services.take_snapshot(target=target, as_of=SNAPSHOT_DAY)

    reorganise(units, people)

    for key, unit in units.items():
        again = selectors.coverage(target, Unit.objects.get(pk=unit.pk), as_of=SNAPSHOT_DAY)
        assert again.snapshot is not None
        assert lines(again) == sent[key], key
    today = selectors.coverage(target, Unit.objects.get(pk=units["commune"].pk))
    assert lines(today) != sent["commune"]  # the tree did change


def test_a_past_report_marks_the_units_merged_since_and_leads_into_them(client, world):
    units, people, target = world
    services.take_snapshot(target=target, as_of=SNAPSHOT_DAY)
    reorganise(units, people)

    report = selectors.coverage(target, units["province"], as_of=SNAPSHOT_DAY)

    assert [(row.unit.name, row.closed_since) for row in report.rows] == [
        ("Tỉnh Thái Nguyên", False),
        ("Phường Phan Đình Phùng", False),
        ("Phường Gia Sàng", True),
    ]
    merged = report.rows[2]
    assert merged.unit.is_leaf() is False  # it had a residential area that day: the report leads into it
    client.force_login(make_user(is_superuser=True))
    page = dashboard(client, target, units["province"], as_of=SNAPSHOT_DAY.isoformat()).content.decode()
    assert "Phường Gia Sàng</a> <small>(đã sáp nhập vào Phường Phan Đình Phùng mới)</small>" in page
    inside = selectors.coverage(target, units["other_commune"], as_of=SNAPSHOT_DAY)
    assert [(row.unit.name, row.population) for row in inside.rows] == [
        ("Phường Gia Sàng", 1),
        ("Tổ dân phố Gia Sàng 1", 1),
    ]


def test_a_monthly_trend_sums_each_snapshot_over_the_subtree_of_its_day(world):
    units, people, target = world
    services.take_snapshot(target=target, as_of=SNAPSHOT_DAY)
    reorganise(units, people)

    assert selectors.monthly_trend(target, units["other_commune"]) == [(date(2026, 6, 1), 2, 1)]
    assert selectors.monthly_trend(target, units["commune"]) == [(date(2026, 6, 1), 5, 2)]


def test_without_a_snapshot_a_past_day_counts_people_in_the_unit_they_were_in_that_day(world):
    units, people, target = world
    before = {key: counts(selectors.coverage(target, units[key], as_of=SNAPSHOT_DAY)) for key in units}

    merge_units(sources=[units["other_area"]], target=units["area"], on_date=REORGANISED_ON)
    report = run_people(
        sheet(
            PeopleImport,
            person_row(
                units["other_province"],
                full_name=people["commune_cadre"].full_name,
                external_id=people["commune_cadre"].external_id,
                phone=people["commune_cadre"].phone,
            ),
        )
    )
    assert report.updated == 1, report.errors

    for key in ("central", "province", "commune", "area", "other_area", "other_province"):
        assert counts(selectors.coverage(target, units[key], as_of=SNAPSHOT_DAY)) == before[key], key
    now = selectors.coverage(target, units["central"])
    assert counts(now) != before["central"]
    assert now.total.population == 9  # a person who moved is counted once


def test_a_person_moved_twice_is_counted_in_the_unit_of_each_day_and_from_the_day_of_the_move(world):
    units, people, target = world
    mover = people["gia_sang_head"]
    move(mover, units["area"], on_date=date(2026, 7, 1))
    move(mover, units["other_area"], on_date=date(2026, 8, 1))

    def population(key, day):
        return selectors.coverage(target, units[key], as_of=day).total.population

    assert [population(key, date(2026, 6, 30)) for key in ("gia_sang_area", "area", "other_area")] == [1, 2, 2]
    assert [population(key, date(2026, 7, 1)) for key in ("gia_sang_area", "area", "other_area")] == [0, 3, 2]
    assert [population(key, date(2026, 7, 31)) for key in ("gia_sang_area", "area", "other_area")] == [0, 3, 2]
    assert [population(key, date(2026, 8, 1)) for key in ("gia_sang_area", "area", "other_area")] == [0, 2, 3]


def test_a_person_moved_in_the_admin_keeps_where_they_were(client, world):
    units, people, _target = world
    person = people["area_member"]
    client.force_login(make_user(is_superuser=True))
    fields = {
        "full_name": person.full_name,
        "gender": "",
        "birth_date": "",
        "unit": units["other_area"].pk,
        "position": "",
        "category": person.category_id,
        "phone": person.phone,
        "email": "",
        "external_id": person.external_id,
        "is_active": "on",
        "start_date": "",
        "end_date": "",
    }

    assert client.post(reverse("lms_person:edit", args=[person.pk]), fields).status_code == 302
    assert client.post(reverse("lms_person:edit", args=[person.pk]), fields).status_code == 302

    assert list(PersonMove.objects.values_list("person", "from_unit", "to_unit", "moved_on")) == [
        (person.pk, units["area"].pk, units["other_area"].pk, timezone.localdate())
    ]


def test_one_rule_says_who_is_on_the_list_today_and_on_every_past_day(world):
    units, _people, target = world
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    make_person(unit=units["gia_sang_area"], end_date=yesterday - timedelta(days=30))  # active, but has left
    make_person(unit=units["gia_sang_area"], start_date=today + timedelta(days=1))  # active, not yet arrived
    make_person(unit=units["gia_sang_area"], is_active=False)  # left, day unknown
    make_person(unit=units["gia_sang_area"], is_active=False, end_date=today)  # leaves tonight
    make_person(unit=units["gia_sang_area"], start_date=today)  # arrives today

    def population(day):
        return selectors.coverage(target, units["gia_sang_area"], as_of=day).total.population

    assert population(today) == 3  # the head, the one leaving tonight, the one arriving today
    assert population(yesterday) == 2  # the one arriving today was not there yet
    assert population(yesterday - timedelta(days=30)) == 3  # the one who has left was still there


def test_trainings_on_the_first_and_last_day_of_the_window_count_and_the_days_around_do_not(world):
    units, people, _target = world
    area = units["gia_sang_area"]
    first, last = date(2025, 1, 1), date(2025, 12, 31)
    target = three_times_target(
        units["central"],
        slug="nam-2025",
        min_records=1,
        window_start=first,
        window_end=last,
        levels=["residential_area"],
    )
    on_first, on_last, before, after = (make_person(unit=area) for _number in range(4))
    train(on_first, first)
    train(on_last, last)
    train(before, first - timedelta(days=1))
    train(after, last + timedelta(days=1))

    _requirement, missing = selectors.people_missing(target, area)
    assert {person.pk for person in missing} == {before.pk, after.pk, people["gia_sang_head"].pk}
    report = selectors.coverage(target, area)
    assert (report.total.met, report.total.trainings) == (2, 2)


def test_a_training_on_the_as_of_day_counts_and_one_the_day_after_does_not(world):
    units, _people, target = world
    person = make_person(unit=units["gia_sang_area"])
    train(person, date(2026, 4, 1), times=2)
    train(person, date(2026, 4, 10))

    def met(day):
        return selectors.coverage(target, units["gia_sang_area"], as_of=day).total.met

    assert (met(date(2026, 4, 9)), met(date(2026, 4, 10))) == (0, 1)


def test_a_unit_exactly_at_its_threshold_has_met_it_today_and_in_its_snapshot(world):
    units, _people, target = world  # residential areas: 60%
    area = units["gia_sang_area"]
    for number in range(4):  # with the head: 3 of 5 people, exactly 60%
        person = make_person(unit=area)
        if number < 3:
            train(person, date(2026, 3, 1), times=3)  # exactly the three trainings asked

    row = selectors.coverage(target, units["other_commune"]).rows[1]
    assert (row.unit.pk, row.population, row.met, row.threshold) == (area.pk, 5, 3, 60)
    assert (row.status, row.gap) == (selectors.Status.MET, 0)
    services.take_snapshot(target=target, as_of=SNAPSHOT_DAY)
    assert selectors.coverage(target, area, as_of=SNAPSHOT_DAY).total.status == selectors.Status.MET


def complete_on(person, course, day):
    ledger.record_course_completion(
        person=person, course_id=course.pk, title=course.title, date=day, hours=None, result=""
    )


def test_course_and_competence_completions_count_only_inside_the_window(world):
    units, _people, _target = world
    catalogue = make_catalogue()
    course = make_course(catalogue, lessons=0, title="Kỹ năng số cơ bản")
    teaching = make_course(catalogue, lessons=0, title="An toàn thông tin")
    teaching.competences.set([Competence.objects.get(number="4.2")])
    teaching.save_revision().publish()
    area = units["gia_sang_area"]
    target = three_times_target(
        units["central"], slug="khoa-hoc", min_records=None, window_start=date(2026, 3, 1), levels=["residential_area"]
    )
    target.courses.set([course])
    target.competences.set(Competence.objects.filter(number="4.2"))
    target.save()
    inside, early = make_person(unit=area), make_person(unit=area)
    for completed in (course, teaching):
        complete_on(inside, completed, date(2026, 3, 1))  # the first day of the window
        complete_on(early, completed, date(2026, 2, 28))

    requirement, missing = selectors.people_missing(target, area)
    lacking = {person.pk: requirement.lacks(person) for person in missing}
    assert inside.pk not in lacking
    assert lacking[early.pk] == ["khóa học “Kỹ năng số cơ bản”", "năng lực 4.2"]


def test_a_target_without_a_requirement_asks_for_one_training_in_its_window(world):
    units, _people, _target = world
    area = units["gia_sang_area"]
    target = three_times_target(units["central"], slug="mot-lan", min_records=None, levels=["residential_area"])
    once = make_person(unit=area)
    train(once, date(2026, 3, 1))

    requirement, missing = selectors.people_missing(target, area)
    assert requirement.min_records == 1
    assert once.pk not in {person.pk for person in missing}
    assert selectors.coverage(target, area).total.met == 1


def report_queries(target, unit, as_of):
    with CaptureQueriesContext(connection) as queries:
        selectors.coverage(target, unit, as_of=as_of)
    return len(queries)


def test_a_past_report_takes_the_same_number_of_queries_whatever_the_tree_and_the_moves(world):
    units, _people, target = world
    earlier = date(2026, 5, 1)
    services.take_snapshot(target=target, as_of=SNAPSHOT_DAY)
    keys = ("central", "province", "commune", "area")

    def measured():
        return {(key, day): report_queries(target, units[key], day) for key in keys for day in (SNAPSHOT_DAY, earlier)}

    small = measured()
    for number in range(4):
        commune = make_unit(parent=units["province"])
        for _area in range(3):
            person = make_person(unit=make_unit(parent=commune))
            train(person, date(2026, 1, number + 1), times=number)
            move(person, units["area"], on_date=REORGANISED_ON)
    services.take_snapshot(target=target, as_of=SNAPSHOT_DAY + timedelta(days=1))
    assert measured() == small
