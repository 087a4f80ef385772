"""The coverage dashboard, the people missing and the targets in the admin, each within the viewer's unit
subtree; and the demo targets.

The world (``make_world``, also used by test_api.py and test_exports.py): the tree of
``tests.factories.make_unit_tree`` with a residential area under the other commune, and a target of the
central unit asking for at least 3 trainings in the 2025-2030 term. Who is counted, and their trainings:

    Tỉnh Thái Nguyên            Quang 3 (met)
      Phường Phan Đình Phùng    Hoa 2, Minh 3 (met)
        Tổ dân phố 1            Bình 4 (met, head of the area committee), Cường 0
        Tổ dân phố 2            Lan 1 (head of the area committee); Nghỉ has left (not counted)
      Phường Gia Sàng
        Xóm Gia Sàng            Đức Anh 3 (met)
    Tỉnh Bắc Ninh               Nam 0

As in tests/courses/test_courses_admin.py, each refusal sits next to the same request succeeding on
something inside the scope, so that a broken URL cannot pass for a refusal.
"""

import io
from datetime import date, timedelta
from typing import NamedTuple
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, reset_queries, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lms import roles
from lms.demo import DEMO_COMMUNE_CODE, DEMO_PROVINCE_CODE
from lms.models import PersonCategory, Unit, UnitLevel
from targets import demo
from targets.models import CoverageSnapshot, Target, TargetThreshold
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
FULL_TIME, HEAD_OF_AREA = "chuyen-trach", "truong-ban-cong-tac-mat-tran"

# (unit name, the unit's own people, population, met, trainings) of each row, and the total
COMMUNE_ROWS = [
    ("Phường Phan Đình Phùng", True, 2, 1, 5),
    ("Tổ dân phố 1", False, 2, 1, 4),
    ("Tổ dân phố 2", False, 1, 0, 1),
]
COMMUNE_TOTAL = (5, 2, 10)
PROVINCE_ROWS = [
    ("Tỉnh Thái Nguyên", True, 1, 1, 3),
    ("Phường Phan Đình Phùng", False, 5, 2, 10),
    ("Phường Gia Sàng", False, 1, 1, 3),
]
PROVINCE_TOTAL = (7, 4, 16)
CENTRAL_ROWS = [("Tỉnh Thái Nguyên", False, 7, 4, 16), ("Tỉnh Bắc Ninh", False, 1, 0, 0)]
CENTRAL_TOTAL = (8, 4, 16)
# the people of the commune who do not meet the target, in the order of the list, with what they lack
COMMUNE_MISSING = [
    ("Nguyễn Thị Hoa", "Phường Phan Đình Phùng", ["2/3 lần tập huấn"]),
    ("Lê Văn Cường", "Tổ dân phố 1", ["0/3 lần tập huấn"]),
    ("Phạm Thị Lan", "Tổ dân phố 2", ["1/3 lần tập huấn"]),
]


class World(NamedTuple):
    units: dict
    people: dict
    target: Target


def train(person, times, day=date(2026, 3, 1)):
    """``times`` imported trainings of ``person`` on ``day``."""
    make_trainings(person, day=day, times=times, reference="Tập huấn kỹ năng số")


def make_target(unit, **fields):
    """A target of ``unit``: at least 3 trainings in the 2025-2030 term."""
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


def make_world():
    units = make_unit_tree()
    units["outside_area"] = make_unit(parent=units["other_commune"], name="Xóm Gia Sàng")
    head = PersonCategory.objects.get(code=HEAD_OF_AREA)
    people = {}
    for key, unit, full_name, trainings, fields in [
        ("quang", "province", "Đinh Văn Quang", 3, {}),
        ("hoa", "commune", "Nguyễn Thị Hoa", 2, {}),
        ("minh", "commune", "Vũ Văn Minh", 3, {}),
        ("binh", "area", "Trần Văn Bình", 4, {"category": head}),
        ("cuong", "area", "Lê Văn Cường", 0, {}),
        ("lan", "other_area", "Phạm Thị Lan", 1, {"category": head}),
        ("nghi", "other_area", "Đỗ Văn Nghỉ", 3, {"is_active": False}),
        ("duc_anh", "outside_area", "Lê Đức Anh", 3, {}),
        ("nam", "other_province", "Hoàng Văn Nam", 0, {}),
    ]:
        people[key] = make_person(unit=units[unit], full_name=full_name, **fields)
        train(people[key], trainings)
    return World(units, people, make_target(units["central"]))


