"""Generated input (HYPOTHESIS_PROFILE=fuzz: 2,000 per endpoint) to the coverage API's parameters, the
coverage report's filters and the target form: no server error, and each refusal names its parameter or field."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from targets.models import ApiToken
from tests.coverage.test_admin import make_world, target_form
from tests.factories import make_user
from tests.fuzz import fresh, odd_text
from tests.lms.test_fuzz import assert_refusals_name_their_field

pytestmark = pytest.mark.django_db


def test_the_api_answers_any_parameters_and_names_the_one_it_refuses(client):
    world = make_world()
    _token, key = ApiToken.issue(name="CSDL tỉnh", unit=world.units["province"])
    parameters = {"target": "3-lan", "unit": world.units["commune"].code, "as_of": "2026-06-30"}

    @given(changes=st.dictionaries(st.sampled_from(sorted(parameters)), odd_text()))
    def ask(changes):
        with fresh():
            query = {**parameters, **changes}
            response = client.get(reverse("coverage_api"), query, headers={"Authorization": f"Bearer {key}"})

            assert response.status_code in (200, 400, 404)
            if response.status_code != 200:
                assert any(name in response.json()["error"] for name in changes), response.json()

    ask()


def test_the_coverage_report_filters_with_any_parameter(client):
    make_world()
    client.force_login(make_user(is_superuser=True, is_staff=True))

    @given(
        report=st.sampled_from(["coverage_report:index", "coverage_report:missing", "coverage_target:index"]),
        query=st.dictionaries(st.sampled_from(["target", "unit", "q", "page", "export", "ordering"]), odd_text()),
    )
    def get(report, query):
        with fresh():
            assert client.get(reverse(report), query).status_code in (200, 302, 400, 404)

    get()


def test_the_target_form_answers_any_field_value_and_names_the_field_it_refuses(client):
    world = make_world()
    base = target_form(world.units["commune"])
    client.force_login(make_user(is_superuser=True, is_staff=True))

    @given(changes=st.dictionaries(st.sampled_from(sorted(base)), odd_text(), min_size=1))
    def post(changes):
        with fresh():
            assert_refusals_name_their_field(client.post(reverse("coverage_target:add"), {**base, **changes}))

    post()
