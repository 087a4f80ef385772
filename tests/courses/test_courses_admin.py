"""Courses in the admin: enrolments, progress by unit and assignments, each within the viewer's unit
subtree; competences; the course tree trainers are given.

The world: a province with commune A (the organiser's, with two residential areas) and commune B
(with one), and a second province; people of each enrolled in a course at every stage. As in
tests/lms/test_organisation_admin.py, every refusal is checked next to the same request on something
inside the scope succeeding, so that a broken URL cannot pass for a refusal.
"""

import zoneinfo
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple
from urllib.parse import urlencode

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from courses import services
from courses.demo import seed_demo_catalogue
from courses.models import (
    Competence,
    CompetenceDomain,
    CourseAssignment,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    EnrolmentMode,
    EnrolmentSource,
    EnrolmentStatus,
)
from home.models import HomePage
from lms import services as organisation_services
from lms.models import JobStatus, PersonCategory, UnitLogEntry
from tests.courses.helpers import make_catalogue, make_course, publish
from tests.exports import FORMULA_NAME, NEUTRALISED, exported_formula_cell, exported_rows
from tests.factories import (
    jobs_of,
    make_admin_user_without_a_role,
    make_learner,
    make_organiser,
    make_person,
    make_trainer,
    make_unit,
    make_unit_tree,
    make_user,
    migrate_back,
    migrate_forward,
)

pytestmark = pytest.mark.django_db

NOT_STARTED, IN_PROGRESS, COMPLETED = (
    EnrolmentStatus.NOT_STARTED,
    EnrolmentStatus.IN_PROGRESS,
    EnrolmentStatus.COMPLETED,
)
# Where each person of the world stands in the course (``org["course"]``).
STAGES = {
    "hoa": COMPLETED,
    "thang": IN_PROGRESS,
    "binh": NOT_STARTED,
    "lan": COMPLETED,
    "duc_anh": COMPLETED,
    "nam": IN_PROGRESS,
}
INSIDE_PEOPLE = ("hoa", "thang", "binh", "lan")
OUTSIDE_PEOPLE = ("duc_anh", "nam")
COURSE, OTHER_COURSE = "Kỹ năng số cơ bản", "An toàn thông tin"


@pytest.fixture
def org():
    """Units, people and courses by name; commune A is ``commune``, commune B ``other_commune``."""
    org = make_unit_tree()
    org["outside_area"] = make_unit(parent=org["other_commune"], name="Xóm Gia Sàng")
    member = PersonCategory.objects.get(code="uy-vien-uy-ban")
    org.update(
        hoa=make_person(unit=org["commune"], full_name="Nguyễn Thị Hoa"),
        thang=make_person(unit=org["area"], full_name="Lê Đức Thắng", category=member),
        binh=make_person(unit=org["area"], full_name="Trần Văn Bình"),
        lan=make_person(unit=org["other_area"], full_name="Phạm Thị Lan"),
        duc_anh=make_person(unit=org["other_commune"], full_name="Lê Đức Anh", category=member),
        nam=make_person(unit=org["other_province"], full_name="Hoàng Văn Nam"),
    )
    org["catalogue"] = make_catalogue()
    org["course"] = make_course(org["catalogue"], lessons=2, title=COURSE)
    org["other_course"] = make_course(org["catalogue"], lessons=1, title=OTHER_COURSE)
    return org


def enrol(person, course, status=NOT_STARTED, source=EnrolmentSource.SELF):
    """Enrol ``person`` at ``status``: a lesson opened is "in progress"; a completed one also opened one."""
    enrolment = Enrolment.objects.create(
        person=person, course=course, source=source, completed_at=timezone.now() if status == COMPLETED else None
    )
    if status != NOT_STARTED:
        services.open_lesson(enrolment=enrolment, lesson=course.lessons().first())
    return enrolment


@pytest.fixture
def enrolled(org):
    """Everyone enrolled in the course at their ``STAGES``, Thắng by an assignment; Hoa and Đức Anh
    also in the other course, not started."""
    for key, status in STAGES.items():
        source = EnrolmentSource.ASSIGNED if key == "thang" else EnrolmentSource.SELF
        enrol(org[key], org["course"], status, source)
    for key in ("hoa", "duc_anh"):
        enrol(org[key], org["other_course"])
    return org


@pytest.fixture
def organiser(org):
    return make_organiser(managed_unit=org["commune"])


@pytest.fixture
def as_organiser(client, organiser):
    client.force_login(organiser)
    return client


@pytest.fixture
def superuser():
    return make_user(is_superuser=True, is_staff=True)


@pytest.fixture
def as_superuser(superuser):
    """A client of its own, so that a test can compare what the superuser and the organiser see."""
    client = Client()
    client.force_login(superuser)
    return client


def url(name, *args, **query):
    return reverse(name, args=args) + (f"?{urlencode(query, doseq=True)}" if query else "")


NOT_FOUND, DENIED, LOG_IN = "not found", "permission denied", "log in first"


def assert_refused(response, how=NOT_FOUND):
    """Outside the scope is "not found"; a missing permission sends the user to the admin's home
    page (Wagtail's permission_denied); a user without admin access is sent to log in."""
    if how == NOT_FOUND:
        assert response.status_code == 404
    elif how == DENIED:
        assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("wagtailadmin_login"))


def enrolments(org, keys, course="course"):
    """(person, course) of the enrolments of the people ``keys`` in ``org[course]``."""
    return {(org[key].full_name, org[course].title) for key in keys}


def listed(response):
    """(person, course) of the enrolments on a listing page."""
    assert response.status_code == 200
    return {(enrolment.person.full_name, enrolment.course.title) for enrolment in response.context["object_list"]}


ORGANISERS_ENROLMENTS = ("course", INSIDE_PEOPLE), ("other_course", ["hoa"])


def everything(org, *parts):
    return set().union(*(enrolments(org, keys, course) for course, keys in parts))


# Enrolments -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("view", ["courses_enrolment:index", "courses_enrolment:index_results"])
def test_an_organiser_lists_the_enrolments_of_their_subtree_only(as_organiser, enrolled, view):
    response = as_organiser.get(url(view))

    assert listed(response) == everything(enrolled, *ORGANISERS_ENROLMENTS)
    assert not {enrolled[key].full_name for key in OUTSIDE_PEOPLE} & {name for name, _ in listed(response)}


def test_a_superuser_lists_every_enrolment(as_superuser, enrolled):
    assert listed(as_superuser.get(url("courses_enrolment:index"))) == everything(
        enrolled, ("course", STAGES), ("other_course", ["hoa", "duc_anh"])
    )


