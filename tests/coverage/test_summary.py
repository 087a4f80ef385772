"""Today's reports read from the facts kept on every write (targets.summary) and give, after every kind of
write, exactly what the full computation over the ledger gives."""

import copy
import io
import threading
from datetime import date, datetime, timedelta
from functools import partial

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import QuerySet
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from courses.models import Competence
from lms import ledger
from lms.importers import PeopleImport
from lms.models import AttendanceMethod, PersonCategory, Unit, UnitLevel
from lms.services import merge_units, record_attendance
from targets import selectors, summary, tasks
from targets.models import CoverageFact, CoverageTotal, Target
from tests.courses.helpers import make_catalogue, make_course
from tests.coverage.test_admin import make_target, make_world, train
from tests.factories import make_person, make_session, make_unit, make_user
from tests.lms.test_importers import person_row, run_people, sheet

pytestmark = pytest.mark.django_db


def report_lines(report):
    rows = [report.total, *report.rows]
    return [(row.unit.pk, row.own_people, row.population, row.met, row.trainings, row.status) for row in rows]


def full_computation(target, unit, **options):
    reference = copy.copy(target)
    reference.summary_ready = False
    report = selectors.coverage(reference, unit, **options)
    assert report.requirement is not None
    return report


def assert_summary_agrees(target, *, recounted=False, **options):
    """Every unit's report from the totals and from the facts equals the full computation's. The totals are
    those kept current as records were written, or counted again once a change of people or units marked them
    stale, or with ``recounted`` those counted again for a new day, as the night's work does. A report with a
    category reads the facts.
    """
    target.refresh_from_db()
    assert target.summary_ready
    today = timezone.localdate()
    if recounted:
        assert target.totals_on != today, "the day passing left the totals stale"
        summary.rebuild_totals(target)
    assert Target.objects.get(pk=target.pk).totals_on == today, "the totals are kept current"
    expected = {unit: report_lines(full_computation(target, unit, **options)) for unit in Unit.objects.all()}
    for from_totals in (options.get("category") is None, False):
        Target.objects.filter(pk=target.pk).update(totals_on=today if from_totals else None)
        for unit, lines in expected.items():
            report = selectors.coverage(target, unit, **options)
            assert (report.requirement, report.from_totals) == (None, from_totals), "read from the summary"
            assert report_lines(report) == lines, unit.name
    Target.objects.filter(pk=target.pk).update(totals_on=today)


@pytest.fixture
def world():
    world = make_world()
    summary.rebuild(world.target)
    world.target.refresh_from_db()
    return world


def test_the_rebuilt_facts_give_every_report_of_the_full_computation(world):
    assert CoverageFact.objects.filter(target=world.target).count() == 7  # everyone with a training
    assert_summary_agrees(world.target)
    assert_summary_agrees(world.target, category=PersonCategory.objects.get(code="truong-ban-cong-tac-mat-tran"))


def test_a_target_is_read_from_the_full_computation_until_its_facts_are_made(world):
    other = make_target(world.units["central"], slug="khac", min_records=1)
    assert selectors.coverage(other, world.units["commune"]).requirement is not None

    call_command("rebuild_coverage_summary", stdout=io.StringIO())

    assert_summary_agrees(other)


def test_an_imported_training_is_counted_at_once(world):
    train(world.people["hoa"], 1)  # her third: she now meets the target
    train(world.people["cuong"], 2)
    assert_summary_agrees(world.target)
    report = selectors.coverage(world.target, world.units["commune"])
    assert (report.total.met, report.total.trainings) == (3, 13)


def test_a_session_attended_is_counted_at_once(world):
    session = make_session(organising_unit=world.units["commune"])
    record_attendance(
        session=session, people=[world.people["hoa"], world.people["lan"]], method=AttendanceMethod.TICKED
    )
    assert_summary_agrees(world.target)


def test_a_course_completed_and_a_competence_taught_are_counted(world, django_capture_on_commit_callbacks):
    catalogue = make_catalogue()
    course = make_course(catalogue, lessons=0, title="An toàn thông tin")
    with django_capture_on_commit_callbacks(execute=True):
        world.target.competences.set(Competence.objects.filter(number="4.2"))
        world.target.save()
    ledger.record_course_completion(
        person=world.people["binh"],
        course_id=course.pk,
        title=course.title,
        date=date(2026, 3, 1),
        hours=None,
        result="",
    )
    assert_summary_agrees(world.target)
    assert selectors.coverage(world.target, world.units["area"]).total.met == 0  # the course teaches nothing yet

    with django_capture_on_commit_callbacks(execute=True):
        course.competences.set(Competence.objects.filter(number="4.2"))
        course.save_revision().publish()

    assert_summary_agrees(world.target)
    assert selectors.coverage(world.target, world.units["area"]).total.met == 1