def grow(unit, units=4):
    """Add ``units`` units under ``unit`` (each with a unit below it where the tree goes on), with people
    meeting the target and people not."""
    for _number in range(units):
        child = make_unit(parent=unit)
        home = make_unit(parent=child) if child.level != UnitLevel.RESIDENTIAL_AREA else child
        train(make_person(unit=home), 3)
        make_person(unit=child)


def url(name, **query):
    return reverse(name) + (f"?{urlencode(query, doseq=True)}" if query else "")


def report_url(world, name="coverage_report:index", unit=None, **query):
    """The URL of a report of the world's target, of ``unit`` (a key of ``world.units``) if given."""
    if unit is not None:
        query["unit"] = world.units[unit].pk
    return url(name, target=world.target.pk, **query)


def numbers(report):
    rows = [(row.unit.name, row.own_people, row.population, row.met, row.trainings) for row in report.rows]
    return rows, (report.total.population, report.total.met, report.total.trainings)


def queries_of(client, page):
    """The queries a page takes once a first request has filled the caches."""
    assert client.get(page).status_code == 200
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        downloaded(client.get(page))  # a streamed download's rows are read, and counted, here
    return len(queries)


NOT_FOUND, DENIED, LOG_IN = "not found", "permission denied", "log in first"


def assert_refused(response, how=NOT_FOUND):
    """Outside the scope is "not found"; a missing permission sends the user to the admin's home page
    (Wagtail's permission_denied); a user without admin access is sent to log in."""
    if how == NOT_FOUND:
        assert response.status_code == 404
    elif how == DENIED:
        assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("wagtailadmin_login"))


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def commune_organiser(client, world):
    client.force_login(make_organiser(managed_unit=world.units["commune"]))
    return client


@pytest.fixture
def province_organiser(client, world):
    client.force_login(make_organiser(managed_unit=world.units["province"]))
    return client


# The dashboard ------------------------------------------------------------------------------------------


def test_organisers_are_given_the_coverage_permissions_but_not_delete():
    organiser = make_organiser()

    assert organiser.has_perm("coverage.view_target")
    assert organiser.has_perm("coverage.add_target")
    assert organiser.has_perm("coverage.change_target")
    assert not organiser.has_perm("coverage.delete_target")
    assert not make_trainer().has_perm("coverage.view_target")
    assert not make_learner().has_perm("coverage.view_target")


def test_an_organiser_of_a_commune_sees_the_report_of_their_commune_by_default(commune_organiser, world):
    response = commune_organiser.get(url("coverage_report:index"))

    assert response.status_code == 200
    report = response.context["report"]
    assert (report.target, report.unit) == (world.target, world.units["commune"])
    assert numbers(report) == (COMMUNE_ROWS, COMMUNE_TOTAL)
    page = response.content.decode()
    assert "2/5 người đạt chỉ tiêu (chỉ tiêu 100%); còn thiếu 3 người." in page
    assert "Phường Phan Đình Phùng (cán bộ trực thuộc)" in page


def test_the_residential_areas_of_a_commune_have_no_link_to_drill_down_to(commune_organiser, world):
    response = commune_organiser.get(report_url(world))

    assert [url for _row, url in response.context["rows"]] == [None, None, None]


def test_an_organiser_of_a_province_drills_down_from_the_province_to_a_commune(province_organiser, world):
    response = province_organiser.get(report_url(world))

    assert numbers(response.context["report"]) == (PROVINCE_ROWS, PROVINCE_TOTAL)
    links = [url for _row, url in response.context["rows"]]
    commune, other_commune = world.units["commune"].pk, world.units["other_commune"].pk
    assert links == [
        None,  # the province's own people
        f"?target={world.target.pk}&unit={commune}",
        f"?target={world.target.pk}&unit={other_commune}",
    ]
    assert f'href="?target={world.target.pk}&amp;unit={commune}"' in response.content.decode()

    drilled = province_organiser.get(reverse("coverage_report:index") + links[1])

    assert numbers(drilled.context["report"]) == (COMMUNE_ROWS, COMMUNE_TOTAL)
    assert [(unit.name, link) for unit, link in drilled.context["trail"]] == [
        ("Tỉnh Thái Nguyên", f"?target={world.target.pk}&unit={world.units['province'].pk}")
    ]


