"""Ids in URLs and query strings: only ASCII digits below 2^63 are ids, anything else is not found."""

import pytest
from django.urls import reverse

from lms.converters import parse_id
from tests.factories import make_unit_tree, make_user

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"  # SQLite cannot compare an integer column with it


@pytest.mark.parametrize(
    ("value", "id_"),
    [
        ("42", 42),
        ("007", 7),
        ("²", None),
        ("١٢", None),
        ("-1", None),
        (" 1", None),
        ("", None),
        (HUGE, None),
        (None, None),
    ],
)
def test_an_id_is_ascii_digits_that_fit_the_database(value, id_):
    assert parse_id(value) == id_


@pytest.fixture
def admin_client(client):
    make_unit_tree()
    client.force_login(make_user(is_superuser=True, is_staff=True))
    return client


@pytest.mark.parametrize(
    "url", [f"/admin/enrolments/by-unit/{HUGE}/", f"/lan-lam-bai/{HUGE}/", f"/admin/sessions/{HUGE}/attendance/"]
)
def test_a_huge_id_in_a_url_is_not_found(admin_client, url):
    assert admin_client.get(url).status_code == 404


@pytest.mark.parametrize(
    "query",
    [{"target": "²"}, {"target": HUGE}],
)
def test_an_id_in_a_query_that_is_no_id_is_not_found(admin_client, query):
    assert admin_client.get(reverse("coverage_report:index"), query).status_code == 404


@pytest.mark.parametrize("parent", ["²", HUGE])
def test_a_unit_listing_under_a_parent_that_is_no_id_is_not_found(admin_client, parent):
    assert admin_client.get(reverse("lms_unit:index"), {"parent": parent}).status_code == 404
