"""An organiser sees and changes only their unit's subtree on every organisation screen of the admin.

The world: a province with commune A (the organiser's, with two residential areas) and commune B
(with one), and a second province; people and sessions in each. Every refusal is checked next to
the same request on something inside the scope succeeding, so that a broken URL cannot pass for a
refusal.
"""

import csv
import io
import json
from collections.abc import Callable
from datetime import date
from typing import NamedTuple
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.log_actions import log
from wagtail.models import Page

from lms import services
from lms.importers import AttendanceImport, PeopleImport, UnitImport
from lms.models import Attendance, AttendanceMethod, Person, PersonCategory, TrainingSession, Unit, UnitLevel
from tests.factories import (
    make_learner,
    make_organiser,
    make_person,
    make_session,
    make_trainer,
    make_unit,
    make_unit_tree,
    make_user,
)

pytestmark = pytest.mark.django_db

INSIDE_UNITS = ("commune", "area", "other_area")
OUTSIDE_UNITS = ("central", "province", "other_province", "other_commune", "outside_area")
INSIDE_PEOPLE = ("hoa", "thang", "binh")
OUTSIDE_PEOPLE = ("duc_anh", "lan", "nam")
INSIDE_SESSIONS = ("session", "area_session")
OUTSIDE_SESSIONS = ("outside_session", "province_session")


@pytest.fixture
def org():
    """Units, people and sessions by name; commune A is ``commune``, commune B ``other_commune``."""
    org = make_unit_tree()
    org["outside_area"] = make_unit(parent=org["other_commune"], name="Xóm Gia Sàng")
    member = PersonCategory.objects.get(code="uy-vien-uy-ban")
    org.update(
        hoa=make_person(unit=org["commune"], full_name="Nguyễn Thị Hoa"),
        thang=make_person(unit=org["area"], full_name="Lê Đức Thắng", category=member),
        binh=make_person(unit=org["other_area"], full_name="Trần Văn Bình", is_active=False),
        duc_anh=make_person(unit=org["other_commune"], full_name="Lê Đức Anh", category=member),
        lan=make_person(unit=org["outside_area"], full_name="Phạm Thị Lan", is_active=False),
        nam=make_person(unit=org["other_province"], full_name="Hoàng Văn Nam"),
    )
    org.update(
        session=make_session(
            organising_unit=org["commune"], invited_units=[org["commune"]], title="Tập huấn Phan Đình Phùng"
        ),
        area_session=make_session(organising_unit=org["area"], title="Tập huấn Tổ dân phố 1"),
        outside_session=make_session(
            organising_unit=org["other_commune"], invited_units=[org["other_commune"]], title="Tập huấn Gia Sàng"
        ),
        province_session=make_session(organising_unit=org["province"], title="Tập huấn Thái Nguyên"),
    )
    return org


@pytest.fixture
def organiser(org):
    return make_organiser(managed_unit=org["commune"])


@pytest.fixture
def as_organiser(client, organiser):
    client.force_login(organiser)
    return client


@pytest.fixture
def as_superuser():
    """A client of its own, so that a test can compare what the superuser and the organiser see."""
    client = Client()
    client.force_login(make_user(is_superuser=True, is_staff=True))
    return client


def names(org, keys):
    return {str(org[key]) for key in keys}


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


def listed(response):
    """The names of the objects on a listing page (or on its results fragment)."""
    assert response.status_code == 200
    return {str(item) for item in response.context["object_list"]}


def shown(response, texts):
    """Which of ``texts`` a page shows anywhere."""
    return {text for text in texts if text in response.content.decode()}


def units_in_chooser(org, response):
    """The names of the units a chooser response shows."""
    assert response.status_code == 200
    html = response.content.decode()
    if response["Content-Type"] == "application/json":  # the modal; its results alone are plain HTML
        html = json.loads(html)["html"]
    return {name for name in names(org, INSIDE_UNITS + OUTSIDE_UNITS) if name in html}


# Units ----------------------------------------------------------------------------------------------


def test_the_units_index_starts_an_organiser_at_their_own_commune(as_organiser, org):
    assert listed(as_organiser.get(url("lms_unit:index"))) == names(org, ["commune"])
    assert listed(as_organiser.get(url("lms_unit:index", parent=org["commune"].pk))) == names(
        org, ["area", "other_area"]
    )


@pytest.mark.parametrize("view", ["lms_unit:index", "lms_unit:index_results"])
@pytest.mark.parametrize("parent", ["central", "province", "other_commune"])
def test_an_organiser_cannot_list_the_units_below_a_unit_outside_their_commune(as_organiser, org, view, parent):
    assert as_organiser.get(url(view, parent=org["commune"].pk)).status_code == 200

    assert_refused(as_organiser.get(url(view, parent=org[parent].pk)))


