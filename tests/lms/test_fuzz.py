"""Generated input (HYPOTHESIS_PROFILE=fuzz: 2,000 per endpoint) to the organisation's write endpoints: log-in,
QR check-in, the people, unit and training-history imports, the admin forms of people, units and sessions,
and the filters and search of the admin's listings. None ends in a server error; a refused form names its
field, a refused import row its row and column."""

import csv
import io
from urllib.parse import quote

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from lms.importers import PeopleImport, TrainingHistoryImport, UnitImport
from tests.factories import make_person, make_session, make_unit_tree, make_user
from tests.fuzz import fresh, odd_text
from tests.lms.test_organisation_admin import person_form, session_form, unit_form

pytestmark = pytest.mark.django_db


def assert_refusals_name_their_field(response):
    """A form shown again lists its errors under the fields they are about."""
    assert response.status_code in (200, 302, 400, 403, 404)
    form = response.context and response.context.get("form")
    if response.status_code == 200 and form is not None and form.errors:
        assert set(form.errors) - {"__all__"}, form.errors


@given(username=odd_text(), password=odd_text())
def test_log_in_answers_any_username_and_password(client, username, password):
    with fresh():
        response = client.post(reverse("login"), {"username": username, "password": password})

        # A wrong pair is one error for the form (which of the two was wrong is not said); too many, 403/429.
        assert response.status_code in (200, 403, 429)


def test_check_in_answers_any_code(client):
    unit = make_unit_tree()["commune"]
    session = make_session(organising_unit=unit, invited_units=[unit])
    client.force_login(make_person(unit=unit, user=make_user()).user)

    @given(code=st.one_of(odd_text(), st.just(session.checkin_code)), post=st.booleans())
    def check_in(code, post):
        with fresh():
            url = reverse("session_checkin", args=["x"]).replace("/x/", f"/{quote(code, safe='')}/")
            response = (client.post if post else client.get)(url)

            assert response.status_code in (200, 302, 400, 403, 404)

    check_in()


def csv_file(columns, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.header for column in columns])
    writer.writerows(rows)
    return io.BytesIO(buffer.getvalue().encode("utf-8"))


IMPORTS = [PeopleImport, UnitImport, TrainingHistoryImport]


@pytest.mark.parametrize("importer", IMPORTS, ids=[importer.__name__ for importer in IMPORTS])
def test_an_import_takes_any_cells_and_names_the_row_and_column_of_each_refusal(importer):
    units = make_unit_tree()
    known = [units["commune"].code, units["area"].code, "Cán bộ chuyên trách", "01/02/2026", "0912345678"]
    cell = st.one_of(odd_text(), st.sampled_from(known))
    rows = st.lists(st.lists(cell, min_size=len(importer.columns), max_size=len(importer.columns)), max_size=3)

    @given(rows=rows)
    def run(rows):
        with fresh():
            report = importer(scope=units["province"]).run(csv_file(importer.columns, rows), "tep.csv", apply=True)

            for error in report.errors:  # row 0 is the file as a whole, any other row names its column
                assert error.message
                assert error.column or not error.row, error

    run()


FORMS = {
    "lms_person:add": person_form,
    "lms_session:add": session_form,
    "lms_unit:add": lambda org: unit_form(),
}


@pytest.mark.parametrize("view", FORMS)
def test_an_admin_form_answers_any_field_value_and_names_the_field_it_refuses(client, view):
    units = make_unit_tree()
    base = FORMS[view](units)
    client.force_login(make_user(is_superuser=True, is_staff=True))
    query = f"?parent={units['commune'].pk}" if view == "lms_unit:add" else ""

    @given(changes=st.dictionaries(st.sampled_from(sorted(base)), odd_text(), min_size=1))
    def post(changes):
        with fresh():
            assert_refusals_name_their_field(client.post(reverse(view) + query, {**base, **changes}))

    post()


LISTINGS = [
    "lms_person:index_results",
    "lms_unit:index_results",
    "lms_session:index_results",
    "lms_unit_chooser:choose_results",
    "courses_enrolment:index_results",
    "courses_question:index_results",
    "certificates_certificate:index_results",
]


def test_the_admin_listings_filter_and_search_with_any_parameter(client):
    make_unit_tree()
    client.force_login(make_user(is_superuser=True, is_staff=True))

    @given(
        listing=st.sampled_from(LISTINGS),
        query=st.dictionaries(st.sampled_from(["q", "unit", "page", "parent", "ordering", "p"]), odd_text()),
    )
    def get(listing, query):
        with fresh():
            assert client.get(reverse(listing), query).status_code in (200, 302, 400, 404)

    get()