def test_an_organiser_drills_down_to_a_residential_area_of_their_commune(commune_organiser, world):
    response = commune_organiser.get(report_url(world, unit="area"))

    assert response.status_code == 200
    assert numbers(response.context["report"]) == ([("Tổ dân phố 1", True, 2, 1, 4)], (2, 1, 4))
    assert [unit.name for unit, _link in response.context["trail"]] == ["Phường Phan Đình Phùng"]


@pytest.mark.parametrize("unit", ["other_commune", "outside_area", "province", "other_province", "central"])
@pytest.mark.parametrize("view", ["coverage_report:index", "coverage_report:missing"])
def test_an_organiser_of_a_commune_is_refused_the_units_outside_it(commune_organiser, world, view, unit):
    assert commune_organiser.get(report_url(world, view, unit="commune")).status_code == 200

    assert_refused(commune_organiser.get(report_url(world, view, unit=unit)))


@pytest.mark.parametrize("view", ["coverage_report:index", "coverage_report:missing"])
def test_a_unit_or_target_that_is_not_a_number_is_not_found(commune_organiser, world, view):
    assert_refused(commune_organiser.get(url(view, target=world.target.pk, unit="x")))
    assert_refused(commune_organiser.get(url(view, target="x")))


@pytest.mark.parametrize("view", ["coverage_report:index", "coverage_report:missing"])
def test_an_organiser_reports_against_the_targets_of_their_unit_above_and_below_but_not_another_province(
    commune_organiser, world, view
):
    above = make_target(world.units["province"], slug="tinh")
    own = make_target(world.units["commune"], slug="xa")
    below = make_target(world.units["area"], slug="to-dan-pho")
    for target in (world.target, above, own, below):
        assert commune_organiser.get(url(view, target=target.pk)).status_code == 200

    assert_refused(commune_organiser.get(url(view, target=make_target(world.units["other_province"], slug="bn").pk)))
    assert_refused(commune_organiser.get(url(view, target=make_target(world.units["other_commune"], slug="gs").pk)))
    assert_refused(commune_organiser.get(url(view, target=make_target(world.units["commune"], slug="cu").pk + 100)))
    inactive = make_target(world.units["commune"], slug="het-hieu-luc", is_active=False)
    assert_refused(commune_organiser.get(url(view, target=inactive.pk)))


def test_the_filter_offers_only_the_targets_and_units_the_organiser_reports_on(commune_organiser, world):
    own = make_target(world.units["commune"], slug="xa")
    make_target(world.units["other_province"], slug="bn")

    filters = commune_organiser.get(report_url(world)).context["filters"]

    assert {target_id for target_id, _name in filters.fields["target"].choices} == {world.target.pk, own.pk}
    assert [Unit.objects.get(pk=unit_id).name for unit_id, _label in filters.fields["unit"].choices] == [
        "Phường Phan Đình Phùng",
        "Tổ dân phố 1",
        "Tổ dân phố 2",
    ]


def test_the_report_counts_only_the_category_asked_for(commune_organiser, world):
    head = PersonCategory.objects.get(code=HEAD_OF_AREA)

    response = commune_organiser.get(report_url(world, category=head.pk))

    rows = [("Tổ dân phố 1", False, 1, 1, 4), ("Tổ dân phố 2", False, 1, 0, 1)]
    assert numbers(response.context["report"]) == (rows, (2, 1, 5))


def test_a_past_day_counts_the_trainings_of_that_day(commune_organiser, world):
    train(world.people["hoa"], 1, day=date(2026, 6, 1))  # her third

    before = commune_organiser.get(report_url(world, as_of="2026-05-31")).context["report"]
    after = commune_organiser.get(report_url(world, as_of="2026-06-01")).context["report"]

    assert (before.as_of, before.total.met, before.total.trainings) == (date(2026, 5, 31), 2, 10)
    assert (after.total.met, after.total.trainings) == (3, 11)


def test_a_day_that_is_not_a_date_is_shown_in_the_form_and_the_report_is_of_today(commune_organiser, world):
    response = commune_organiser.get(report_url(world, as_of="31/02/2026"))

    assert response.status_code == 200
    assert response.context["filters"].errors["as_of"]
    assert response.context["report"].as_of == timezone.localdate()