def test_a_superuser_lists_the_whole_tree(as_superuser, org):
    assert listed(as_superuser.get(url("lms_unit:index"))) == names(org, ["central"])
    assert listed(as_superuser.get(url("lms_unit:index", parent=org["province"].pk))) == names(
        org, ["commune", "other_commune"]
    )


def unit_form(**fields):
    return {"name": "Tổ dân phố 3", "short_name": "", "code": "TDP-3", "level": UnitLevel.RESIDENTIAL_AREA, **fields}


def test_an_organiser_adds_a_unit_under_a_unit_of_their_commune(as_organiser, org):
    response = as_organiser.post(url("lms_unit:add", parent=org["commune"].pk), unit_form())

    assert response.status_code == 302
    assert Unit.objects.get(code="TDP-3").get_parent() == org["commune"]


@pytest.mark.parametrize("parent", ["province", "other_commune", "outside_area"])
def test_an_organiser_cannot_add_a_unit_under_a_unit_outside_their_commune(as_organiser, org, parent):
    assert_refused(as_organiser.get(url("lms_unit:add", parent=org[parent].pk)))
    assert_refused(as_organiser.post(url("lms_unit:add", parent=org[parent].pk), unit_form()))

    assert not Unit.objects.filter(code="TDP-3").exists()


def test_an_organiser_cannot_add_a_top_unit(as_organiser):
    assert_refused(as_organiser.get(url("lms_unit:add")), DENIED)
    assert_refused(as_organiser.post(url("lms_unit:add"), unit_form(level=UnitLevel.CENTRAL)), DENIED)

    assert not Unit.objects.filter(code="TDP-3").exists()


def test_the_merge_form_offers_the_units_below_the_chosen_unit_of_the_commune(as_organiser, org):
    response = as_organiser.get(url("lms_unit:merge", org["commune"].pk))

    assert response.status_code == 200
    assert {str(unit) for unit in response.context["form"].fields["sources"].queryset} == names(
        org, ["area", "other_area"]
    )


def test_an_organiser_cannot_merge_units_below_a_unit_outside_their_commune(as_organiser, org):
    merger = {"sources": [org["other_commune"].pk], "target": org["commune"].pk, "on_date": "01/07/2025"}

    assert_refused(as_organiser.get(url("lms_unit:merge", org["province"].pk)))
    assert_refused(as_organiser.post(url("lms_unit:merge", org["province"].pk), merger))

    other_commune = Unit.objects.get(pk=org["other_commune"].pk)
    assert (other_commune.is_active, other_commune.merged_into) == (True, None)
    assert Person.objects.get(pk=org["duc_anh"].pk).unit == other_commune


def test_the_unit_chooser_lists_only_the_active_units_of_the_organisers_commune(as_organiser, org):
    services.merge_units(sources=[org["other_area"]], target=org["area"], on_date=date(2025, 7, 1))

    response = as_organiser.get(url("lms_unit_chooser:choose"))

    assert units_in_chooser(org, response) == names(org, ["commune", "area"])


@pytest.mark.parametrize("view", ["lms_unit_chooser:choose", "lms_unit_chooser:choose_results"])
def test_searching_the_unit_chooser_finds_no_unit_outside_the_commune(as_organiser, as_superuser, org, view):
    outside = names(org, ["other_commune", "outside_area"])
    assert units_in_chooser(org, as_superuser.get(url(view, q="Gia"))) == outside

    assert units_in_chooser(org, as_organiser.get(url(view, q="Gia"))) == set()
    assert units_in_chooser(org, as_organiser.get(url(view, q="Tổ dân"))) == names(org, ["area", "other_area"])


def test_a_search_too_long_for_any_unit_name_lists_the_units_instead_of_failing(as_organiser, org):
    response = as_organiser.get(url("lms_unit_chooser:choose_results", q="Tổ dân " * 10_000))

    assert units_in_chooser(org, response) == names(org, ["commune", "area", "other_area"])


@pytest.mark.parametrize("view", ["lms_unit_chooser:choose", "lms_unit_chooser:choose_results"])
@pytest.mark.parametrize("query", ["thai nguyen", "THÁI nguyen", "  Thai   Nguyen "])
def test_the_unit_chooser_finds_a_unit_without_diacritics_or_case(as_superuser, org, view, query):
    assert units_in_chooser(org, as_superuser.get(url(view, q=query))) == names(org, ["province"])


@pytest.mark.parametrize("view", ["lms_unit_chooser:choose", "lms_unit_chooser:choose_results"])
def test_the_unit_chooser_finds_a_unit_by_the_start_of_its_code_in_any_case(as_superuser, org, view):
    Unit.objects.filter(pk=org["other_commune"].pk).update(code="ab12345")

    assert units_in_chooser(org, as_superuser.get(url(view, q="AB123"))) == names(org, ["other_commune"])
    assert units_in_chooser(org, as_superuser.get(url(view, q="12345"))) == set()  # the start, not the middle


