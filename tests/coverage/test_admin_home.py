"""The organiser's targets on the admin home: their unit against each active target it reports against, in one
aggregate query, and nothing of another unit's figures.

The world is ``tests.coverage.test_admin.make_world``: the commune (Phường Phan Đình Phùng) counts 5 people of
whom 2 meet "at least 3 trainings in the term", with 10 trainings between them.
"""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from lms.models import PersonCategory, UnitLevel
from targets import summary
from targets.models import TargetThreshold
from targets.selectors import coverage
from targets.wagtail_hooks import TargetsPanel
from tests.coverage.test_admin import make_target, make_world
from tests.factories import make_organiser, make_trainer, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def panel_for(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return TargetsPanel(request)


def standing(row):
    line = row["standing"]
    return (line.unit.name, line.population, line.met, line.trainings, line.threshold, line.gap, line.status)


def test_the_commune_organiser_sees_their_commune_against_the_target(world):
    (row,) = panel_for(make_organiser(managed_unit=world.units["commune"])).rows()

    # 5 counted, 2 met: 3 more reach the 100% the target asks; 40% is on track two years into a six-year plan
    assert row["target"] == world.target
    assert standing(row) == ("Phường Phan Đình Phùng", 5, 2, 10, 100, 3, "on_track")


def test_the_numbers_are_those_of_the_coverage_report_for_targets_of_every_kind(world):
    commune = world.units["commune"]
    head = PersonCategory.objects.get(code="truong-ban-cong-tac-mat-tran")
    heads_of_areas = make_target(world.units["central"], slug="truong-ban", min_records=2, threshold=50)
    heads_of_areas.categories.set([head])
    heads_of_areas.save()  # a cluster's many-to-many is written when it is saved
    areas_only = make_target(
        world.units["province"], slug="khu-dan-cu", min_records=4, levels=[UnitLevel.RESIDENTIAL_AREA]
    )

    rows = panel_for(make_organiser(managed_unit=commune)).rows()

    assert [row["target"] for row in rows] == [world.target, heads_of_areas, areas_only]
    for row in rows:
        total = coverage(row["target"], commune).total
        assert standing(row)[1:] == (
            total.population,
            total.met,
            total.trainings,
            total.threshold,
            total.gap,
            total.status,
        )
    assert [standing(row)[1:4] for row in rows] == [(5, 2, 10), (2, 1, 5), (3, 1, 5)]


def test_the_threshold_of_the_unit_s_level_is_the_one_used(world):
    TargetThreshold.objects.create(target=world.target, level=UnitLevel.COMMUNE, percent=40)

    (row,) = panel_for(make_organiser(managed_unit=world.units["commune"])).rows()

    # 2 of 5 is exactly 40%: met, no one more needed
    assert standing(row)[4:] == (40, 0, "met")


def test_an_organiser_sees_only_their_unit_s_figures_and_the_targets_that_apply_to_it(world):
    other_province_target = make_target(world.units["other_province"], slug="bac-ninh")
    inactive = make_target(world.units["central"], slug="cu", is_active=False)

    (row,) = panel_for(make_organiser(managed_unit=world.units["other_commune"])).rows()

    # Phường Gia Sàng: only Đức Anh, who met it
    assert standing(row)[:4] == ("Phường Gia Sàng", 1, 1, 3)
    assert other_province_target != row["target"] != inactive


def test_each_target_links_to_its_report_and_its_people_missing_for_the_unit(world):
    commune = world.units["commune"]

    (row,) = panel_for(make_organiser(managed_unit=commune)).rows()

    query = f"?target={world.target.pk}&unit={commune.pk}"
    assert row["report_url"] == reverse("coverage_report:index") + query
    assert row["missing_url"] == reverse("coverage_report:missing") + query


@pytest.mark.parametrize("targets", [1, 4])
def test_the_panel_takes_one_aggregate_query_whatever_the_number_of_targets(world, targets, django_assert_num_queries):
    for number in range(1, targets):
        make_target(world.units["central"], slug=f"muc-tieu-{number}", min_records=number)
    panel = panel_for(make_organiser(managed_unit=world.units["commune"]))

    # the targets, their categories, courses, competences and level thresholds; then the one count of all
    with django_assert_num_queries(6) as captured:
        rows = panel.rows()

    assert len(rows) == targets
    assert sum("SUM(" in query["sql"] for query in captured.captured_queries) == 1


def test_the_admin_home_shows_the_panel_to_organisers_only(client, world):
    commune = world.units["commune"]
    client.force_login(make_organiser(managed_unit=commune))
    organiser_home = client.get(reverse("wagtailadmin_home"))
    client.force_login(make_trainer(managed_unit=commune))
    trainer_home = client.get(reverse("wagtailadmin_home"))
    client.force_login(make_user(is_superuser=True))
    superuser_home = client.get(reverse("wagtailadmin_home"))

    assert 'id="targets-section"' in organiser_home.text
    assert world.target.name in organiser_home.text
    assert 'id="targets-section"' not in trainer_home.text
    assert 'id="targets-section"' not in superuser_home.text


def test_with_the_totals_of_today_the_panel_reads_them_in_one_query_and_gives_the_reports_numbers(
    world, django_assert_num_queries
):
    commune = world.units["commune"]
    head = PersonCategory.objects.get(code="truong-ban-cong-tac-mat-tran")
    heads_of_areas = make_target(world.units["central"], slug="truong-ban", min_records=2, threshold=50)
    heads_of_areas.categories.set([head])
    heads_of_areas.save()
    for target in (world.target, heads_of_areas):
        summary.rebuild(target)
    panel = panel_for(make_organiser(managed_unit=commune))

    # the targets, their categories, courses, competences and level thresholds; then the totals
    with django_assert_num_queries(6) as captured:
        rows = panel.rows()

    assert not any("lms_trainingrecord" in query["sql"] for query in captured.captured_queries)
    assert [standing(row)[1:4] for row in rows] == [(5, 2, 10), (2, 1, 5)]
    for row in rows:
        report = coverage(row["target"], commune)
        assert report.from_totals
        assert standing(row)[1:4] == (report.total.population, report.total.met, report.total.trainings)