def test_a_superuser_sees_the_whole_country_by_default(client, world):
    client.force_login(make_user(is_superuser=True, is_staff=True))

    response = client.get(url("coverage_report:index"))

    assert response.context["report"].unit == world.units["central"]
    assert numbers(response.context["report"]) == (CENTRAL_ROWS, CENTRAL_TOTAL)


def test_an_organiser_without_a_unit_is_told_there_is_no_target_and_shown_no_numbers(client, world):
    client.force_login(make_organiser())

    response = client.get(url("coverage_report:index"))

    assert response.status_code == 200
    assert response.context["no_target"]
    assert "report" not in response.context
    assert_refused(client.get(report_url(world)))
    assert_refused(client.get(report_url(world, "coverage_report:missing")))


@pytest.mark.parametrize("view", ["coverage_report:index", "coverage_report:missing"])
def test_trainers_learners_and_visitors_may_not_read_coverage(client, world, view):
    page = report_url(world, view, unit="commune")
    client.force_login(make_organiser(managed_unit=world.units["commune"]))
    assert client.get(page).status_code == 200

    client.force_login(make_trainer(managed_unit=world.units["commune"]))
    assert_refused(client.get(page), DENIED)
    learner = make_learner()
    make_person(unit=world.units["commune"], user=learner)
    client.force_login(learner)
    assert_refused(client.get(page), LOG_IN)
    client.logout()
    assert_refused(client.get(page), LOG_IN)


@pytest.mark.parametrize("unit", ["commune", "province"])
def test_the_dashboard_takes_the_same_number_of_queries_whatever_the_number_of_units_and_people(client, world, unit):
    client.force_login(make_organiser(managed_unit=world.units[unit]))
    page = report_url(world)
    few = queries_of(client, page)

    grow(world.units[unit], units=6)

    assert queries_of(client, page) == few


# The people missing ------------------------------------------------------------------------------------


def missing(response):
    """(name, unit, what they lack) of the people listed."""
    assert response.status_code == 200
    return [(person.full_name, person.unit.name, person.lacks) for person in response.context["object_list"]]


def test_the_people_missing_are_those_of_the_organisers_subtree_who_do_not_meet_the_target(commune_organiser, world):
    response = commune_organiser.get(report_url(world, "coverage_report:missing"))

    assert missing(response) == COMMUNE_MISSING
    page = response.content.decode()
    assert "Nguyễn Thị Hoa" in page
    assert "2/3 lần tập huấn" in page
    assert "Vũ Văn Minh" not in page  # he meets it
    assert "Hoàng Văn Nam" not in page  # another province


def test_the_people_missing_of_a_residential_area_and_of_a_category(commune_organiser, world):
    head = PersonCategory.objects.get(code=HEAD_OF_AREA)

    of_area = commune_organiser.get(report_url(world, "coverage_report:missing", unit="other_area"))
    of_category = commune_organiser.get(report_url(world, "coverage_report:missing", category=head.pk))

    assert missing(of_area) == [COMMUNE_MISSING[2]]
    assert missing(of_category) == [COMMUNE_MISSING[2]]


def test_a_superuser_sees_the_people_missing_of_the_whole_country(client, world):
    client.force_login(make_user(is_superuser=True, is_staff=True))

    response = client.get(report_url(world, "coverage_report:missing"))

    assert missing(response) == [*COMMUNE_MISSING, ("Hoàng Văn Nam", "Tỉnh Bắc Ninh", ["0/3 lần tập huấn"])]


def test_the_people_missing_are_listed_fifty_to_a_page(commune_organiser, world):
    for _number in range(50):
        make_person(unit=world.units["other_area"])
    page = report_url(world, "coverage_report:missing")

    first = commune_organiser.get(page)
    second = commune_organiser.get(f"{page}&p=2")

    assert first.context["paginator"].count == 53
    assert (len(missing(first)), len(missing(second))) == (50, 3)
    names = [name for name, _unit, _lacks in missing(first) + missing(second)]
    assert len(set(names)) == 53
    assert names[:2] == ["Nguyễn Thị Hoa", "Lê Văn Cường"]  # by unit, in tree order
    assert "Phạm Thị Lan" in names
    assert f"?target={world.target.pk}&amp;p=2" in first.content.decode()