def test_a_trainer_of_the_commune_reads_its_enrolments_and_a_trainer_without_a_unit_none(client, enrolled):
    """Trainers have view_enrolment (migration courses 0004), within their unit like organisers."""
    client.force_login(make_trainer(managed_unit=enrolled["commune"]))
    assert listed(client.get(url("courses_enrolment:index"))) == everything(enrolled, *ORGANISERS_ENROLMENTS)

    client.force_login(make_trainer())
    assert listed(client.get(url("courses_enrolment:index"))) == set()


def test_an_organiser_without_a_unit_lists_no_enrolment(client, enrolled):
    client.force_login(make_organiser())

    assert listed(client.get(url("courses_enrolment:index"))) == set()


@pytest.mark.parametrize("view", ["courses_enrolment:index", "courses_enrolment:index_results"])
def test_a_learner_is_sent_to_log_in_from_the_enrolments(client, enrolled, view):
    learner = make_learner()
    make_person(unit=enrolled["commune"], user=learner)
    client.force_login(learner)

    response = client.get(url(view))

    assert_refused(response, LOG_IN)
    assert "Nguyễn Thị Hoa" not in response.content.decode()


class Filter(NamedTuple):
    query: Callable  # org -> query parameters
    found: Callable  # org -> the (person, course) listed


FILTERS = {
    "course": Filter(lambda org: {"course": org["course"].pk}, lambda org: enrolments(org, INSIDE_PEOPLE)),
    "other-course": Filter(
        lambda org: {"course": org["other_course"].pk}, lambda org: enrolments(org, ["hoa"], "other_course")
    ),
    "own-area": Filter(
        lambda org: {"course": org["course"].pk, "unit": org["area"].pk},
        lambda org: enrolments(org, ["thang", "binh"]),
    ),
    "own-commune": Filter(lambda org: {"unit": org["commune"].pk}, lambda org: everything(org, *ORGANISERS_ENROLMENTS)),
    # refused: the filter is ignored, it does not reveal the other commune
    "other-commune": Filter(
        lambda org: {"unit": org["other_commune"].pk}, lambda org: everything(org, *ORGANISERS_ENROLMENTS)
    ),
    "province": Filter(lambda org: {"unit": org["province"].pk}, lambda org: everything(org, *ORGANISERS_ENROLMENTS)),
    "completed": Filter(
        lambda org: {"course": org["course"].pk, "status": COMPLETED}, lambda org: enrolments(org, ["hoa", "lan"])
    ),
    "in-progress": Filter(
        lambda org: {"course": org["course"].pk, "status": IN_PROGRESS}, lambda org: enrolments(org, ["thang"])
    ),
    "not-started": Filter(
        lambda org: {"status": NOT_STARTED},
        lambda org: enrolments(org, ["binh"]) | enrolments(org, ["hoa"], "other_course"),
    ),
    "assigned": Filter(lambda org: {"source": EnrolmentSource.ASSIGNED}, lambda org: enrolments(org, ["thang"])),
    "self": Filter(
        lambda org: {"course": org["course"].pk, "source": EnrolmentSource.SELF},
        lambda org: enrolments(org, ["hoa", "binh", "lan"]),
    ),
}


@pytest.mark.parametrize("case", FILTERS.values(), ids=FILTERS.keys())
def test_the_enrolment_filters_narrow_the_organisers_subtree(as_organiser, enrolled, case):
    assert listed(as_organiser.get(url("courses_enrolment:index", **case.query(enrolled)))) == case.found(enrolled)


def test_the_unit_filter_offers_only_the_units_of_the_commune(as_organiser, enrolled):
    response = as_organiser.get(url("courses_enrolment:index"))

    offered = response.context["filters"].filters["unit"].field.queryset
    assert {unit.name for unit in offered} == {enrolled[key].name for key in ("commune", "area", "other_area")}


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("Đức", {"thang"}),
        ("duc", {"thang"}),
        ("le duc thang", {"thang"}),
        ("tran van binh", {"binh"}),
        ("le duc anh", set()),
        ("hoang van nam", set()),
    ],
)
def test_searching_enrolments_by_name_without_diacritics_finds_no_one_outside(as_organiser, enrolled, query, found):
    response = as_organiser.get(url("courses_enrolment:index", q=query, course=enrolled["course"].pk))

    assert listed(response) == enrolments(enrolled, found)


def test_a_superuser_searching_enrolments_finds_people_of_every_unit(as_superuser, enrolled):
    response = as_superuser.get(url("courses_enrolment:index", q="duc", course=enrolled["course"].pk))

    assert listed(response) == enrolments(enrolled, ["thang", "duc_anh"])


EXPORT_HEADINGS = [
    "Họ và tên",
    "Đơn vị",
    "Mã đơn vị",
    "Phân loại",
    "Khóa học",
    "Hình thức",
    "Thời điểm đăng ký",
    "Hạn hoàn thành",
    "Trạng thái",
    "Thời điểm hoàn thành",
]


def exported_enrolments(response, export_format):
    """The headings of an enrolment export, and its rows as dicts by heading."""
    headings, *rows = exported_rows(response, export_format)
    return headings, [dict(zip(headings, row, strict=True)) for row in rows]


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_the_enrolment_export_holds_the_subtree_only_under_vietnamese_headings(as_organiser, enrolled, export_format):
    response = as_organiser.get(url("courses_enrolment:index", export=export_format))

    headings, rows = exported_enrolments(response, export_format)
    assert headings == EXPORT_HEADINGS
    assert {(row["Họ và tên"], row["Khóa học"]) for row in rows} == everything(enrolled, *ORGANISERS_ENROLMENTS)
    in_course = {row["Họ và tên"]: row for row in rows if row["Khóa học"] == COURSE}
    assert {name: (row["Trạng thái"], row["Hình thức"]) for name, row in in_course.items()} == {
        "Nguyễn Thị Hoa": ("Đã hoàn thành", "Tự đăng ký"),
        "Lê Đức Thắng": ("Đang học", "Ban tổ chức phân công"),
        "Trần Văn Bình": ("Chưa bắt đầu", "Tự đăng ký"),
        "Phạm Thị Lan": ("Đã hoàn thành", "Tự đăng ký"),
    }
    assert (in_course["Lê Đức Thắng"]["Đơn vị"], in_course["Lê Đức Thắng"]["Mã đơn vị"]) == (
        "Tổ dân phố 1",
        enrolled["area"].code,
    )
    assert in_course["Lê Đức Thắng"]["Phân loại"] == enrolled["thang"].category.name


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_the_enrolment_export_gives_times_in_vietnamese_time(as_organiser, enrolled, export_format):
    # Wagtail would write aware datetimes in UTC: a course completed at 06:30 on 10/03 in Vietnam
    # would read as completed the day before.
    morning = datetime(2026, 3, 10, 6, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))
    Enrolment.objects.filter(person=enrolled["hoa"], course=enrolled["course"]).update(
        enrolled_at=morning, completed_at=morning
    )
    query = {"course": enrolled["course"].pk, "status": COMPLETED, "export": export_format}

    _headings, rows = exported_enrolments(as_organiser.get(url("courses_enrolment:index", **query)), export_format)

    hoa = next(row for row in rows if row["Họ và tên"] == "Nguyễn Thị Hoa")
    for heading in ("Thời điểm đăng ký", "Thời điểm hoàn thành"):
        assert "06:30" in hoa[heading]
        assert any(day in hoa[heading] for day in ("2026-03-10", "10/03/2026"))


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_a_filtered_enrolment_export_holds_the_filtered_rows(as_organiser, enrolled, export_format):
    query = {"course": enrolled["course"].pk, "status": COMPLETED, "export": export_format}

    _headings, rows = exported_enrolments(as_organiser.get(url("courses_enrolment:index", **query)), export_format)

    assert {(row["Họ và tên"], row["Khóa học"]) for row in rows} == enrolments(enrolled, ["hoa", "lan"])


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_a_superusers_enrolment_export_holds_everyone(as_superuser, enrolled, export_format):
    _headings, rows = exported_enrolments(
        as_superuser.get(url("courses_enrolment:index", export=export_format)), export_format
    )

    assert {(row["Họ và tên"], row["Khóa học"]) for row in rows} == everything(
        enrolled, ("course", STAGES), ("other_course", ["hoa", "duc_anh"])
    )


