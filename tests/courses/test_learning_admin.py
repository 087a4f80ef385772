"""Organisers follow courses in the admin: enrolments, progress by unit, assignments; all within their subtree.

The world: a province with commune A (the organiser's, with two residential areas) and commune B,
and a second province; one course with people of each at different stages.
"""

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from openpyxl import load_workbook

from courses import services
from courses.models import AssignmentStatus, CourseAssignment, Enrolment, EnrolmentMode, EnrolmentSource
from lms.models import PersonCategory
from tests.courses.helpers import make_catalogue, make_course
from tests.factories import make_learner, make_organiser, make_person, make_trainer, make_unit_tree, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return make_unit_tree()


@pytest.fixture
def course():
    return make_course(make_catalogue(), lessons=2, title="Kỹ năng số cơ bản")


def enrol_at_stage(person, course, stage):
    """Enrol ``person``: "not started", "in progress" (a lesson opened) or "completed"."""
    enrolment = Enrolment.objects.create(
        person=person, course=course, completed_at=timezone.now() if stage == "completed" else None
    )
    if stage == "in progress":
        services.open_lesson(enrolment=enrolment, lesson=course.lessons().first())
    return enrolment


@pytest.fixture
def enrolled(org, course):
    """People enrolled in ``course`` by name: (unit, stage)."""
    world = {
        "hoa": ("commune", "completed"),
        "thang": ("area", "in progress"),
        "binh": ("area", "not started"),
        "lan": ("other_area", "completed"),
        "duc_anh": ("other_commune", "completed"),
        "nam": ("other_province", "in progress"),
    }
    return {
        name: enrol_at_stage(make_person(unit=org[unit], full_name=f"Người {name}"), course, stage).person
        for name, (unit, stage) in world.items()
    }


@pytest.fixture
def organiser_client(client, org):
    client.force_login(make_organiser(managed_unit=org["commune"], is_staff=True))
    return client


def listed_people(response):
    return {enrolment.person.full_name for enrolment in response.context["object_list"]}


INSIDE = {"Người hoa", "Người thang", "Người binh", "Người lan"}


def test_an_organiser_lists_the_enrolments_of_their_subtree_only(organiser_client, enrolled):
    response = organiser_client.get(reverse("courses_enrolment:index"))

    assert response.status_code == 200
    assert listed_people(response) == INSIDE


def test_a_superuser_lists_every_enrolment(client, enrolled):
    client.force_login(make_user(is_superuser=True, is_staff=True))

    response = client.get(reverse("courses_enrolment:index"))

    assert len(listed_people(response)) == 6


def test_a_learner_has_no_enrolment_list(client, enrolled):
    client.force_login(make_learner())

    response = client.get(reverse("courses_enrolment:index"))

    assert response.status_code == 302
    assert "Người hoa" not in response.text


@pytest.mark.parametrize(
    ("status", "expected"),
    [("completed", {"Người hoa", "Người lan"}), ("in_progress", {"Người thang"}), ("not_started", {"Người binh"})],
)
def test_enrolments_filter_by_status(organiser_client, enrolled, status, expected):
    response = organiser_client.get(reverse("courses_enrolment:index"), {"status": status})

    assert listed_people(response) == expected


def test_enrolments_search_by_name_without_diacritics(organiser_client, org, course, enrolled):
    enrol_at_stage(make_person(unit=org["commune"], full_name="Đặng Thị Hương"), course, "not started")

    response = organiser_client.get(reverse("courses_enrolment:index"), {"q": "dang thi huong"})

    assert listed_people(response) == {"Đặng Thị Hương"}


def test_the_enrolment_export_holds_the_subtree_only(organiser_client, enrolled):
    response = organiser_client.get(reverse("courses_enrolment:index"), {"export": "csv"})

    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert {row[0] for row in rows[1:]} == INSIDE
    assert "Kỹ năng số cơ bản" in {cell for row in rows[1:] for cell in row}


def test_nobody_adds_edits_or_deletes_enrolments_in_the_admin(client, enrolled):
    client.force_login(make_user(is_superuser=True, is_staff=True))
    enrolment = Enrolment.objects.get(person=enrolled["hoa"])

    for name, args in (("add", []), ("edit", [enrolment.pk]), ("delete", [enrolment.pk])):
        try:
            url = reverse(f"courses_enrolment:{name}", args=args)
        except NoReverseMatch:
            continue
        assert client.post(url).status_code in (302, 403, 404)
    assert Enrolment.objects.filter(pk=enrolment.pk).exists()
    assert Enrolment.objects.count() == 6


# Progress by unit


def progress_rows(response):
    return {
        row["unit"].name: (row["enrolled"], row["not_started"], row["in_progress"], row["completed"])
        for row in response.context["rows"]
    }


def test_progress_by_unit_counts_each_unit_below_the_organisers(organiser_client, org, course, enrolled):
    response = organiser_client.get(reverse("courses_enrolment:by_unit", args=[course.pk]))

    assert response.status_code == 200
    assert progress_rows(response) == {
        "Phường Phan Đình Phùng": (1, 0, 0, 1),
        "Tổ dân phố 1": (2, 1, 1, 0),
        "Tổ dân phố 2": (1, 0, 0, 1),
    }
    total = response.context["total"]
    assert (total["enrolled"], total["completed"], total["percent"]) == (4, 2, 50)