def test_a_person_moved_is_counted_where_they_are_now(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the totals marked stale and counted again
        world.people["binh"].unit = world.units["other_commune"]
        world.people["binh"].save()
    assert_summary_agrees(world.target)
    assert selectors.coverage(world.target, world.units["other_commune"]).total.met == 2


def test_merged_units_count_their_people_in_the_unit_they_were_merged_into(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        merge_units(sources=[world.units["other_commune"]], target=world.units["commune"])
        merge_units(sources=[world.units["other_area"]], target=world.units["area"])
    assert_summary_agrees(world.target)
    assert selectors.coverage(world.target, world.units["area"]).total.population == 3


def test_a_person_deactivated_or_of_another_category_leaves_the_population(world):
    world.people["minh"].is_active = False
    world.people["minh"].end_date = date(2026, 1, 31)
    world.people["minh"].save()
    world.people["binh"].category = PersonCategory.objects.get(code="uy-vien-uy-ban")
    world.people["binh"].save()
    world.target.categories.set([PersonCategory.objects.get(code="chuyen-trach")])
    world.target.save()
    summary.rebuild(world.target)
    assert_summary_agrees(world.target)
    assert selectors.coverage(world.target, world.units["commune"]).total.population == 2  # Hoa and Cường


def test_a_changed_requirement_makes_the_facts_again_once_committed(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        world.target.min_records = 2
        world.target.window_start = date(2026, 3, 1)  # the first day of the window counts
        world.target.save()
    assert not Target.objects.get(pk=world.target.pk).summary_ready
    assert selectors.coverage(world.target, world.units["commune"]).requirement is not None  # meanwhile

    for callback in callbacks:
        callback()

    assert_summary_agrees(world.target)
    assert selectors.coverage(world.target, world.units["central"]).total.met == 5
    with django_capture_on_commit_callbacks(execute=True):
        world.target.window_start = date(2026, 3, 2)  # the day after the trainings
        world.target.save()
    assert_summary_agrees(world.target)
    assert selectors.coverage(world.target, world.units["central"]).total.met == 0


def test_a_training_dated_after_today_counts_from_its_day(world, monkeypatch, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    commune = world.units["commune"]
    with django_capture_on_commit_callbacks(execute=True):  # the totals counted again, over the ledger
        train(world.people["hoa"], 1, day=today + timedelta(days=1))

    report = selectors.coverage(world.target, commune)
    assert report.from_totals
    assert report_lines(report) == report_lines(full_computation(world.target, commune))
    assert report.total.met == 2  # not yet Hoa
    Target.objects.filter(pk=world.target.pk).update(totals_on=None)  # while stale, the facts cannot tell
    assert selectors.coverage(world.target, commune).requirement is not None
    assert selectors.coverage(world.target, world.units["other_commune"]).requirement is None  # not hers

    tomorrow = timezone.make_aware(datetime.combine(today + timedelta(days=1), datetime.min.time()))
    monkeypatch.setattr(timezone, "now", lambda: tomorrow + timedelta(hours=9))
    assert_summary_agrees(world.target, recounted=True)
    assert selectors.coverage(world.target, commune).total.met == 3


def test_start_and_end_dates_passing_without_a_write_count_as_the_full_computation_does(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        world.people["hoa"].end_date = today + timedelta(days=1)
        world.people["hoa"].save()
        world.people["cuong"].start_date = today + timedelta(days=1)
        world.people["cuong"].save()
    assert_summary_agrees(world.target)

    later = timezone.make_aware(datetime.combine(today + timedelta(days=2), datetime.min.time()))
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert_summary_agrees(world.target, recounted=True)


def test_a_report_from_the_totals_or_the_facts_takes_the_same_few_queries_whatever_the_tree(world):
    def queries(unit, *, from_totals):
        Target.objects.filter(pk=world.target.pk).update(totals_on=timezone.localdate() if from_totals else None)
        with CaptureQueriesContext(connection) as captured:
            report = selectors.coverage(world.target, unit)
        assert (report.requirement, report.from_totals) == (None, from_totals)
        return len(captured)

    def every_report():
        return {
            (name, from_totals): queries(world.units[name], from_totals=from_totals)
            for name in ("central", "province", "commune")
            for from_totals in (True, False)
        }

    few = every_report()
    for _number in range(5):
        area = make_unit(parent=world.units["commune"])
        train(make_person(unit=area), 3)
    summary.rebuild_totals(world.target)  # as the background does after the new units and people
    assert every_report() == few
    # the unit's children, the numbers, the thresholds; from the facts also the target's categories and the
    # check that none of them has a training dated after today
    assert {from_totals: count for (_name, from_totals), count in few.items()} == {True: 3, False: 5}


def test_the_national_dashboard_is_a_few_kilobytes_in_a_few_queries_whatever_the_tree(client, world):
    """The unit field offers the units above, the unit and those just below it, not the whole country; the
    numbers come from the facts."""
    client.force_login(make_user(is_superuser=True, is_staff=True))
    page = reverse("coverage_report:index") + f"?target={world.target.pk}"

    def measured():
        client.get(page)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page)
        assert response.context["report"].from_totals
        return len(captured), len(response.content)

    queries, size = measured()
    for _number in range(40):
        commune = make_unit(parent=world.units["other_province"])
        make_unit(parent=commune)
    summary.rebuild_totals(world.target)  # as the background does after the new units
    more_queries, more_size = measured()
    assert more_queries == queries
    # 6 are the admin's frame (session, user, profile, locale, the page explorer's two); the page's own 8: the
    # targets, the unit, the units offered, the unit's children, the totals, thresholds, trend, categories
    assert queries <= 14
    assert max(size, more_size) < 45_000  # the admin's frame is most of it


def test_the_people_missing_are_told_from_the_facts_and_counted_a_page_at_a_time(world):
    train(world.people["lan"], 1, day=date(2024, 12, 31))  # the day before the window: lacks still 2
    reference = copy.copy(world.target)
    reference.summary_ready = False
    for name in ("central", "province", "commune", "area"):
        requirement, fast = selectors.people_missing(world.target, world.units[name], counted=False)
        assert "lms_trainingrecord" not in str(fast.query)
        page = summary.count_for_lacks(requirement, list(fast[:50]))
        _requirement, full = selectors.people_missing(reference, world.units[name])
        assert [(person.pk, requirement.lacks(person)) for person in page] == [
            (person.pk, requirement.lacks(person)) for person in full
        ]
    requirement, fast = selectors.people_missing(world.target, world.units["commune"], counted=False)
    assert [requirement.lacks(person) for person in summary.count_for_lacks(requirement, list(fast))] == [
        ["2/3 lần tập huấn"],
        ["0/3 lần tập huấn"],
        ["1/3 lần tập huấn"],
    ]


def test_the_page_of_people_missing_lists_from_the_facts_what_each_lacks(client, world):
    client.force_login(make_user(is_superuser=True, is_staff=True))
    page = reverse("coverage_report:missing") + f"?target={world.target.pk}&unit={world.units['commune'].pk}"

    response = client.get(page)

    listed = [(person.full_name, person.lacks) for person in response.context["object_list"]]
    assert listed == [
        ("Nguyễn Thị Hoa", ["2/3 lần tập huấn"]),
        ("Lê Văn Cường", ["0/3 lần tập huấn"]),
        ("Phạm Thị Lan", ["1/3 lần tập huấn"]),
    ]


def test_people_imported_and_a_unit_changed_mark_the_totals_stale_and_count_them_again(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = run_people(
            sheet(PeopleImport, person_row(world.units["area"], full_name="Mai Thị Nhập", phone="0912000777"))
        )
    assert (report.errors, report.created) == ([], 1)
    assert_summary_agrees(world.target)
    assert selectors.coverage(world.target, world.units["area"]).total.population == 3

    Target.objects.filter(pk=world.target.pk).update(levels=[UnitLevel.PROVINCE, UnitLevel.RESIDENTIAL_AREA])
    summary.rebuild_totals(world.target)
    before = selectors.coverage(Target.objects.get(pk=world.target.pk), world.units["other_commune"]).total
    with django_capture_on_commit_callbacks(execute=True):
        world.units["outside_area"].level = UnitLevel.COMMUNE  # Đức Anh's area leaves the target's levels
        world.units["outside_area"].save()
    assert_summary_agrees(world.target)
    after = selectors.coverage(world.target, world.units["other_commune"]).total
    assert (after.population, after.trainings) == (before.population - 1, before.trainings - 3)


def test_records_written_keep_the_totals_of_every_unit_above_current_without_counting_them_again(world):
    summary_rows = CoverageTotal.objects.filter(target=world.target)
    rows_before = summary_rows.count()

    train(world.people["cuong"], 3)  # he now meets it: a row for his area and each unit above

    assert summary_rows.count() == rows_before + world.units["area"].depth
    assert_summary_agrees(world.target)
    assert selectors.coverage(world.target, world.units["central"]).total.met == 5


def test_a_new_day_counts_the_totals_again_and_queues_the_next_night(world, monkeypatch):
    today = timezone.localdate()
    world.people["hoa"].end_date = today
    world.people["hoa"].save()
    summary.rebuild_totals(world.target)
    assert selectors.coverage(world.target, world.units["commune"]).from_totals

    tomorrow = timezone.make_aware(datetime.combine(today + timedelta(days=1), datetime.min.time()))
    monkeypatch.setattr(timezone, "now", lambda: tomorrow + timedelta(minutes=5))
    assert not selectors.coverage(world.target, world.units["commune"]).from_totals  # yesterday's totals
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        tasks.nightly_coverage_totals.call()
        queued = DBTaskResult.objects.get(status=TaskResultStatus.READY)
        assert tasks.schedule_nightly_totals() is None  # queued once

    assert queued.task_path == tasks.nightly_coverage_totals.module_path
    assert timezone.localtime(queued.run_after) == tomorrow + timedelta(days=1, minutes=5)
    assert_summary_agrees(world.target)  # Hoa, whose last day was yesterday, is no longer counted


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_records_written_in_parallel_with_the_totals_counted_again_are_each_counted_once_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs a database that runs requests in parallel")
    world = make_world()
    summary.rebuild(world.target)
    learners = [make_person(unit=world.units["area"], full_name=f"Học viên {number}") for number in range(24)]
    summary.rebuild_totals(world.target)  # current again after the people added
    jobs = [partial(train, learner, 3) for learner in learners] + [partial(summary.rebuild_totals, world.target)] * 8
    barrier = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        try:
            barrier.wait()
            with transaction.atomic():
                job()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert_summary_agrees(world.target)  # each record counted once, by a change or by a count again
    assert selectors.coverage(world.target, world.units["area"]).total.met == 1 + len(learners)


def count_again_while(world, monkeypatch, change):
    """Count the totals again in one thread, and in another make ``change`` (and commit) once the count has
    written each unit's own people (the count of the people done), before it ends; then check every report."""
    counted, changed = threading.Event(), threading.Event()
    aggregate = QuerySet.aggregate

    def aggregate_then_pause(queryset, *args, **kwargs):
        result = aggregate(queryset, *args, **kwargs)
        if queryset.model is CoverageTotal and "last" in kwargs:  # the own people's rows are written
            counted.set()
            changed.wait(timeout=2)  # the change may commit now, unless it waits for this count
        return result

    monkeypatch.setattr(QuerySet, "aggregate", aggregate_then_pause)

    def count_again():
        try:
            summary.rebuild_totals(world.target)
        finally:
            connection.close()

    def make_change():
        try:
            counted.wait(timeout=10)
            change()
            changed.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=count_again), threading.Thread(target=make_change)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    monkeypatch.setattr(QuerySet, "aggregate", aggregate)
    assert_summary_agrees(world.target)


@pytest.fixture
def stale_world_on_postgresql():
    """A world whose facts are made and whose totals are stale, as after a change of people, on a database that
    runs requests in parallel."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a database that runs requests in parallel")
    world = make_world()
    summary.rebuild(world.target)
    Target.objects.filter(pk=world.target.pk).update(totals_on=None)
    return world


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_record_written_while_the_totals_are_counted_again_waits_and_is_counted_on_postgresql(
    stale_world_on_postgresql, monkeypatch
):
    world = stale_world_on_postgresql

    count_again_while(world, monkeypatch, lambda: train(world.people["cuong"], 3))  # he now meets it

    assert selectors.coverage(world.target, world.units["area"]).total.met == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_person_moved_while_the_totals_are_counted_again_marks_them_stale_once_written_on_postgresql(
    stale_world_on_postgresql, monkeypatch
):
    world = stale_world_on_postgresql

    def move():
        world.people["binh"].unit = world.units["other_commune"]
        world.people["binh"].save()

    count_again_while(world, monkeypatch, move)

    assert selectors.coverage(world.target, world.units["other_commune"]).total.met == 2