@pytest.mark.parametrize("who", ["superuser", "organiser"])
def test_nobody_adds_changes_or_deletes_an_enrolment_in_the_admin(client, enrolled, superuser, organiser, who):
    client.force_login(superuser if who == "superuser" else organiser)
    enrolment = Enrolment.objects.get(person=enrolled["hoa"], course=enrolled["course"])
    index = client.get(url("courses_enrolment:index"))
    assert enrolment in index.context["object_list"]

    html = index.content.decode()
    for view, args in (("add", ()), ("edit", (enrolment.pk,)), ("delete", (enrolment.pk,))):
        assert url(f"courses_enrolment:{view}", *args) not in html
        assert_refused(client.get(url(f"courses_enrolment:{view}", *args)), DENIED)
        assert_refused(client.post(url(f"courses_enrolment:{view}", *args), {}), DENIED)

    assert Enrolment.objects.count() == len(STAGES) + 2
    assert Enrolment.objects.get(pk=enrolment.pk).completed_at == enrolment.completed_at


# Progress by unit ---------------------------------------------------------------------------------------


def progress_rows(response):
    """{unit name: (enrolled, not started, in progress, completed)} of progress by unit, and the total."""
    assert response.status_code == 200
    counts = ("enrolled", "not_started", "in_progress", "completed")
    rows = {row["unit"].name: tuple(row[key] for key in counts) for row in response.context["rows"]}
    return rows, tuple(response.context["total"][key] for key in counts)


def by_unit(org, unit=None, **query):
    return url("courses_enrolment:by_unit", org["course"].pk, **({"unit": org[unit].pk} if unit else {}), **query)


COMMUNE_PROGRESS = {
    "Phường Phan Đình Phùng": (1, 0, 0, 1),  # its own people
    "Tổ dân phố 1": (2, 1, 1, 0),
    "Tổ dân phố 2": (1, 0, 0, 1),
}
COMMUNE_TOTAL = (4, 1, 1, 2)


def test_progress_by_unit_counts_the_organisers_unit_and_each_unit_below(as_organiser, enrolled):
    response = as_organiser.get(by_unit(enrolled))

    assert progress_rows(response) == (COMMUNE_PROGRESS, COMMUNE_TOTAL)
    assert response.context["unit"] == enrolled["commune"]
    assert response.context["total"]["percent"] == 50
    links = {row["unit"].name: row["url"] for row in response.context["rows"]}
    assert links == {
        "Phường Phan Đình Phùng": None,
        "Tổ dân phố 1": by_unit(enrolled, "area"),
        "Tổ dân phố 2": by_unit(enrolled, "other_area"),
    }
    assert by_unit(enrolled, "area").replace("&", "&amp;") in response.content.decode()


def test_progress_by_unit_counts_one_course_only(as_organiser, enrolled):
    response = as_organiser.get(url("courses_enrolment:by_unit", enrolled["other_course"].pk))

    assert progress_rows(response) == (
        {"Phường Phan Đình Phùng": (1, 1, 0, 0), "Tổ dân phố 1": (0, 0, 0, 0), "Tổ dân phố 2": (0, 0, 0, 0)},
        (1, 1, 0, 0),
    )


def test_progress_by_unit_drills_down_into_a_unit_of_the_commune(as_organiser, enrolled):
    response = as_organiser.get(by_unit(enrolled, "area"))

    assert progress_rows(response) == ({"Tổ dân phố 1": (2, 1, 1, 0)}, (2, 1, 1, 0))
    assert [(unit.name, link) for unit, link in response.context["trail"]] == [
        ("Phường Phan Đình Phùng", by_unit(enrolled, "commune"))  # not the province above the organiser
    ]
    assert progress_rows(as_organiser.get(by_unit(enrolled, "commune"))) == (COMMUNE_PROGRESS, COMMUNE_TOTAL)


def test_progress_by_unit_counts_the_people_deeper_down_in_their_branch(client, enrolled):
    client.force_login(make_organiser(managed_unit=enrolled["province"]))

    assert progress_rows(client.get(by_unit(enrolled))) == (
        {"Phường Gia Sàng": (1, 0, 0, 1), "Phường Phan Đình Phùng": COMMUNE_TOTAL},
        (5, 1, 1, 3),
    )


@pytest.mark.parametrize("unit", ["other_commune", "outside_area", "province", "central", "other_province"])
def test_progress_by_unit_of_a_unit_outside_the_commune_is_not_found(as_organiser, enrolled, unit):
    assert as_organiser.get(by_unit(enrolled, "other_area")).status_code == 200

    assert_refused(as_organiser.get(by_unit(enrolled, unit)))
    assert_refused(as_organiser.get(by_unit(enrolled, unit, export="csv")))


def test_progress_by_unit_of_a_course_that_does_not_exist_is_not_found(as_organiser, enrolled):
    assert_refused(as_organiser.get(url("courses_enrolment:by_unit", 987654)))


def test_progress_by_unit_with_a_malformed_unit_is_not_found(as_organiser, enrolled):
    # A non-numeric id must be "not found", not a server error.
    assert_refused(as_organiser.get(url("courses_enrolment:by_unit", enrolled["course"].pk, unit="abc")))