def test_the_people_missing_take_the_same_number_of_queries_whatever_their_number(
    commune_organiser, world, django_assert_max_num_queries
):
    page = report_url(world, "coverage_report:missing")
    few = queries_of(commune_organiser, page)

    grow(world.units["commune"], units=30)

    assert queries_of(commune_organiser, page) == few
    assert queries_of(commune_organiser, f"{page}&p=2") == few
    with django_assert_max_num_queries(20):  # 17 measured, with a little headroom
        commune_organiser.get(f"{page}&p=2")


# Targets ----------------------------------------------------------------------------------------------


def thresholds_formset(levels=(), existing=()):
    """The posted InlinePanel formset of per-level thresholds: ``existing`` [(threshold, percent, delete)],
    then new ``levels`` [(level, percent)]."""
    forms = [(threshold.pk, threshold.level, percent, delete) for threshold, percent, delete in existing]
    forms += [("", level, percent, False) for level, percent in levels]
    data = {
        "level_thresholds-TOTAL_FORMS": str(len(forms)),
        "level_thresholds-INITIAL_FORMS": str(len(existing)),
        "level_thresholds-MIN_NUM_FORMS": "0",
        "level_thresholds-MAX_NUM_FORMS": "1000",
    }
    for index, (pk, level, percent, delete) in enumerate(forms):
        prefix = f"level_thresholds-{index}"
        data.update({f"{prefix}-id": pk, f"{prefix}-level": level, f"{prefix}-percent": percent})
        data.update({f"{prefix}-ORDER": str(index + 1), f"{prefix}-DELETE": "on" if delete else ""})
    return data


def target_form(unit, *, thresholds=(), **fields):
    """What the target form posts: a target of ``unit`` for full-time cadres of communes and residential
    areas, one training in 2026."""
    return {
        "name": "Cán bộ xã được tập huấn năm 2026",
        "slug": "xa-2026",
        "unit": unit.pk,
        "levels": [UnitLevel.COMMUNE, UnitLevel.RESIDENTIAL_AREA],
        "categories": [PersonCategory.objects.get(code=FULL_TIME).pk],
        "min_records": "1",
        "window_start": "2026-01-01",
        "window_end": "2026-12-31",
        "threshold": "100",
        "starts_on": "2026-01-01",
        "deadline": "2026-12-31",
        "is_active": "on",
        **thresholds_formset(thresholds),
        **fields,
    }


def listed_targets(response):
    assert response.status_code == 200
    return {target.slug for target in response.context["object_list"]}


def test_an_organiser_lists_the_targets_of_their_subtree_only(province_organiser, world):
    for unit, slug in [("commune", "xa"), ("outside_area", "xom"), ("province", "tinh"), ("other_province", "bn")]:
        make_target(world.units[unit], slug=slug)

    assert listed_targets(province_organiser.get(url("coverage_target:index"))) == {"xa", "xom", "tinh"}
    province_organiser.force_login(make_organiser(managed_unit=world.units["commune"]))
    assert listed_targets(province_organiser.get(url("coverage_target:index"))) == {"xa"}
    province_organiser.force_login(make_user(is_superuser=True, is_staff=True))
    assert listed_targets(province_organiser.get(url("coverage_target:index"))) == {"3-lan", "xa", "xom", "tinh", "bn"}


def test_the_targets_listing_takes_no_more_queries_for_more_targets(province_organiser, world):
    make_target(world.units["commune"], slug="xa")
    few = queries_of(province_organiser, url("coverage_target:index"))

    for number in range(10):
        make_target(world.units["commune" if number % 2 else "outside_area"], slug=f"chi-tieu-{number}")

    assert queries_of(province_organiser, url("coverage_target:index")) == few