def test_the_unit_chooser_finds_a_unit_by_its_short_name(as_superuser, org):
    unit = make_unit(parent=org["province"], name="Phường Tích Lương", short_name="Tích Lương")
    Unit.objects.filter(pk=unit.pk).update(name="Phường số 7")

    response = as_superuser.get(url("lms_unit_chooser:choose_results", q="tich luong"))

    assert "Phường số 7" in response.content.decode()


def test_a_renamed_unit_is_found_by_its_new_name_only(as_superuser, org):
    unit = Unit.objects.get(pk=org["other_province"].pk)
    unit.name = "Tỉnh Bắc Kạn"
    unit.save()

    found_new = as_superuser.get(url("lms_unit_chooser:choose_results", q="bac kan")).content.decode()
    found_old = as_superuser.get(url("lms_unit_chooser:choose_results", q="bac ninh")).content.decode()

    assert "Tỉnh Bắc Kạn" in found_new
    assert "Tỉnh Bắc Kạn" not in found_old


def test_the_units_list_searches_the_organisers_whole_subtree_without_diacritics(as_organiser, as_superuser, org):
    assert listed(as_organiser.get(url("lms_unit:index", q="to dan pho"))) == names(org, ["area", "other_area"])
    assert listed(as_organiser.get(url("lms_unit:index_results", q="gia sang"))) == set()
    assert listed(as_superuser.get(url("lms_unit:index", q="gia sang"))) == names(
        org, ["other_commune", "outside_area"]
    )


def test_the_units_list_searched_under_a_unit_finds_only_units_below_it(as_superuser, org):
    found = listed(as_superuser.get(url("lms_unit:index", q="phuong", parent=org["province"].pk)))

    assert found == names(org, ["commune", "other_commune"])
    assert listed(as_superuser.get(url("lms_unit:index", q="phuong", parent=org["other_province"].pk))) == set()


def test_a_units_list_search_longer_than_any_name_finds_nothing_instead_of_failing(as_superuser, org):
    assert listed(as_superuser.get(url("lms_unit:index", q="Tổ dân " * 10_000))) == set()


def test_the_unit_chooser_does_not_return_a_unit_outside_the_commune_by_id(as_organiser, org):
    def chosen(unit):
        response = as_organiser.get(url("lms_unit_chooser:chosen_multiple", id=unit.pk))
        return [result["title"] for result in response.json()["result"]] if response.status_code == 200 else []

    assert chosen(org["area"]) == [str(org["area"])]

    assert chosen(org["other_commune"]) == []


# Any object's own pages --------------------------------------------------------------------------

OBJECT_PAGES = [
    # (view, an object of the organiser's commune, objects outside it)
    ("lms_unit:edit", "commune", OUTSIDE_UNITS),
    ("lms_unit:history", "commune", OUTSIDE_UNITS),
    ("lms_unit:history_results", "commune", OUTSIDE_UNITS),
    ("lms_unit:usage", "commune", OUTSIDE_UNITS),
    ("lms_unit:merge", "commune", OUTSIDE_UNITS),
    ("lms_unit_chooser:chosen", "area", OUTSIDE_UNITS),
    ("lms_person:edit", "hoa", OUTSIDE_PEOPLE),
    ("lms_person:history", "hoa", OUTSIDE_PEOPLE),
    ("lms_person:history_results", "hoa", OUTSIDE_PEOPLE),
    ("lms_person:usage", "hoa", OUTSIDE_PEOPLE),
    ("lms_session:edit", "session", OUTSIDE_SESSIONS),
    ("lms_session:history", "session", OUTSIDE_SESSIONS),
    ("lms_session:history_results", "session", OUTSIDE_SESSIONS),
    ("lms_session:usage", "session", OUTSIDE_SESSIONS),
    ("lms_session:attendance", "session", OUTSIDE_SESSIONS),  # with the check-in QR code
    ("lms_session:attendance_import", "session", OUTSIDE_SESSIONS),
]


@pytest.mark.parametrize(("view", "inside", "outside"), OBJECT_PAGES, ids=[page[0] for page in OBJECT_PAGES])
def test_a_direct_url_to_an_object_of_another_unit_is_not_found_for_an_organiser(
    as_organiser, org, view, inside, outside
):
    assert as_organiser.get(url(view, org[inside].pk)).status_code == 200

    for key in outside:
        assert_refused(as_organiser.get(url(view, org[key].pk)))


@pytest.mark.parametrize(("view", "inside", "outside"), OBJECT_PAGES, ids=[page[0] for page in OBJECT_PAGES])
def test_a_superuser_opens_the_objects_of_every_unit(as_superuser, org, view, inside, outside):
    for key in outside[-2:]:
        assert as_superuser.get(url(view, org[key].pk)).status_code == 200