def test_a_superuser_starts_progress_by_unit_at_the_top_of_the_tree(as_superuser, enrolled):
    assert progress_rows(as_superuser.get(by_unit(enrolled))) == ({"Trung ương": (6, 1, 2, 3)}, (6, 1, 2, 3))
    assert progress_rows(as_superuser.get(by_unit(enrolled, "central"))) == (
        {"Tỉnh Bắc Ninh": (1, 0, 1, 0), "Tỉnh Thái Nguyên": (5, 1, 1, 3)},
        (6, 1, 2, 3),
    )
    assert progress_rows(as_superuser.get(by_unit(enrolled, "other_commune"))) == (
        {"Phường Gia Sàng": (1, 0, 0, 1), "Xóm Gia Sàng": (0, 0, 0, 0)},
        (1, 0, 0, 1),
    )


def test_a_trainer_of_the_commune_sees_its_progress_by_unit(client, enrolled):
    client.force_login(make_trainer(managed_unit=enrolled["commune"]))

    assert progress_rows(client.get(by_unit(enrolled))) == (COMMUNE_PROGRESS, COMMUNE_TOTAL)
    assert_refused(client.get(by_unit(enrolled, "other_commune")))


def test_progress_by_unit_is_refused_without_a_unit_or_admin_access(client, enrolled):
    client.force_login(make_organiser())
    assert_refused(client.get(by_unit(enrolled)), DENIED)
    assert_refused(client.get(by_unit(enrolled, "commune")))

    learner = make_learner()
    make_person(unit=enrolled["commune"], user=learner)
    client.force_login(learner)
    assert_refused(client.get(by_unit(enrolled)), LOG_IN)


PROGRESS_HEADINGS = ["Đơn vị", "Mã", "Đã đăng ký", "Chưa bắt đầu", "Đang học", "Đã hoàn thành"]


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
@pytest.mark.parametrize("unit", [None, "area"])
def test_progress_by_unit_exports_the_numbers_it_shows(as_organiser, enrolled, export_format, unit):
    shown_rows, shown_total = progress_rows(as_organiser.get(by_unit(enrolled, unit)))
    assert (shown_rows, shown_total) == (
        (COMMUNE_PROGRESS, COMMUNE_TOTAL) if unit is None else ({"Tổ dân phố 1": (2, 1, 1, 0)}, (2, 1, 1, 0))
    )

    response = as_organiser.get(by_unit(enrolled, unit, export=export_format))

    headings, *rows = exported_rows(response, export_format)
    *unit_rows, total_row = rows
    assert headings == PROGRESS_HEADINGS
    assert {row[0]: tuple(int(value) for value in row[2:]) for row in unit_rows} == shown_rows
    top = enrolled[unit or "commune"]
    codes = {child.name: child.code for child in (top, *top.get_children())}
    assert {row[0]: row[1] for row in unit_rows} == {name: codes[name] for name in shown_rows}
    assert total_row == ["Tổng cộng", top.code, *(str(number) for number in shown_total)]
    assert response["Content-Disposition"].endswith(f'tien-do-{enrolled["course"].slug}-{top.code}.{export_format}"')


@pytest.mark.parametrize("query", [{}, {"export": "csv"}, {"export": "xlsx"}])
def test_progress_by_unit_and_its_export_are_refused_without_the_permission_to_view_enrolments(
    client, as_organiser, enrolled, query
):
    assert as_organiser.get(by_unit(enrolled, **query)).status_code == 200

    client.force_login(make_admin_user_without_a_role(enrolled["commune"]))
    assert client.get(url("wagtailadmin_home")).status_code == 200
    assert_refused(client.get(by_unit(enrolled, **query)), DENIED)


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_an_organiser_of_another_commune_sees_and_exports_only_its_progress(client, enrolled, export_format):
    client.force_login(make_organiser(managed_unit=enrolled["other_commune"]))

    shown = progress_rows(client.get(by_unit(enrolled)))
    _headings, *rows = exported_rows(client.get(by_unit(enrolled, export=export_format)), export_format)

    assert shown == ({"Phường Gia Sàng": (1, 0, 0, 1), "Xóm Gia Sàng": (0, 0, 0, 0)}, (1, 0, 0, 1))
    assert [[row[0], *row[2:]] for row in rows] == [
        ["Phường Gia Sàng", "1", "0", "0", "1"],
        ["Xóm Gia Sàng", "0", "0", "0", "0"],
        ["Tổng cộng", "1", "0", "0", "1"],
    ]


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_a_unit_name_spreadsheets_would_run_as_a_formula_is_exported_as_text(as_organiser, enrolled, export_format):
    enrol(make_person(unit=make_unit(parent=enrolled["commune"], name=FORMULA_NAME)), enrolled["course"])

    response = as_organiser.get(by_unit(enrolled, export=export_format))

    assert exported_formula_cell(response, export_format, "HYPERLINK") == NEUTRALISED[export_format]


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_a_name_spreadsheets_would_run_as_a_formula_is_exported_as_text_from_the_enrolments(
    as_organiser, enrolled, export_format
):
    enrol(make_person(unit=enrolled["area"], full_name=FORMULA_NAME), enrolled["course"])

    response = as_organiser.get(url("courses_enrolment:index", export=export_format))

    assert exported_formula_cell(response, export_format, "HYPERLINK") == NEUTRALISED[export_format]


# Assignments --------------------------------------------------------------------------------------------

DUE = date(2026, 12, 31)


def assignment_form(org, *, course="assigned_course", unit="commune", categories=(), due_date=DUE):
    return {
        "course": org[course].pk,
        "unit": org[unit].pk,
        "categories": [PersonCategory.objects.get(code=code).pk for code in categories],
        "due_date": due_date.isoformat(),
    }


@pytest.fixture
def assignable(org):
    """An assigned-only course, a draft course, an inactive category, and more people of commune A."""
    part_time = PersonCategory.objects.get(code="khong-chuyen-trach")
    org.update(
        assigned_course=make_course(
            org["catalogue"], lessons=1, title="Dịch vụ công trực tuyến", enrolment_mode=EnrolmentMode.ASSIGNED
        ),
        draft_course=make_course(org["catalogue"], lessons=0, title="Bản nháp"),
        old_category=PersonCategory.objects.create(name="Cán bộ hợp đồng cũ", code="hop-dong-cu", is_active=False),
        part_timer=make_person(unit=org["other_area"], full_name="Vũ Thị Mai", category=part_time),
        left=make_person(unit=org["area"], full_name="Đỗ Văn Nghỉ", is_active=False),
        outside_cadre=make_person(unit=org["outside_area"], full_name="Bùi Văn Xa"),
    )
    org["draft_course"].unpublish()
    return org