def test_an_organiser_creates_a_target_of_their_commune_with_levels_categories_and_thresholds(commune_organiser, world):
    form = target_form(
        world.units["commune"],
        thresholds=[(UnitLevel.COMMUNE, "80"), (UnitLevel.RESIDENTIAL_AREA, "60")],
    )

    response = commune_organiser.post(url("coverage_target:add"), form)

    assert response.status_code == 302
    target = Target.objects.get(slug="xa-2026")
    assert (target.unit, target.levels, target.min_records) == (
        world.units["commune"],
        ["commune", "residential_area"],
        1,
    )
    assert [category.code for category in target.categories.all()] == [FULL_TIME]
    assert (target.window_start, target.window_end, target.deadline) == (
        date(2026, 1, 1),
        date(2026, 12, 31),
        date(2026, 12, 31),
    )
    assert {threshold.level: threshold.percent for threshold in target.level_thresholds.all()} == {
        UnitLevel.COMMUNE: 80,
        UnitLevel.RESIDENTIAL_AREA: 60,
    }
    report = commune_organiser.get(url("coverage_report:index", target=target.pk)).context["report"]
    assert [(row.unit.name, row.threshold) for row in report.rows] == [
        ("Phường Phan Đình Phùng", 80),
        ("Tổ dân phố 1", 60),
        ("Tổ dân phố 2", 60),
    ]


def history_of(client, target):
    """The actions on ``target`` in the site history ``client``'s user reads."""
    response = client.get(url("wagtailadmin_reports:site_history"))
    assert response.status_code == 200
    return [
        entry.action
        for entry in response.context["object_list"]
        if (entry.content_type.model, entry.object_id) == ("target", str(target.pk))
    ]


def test_a_new_target_is_in_the_history_of_the_organisers_of_its_unit_only(commune_organiser, world):
    commune_organiser.post(url("coverage_target:add"), target_form(world.units["commune"]))
    target = Target.objects.get(slug="xa-2026")

    assert history_of(commune_organiser, target) == ["wagtail.create"]
    commune_organiser.force_login(make_organiser(managed_unit=world.units["province"]))
    assert history_of(commune_organiser, target) == ["wagtail.create"]
    commune_organiser.force_login(make_organiser(managed_unit=world.units["other_province"]))
    assert history_of(commune_organiser, target) == []


@pytest.mark.parametrize("unit", ["province", "other_commune", "other_province", "central"])
def test_an_organiser_cannot_make_a_target_of_a_unit_outside_their_subtree(commune_organiser, world, unit):
    response = commune_organiser.post(url("coverage_target:add"), target_form(world.units[unit]))

    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not Target.objects.filter(slug="xa-2026").exists()
    assert commune_organiser.post(url("coverage_target:add"), target_form(world.units["area"])).status_code == 302


def test_a_target_with_an_unknown_level_or_dates_the_wrong_way_round_is_refused_with_the_field_named(
    commune_organiser, world
):
    unknown_level = target_form(world.units["commune"], levels=["district", "planet"])
    window_backwards = target_form(world.units["commune"], window_end="2025-12-31")
    deadline_backwards = target_form(world.units["commune"], deadline="2025-06-30")

    for form, field in [(unknown_level, "levels"), (window_backwards, "window_end"), (deadline_backwards, "deadline")]:
        response = commune_organiser.post(url("coverage_target:add"), form)
        assert response.status_code == 200
        assert list(response.context["form"].errors) == [field]
    assert not Target.objects.filter(slug="xa-2026").exists()


@pytest.mark.parametrize("total_forms", ["3", "1001", str(10**14)])
def test_a_form_count_larger_than_the_thresholds_posted_shows_the_form_again_with_its_error(
    commune_organiser, world, total_forms
):
    form = target_form(world.units["commune"], thresholds=[(UnitLevel.COMMUNE, "80")], name="")
    form["level_thresholds-TOTAL_FORMS"] = total_forms  # forms counted but never posted; past 1,000 Django caps it

    response = commune_organiser.post(url("coverage_target:add"), form)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["name"]
    assert not Target.objects.filter(slug="xa-2026").exists()


@pytest.mark.parametrize("counted", ["2", str(10**14)])
def test_a_count_of_existing_thresholds_larger_than_the_ids_posted_shows_the_form_again(
    commune_organiser, world, counted
):
    form = target_form(world.units["commune"], thresholds=[(UnitLevel.COMMUNE, "80")], name="")
    form["level_thresholds-TOTAL_FORMS"] = form["level_thresholds-INITIAL_FORMS"] = counted
    # counted as existing rows, whose ids were never posted (past 1,000 Django caps the count)

    response = commune_organiser.post(url("coverage_target:add"), form)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["name"]
    assert not Target.objects.filter(slug="xa-2026").exists()