DELETE_PAGES = [("lms_unit:delete", "commune"), ("lms_person:delete", "hoa"), ("lms_session:delete", "session")]


@pytest.mark.parametrize(("view", "key"), DELETE_PAGES, ids=[page[0] for page in DELETE_PAGES])
def test_nothing_of_the_organisation_can_be_deleted_in_the_admin(as_organiser, org, view, key):
    index = as_organiser.get(url(view.replace(":delete", ":index")))

    assert url(view, org[key].pk) not in index.content.decode()
    assert_refused(as_organiser.get(url(view, org[key].pk)), DENIED)
    assert_refused(as_organiser.post(url(view, org[key].pk)), DENIED)
    assert type(org[key]).objects.filter(pk=org[key].pk).exists()


# People ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("view", ["lms_person:index", "lms_person:index_results"])
def test_the_people_index_lists_only_the_people_of_the_organisers_commune(as_organiser, org, view):
    response = as_organiser.get(url(view))

    assert listed(response) == names(org, INSIDE_PEOPLE)
    assert shown(response, names(org, OUTSIDE_PEOPLE)) == set()


def test_a_superuser_lists_the_people_of_every_unit(as_superuser, org):
    assert listed(as_superuser.get(url("lms_person:index"))) == names(org, INSIDE_PEOPLE + OUTSIDE_PEOPLE)


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("Đức", {"thang"}),
        ("duc", {"thang"}),
        ("Lê Đức Anh", set()),
        ("le duc anh", set()),
        ("Phạm Thị Lan", set()),
    ],
)
def test_searching_people_finds_no_one_outside_the_commune(as_organiser, org, query, found):
    assert listed(as_organiser.get(url("lms_person:index", q=query))) == names(org, found)


@pytest.mark.parametrize("field", ["phone", "external_id"])
def test_an_outside_persons_phone_or_id_finds_no_one(as_organiser, as_superuser, org, field):
    query = getattr(org["duc_anh"], field)
    assert listed(as_superuser.get(url("lms_person:index", q=query))) == names(org, ["duc_anh"])

    assert listed(as_organiser.get(url("lms_person:index", q=query))) == set()


def train(org, *keys):
    services.record_attendance(
        session=org["session"], people=[org[key] for key in keys], method=AttendanceMethod.TICKED
    )


@pytest.mark.parametrize(
    ("filters", "found"),
    [
        (lambda org: {"unit": org["area"].pk}, {"thang"}),
        (lambda org: {"unit": org["other_commune"].pk}, set(INSIDE_PEOPLE)),  # refused: the filter is ignored
        (lambda org: {"unit": org["province"].pk}, set(INSIDE_PEOPLE)),
        (lambda org: {"category": PersonCategory.objects.get(code="uy-vien-uy-ban").pk}, {"thang"}),
        (lambda org: {"is_active": "false"}, {"binh"}),
        (lambda org: {"is_active": "true"}, {"hoa", "thang"}),
        (lambda org: {"trained_this_term": "true"}, {"hoa"}),
        (lambda org: {"trained_this_term": "false"}, {"thang", "binh"}),
    ],
    ids=["own-area", "other-commune", "province", "category", "inactive", "active", "trained", "not-trained"],
)
def test_no_filter_of_the_people_index_reveals_people_outside_the_commune(as_organiser, org, filters, found):
    train(org, "hoa", "duc_anh", "nam")

    assert listed(as_organiser.get(url("lms_person:index", **filters(org)))) == names(org, found)


def test_the_unit_filter_offers_only_the_units_of_the_commune(as_organiser, org):
    response = as_organiser.get(url("lms_person:index"))

    offered = response.context["filters"].filters["unit"].field.queryset
    assert {str(unit) for unit in offered} == names(org, INSIDE_UNITS)


def exported(response, export_format):
    """The full names of an export of the people index."""
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    header = next(column.header for column in PeopleImport.columns if column.field == "full_name")
    if export_format == "csv":
        rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
        return {row[header] for row in rows}
    rows = list(load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True))
    return {row[rows[0].index(header)] for row in rows[1:]}


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_the_people_export_holds_only_the_people_of_the_commune(as_organiser, org, export_format):
    response = as_organiser.get(url("lms_person:index", export=export_format))

    assert exported(response, export_format) == names(org, INSIDE_PEOPLE)


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_a_superusers_people_export_holds_everyone(as_superuser, org, export_format):
    response = as_superuser.get(url("lms_person:index", export=export_format))

    assert exported(response, export_format) == names(org, INSIDE_PEOPLE + OUTSIDE_PEOPLE)