def test_the_assignment_form_offers_live_courses_the_active_units_of_the_commune_and_active_categories(
    as_organiser, assignable
):
    organisation_services.merge_units(
        sources=[assignable["other_area"]], target=assignable["area"], on_date=date(2025, 7, 1)
    )

    response = as_organiser.get(url("courses_assignment:add"))

    assert response.status_code == 200
    fields = response.context["form"].fields
    assert {course.title for course in fields["course"].queryset} == {COURSE, OTHER_COURSE, "Dịch vụ công trực tuyến"}
    assert {unit.name for unit in fields["unit"].queryset} == {"Phường Phan Đình Phùng", "Tổ dân phố 1"}
    assert set(fields["categories"].queryset) == set(PersonCategory.objects.filter(is_active=True))
    assert assignable["old_category"] not in fields["categories"].queryset


REFUSED_ASSIGNMENTS = {
    "other-commune": ({"unit": "other_commune"}, "unit"),
    "outside-area": ({"unit": "outside_area"}, "unit"),
    "province": ({"unit": "province"}, "unit"),
    "other-province": ({"unit": "other_province"}, "unit"),
    "draft-course": ({"course": "draft_course"}, "course"),
    "inactive-category": ({"categories": ["chuyen-trach", "hop-dong-cu"]}, "categories"),
}