def test_an_organiser_edits_the_thresholds_of_a_target_of_their_subtree(commune_organiser, world):
    target = make_target(world.units["commune"], slug="xa-2026")
    commune = TargetThreshold.objects.create(target=target, level=UnitLevel.COMMUNE, percent=80)
    area = TargetThreshold.objects.create(target=target, level=UnitLevel.RESIDENTIAL_AREA, percent=60)
    edit = reverse("coverage_target:edit", args=[target.pk])
    assert commune_organiser.get(edit).status_code == 200

    formset = thresholds_formset(existing=[(commune, "85", False), (area, "60", True)])
    response = commune_organiser.post(edit, target_form(world.units["commune"], levels=[], **formset))

    assert response.status_code == 302
    target.refresh_from_db()
    assert target.levels == []
    assert list(target.level_thresholds.values_list("level", "percent")) == [(UnitLevel.COMMUNE, 85)]


@pytest.mark.parametrize("unit", ["central", "province", "other_commune", "other_province"])
def test_an_organiser_cannot_edit_a_target_of_a_unit_outside_their_subtree(commune_organiser, world, unit):
    inside = make_target(world.units["area"], slug="to-dan-pho")
    outside = make_target(world.units[unit], slug="ngoai")
    assert commune_organiser.get(reverse("coverage_target:edit", args=[inside.pk])).status_code == 200

    assert_refused(commune_organiser.get(reverse("coverage_target:edit", args=[outside.pk])))
    response = commune_organiser.post(
        reverse("coverage_target:edit", args=[outside.pk]), target_form(world.units["area"], slug="ngoai")
    )
    assert_refused(response)
    outside.refresh_from_db()
    assert outside.unit == world.units[unit]


def test_an_organiser_cannot_move_their_target_to_a_unit_outside_their_subtree(commune_organiser, world):
    target = make_target(world.units["commune"], slug="xa-2026")

    response = commune_organiser.post(
        reverse("coverage_target:edit", args=[target.pk]), target_form(world.units["province"])
    )

    assert "unit" in response.context["form"].errors
    target.refresh_from_db()
    assert target.unit == world.units["commune"]


def test_targets_are_never_deleted_not_even_by_a_superuser(client, world):
    target = make_target(world.units["commune"], slug="xa-2026")
    delete = reverse("coverage_target:delete", args=[target.pk])
    for user in (make_organiser(managed_unit=world.units["commune"]), make_user(is_superuser=True, is_staff=True)):
        client.force_login(user)
        edit_page = client.get(reverse("coverage_target:edit", args=[target.pk]))
        assert edit_page.status_code == 200
        assert delete not in edit_page.content.decode()

        assert_refused(client.get(delete), DENIED)
        assert_refused(client.post(delete), DENIED)

    assert Target.objects.filter(pk=target.pk).exists()


@pytest.mark.parametrize("view", ["coverage_target:index", "coverage_target:add"])
def test_trainers_and_learners_may_not_see_or_add_targets(client, world, view):
    client.force_login(make_organiser(managed_unit=world.units["commune"]))
    assert client.get(url(view)).status_code == 200

    client.force_login(make_trainer(managed_unit=world.units["commune"]))
    assert_refused(client.get(url(view)), DENIED)
    client.force_login(make_learner())
    assert_refused(client.get(url(view)), LOG_IN)


def test_trainers_may_not_edit_a_target(client, world):
    target = make_target(world.units["commune"], slug="xa-2026")
    client.force_login(make_trainer(managed_unit=world.units["commune"]))

    assert_refused(client.get(reverse("coverage_target:edit", args=[target.pk])), DENIED)
    response = client.post(reverse("coverage_target:edit", args=[target.pk]), target_form(world.units["commune"]))
    assert_refused(response, DENIED)
    target.refresh_from_db()
    assert target.name == "Ít nhất 3 lần trong nhiệm kỳ"


# The demo targets ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """``seed_demo`` run once for the tests below, and rolled back after them."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        call_command("seed_demo", stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


DEMO_SLUGS = [fields["slug"] for fields, *_rest in demo.demo_targets()]