def person_form(org, **fields):
    return {
        "full_name": "Đỗ Văn Mới",
        "gender": "",
        "birth_date": "",
        "unit": org["area"].pk,
        "position": "",
        "category": PersonCategory.objects.get(code="chuyen-trach").pk,
        "phone": "0912345678",
        "email": "",
        "external_id": "TN-NEW",
        "is_active": "on",
        "start_date": "",
        "end_date": "",
        **fields,
    }


def test_the_person_form_offers_only_the_units_of_the_commune(as_organiser, org):
    for page in (url("lms_person:add"), url("lms_person:edit", org["hoa"].pk)):
        response = as_organiser.get(page)

        assert {str(unit) for unit in response.context["form"].fields["unit"].queryset} == names(org, INSIDE_UNITS)


def test_an_organiser_adds_a_person_to_a_unit_of_their_commune(as_organiser, org):
    response = as_organiser.post(url("lms_person:add"), person_form(org))

    assert response.status_code == 302
    assert Person.objects.get(external_id="TN-NEW").unit == org["area"]


@pytest.mark.parametrize("unit", ["other_commune", "outside_area", "province"])
def test_a_person_cannot_be_added_to_a_unit_outside_the_commune(as_organiser, org, unit):
    response = as_organiser.post(url("lms_person:add"), person_form(org, unit=org[unit].pk))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["unit"]
    assert not Person.objects.filter(external_id="TN-NEW").exists()


def test_a_person_cannot_be_moved_to_a_unit_outside_the_commune(as_organiser, org):
    hoa = org["hoa"]
    fields = person_form(org, full_name=hoa.full_name, phone=hoa.phone, external_id=hoa.external_id)
    assert as_organiser.post(url("lms_person:edit", hoa.pk), fields).status_code == 302

    response = as_organiser.post(url("lms_person:edit", hoa.pk), {**fields, "unit": org["other_commune"].pk})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["unit"]
    assert Person.objects.get(pk=hoa.pk).unit == org["area"]


def test_an_organiser_cannot_change_a_person_of_another_commune(as_organiser, org):
    duc_anh = org["duc_anh"]
    fields = person_form(org, full_name="Đổi Tên", phone=duc_anh.phone, external_id=duc_anh.external_id)

    assert_refused(as_organiser.post(url("lms_person:edit", duc_anh.pk), fields))

    assert Person.objects.get(pk=duc_anh.pk).full_name == "Lê Đức Anh"


# Sessions and attendance ------------------------------------------------------------------------------


@pytest.mark.parametrize("view", ["lms_session:index", "lms_session:index_results"])
def test_the_sessions_index_lists_only_the_sessions_organised_in_the_commune(as_organiser, org, view):
    assert listed(as_organiser.get(url(view))) == names(org, INSIDE_SESSIONS)


def test_searching_sessions_finds_none_organised_outside_the_commune(as_organiser, org):
    assert listed(as_organiser.get(url("lms_session:index", q="Tập huấn"))) == names(org, INSIDE_SESSIONS)
    assert listed(as_organiser.get(url("lms_session:index", q="Gia Sàng"))) == set()


def test_a_superuser_lists_the_sessions_of_every_unit(as_superuser, org):
    assert listed(as_superuser.get(url("lms_session:index"))) == names(org, INSIDE_SESSIONS + OUTSIDE_SESSIONS)


def session_form(org, **fields):
    return {
        "title": "Tập huấn mới",
        "kind": "in_person",
        "organising_unit": org["commune"].pk,
        "invited_units": [org["commune"].pk],
        "starts_at": "10/03/2026 08:00",
        "ends_at": "10/03/2026 11:30",
        "hours": "3.5",
        "place": "",
        "meeting_url": "",
        "trainer": "",
        "topics": "",
        **fields,
    }


def test_the_session_form_offers_only_the_units_of_the_commune(as_organiser, org):
    form = as_organiser.get(url("lms_session:add")).context["form"]

    assert {str(unit) for unit in form.fields["organising_unit"].queryset} == names(org, INSIDE_UNITS)
    assert {str(unit) for unit in form.fields["invited_units"].queryset} == names(org, ["commune"])


def test_an_organiser_adds_a_session_of_their_commune(as_organiser, org):
    response = as_organiser.post(url("lms_session:add"), session_form(org))

    assert response.status_code == 302
    assert TrainingSession.objects.get(title="Tập huấn mới").organising_unit == org["commune"]


def test_an_organiser_names_the_page_a_session_opens_after_check_in(as_organiser, org):
    quiz_page = Page.objects.get(depth=2)  # any page: the quiz of the session, in practice
    form = as_organiser.get(url("lms_session:add")).text

    response = as_organiser.post(url("lms_session:add"), session_form(org, follow_up_page=quiz_page.pk))

    assert 'name="follow_up_page"' in form
    assert response.status_code == 302
    assert TrainingSession.objects.get(title="Tập huấn mới").follow_up_page_id == quiz_page.pk