@pytest.mark.parametrize(("fields", "refused"), REFUSED_ASSIGNMENTS.values(), ids=REFUSED_ASSIGNMENTS.keys())
def test_an_assignment_outside_what_the_form_offers_is_refused_and_enrols_nobody(
    as_organiser, assignable, django_capture_on_commit_callbacks, fields, refused
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_organiser.post(url("courses_assignment:add"), assignment_form(assignable, **fields))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [refused]
    assert not CourseAssignment.objects.exists()
    assert not Enrolment.objects.exists()


def test_a_merged_unit_cannot_be_assigned(as_organiser, assignable, django_capture_on_commit_callbacks):
    organisation_services.merge_units(
        sources=[assignable["other_area"]], target=assignable["area"], on_date=date(2025, 7, 1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = as_organiser.post(url("courses_assignment:add"), assignment_form(assignable, unit="other_area"))

    assert list(response.context["form"].errors) == ["unit"]
    assert not CourseAssignment.objects.exists()


def test_assigning_a_unit_outside_the_subtree_is_refused_by_the_service_too(assignable, organiser):
    with pytest.raises(PermissionDenied):
        services.assign_course(
            course=assignable["assigned_course"],
            unit=assignable["other_commune"],
            categories=[],
            due_date=None,
            user=organiser,
        )

    assert not CourseAssignment.objects.exists()


def test_an_assignment_enrols_the_active_people_of_the_subtree_in_its_categories(
    as_organiser, organiser, assignable, django_capture_on_commit_callbacks
):
    form = assignment_form(assignable, categories=["chuyen-trach", "khong-chuyen-trach"])

    with django_capture_on_commit_callbacks(execute=True):
        response = as_organiser.post(url("courses_assignment:add"), form)

    assignment = CourseAssignment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("courses_assignment:progress", assignment.pk)
    course = assignable["assigned_course"]
    assert (assignment.course, assignment.unit, assignment.due_date, assignment.job.created_by) == (
        course,
        assignable["commune"],
        DUE,
        organiser,
    )
    assert {category.code for category in assignment.categories.all()} == {"chuyen-trach", "khong-chuyen-trach"}
    chosen = {assignable[key] for key in ("hoa", "binh", "lan", "part_timer")}  # not Thắng: a committee member
    made = Enrolment.objects.filter(course=course)
    assert {enrolment.person for enrolment in made} == chosen
    assert {(e.source, e.due_date, e.assignment_id, e.completed_at) for e in made} == {
        (EnrolmentSource.ASSIGNED, DUE, assignment.pk, None)
    }
    assignment.job.refresh_from_db()
    assert (assignment.job.status, assignment.job.total, assignment.job.done, assignment.enrolments.count()) == (
        JobStatus.DONE,
        4,
        4,
        4,
    )
    assert assignment.job.finished_at is not None


def test_the_assignment_progress_page_refreshes_while_waiting_and_then_shows_it_done(
    as_organiser, assignable, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_organiser.post(url("courses_assignment:add"), assignment_form(assignable))
        progress = response["Location"]
        waiting = as_organiser.get(progress).content.decode()  # the enrolment starts once the request commits
    done = as_organiser.get(progress).content.decode()

    assert progress == url("courses_assignment:progress", CourseAssignment.objects.get().pk)
    assert "Trạng thái: <strong>Đang chờ</strong>" in waiting
    assert 'http-equiv="refresh"' in waiting
    assert "Hệ thống đang ghi danh học viên (chạy nền)." in waiting
    assert "Trạng thái: <strong>Xong</strong>" in done
    # Hoa, Thắng, Bình, Lan and Mai; not the person who left, nor anyone of commune B
    assert "Đã xử lý 5/5 người; ghi danh mới 5 người" in done
    assert 'http-equiv="refresh"' not in done
    by_unit_page = url("courses_enrolment:by_unit", assignable["assigned_course"].pk, unit=assignable["commune"].pk)
    assert by_unit_page in done
    assert as_organiser.get(by_unit_page).context["total"]["enrolled"] == 5


def test_assigning_again_or_overlapping_enrols_nobody_twice(as_organiser, org, django_capture_on_commit_callbacks):
    course = org["course"]
    own = services.enrol(person=org["hoa"], course=course)
    orders = [
        assignment_form(org, course="course", unit="area", due_date=date(2026, 6, 30)),
        assignment_form(org, course="course", unit="commune", due_date=date(2026, 9, 30)),
        assignment_form(org, course="course", unit="commune", due_date=date(2026, 12, 31)),
    ]

    for order in orders:
        with django_capture_on_commit_callbacks(execute=True):
            assert as_organiser.post(url("courses_assignment:add"), order).status_code == 302

    first, second, third = CourseAssignment.objects.select_related("job").order_by("pk")
    assert [(a.job.status, a.job.total, a.enrolments.count()) for a in (first, second, third)] == [
        (JobStatus.DONE, 2, 2),  # Thắng and Bình
        (JobStatus.DONE, 4, 1),  # Lan; Hoa keeps her own enrolment
        (JobStatus.DONE, 4, 0),
    ]
    made = {
        e.person.full_name: (e.source, e.assignment_id, e.due_date) for e in Enrolment.objects.filter(course=course)
    }
    assert made == {
        "Nguyễn Thị Hoa": (EnrolmentSource.SELF, None, None),
        "Lê Đức Thắng": (EnrolmentSource.ASSIGNED, first.pk, date(2026, 6, 30)),
        "Trần Văn Bình": (EnrolmentSource.ASSIGNED, first.pk, date(2026, 6, 30)),
        "Phạm Thị Lan": (EnrolmentSource.ASSIGNED, second.pk, date(2026, 9, 30)),
    }
    assert Enrolment.objects.get(pk=own.pk).enrolled_at == own.enrolled_at


def test_an_organiser_without_a_unit_can_assign_no_unit(client, org, django_capture_on_commit_callbacks):
    client.force_login(make_organiser())
    form = client.get(url("courses_assignment:add")).context["form"]
    assert not form.fields["unit"].queryset.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("courses_assignment:add"), assignment_form(org, course="course"))

    assert list(response.context["form"].errors) == ["unit"]
    assert not CourseAssignment.objects.exists()
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize("who", ["trainer", "learner"])
def test_trainers_and_learners_cannot_assign_courses(client, org, django_capture_on_commit_callbacks, who):
    if who == "trainer":
        client.force_login(make_trainer(managed_unit=org["commune"]))
        how = DENIED
    else:
        learner = make_learner()
        make_person(unit=org["commune"], user=learner)
        client.force_login(learner)
        how = LOG_IN

    for view in ("courses_assignment:index", "courses_assignment:add"):
        assert_refused(client.get(url(view)), how)
    with django_capture_on_commit_callbacks(execute=True):
        assert_refused(client.post(url("courses_assignment:add"), assignment_form(org, course="course")), how)

    assert not CourseAssignment.objects.exists()
    assert not Enrolment.objects.exists()


@pytest.fixture
def assignments(org, superuser):
    """Assignments (still waiting) of commune A, of one of its areas, and of commune B."""
    for unit in ("commune", "area", "other_commune"):
        org[f"{unit}_assignment"] = services.assign_course(
            course=org["course"], unit=org[unit], categories=[], due_date=None, user=superuser
        )
    return org


def test_an_organiser_lists_the_assignments_of_their_subtree_only(as_organiser, as_superuser, assignments):
    def listed_assignments(client):
        response = client.get(url("courses_assignment:index"))
        assert response.status_code == 200
        return {assignment.unit.name for assignment in response.context["object_list"]}

    assert listed_assignments(as_organiser) == {"Phường Phan Đình Phùng", "Tổ dân phố 1"}
    assert listed_assignments(as_superuser) == {"Phường Phan Đình Phùng", "Tổ dân phố 1", "Phường Gia Sàng"}


def test_the_progress_of_an_assignment_of_another_commune_is_not_found(as_organiser, as_superuser, assignments):
    assert as_organiser.get(url("courses_assignment:progress", assignments["area_assignment"].pk)).status_code == 200

    assert_refused(as_organiser.get(url("courses_assignment:progress", assignments["other_commune_assignment"].pk)))
    assert (
        as_superuser.get(url("courses_assignment:progress", assignments["other_commune_assignment"].pk)).status_code
        == 200
    )


@pytest.mark.parametrize("view", ["courses_assignment:history", "courses_assignment:history_results"])
def test_the_history_of_an_assignment_of_another_commune_is_not_found(as_organiser, assignments, view):
    # Organisers may add assignments, which opens Wagtail's history view: it must be scoped too.
    assert as_organiser.get(url(view, assignments["area_assignment"].pk)).status_code == 200

    assert_refused(as_organiser.get(url(view, assignments["other_commune_assignment"].pk)))


@pytest.mark.parametrize("who", ["superuser", "organiser"])
def test_nobody_changes_or_deletes_an_assignment(client, assignments, superuser, organiser, who):
    client.force_login(superuser if who == "superuser" else organiser)
    assignment = assignments["commune_assignment"]

    for view in ("courses_assignment:edit", "courses_assignment:delete"):
        assert_refused(client.get(url(view, assignment.pk)), DENIED)
        assert_refused(client.post(url(view, assignment.pk), assignment_form(assignments, course="course")), DENIED)

    assert CourseAssignment.objects.get(pk=assignment.pk).unit == assignments["commune"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_move_to_background_jobs_keeps_every_assignment_with_its_status_counts_author_and_times(org, organiser):
    ordered = datetime(2026, 5, 4, 3, 2, 1, tzinfo=UTC)
    finished = ordered + timedelta(minutes=5)
    course, commune = org["course"].pk, org["commune"].pk
    apps = migrate_back(("courses", "0010_question_block_labels"))
    OldAssignment = apps.get_model("courses", "CourseAssignment")
    waiting = OldAssignment.objects.create(course_id=course, unit_id=commune, created_at=ordered)
    done = OldAssignment.objects.create(
        course_id=course,
        unit_id=commune,
        status="done",
        total=4,
        processed=4,
        enrolled=2,
        created_by_id=organiser.pk,
        created_at=ordered,
        finished_at=finished,
    )
    for person in (org["hoa"], org["thang"]):
        apps.get_model("courses", "Enrolment").objects.create(
            person_id=person.pk, course_id=course, source="assigned", assignment=done
        )
    failed = OldAssignment.objects.create(
        course_id=course, unit_id=commune, status="failed", total=9, processed=5, created_at=ordered
    )

    migrate_forward()

    fields = ("kind", "status", "total", "done", "created_by", "created_at", "finished_at")
    assert jobs_of(CourseAssignment.objects, *fields) == {
        waiting.pk: ("courses.courseassignment", JobStatus.WAITING, 0, 0, None, ordered, None),
        done.pk: ("courses.courseassignment", JobStatus.DONE, 4, 4, organiser, ordered, finished),
        failed.pk: ("courses.courseassignment", JobStatus.FAILED, 9, 5, None, ordered, None),
    }
    moved = CourseAssignment.objects.get(pk=done.pk)
    assert moved.enrolments.count() == 2
    assert (moved.course, moved.unit) == (org["course"], org["commune"])


# Competences ----------------------------------------------------------------------------------------------


@pytest.fixture
def as_trainer(client):
    client.force_login(make_trainer())
    return client


def test_a_trainer_adds_and_changes_competences(as_trainer):
    domain = CompetenceDomain.objects.get(number=6)
    assert as_trainer.get(url("courses_competence:add")).status_code == 200

    added = as_trainer.post(
        url("courses_competence:add"), {"domain": domain.pk, "number": "6.4", "name": "Ứng xử với AI"}
    )
    competence = Competence.objects.get(number="6.4")
    changed = as_trainer.post(
        url("courses_competence:edit", competence.pk),
        {"domain": domain.pk, "number": "6.4", "name": "Ứng xử có trách nhiệm với AI", "description": "Mới."},
    )

    assert (added.status_code, changed.status_code) == (302, 302)
    competence.refresh_from_db()
    assert (competence.domain, competence.name, competence.description) == (
        domain,
        "Ứng xử có trách nhiệm với AI",
        "Mới.",
    )


@pytest.mark.parametrize("who", ["trainer", "superuser"])
@pytest.mark.parametrize("model", [Competence, CompetenceDomain])
def test_nobody_deletes_a_competence_or_a_domain(client, superuser, who, model):
    client.force_login(superuser if who == "superuser" else make_trainer())
    name = f"courses_{model._meta.model_name}"
    item = model.objects.order_by("pk").first()
    assert client.get(url(f"{name}:index")).status_code == 200

    edit = client.get(url(f"{name}:edit", item.pk))
    assert url(f"{name}:delete", item.pk) not in edit.content.decode()
    assert_refused(client.get(url(f"{name}:delete", item.pk)), DENIED)
    assert_refused(client.post(url(f"{name}:delete", item.pk)), DENIED)

    assert model.objects.filter(pk=item.pk).exists()


def test_a_trainer_reads_but_does_not_change_the_competence_domains(as_trainer):
    domain = CompetenceDomain.objects.get(number=6)

    assert as_trainer.get(url("courses_competencedomain:index")).status_code == 200
    assert_refused(as_trainer.post(url("courses_competencedomain:add"), {"number": 7, "name": "Miền mới"}), DENIED)
    assert_refused(as_trainer.post(url("courses_competencedomain:edit", domain.pk), {"number": 6, "name": "X"}), DENIED)

    assert not CompetenceDomain.objects.filter(number=7).exists()
    assert CompetenceDomain.objects.get(pk=domain.pk).name == domain.name


def test_an_organiser_has_no_competence_screens(as_organiser):
    for view in ("courses_competence:index", "courses_competence:add", "courses_competencedomain:index"):
        assert_refused(as_organiser.get(url(view)), DENIED)


# The course tree trainers are given -------------------------------------------------------------------------


@pytest.fixture
def catalogue():
    """The demo catalogue: trainers may add and change pages in it (not publish)."""
    return seed_demo_catalogue(HomePage.objects.get())


def page_add_url(model, parent):
    return url("wagtailadmin_pages:add", model._meta.app_label, model._meta.model_name, parent.pk)


def course_form(**fields):
    return {
        "title": "Sử dụng dịch vụ công trực tuyến",
        "slug": "dich-vu-cong-truc-tuyen",
        "summary": "Nộp hồ sơ trên Cổng dịch vụ công quốc gia.",
        "estimated_hours": "2",
        "enrolment_mode": EnrolmentMode.OPEN,
        **fields,
    }


def test_the_catalogue_is_under_the_default_moderation_workflow(catalogue):
    workflow = catalogue.get_workflow()

    assert workflow is not None
    assert workflow.active
    assert [task.name for task in workflow.tasks.all()] == ["Duyệt nội dung"]


def test_a_trainer_submits_a_new_course_in_the_catalogue_for_moderation(as_trainer, catalogue):
    assert as_trainer.get(page_add_url(CoursePage, catalogue)).status_code == 200

    response = as_trainer.post(page_add_url(CoursePage, catalogue), {**course_form(), "action-submit": "1"})

    course = CoursePage.objects.get(slug="dich-vu-cong-truc-tuyen")
    assert response.status_code == 302
    assert course.get_parent().pk == catalogue.pk
    assert not course.live
    assert course.current_workflow_state.status == "in_progress"
    assert course.current_workflow_state.workflow == catalogue.get_workflow()


def test_a_trainers_publish_saves_a_draft_and_a_superusers_publishes(as_trainer, as_superuser, catalogue):
    as_trainer.post(page_add_url(CoursePage, catalogue), {**course_form(), "action-publish": "1"})
    draft = CoursePage.objects.get(slug="dich-vu-cong-truc-tuyen")
    assert (draft.live, draft.has_unpublished_changes, draft.current_workflow_state) == (False, True, None)

    as_superuser.post(page_add_url(CoursePage, catalogue), {**course_form(slug="khac"), "action-publish": "1"})
    assert CoursePage.objects.get(slug="khac").live


def test_a_trainer_edits_courses_of_the_catalogue_but_no_page_outside_it(as_trainer, catalogue):
    course = CoursePage.objects.child_of(catalogue).first()
    home = HomePage.objects.get()
    closed = publish(home, CourseIndexPage(title="Khóa học khác", slug="khoa-hoc-khac"))

    assert as_trainer.get(url("wagtailadmin_pages:edit", course.pk)).status_code == 200
    assert as_trainer.get(url("wagtailadmin_pages:edit", catalogue.pk)).status_code == 200

    assert_refused(as_trainer.get(url("wagtailadmin_pages:edit", home.pk)), DENIED)
    assert_refused(as_trainer.post(url("wagtailadmin_pages:edit", home.pk), {"title": "Đổi", "slug": "x"}), DENIED)
    assert_refused(as_trainer.get(page_add_url(CoursePage, closed)), DENIED)
    assert_refused(as_trainer.post(page_add_url(CoursePage, closed), course_form()), DENIED)
    assert_refused(as_trainer.get(page_add_url(HomePage, Page.get_first_root_node())), DENIED)

    assert not CoursePage.objects.filter(slug="dich-vu-cong-truc-tuyen").exists()
    assert HomePage.objects.get().title == home.title


# Query counts -------------------------------------------------------------------------------------------------


def add_enrolments(org, count):
    for number in range(count):
        unit = org["area"] if number % 2 else org["other_area"]
        enrol(make_person(unit=unit), org["course"], (COMPLETED, IN_PROGRESS, NOT_STARTED)[number % 3])


def add_units(org, count):
    for number in range(count):
        unit = make_unit(parent=org["commune"])
        enrol(make_person(unit=unit), org["course"], (COMPLETED, IN_PROGRESS, NOT_STARTED)[number % 3])


class Listing(NamedTuple):
    page: Callable  # org -> its URL
    add_rows: Callable  # (org, count) -> None
    rows: Callable  # response -> its rows
    most_queries: int  # measured, plus a little headroom


LISTINGS = {
    "enrolments": Listing(
        lambda org: url("courses_enrolment:index"), add_enrolments, lambda r: r.context["object_list"], 15
    ),
    "enrolments-of-a-course": Listing(
        lambda org: url("courses_enrolment:index", course=org["course"].pk, status=COMPLETED),
        add_enrolments,
        lambda r: r.context["object_list"],
        16,
    ),
    "progress-by-unit": Listing(by_unit, add_units, lambda r: r.context["rows"], 16),
}


def rows_and_queries(client, listing, page):
    """The rows of a listing and the queries it took, once a first request has filled the caches."""
    client.get(page)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page)
    assert response.status_code == 200
    return len(listing.rows(response)), len(queries)


@pytest.mark.parametrize("listing", LISTINGS.values(), ids=LISTINGS.keys())
def test_the_course_listings_take_no_more_queries_for_more_rows(as_organiser, enrolled, listing):
    page = listing.page(enrolled)
    few_rows, few_queries = rows_and_queries(as_organiser, listing, page)
    listing.add_rows(enrolled, 30)
    many_rows, many_queries = rows_and_queries(as_organiser, listing, page)

    assert many_rows > few_rows
    assert many_queries <= few_queries
    assert many_queries <= listing.most_queries


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_the_enrolment_export_takes_no_more_queries_for_more_rows(as_organiser, enrolled, export_format):
    # Each row reads the person, their unit and category, and the course: without select_related, an
    # export of a province's thousands of enrolments would be thousands of queries.
    page = url("courses_enrolment:index", export=export_format)

    def rows_and_queries():
        as_organiser.get(page)
        with CaptureQueriesContext(connection) as queries:
            _headings, rows = exported_enrolments(as_organiser.get(page), export_format)
        return len(rows), len(queries)

    few_rows, few_queries = rows_and_queries()
    add_enrolments(enrolled, 30)
    many_rows, many_queries = rows_and_queries()

    assert (few_rows, many_rows) == (5, 35)
    assert many_queries <= few_queries


# The history of assignments ----------------------------------------------------------------------------------


def test_an_assignment_is_logged_on_its_unit_for_the_organisers_of_that_unit_only(
    as_organiser, organiser, assignable, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        as_organiser.post(url("courses_assignment:add"), assignment_form(assignable, unit="area"))
    assignment = CourseAssignment.objects.get()

    entry = UnitLogEntry.objects.get(action="courses.assign")
    assert (entry.object_id, entry.unit, entry.user) == (str(assignment.pk), assignable["area"], organiser)
    assert entry.data == {"course": "Dịch vụ công trực tuyến", "unit": assignable["area"].code}
    history = as_organiser.get(url("courses_assignment:history", assignment.pk))
    assert "Đã giao khóa học cho đơn vị" in history.content.decode()
    assert entry in as_organiser.get(url("wagtailadmin_reports:site_history")).context["object_list"]

    other_organiser = Client()
    other_organiser.force_login(make_organiser(managed_unit=assignable["other_commune"]))
    site_history = other_organiser.get(url("wagtailadmin_reports:site_history"))
    assert site_history.status_code == 200
    assert entry not in site_history.context["object_list"]


# The tree may have several top units (superusers add them): the superuser's report starts above them all.
def test_a_superusers_progress_by_unit_counts_every_top_unit(as_superuser, enrolled):
    second_top = make_unit(name="Bộ Nội vụ")
    enrol(make_person(unit=second_top, full_name="Đinh Văn Bộ"), enrolled["course"], COMPLETED)

    rows, total = progress_rows(as_superuser.get(by_unit(enrolled)))

    assert total == (7, 1, 2, 4)  # everyone of ``STAGES``, and the cadre of the second top unit
    assert rows["Bộ Nội vụ"] == (1, 0, 0, 1)


# Overdue enrolments and prerequisites of assigned courses --------------------------------------------------------


def test_enrolments_past_their_due_date_and_not_completed_are_marked_and_listed_as_overdue(as_organiser, enrolled):
    today = timezone.localdate()
    due = {"thang": today - timedelta(days=1), "binh": today, "hoa": today - timedelta(days=30)}
    for key, day in due.items():
        Enrolment.objects.filter(person=enrolled[key], course=enrolled["course"]).update(due_date=day)

    overdue = listed(as_organiser.get(url("courses_enrolment:index", overdue="true")))
    on_time = listed(as_organiser.get(url("courses_enrolment:index", overdue="false", course=enrolled["course"].pk)))
    page = as_organiser.get(url("courses_enrolment:index", course=enrolled["course"].pk)).content.decode()

    # Thắng is a day late; Bình is due today (not yet late); Hoa completed the course, late or not
    assert overdue == enrolments(enrolled, ["thang"])
    assert on_time == enrolments(enrolled, ["hoa", "binh", "lan"])
    assert page.count(", quá hạn") == 1
    assert "Đang học, quá hạn" in page


def test_the_enrolment_export_says_which_enrolments_are_overdue(as_organiser, enrolled):
    Enrolment.objects.filter(person=enrolled["binh"]).update(due_date=date(2026, 1, 1))

    rows = exported_rows(as_organiser.get(url("courses_enrolment:index", export="csv", overdue="true")), "csv")

    assert [row[-2] for row in rows[1:]] == ["Chưa bắt đầu, quá hạn"]


@pytest.fixture
def with_prerequisite(assignable):
    """The assigned course needs the basic course, which only Hoa and Bình have completed (Bình long ago)."""
    course = assignable["assigned_course"]
    course.prerequisites.set([assignable["course"]])
    course.save_revision().publish()
    for key in ("hoa", "binh"):
        enrol(assignable[key], assignable["course"], COMPLETED)
    enrol(assignable["lan"], assignable["course"], IN_PROGRESS)
    return assignable


def test_an_assignment_enrols_only_the_people_who_completed_its_prerequisites_and_names_the_others(
    as_organiser, with_prerequisite, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_organiser.post(url("courses_assignment:add"), assignment_form(with_prerequisite))
    page = as_organiser.get(response["Location"]).content.decode()

    assignment = CourseAssignment.objects.select_related("job").get()
    enrolled_now = {e.person.full_name for e in Enrolment.objects.filter(course=with_prerequisite["assigned_course"])}
    assert enrolled_now == {"Nguyễn Thị Hoa", "Trần Văn Bình"}
    assert [error["item"] for error in assignment.job.errors] == [
        "Phạm Thị Lan (Tổ dân phố 2)",  # in progress is not completed
        "Vũ Thị Mai (Tổ dân phố 2)",
        "Lê Đức Thắng (Tổ dân phố 1)",
    ]
    assert (assignment.job.status, assignment.job.total, assignment.job.done) == (JobStatus.DONE, 5, 2)
    assert "Phạm Thị Lan (Tổ dân phố 2)" in page
    assert f"Chưa hoàn thành các khóa học cần học trước: {COURSE}." in page


def test_people_already_enrolled_are_not_named_as_lacking_prerequisites(
    as_organiser, with_prerequisite, django_capture_on_commit_callbacks
):
    Enrolment.objects.create(
        person=with_prerequisite["lan"], course=with_prerequisite["assigned_course"], source=EnrolmentSource.SELF
    )

    with django_capture_on_commit_callbacks(execute=True):
        as_organiser.post(url("courses_assignment:add"), assignment_form(with_prerequisite))

    errors = CourseAssignment.objects.select_related("job").get().job.errors
    assert [error["item"] for error in errors] == ["Vũ Thị Mai (Tổ dân phố 2)", "Lê Đức Thắng (Tổ dân phố 1)"]