def test_seed_demo_creates_the_four_demo_targets_with_what_they_ask_for(demo_data):
    targets = {target.slug: target for target in Target.objects.all()}
    assert sorted(targets) == sorted(DEMO_SLUGS)
    full_time, three_times, half, per_level = (targets[slug] for slug in DEMO_SLUGS)

    assert (full_time.unit.code, full_time.levels, full_time.min_records) == (
        DEMO_PROVINCE_CODE,
        ["province", "commune"],
        1,
    )
    assert [category.code for category in full_time.categories.all()] == [FULL_TIME]
    assert {category.code for category in three_times.categories.all()} == {FULL_TIME, HEAD_OF_AREA}
    assert (three_times.min_records, three_times.window_start, three_times.window_end) == (3, *TERM)
    assert (half.unit.code, half.threshold, half.categories.count()) == ("TW", 50, 0)
    assert (per_level.unit.code, per_level.threshold, per_level.min_records) == (DEMO_PROVINCE_CODE, 90, None)
    assert [course.slug for course in per_level.courses.all()] == ["ky-nang-so-co-ban"]
    assert dict(per_level.level_thresholds.values_list("level", "percent")) == {
        UnitLevel.PROVINCE: 90,
        UnitLevel.COMMUNE: 80,
        UnitLevel.RESIDENTIAL_AREA: 60,
    }


def test_seed_demo_takes_a_snapshot_at_the_end_of_each_past_month_of_each_demo_target(demo_data):
    last_month_end = timezone.localdate().replace(day=1) - timedelta(days=1)
    for target in Target.objects.all():
        days = list(
            CoverageSnapshot.objects.filter(target=target).order_by("taken_on").values_list("taken_on", flat=True)
        )
        assert days[-1] == last_month_end
        assert 1 < len(days) <= 12
        assert all((day + timedelta(days=1)).day == 1 for day in days)
        assert days[0] >= target.starts_on
        assert days[0] >= last_month_end - timedelta(days=366)
        assert CoverageSnapshot.objects.get(target=target, taken_on=last_month_end).counts.exists()


def test_the_demo_organiser_reads_each_demo_target_for_their_commune_and_not_another_province(client, demo_data):
    organiser = get_user_model().objects.get(username="tochuc")
    assert organiser.groups.filter(name=roles.ORGANISER).exists()
    client.force_login(organiser)
    commune = Unit.objects.get(code=DEMO_COMMUNE_CODE)

    for slug in DEMO_SLUGS:
        target = Target.objects.get(slug=slug)
        response = client.get(url("coverage_report:index", target=target.pk))
        assert response.status_code == 200
        assert response.context["report"].unit == commune
        assert response.context["report"].total.population > 0
        assert len(response.context["trend"]["columns"]) > 1
        assert client.get(url("coverage_report:missing", target=target.pk)).status_code == 200

    other_province = make_unit(parent=Unit.get_first_root_node(), name="Tỉnh Bắc Ninh")
    other_commune = make_unit(parent=other_province)
    target = Target.objects.get(slug=DEMO_SLUGS[0])
    for unit in (other_province, other_commune, Unit.objects.get(code=DEMO_PROVINCE_CODE)):
        assert_refused(client.get(url("coverage_report:index", target=target.pk, unit=unit.pk)))
    other_target = make_target(other_province, slug="bac-ninh")
    assert_refused(client.get(url("coverage_report:index", target=other_target.pk)))


def test_a_count_of_thresholds_larger_than_the_thresholds_posted_draws_only_the_posted_ones(commune_organiser, world):
    form = target_form(world.units["commune"], thresholds=[(UnitLevel.COMMUNE, "80")], name="")
    form["level_thresholds-TOTAL_FORMS"] = "1000"

    response = commune_organiser.post(url("coverage_target:add"), form)

    assert response.status_code == 200
    assert len(response.context["form"].formsets["level_thresholds"].forms) == 1


def test_the_dashboard_opens_on_the_target_whose_deadline_comes_next(commune_organiser, world):
    today = timezone.localdate()
    make_target(world.units["commune"], name="Đã hết hạn", slug="het-han", deadline=today - timedelta(days=1))
    due_today = make_target(world.units["commune"], name="Hạn hôm nay", slug="hom-nay", deadline=today)
    make_target(world.units["commune"], name="Hạn năm sau", slug="nam-sau", deadline=today + timedelta(days=365))

    assert commune_organiser.get(url("coverage_report:index")).context["report"].target == due_today
    Target.objects.filter(deadline__gte=today).update(deadline=today - timedelta(days=2))
    assert commune_organiser.get(url("coverage_report:index")).context["report"].target.slug == "het-han"