@pytest.mark.parametrize(
    ("field", "value"),
    [("organising_unit", "other_commune"), ("organising_unit", "province"), ("invited_units", "other_commune")],
)
def test_a_session_cannot_be_organised_by_or_invite_a_unit_outside_the_commune(as_organiser, org, field, value):
    response = as_organiser.post(url("lms_session:add"), session_form(org, **{field: org[value].pk}))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert not TrainingSession.objects.filter(title="Tập huấn mới").exists()


@pytest.fixture
def shared_session(org):
    """A session of commune A that (as a superuser may arrange) also invites commune B."""
    return make_session(organising_unit=org["commune"], invited_units=[org["commune"], org["other_commune"]])


def test_the_attendance_list_offers_only_the_active_invited_people_of_the_commune(as_organiser, org, shared_session):
    response = as_organiser.get(url("lms_session:attendance", shared_session.pk))

    assert {str(person) for person in response.context["people"]} == names(org, ["hoa", "thang"])
    assert {str(person) for person in response.context["form"].fields["people"].queryset} == names(
        org, ["hoa", "thang"]
    )
    assert shown(response, names(org, OUTSIDE_PEOPLE)) == set()


def test_a_superuser_ticks_the_invited_people_of_every_unit(as_superuser, org, shared_session):
    response = as_superuser.get(url("lms_session:attendance", shared_session.pk))

    assert {str(person) for person in response.context["people"]} == names(org, ["hoa", "thang", "duc_anh"])


def present(session):
    return set(Attendance.objects.filter(session=session).values_list("person__full_name", flat=True))


def test_ticking_a_person_outside_the_commune_records_nobody(as_organiser, org, shared_session):
    attendance = url("lms_session:attendance", shared_session.pk)

    as_organiser.post(attendance, {"people": [org["duc_anh"].pk]})
    as_organiser.post(attendance, {"people": [org["hoa"].pk, org["duc_anh"].pk]})

    assert present(shared_session) == set()
    assert as_organiser.post(attendance, {"people": [org["hoa"].pk]}).status_code == 302
    assert present(shared_session) == names(org, ["hoa"])


# Imports ------------------------------------------------------------------------------------------------


