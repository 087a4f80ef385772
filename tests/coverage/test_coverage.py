"""Coverage on hand-built trees where the right numbers are known, and who may read it."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Competence
from lms import ledger
from lms.models import PersonCategory, UnitLevel
from lms.services import merge_units
from targets import selectors, services
from targets.models import ApiToken, Target, TargetThreshold
from tests.courses.helpers import make_catalogue, make_course
from tests.exports import downloaded
from tests.factories import (
    make_learner,
    make_organiser,
    make_person,
    make_trainer,
    make_trainings,
    make_unit,
    make_unit_tree,
    make_user,
)

pytestmark = pytest.mark.django_db

TERM = (date(2025, 1, 1), date(2030, 12, 31))


def train(person, day, times=1):
    make_trainings(person, day=day, times=times)


def three_times_target(unit, **fields):
    defaults = {
        "name": "Ít nhất 3 lần trong nhiệm kỳ",
        "slug": "3-lan",
        "unit": unit,
        "min_records": 3,
        "window_start": TERM[0],
        "window_end": TERM[1],
        "starts_on": TERM[0],
        "deadline": TERM[1],
    }
    return Target.objects.create(**{**defaults, **fields})


def numbers(report):
    return [(row.unit.name, row.own_people, row.population, row.met, row.trainings) for row in report.rows]


@pytest.fixture
def tree():
    units = make_unit_tree()
    people = {
        "province_cadre": make_person(unit=units["province"]),
        "commune_cadre": make_person(unit=units["commune"]),
        "area_head": make_person(unit=units["area"]),
        "other_area_head": make_person(unit=units["other_area"]),
        "other_province_cadre": make_person(unit=units["other_province"]),
    }
    train(people["province_cadre"], date(2025, 3, 1), times=3)
    train(people["commune_cadre"], date(2025, 3, 1), times=2)
    train(people["commune_cadre"], date(2024, 12, 31))  # before the term: not counted
    train(people["area_head"], date(2026, 5, 1), times=4)
    train(people["other_province_cadre"], date(2026, 1, 1), times=3)
    return units, people


def test_each_child_unit_counts_its_subtree_and_the_unit_its_own_people(tree):
    units, _people = tree
    target = three_times_target(units["central"])

    report = selectors.coverage(target, units["province"])

    assert numbers(report) == [
        ("Tỉnh Thái Nguyên", True, 1, 1, 3),
        ("Phường Phan Đình Phùng", False, 3, 1, 6),
        ("Phường Gia Sàng", False, 0, 0, 0),
    ]
    assert (report.total.population, report.total.met, report.total.trainings) == (4, 2, 9)
    assert numbers(selectors.coverage(target, units["central"])) == [
        ("Tỉnh Thái Nguyên", False, 4, 2, 9),
        ("Tỉnh Bắc Ninh", False, 1, 1, 3),
    ]


def test_inactive_people_categories_and_levels_outside_the_population_are_not_counted(tree):
    units, _people = tree
    head = PersonCategory.objects.get(code="truong-ban-cong-tac-mat-tran")
    make_person(unit=units["area"], category=head, is_active=False)
    make_person(unit=units["other_area"], category=head)
    target = three_times_target(units["central"], levels=[UnitLevel.RESIDENTIAL_AREA])

    assert numbers(selectors.coverage(target, units["commune"])) == [
        ("Tổ dân phố 1", False, 1, 1, 4),
        ("Tổ dân phố 2", False, 2, 0, 0),
    ]
    target.categories.set([head])
    target.save()
    assert selectors.coverage(target, units["commune"]).total.population == 1


def test_people_who_moved_and_merged_units_are_counted_where_they_are_now(tree):
    units, people = tree
    target = three_times_target(units["central"])
    mover = people["area_head"]
    mover.unit = units["other_commune"]
    mover.save()
    merge_units(sources=[units["other_area"]], target=units["area"])

    report = selectors.coverage(target, units["province"])
    assert numbers(report)[1:] == [("Phường Phan Đình Phùng", False, 2, 0, 2), ("Phường Gia Sàng", False, 1, 1, 4)]
    assert numbers(selectors.coverage(target, units["commune"])) == [
        ("Phường Phan Đình Phùng", True, 1, 0, 2),
        ("Tổ dân phố 1", False, 1, 0, 0),
    ]


def test_per_level_thresholds_give_each_row_its_gap_and_status(tree):
    units, _people = tree
    target = three_times_target(units["central"], threshold=100, starts_on=date(2025, 1, 1), deadline=date(2027, 1, 1))
    TargetThreshold.objects.create(target=target, level=UnitLevel.PROVINCE, percent=90)
    TargetThreshold.objects.create(target=target, level=UnitLevel.COMMUNE, percent=30)

    report = selectors.coverage(target, units["province"], as_of=date(2026, 6, 1))

    _province_people, commune, _empty = report.rows
    assert (commune.threshold, commune.met, commune.population, commune.gap, commune.status) == (30, 1, 3, 0, "met")
    assert (report.total.threshold, report.total.gap) == (90, 2)
    # 516 of the plan's 730 days have passed: 90% x 516/730 = 63.6% expected; 2 of 4 is 50%
    assert report.total.status == selectors.Status.BEHIND
    assert selectors.coverage(target, units["central"], as_of=date(2026, 6, 1)).rows[1].status == "met"


def test_a_target_not_reached_by_its_deadline_is_not_met_from_the_day_after(tree):
    units, _people = tree
    target = three_times_target(units["central"], threshold=90, starts_on=date(2025, 1, 1), deadline=date(2026, 6, 1))

    on_the_deadline = selectors.coverage(target, units["province"], as_of=date(2026, 6, 1)).total
    the_day_after = selectors.coverage(target, units["province"], as_of=date(2026, 6, 2)).total

    assert on_the_deadline.status == selectors.Status.BEHIND
    assert (the_day_after.status, str(the_day_after.status_label)) == (selectors.Status.NOT_MET, "Không đạt")
    assert (the_day_after.met, the_day_after.population) == (2, 4)


def test_a_past_day_counts_the_trainings_and_people_of_that_day(tree):
    units, people = tree
    target = three_times_target(units["central"])
    people["commune_cadre"].is_active = False
    people["commune_cadre"].end_date = date(2026, 1, 31)
    people["commune_cadre"].save()

    before = selectors.coverage(target, units["commune"], as_of=date(2026, 1, 1))
    assert (before.total.population, before.total.met) == (3, 0)  # the area head's trainings came in May
    today = selectors.coverage(target, units["commune"])
    assert (today.total.population, today.total.met) == (2, 1)


def test_a_snapshot_gives_the_report_of_its_day_again_after_later_imports(tree):
    units, people = tree
    target = three_times_target(units["central"])
    services.take_snapshot(target=target, as_of=date(2026, 6, 1))
    train(people["other_area_head"], date(2026, 2, 1), times=3)  # imported later, dated before

    report = selectors.coverage(target, units["commune"], as_of=date(2026, 6, 1))

    assert report.snapshot is not None
    assert (report.total.population, report.total.met) == (3, 1)
    assert selectors.coverage(target, units["commune"]).total.met == 2
    assert selectors.monthly_trend(target, units["commune"]) == [(date(2026, 6, 1), 3, 1)]


def test_the_people_missing_say_what_each_lacks(tree):
    units, people = tree
    target = three_times_target(units["central"])

    requirement, missing = selectors.people_missing(target, units["commune"])

    assert {person.pk: requirement.lacks(person) for person in missing} == {
        people["commune_cadre"].pk: ["2/3 lần tập huấn"],
        people["other_area_head"].pk: ["0/3 lần tập huấn"],
    }


def report_queries(target, unit):
    with CaptureQueriesContext(connection) as queries:
        selectors.coverage(target, unit)
    return len(queries)


def test_a_report_takes_the_same_number_of_queries_whatever_the_tree(tree):
    units, _people = tree
    target = three_times_target(units["central"])
    small = {level: report_queries(target, units[level]) for level in ("central", "province", "commune", "area")}
    for number in range(6):
        commune = make_unit(parent=units["province"])
        for _area in range(4):
            area = make_unit(parent=commune)
            train(make_person(unit=area), date(2026, 1, number + 1), times=number)

    large = {level: report_queries(target, units[level]) for level in ("central", "province", "commune", "area")}
    assert large == small


def dashboard(client, target, unit=None, **params):
    query = {"target": target.pk, **({"unit": unit.pk} if unit else {}), **params}
    return client.get(reverse("coverage_report:index"), query)


def test_an_organiser_reads_their_commune_and_is_refused_other_units(client, tree):
    units, _people = tree
    target = three_times_target(units["central"])
    client.force_login(make_organiser(managed_unit=units["commune"]))

    response = dashboard(client, target)
    assert response.status_code == 200
    assert response.context["report"].unit == units["commune"]
    assert dashboard(client, target, units["area"]).status_code == 200
    assert dashboard(client, target, units["other_commune"]).status_code == 404
    assert dashboard(client, target, units["province"]).status_code == 404
    other_target = three_times_target(units["other_province"], slug="bac-ninh")
    assert dashboard(client, other_target).status_code == 404
    missing = client.get(reverse("coverage_report:missing"), {"target": target.pk, "unit": units["other_commune"].pk})
    assert missing.status_code == 404


def test_trainers_and_learners_may_not_read_coverage(client, tree):
    units, _people = tree
    target = three_times_target(units["central"])
    client.force_login(make_trainer(managed_unit=units["commune"]))  # Wagtail sends them home with a message
    assert dashboard(client, target).url == reverse("wagtailadmin_home")
    assert client.get(reverse("coverage_report:missing"), {"target": target.pk}).url == reverse("wagtailadmin_home")
    client.force_login(make_learner())
    assert dashboard(client, target).url.startswith(reverse("wagtailadmin_login"))


def test_the_dashboard_takes_the_same_number_of_queries_whatever_the_tree(client, tree):
    units, _people = tree
    target = three_times_target(units["central"])
    client.force_login(make_organiser(managed_unit=units["province"]))

    def queries():
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            assert dashboard(client, target).status_code == 200
        return len(captured)

    small = queries()
    for _number in range(4):
        commune = make_unit(parent=units["province"])
        train(make_person(unit=make_unit(parent=commune)), date(2026, 1, 1), times=3)
    assert queries() == small


def test_the_exports_hold_the_table_and_the_people_missing(client, tree):
    units, people = tree
    target = three_times_target(units["central"])
    client.force_login(make_organiser(managed_unit=units["commune"]))

    table = dashboard(client, target, export="csv").content.decode("utf-8-sig").splitlines()
    assert (
        table[-1] == f'Tổng cộng,{units["commune"].code},3,1,6,"33,3",100,2,Đúng tiến độ'
    )  # 31.5% of the term has passed; the share written as on screen
    missing = client.get(reverse("coverage_report:missing"), {"target": target.pk, "export": "csv"})
    lines = downloaded(missing).decode("utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == [
        person.full_name
        for person in sorted([people["commune_cadre"], people["other_area_head"]], key=lambda p: p.unit.path)
    ]
    pdf = dashboard(client, target, export="pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_the_api_answers_a_key_for_its_own_units_only(client, tree):
    units, _people = tree
    three_times_target(units["central"])
    _token, key = ApiToken.issue(name="CSDL tỉnh", unit=units["province"])
    url = reverse("coverage_api")

    assert client.get(url, {"target": "3-lan"}).status_code == 401
    assert client.get(url, {"target": "3-lan"}, headers={"Authorization": "Bearer wrong"}).status_code == 401
    auth = {"Authorization": f"Bearer {key}"}
    body = client.get(url, {"target": "3-lan", "unit": units["commune"].code}, headers=auth).json()
    assert (body["total"]["population"], body["total"]["met"], body["total"]["gap"]) == (3, 1, 2)
    assert [row["unit"]["code"] for row in body["rows"]] == [
        units[name].code for name in ("commune", "area", "other_area")
    ]
    assert client.get(url, {"target": "3-lan", "unit": units["other_province"].code}, headers=auth).status_code == 404
    assert client.get(url, {"target": "nope"}, headers=auth).status_code == 404
    assert client.get(url, {"target": "3-lan", "as_of": "31/12/2026"}, headers=auth).status_code == 400


def test_the_command_writes_the_report(tree, tmp_path):
    units, _people = tree
    three_times_target(units["central"])
    output = tmp_path / "bao-cao.csv"

    call_command(
        "coverage_report",
        "--target",
        "3-lan",
        "--unit",
        units["commune"].code,
        "--format",
        "csv",
        "--output",
        str(output),
        stdout=io.StringIO(),
    )

    assert (
        output.read_text(encoding="utf-8-sig").splitlines()[-1].startswith(f"Tổng cộng,{units['commune'].code},3,1,6")
    )


def test_a_superuser_makes_an_api_key_shown_once_and_organisers_may_not(client, tree):
    units, _people = tree
    three_times_target(units["central"])
    client.force_login(make_organiser(managed_unit=units["province"]))
    assert client.get(reverse("coverage_apitoken:add")).url == reverse("wagtailadmin_home")
    client.force_login(make_user(is_superuser=True, is_staff=True))

    response = client.post(reverse("coverage_apitoken:add"), {"name": "CSDL tỉnh", "unit": units["province"].pk})

    key = response.context["key"]
    token = ApiToken.objects.get()
    assert key not in token.key_hash
    assert key not in client.get(reverse("coverage_apitoken:edit", args=[token.pk])).content.decode()
    answer = client.get(reverse("coverage_api"), {"target": "3-lan"}, headers={"Authorization": f"Bearer {key}"})
    assert answer.json()["unit"]["code"] == units["province"].code


def complete(person, course):
    ledger.record_course_completion(
        person=person, course_id=course.pk, title=course.title, date=date(2026, 3, 1), hours=None, result=""
    )


def test_courses_and_competences_are_required_each_and_named_when_lacking(tree):
    units, people = tree
    catalogue = make_catalogue()
    basics = make_course(catalogue, lessons=0, title="Kỹ năng số cơ bản")
    safety = make_course(catalogue, lessons=0, title="An toàn thông tin")
    safety.competences.set([Competence.objects.get(number="4.2")])
    safety.save_revision().publish()
    target = three_times_target(units["central"], min_records=None)
    target.courses.set([basics])
    target.competences.set(Competence.objects.filter(number="4.2"))
    target.save()
    complete(people["commune_cadre"], basics)
    complete(people["commune_cadre"], safety)
    complete(people["area_head"], basics)
    complete(people["other_area_head"], safety)

    report = selectors.coverage(target, units["commune"])
    requirement, missing = selectors.people_missing(target, units["commune"])

    assert [(row.population, row.met) for row in report.rows] == [(1, 1), (1, 0), (1, 0)]
    assert {person.pk: requirement.lacks(person) for person in missing} == {
        people["area_head"].pk: ["năng lực 4.2"],
        people["other_area_head"].pk: ["khóa học “Kỹ năng số cơ bản”"],
    }
