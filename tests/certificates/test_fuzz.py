"""Generated certificate codes and template forms (HYPOTHESIS_PROFILE=fuzz: 2,000 each): the public check
answers every code without a server error, a code that cannot be one is refused naming the field, and the
template form names the field it refuses."""

from urllib.parse import quote

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import make_user
from tests.fuzz import fresh, odd_text
from tests.lms.test_fuzz import assert_refusals_name_their_field

pytestmark = pytest.mark.django_db


@given(code=odd_text())
def test_the_certificate_check_answers_any_typed_code(client, code):
    with fresh():
        response = client.get("/certificates/verify/", {"code": code}, follow=True)

        assert response.status_code in (200, 400, 404)
        if response.status_code == 400:
            assert "Mã xác minh" in response.content.decode()


@given(code=odd_text())
def test_the_certificate_check_answers_any_code_in_its_address(client, code):
    with fresh():
        response = client.get(f"/certificates/verify/{quote(code, safe='')}/")

        assert response.status_code in (200, 400, 404)


TEMPLATE_FORM = {
    "name": "MTTQ Định Hóa",
    "orientation": "portrait",
    "issuer": "ỦY BAN MTTQ VIỆT NAM\nHUYỆN ĐỊNH HÓA",
    "serial_suffix": "GCN-DH",
    "title": "GIẤY CHỨNG NHẬN",
    "place": "Định Hóa",
    "signer_title": "CHỦ TỊCH",
    "signer_name": "Lê Văn Thử",
}


def test_the_certificate_template_form_answers_any_field_value_and_names_the_field_it_refuses(client):
    client.force_login(make_user(is_superuser=True, is_staff=True))

    @given(changes=st.dictionaries(st.sampled_from(sorted(TEMPLATE_FORM)), odd_text(), min_size=1))
    def post(changes):
        with fresh():
            response = client.post(reverse("certificates_template:add"), {**TEMPLATE_FORM, **changes})

            assert_refusals_name_their_field(response)

    post()