def test_progress_by_unit_drills_down_and_stops_at_the_subtree(organiser_client, org, course, enrolled):
    url = reverse("courses_enrolment:by_unit", args=[course.pk])

    area = organiser_client.get(url, {"unit": org["area"].pk})
    outside = organiser_client.get(url, {"unit": org["other_commune"].pk})
    above = organiser_client.get(url, {"unit": org["province"].pk})

    assert progress_rows(area) == {"Tổ dân phố 1": (2, 1, 1, 0)}
    assert outside.status_code == 404
    assert above.status_code == 404


def test_progress_by_unit_exports_the_same_counts(organiser_client, course, enrolled):
    response = organiser_client.get(reverse("courses_enrolment:by_unit", args=[course.pk]), {"export": "xlsx"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    by_unit = {row[0]: tuple(int(value) for value in row[2:]) for row in rows[1:]}
    assert by_unit["Tổ dân phố 1"] == (2, 1, 1, 0)
    assert by_unit["Tổng cộng"] == (4, 1, 1, 2)


def test_a_learner_cannot_see_progress_by_unit(client, course, enrolled):
    client.force_login(make_learner(is_staff=True))

    response = client.get(reverse("courses_enrolment:by_unit", args=[course.pk]))

    assert response.status_code in (302, 403)


# Assignments


def assignment_form(course, unit, *categories, due_date=date(2026, 12, 31)):
    return {
        "course": course.pk,
        "unit": unit.pk,
        "categories": [category.pk for category in categories],
        "due_date": due_date.isoformat(),
    }


def test_an_organiser_assigns_a_course_to_a_subtree_and_categories(
    organiser_client, org, django_capture_on_commit_callbacks
):
    course = make_course(make_catalogue(), lessons=1, enrolment_mode=EnrolmentMode.ASSIGNED)
    full_time = PersonCategory.objects.get(code="chuyen-trach")
    part_time = PersonCategory.objects.get(code="khong-chuyen-trach")
    chosen = [make_person(unit=org["commune"]), make_person(unit=org["area"], category=part_time)]
    not_chosen = [
        make_person(unit=org["area"], category=PersonCategory.objects.get(code="uy-vien-uy-ban")),
        make_person(unit=org["other_area"], is_active=False),
        make_person(unit=org["other_commune"]),
    ]

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(
            reverse("courses_assignment:add"), assignment_form(course, org["commune"], full_time, part_time)
        )

    assignment = CourseAssignment.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("courses_assignment:progress", args=[assignment.pk])
    enrolments = Enrolment.objects.filter(course=course)
    assert {enrolment.person for enrolment in enrolments} == set(chosen)
    assert {(e.source, e.due_date, e.assignment_id) for e in enrolments} == {
        (EnrolmentSource.ASSIGNED, date(2026, 12, 31), assignment.pk)
    }
    assignment.refresh_from_db()
    assert (assignment.status, assignment.total, assignment.enrolled) == (AssignmentStatus.DONE, 2, 2)
    assert "Xong" in organiser_client.get(response.url).text
    assert not Enrolment.objects.filter(person__in=not_chosen).exists()


def test_assigning_again_keeps_existing_enrolments(organiser_client, org, django_capture_on_commit_callbacks):
    course = make_course(make_catalogue(), lessons=1)
    person = make_person(unit=org["area"])
    own = services.enrol(person=person, course=course)
    make_person(unit=org["area"])

    for _time in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            organiser_client.post(reverse("courses_assignment:add"), assignment_form(course, org["commune"]))

    assert Enrolment.objects.filter(course=course).count() == 2
    own.refresh_from_db()
    assert own.source == EnrolmentSource.SELF
    assert list(CourseAssignment.objects.order_by("pk").values_list("enrolled", flat=True)) == [1, 0]


def test_a_unit_outside_the_subtree_cannot_be_assigned(organiser_client, org, course):
    make_person(unit=org["other_commune"])

    response = organiser_client.post(reverse("courses_assignment:add"), assignment_form(course, org["other_commune"]))

    assert response.status_code == 200
    assert response.context["form"].errors["unit"]
    assert not CourseAssignment.objects.exists()
    assert not Enrolment.objects.exists()


def test_only_live_courses_can_be_assigned(organiser_client, course):
    draft = make_course(course.get_parent(), lessons=0, title="Bản nháp")
    draft.unpublish()

    response = organiser_client.get(reverse("courses_assignment:add"))

    titles = {choice.title for choice in response.context["form"].fields["course"].queryset}
    assert titles == {course.title}


@pytest.mark.parametrize("make_viewer", [make_learner, make_trainer])
def test_learners_and_trainers_cannot_assign_courses(client, org, course, make_viewer):
    client.force_login(make_viewer(is_staff=True))

    response = client.post(reverse("courses_assignment:add"), assignment_form(course, org["commune"]))

    assert response.status_code in (302, 403)
    assert not CourseAssignment.objects.exists()


# Query counts


def count_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_enrolment_list_and_progress_by_unit_do_not_query_per_row(organiser_client, org, course, enrolled):
    index = reverse("courses_enrolment:index")
    by_unit = reverse("courses_enrolment:by_unit", args=[course.pk])
    few = count_queries(organiser_client, index), count_queries(organiser_client, by_unit)
    for number in range(20):
        unit = org["area"] if number % 2 else org["other_area"]
        enrol_at_stage(make_person(unit=unit), course, ("completed", "in progress", "not started")[number % 3])

    assert (count_queries(organiser_client, index), count_queries(organiser_client, by_unit)) == few