def upload(client, page, importer, *rows):
    """Post a CSV with every column of ``importer``, filled from ``rows`` (dicts keyed by field)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.header for column in importer.columns])
    writer.writerows([[row.get(column.field, "") for column in importer.columns] for row in rows])
    file = SimpleUploadedFile("danh-sach.csv", buffer.getvalue().encode(), content_type="text/csv")
    return client.post(page, {"file": file})


def row_errors(response):
    assert response.status_code == 200
    return [(error.row, error.column) for error in response.context["report"].errors]


def written(org):
    """What the uploads below may write: where the new person and unit are, who attended the session."""
    return {
        "people": {person.unit.name for person in Person.objects.filter(full_name="Đỗ Văn Mới")},
        "units": {unit.get_parent().name for unit in Unit.objects.filter(name="Tổ dân phố mới")},
        "present": present(org["session"]),
    }


NOTHING = {"people": set(), "units": set(), "present": set()}


class Upload(NamedTuple):
    view: str
    importer: type
    good_row: Callable  # org -> a row inside the commune
    writes: Callable  # org -> what applying the good row writes (see ``written``)
    outside_row: Callable  # org -> a row naming something outside the commune
    refused_column: str


def new_person(org, unit, external_id="TN-NEW"):
    return {
        "external_id": external_id,
        "full_name": "Đỗ Văn Mới",
        "unit_code": org[unit].code,
        "category": "chuyen-trach",
    }


def new_unit(org, parent, code="TDP-3"):
    return {"code": code, "name": "Tổ dân phố mới", "parent_code": org[parent].code}


PEOPLE_UPLOAD = {
    "view": "lms_person:import",
    "importer": PeopleImport,
    "good_row": lambda org: new_person(org, "area"),
    "writes": lambda org: {**NOTHING, "people": names(org, ["area"])},
}
UNITS_UPLOAD = {
    "view": "lms_unit:import",
    "importer": UnitImport,
    "good_row": lambda org: new_unit(org, "commune"),
    "writes": lambda org: {**NOTHING, "units": names(org, ["commune"])},
}
UPLOADS = {
    "person-in-another-commune": Upload(
        **PEOPLE_UPLOAD, outside_row=lambda org: new_person(org, "other_commune", "TN-2"), refused_column="Mã đơn vị"
    ),
    "person-of-another-commune": Upload(
        **PEOPLE_UPLOAD,
        outside_row=lambda org: new_person(org, "area", org["duc_anh"].external_id),  # would pull them in
        refused_column="Mã định danh",
    ),
    "unit-under-another-commune": Upload(
        **UNITS_UPLOAD,
        outside_row=lambda org: new_unit(org, "other_commune", "TDP-4"),
        refused_column="Mã đơn vị cấp trên",
    ),
    "unit-of-another-commune": Upload(
        **UNITS_UPLOAD,
        outside_row=lambda org: new_unit(org, "commune", org["outside_area"].code),  # would move it here
        refused_column="Mã đơn vị",
    ),
    "attendance-of-another-commune": Upload(
        view="lms_session:attendance_import",
        importer=AttendanceImport,
        good_row=lambda org: {"external_id": org["hoa"].external_id},
        writes=lambda org: {**NOTHING, "present": names(org, ["hoa"])},
        outside_row=lambda org: {"external_id": org["duc_anh"].external_id},
        refused_column="Mã định danh",
    ),
}


def import_page(org, upload):
    return url(upload.view, org["session"].pk) if upload.view.startswith("lms_session") else url(upload.view)


IMPORT_PAGES = {case.view: case for case in UPLOADS.values()}


@pytest.mark.parametrize("case", IMPORT_PAGES.values(), ids=IMPORT_PAGES.keys())
def test_an_import_page_gives_an_empty_template_with_the_import_columns(as_organiser, org, case):
    response = as_organiser.get(import_page(org, case) + "?template=1")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows == [tuple(column.header for column in case.importer.columns)]


@pytest.mark.parametrize("case", UPLOADS.values(), ids=UPLOADS.keys())
def test_an_upload_naming_something_outside_the_commune_shows_the_row_and_writes_nothing(as_organiser, org, case):
    page = import_page(org, case)

    preview = upload(as_organiser, page, case.importer, case.good_row(org), case.outside_row(org))

    assert row_errors(preview) == [(3, case.refused_column)]
    assert written(org) == NOTHING
    as_organiser.post(page, {"token": preview.context["token"]})  # the refused preview applied anyway
    assert written(org) == NOTHING


@pytest.mark.parametrize("case", UPLOADS.values(), ids=UPLOADS.keys())
def test_applying_a_good_upload_writes_it(as_organiser, org, case):
    page = import_page(org, case)
    preview = upload(as_organiser, page, case.importer, case.good_row(org))
    assert row_errors(preview) == []
    assert written(org) == NOTHING

    response = as_organiser.post(page, {"token": preview.context["token"]})

    assert response.status_code == 302
    assert written(org) == case.writes(org)


# Other roles --------------------------------------------------------------------------------------------

ADMIN_PAGES = [
    # (view, the object in the URL, what a trainer of the commune gets)
    ("lms_unit:index", None, "ok"),
    ("lms_unit:add", None, DENIED),
    ("lms_unit:edit", "commune", DENIED),
    ("lms_unit:merge", "commune", DENIED),
    ("lms_unit:import", None, DENIED),
    ("lms_unit_chooser:choose", None, "ok"),
    ("lms_person:index", None, "ok"),
    ("lms_person:add", None, DENIED),
    ("lms_person:edit", "hoa", DENIED),
    ("lms_person:history", "hoa", DENIED),
    ("lms_person:import", None, DENIED),
    ("lms_session:index", None, "ok"),
    ("lms_session:edit", "session", "ok"),
    ("lms_session:edit", "outside_session", NOT_FOUND),
    ("lms_session:attendance", "session", "ok"),
    ("lms_session:attendance", "outside_session", NOT_FOUND),
    ("lms_session:attendance_import", "session", "ok"),
    ("lms_personcategory:index", None, "ok"),
]
ADMIN_PAGE_IDS = [f"{view}-{key}" if key else view for view, key, _trainer in ADMIN_PAGES]


def admin_page(org, view, key):
    return url(view, org[key].pk) if key else url(view)


@pytest.mark.parametrize(("view", "key", "trainer_gets"), ADMIN_PAGES, ids=ADMIN_PAGE_IDS)
def test_a_learner_is_sent_to_log_in_from_every_organisation_page(client, org, view, key, trainer_gets):
    learner = make_learner()
    make_person(unit=org["commune"], user=learner)
    client.force_login(learner)

    assert_refused(client.get(admin_page(org, view, key)), LOG_IN)
    assert_refused(client.post(admin_page(org, view, key), {}), LOG_IN)


@pytest.mark.parametrize(("view", "key", "trainer_gets"), ADMIN_PAGES, ids=ADMIN_PAGE_IDS)
def test_a_trainer_reads_the_people_and_units_of_their_commune_and_runs_its_sessions(
    client, org, view, key, trainer_gets
):
    client.force_login(make_trainer(managed_unit=org["commune"]))

    response = client.get(admin_page(org, view, key))

    if trainer_gets == "ok":
        assert response.status_code == 200
    else:
        assert_refused(response, trainer_gets)


def test_a_trainer_lists_only_the_people_of_their_commune_and_cannot_change_them(client, org):
    client.force_login(make_trainer(managed_unit=org["commune"]))
    assert listed(client.get(url("lms_person:index"))) == names(org, INSIDE_PEOPLE)
    hoa = org["hoa"]

    response = client.post(url("lms_person:edit", hoa.pk), person_form(org, full_name="Đổi Tên", phone=hoa.phone))

    assert_refused(response, DENIED)
    assert Person.objects.get(pk=hoa.pk).full_name == "Nguyễn Thị Hoa"


def test_an_organiser_without_a_unit_sees_nothing_and_imports_nothing(client, org):
    client.force_login(make_organiser())

    for index in ("lms_unit:index", "lms_person:index", "lms_session:index"):
        assert listed(client.get(url(index))) == set()
    assert_refused(client.get(url("lms_person:edit", org["hoa"].pk)))
    assert_refused(client.get(url("lms_person:import")), DENIED)
    assert_refused(client.get(url("lms_unit:import")), DENIED)


def test_the_site_history_shows_an_organiser_no_change_to_a_person_of_another_commune(as_organiser, org):
    for key in ("hoa", "duc_anh"):
        log(instance=org[key], action="wagtail.edit")

    response = as_organiser.get(reverse("wagtailadmin_reports:site_history"))

    assert shown(response, names(org, ["hoa", "duc_anh"])) == names(org, ["hoa"])


# Query counts ---------------------------------------------------------------------------------------------


def add_areas(org, count):
    for _ in range(count):
        make_person(unit=make_unit(parent=org["commune"]))


def add_people(org, count):
    for _ in range(count):
        make_person(unit=org["area"], category=PersonCategory.objects.order_by("?").first())


def add_sessions(org, count):
    for _ in range(count):
        session = make_session(organising_unit=org["area"])
        services.record_attendance(session=session, people=[org["thang"]], method=AttendanceMethod.TICKED)


def add_invited_people(org, count):
    people = [make_person(unit=org["area"]) for _ in range(count)]
    services.record_attendance(session=org["session"], people=people[::2], method=AttendanceMethod.TICKED)


class Listing(NamedTuple):
    page: Callable  # org -> its URL
    add_rows: Callable  # (org, count) -> None
    rows: tuple  # how many rows to add before the first count, then before the second
    most_queries: int  # measured, plus a little headroom


LISTINGS = {
    "units": Listing(lambda org: url("lms_unit:index", parent=org["commune"].pk), add_areas, (30, 30), 17),
    "people": Listing(lambda org: url("lms_person:index"), add_people, (30, 30), 14),  # 50 a page
    "sessions": Listing(lambda org: url("lms_session:index"), add_sessions, (5, 10), 12),  # 20 a page
    "attendance": Listing(
        lambda org: url("lms_session:attendance", org["session"].pk), add_invited_people, (30, 30), 14
    ),
}


def rows_and_queries(client, page):
    """The rows of a listing and the queries it took, once a first request has filled the caches."""
    client.get(page)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page)
    assert response.status_code == 200
    rows = response.context["people"] if "people" in response.context else response.context["object_list"]
    return len(rows), len(queries)


@pytest.mark.parametrize("listing", LISTINGS.values(), ids=LISTINGS.keys())
def test_a_listing_takes_no_more_queries_for_more_rows(as_organiser, org, listing):
    page = listing.page(org)
    listing.add_rows(org, listing.rows[0])
    few_rows, few_queries = rows_and_queries(as_organiser, page)
    listing.add_rows(org, listing.rows[1])
    many_rows, many_queries = rows_and_queries(as_organiser, page)

    assert many_rows > few_rows
    assert many_queries <= few_queries
    assert many_queries <= listing.most_queries


@pytest.mark.parametrize("value", ["9223372036854775808", "²"])
def test_a_session_inviting_a_unit_id_that_is_no_id_is_refused_naming_the_field(as_organiser, org, value):
    response = as_organiser.post(url("lms_session:add"), session_form(org, invited_units=[value]))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["invited_units"]


def test_the_unit_filter_is_picked_with_the_searching_unit_chooser_and_shows_the_chosen_unit(as_organiser, org):
    response = as_organiser.get(url("lms_person:index", unit=org["area"].pk))

    page = BeautifulSoup(response.text, "html.parser")
    assert page.find("input", attrs={"name": "unit"}, type="hidden")["value"] == str(org["area"].pk)
    assert page.find(id="id_unit-title").get_text(strip=True) == str(org["area"])
    assert f'"modalUrl": "{reverse("lms_unit_chooser:choose")}"' in response.text
