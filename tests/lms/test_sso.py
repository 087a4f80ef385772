"""Single sign-on with an OpenID Connect provider (Mặt trận số), through mozilla-django-oidc's real flow against
a fake provider on 127.0.0.1: the account is found by the provider's subject id or, the first time, by phone;
a learner's account is made only when the site allows it; roles never come from the provider; a forged
id_token is refused; local log-in, lockouts and the staff's second factor stay as they were."""

import time
from urllib.parse import urlsplit

import pytest
import requests
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from lms import roles
from lms.models import SingleSignOnIdentity, UnitLogEntry, User
from tests.factories import PASSWORD, make_learner, make_organiser, make_person, make_unit_tree
from tests.fakes.oidc import CLIENT_ID, CLIENT_SECRET, FakeProvider

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("login")


@pytest.fixture
def provider(settings):
    """The fake provider, and the site configured for it from its discovery document."""
    with FakeProvider() as fake:
        discovery = requests.get(f"{fake.issuer}/.well-known/openid-configuration", timeout=5).json()
        settings.OIDC_OP_ISSUER = discovery["issuer"]
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = discovery["authorization_endpoint"]
        settings.OIDC_OP_TOKEN_ENDPOINT = discovery["token_endpoint"]
        settings.OIDC_OP_USER_ENDPOINT = discovery["userinfo_endpoint"]
        settings.OIDC_OP_JWKS_ENDPOINT = discovery["jwks_uri"]
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
        yield fake


@pytest.fixture
def unit():
    return make_unit_tree()["area"]


def log_in_with_provider(client):
    """Press the provider's button, let the provider send the browser back with its code, and return the
    site's answer to that return."""
    start = client.get(reverse("oidc_authentication_init"))
    assert start.status_code == 302
    assert start["Location"].startswith(settings.OIDC_OP_AUTHORIZATION_ENDPOINT)
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert at_provider.status_code == 302
    back = urlsplit(at_provider.headers["Location"])
    assert back.path == reverse("oidc_authentication_callback")
    return client.get(f"{back.path}?{back.query}")


def logged_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def refusal_shown(client, response):
    """The Vietnamese message the log-in page shows after a refused return from the provider."""
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    page = client.get(LOGIN_URL).text
    return page[page.index('class="messages"') :]


def test_without_a_configured_provider_the_button_and_its_pages_are_off(client):
    assert "Đăng nhập bằng" not in client.get(LOGIN_URL).text
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback"), {"code": "x", "state": "y"}).status_code == 404


def test_with_a_provider_the_log_in_page_offers_its_button_under_the_configured_name(client, provider, settings):
    assert "Đăng nhập bằng Mặt trận số" in client.get(LOGIN_URL).text
    settings.LMS_SSO_PROVIDER_NAME = "Cổng định danh tỉnh"
    page = client.get(LOGIN_URL, {"next": "/khoa-hoc-cua-toi/"}).text
    assert "Đăng nhập bằng Cổng định danh tỉnh" in page
    assert f"{reverse('oidc_authentication_init')}?next=/khoa-hoc-cua-toi/" in page


def test_a_learner_on_a_units_list_logs_in_with_the_provider_by_phone_and_is_linked_by_subject(client, provider, unit):
    learner = make_learner(phone="0912345678")
    make_person(unit=unit, phone="0912345678", user=learner)
    provider.user = {"sub": "mts-001", "phone_number": "+84 912 345 678", "name": "Nguyễn Văn An"}

    response = log_in_with_provider(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("my_courses")
    assert logged_in_user(client) == learner
    identity = SingleSignOnIdentity.objects.get(user=learner)
    assert (identity.issuer, identity.subject) == (provider.issuer, "mts-001")


def test_switching_an_account_off_ends_its_session_opened_through_the_provider(client, provider):
    learner = make_learner(phone="0912345678")
    provider.user = {"sub": "mts-011", "phone_number": "0912345678"}
    log_in_with_provider(client)
    assert client.get(reverse("my_courses")).status_code == 200

    User.objects.filter(pk=learner.pk).update(is_active=False)

    assert client.get(reverse("my_courses")).status_code == 302


def test_the_second_log_in_finds_the_account_by_subject_even_after_the_phone_changed(client, provider, unit):
    learner = make_learner(phone="0912345678")
    provider.user = {"sub": "mts-002", "phone_number": "0912345678"}
    log_in_with_provider(client)
    client.logout()

    provider.user = {"sub": "mts-002", "phone_number": "0987654321"}  # a new SIM, nobody's number here
    log_in_with_provider(client)

    assert logged_in_user(client) == learner
    assert SingleSignOnIdentity.objects.filter(subject="mts-002").count() == 1


def test_a_first_log_in_matching_no_account_is_refused_in_vietnamese_when_the_site_makes_none(client, provider):
    provider.user = {"sub": "mts-003", "phone_number": "0911111111"}

    response = log_in_with_provider(client)

    assert logged_in_user(client) is None
    assert "chưa được liên kết" in refusal_shown(client, response)
    assert not User.objects.filter(phone="0911111111").exists()
    assert not SingleSignOnIdentity.objects.exists()


def test_a_first_log_in_matching_no_account_makes_a_learner_when_the_site_allows_it(client, provider, settings):
    settings.LMS_SSO_CREATE_LEARNERS = True
    provider.user = {"sub": "mts-004", "phone_number": "0911111111", "family_name": "Trần", "given_name": "Thị Bình"}

    log_in_with_provider(client)

    user = logged_in_user(client)
    assert (user.phone, user.get_full_name()) == ("0911111111", "Trần Thị Bình")
    assert list(user.groups.values_list("name", flat=True)) == [roles.LEARNER]
    assert not user.has_usable_password()


def test_a_listed_person_without_an_account_gets_one_linked_to_them_when_the_site_allows_it(
    client, provider, settings, unit
):
    settings.LMS_SSO_CREATE_LEARNERS = True
    make_learner(email="cuong@example.vn")  # the list's address is already another account's
    person = make_person(unit=unit, phone="0933333333", full_name="Lê Văn Cường", email="cuong@example.vn")
    provider.user = {"sub": "mts-005", "phone_number": "0933333333"}

    log_in_with_provider(client)

    person.refresh_from_db()
    assert person.user == logged_in_user(client)
    assert (person.user.get_full_name(), person.user.email) == ("Lê Văn Cường", "")
    assert UnitLogEntry.objects.filter(object_id=str(person.pk), action="lms.account_created").exists()


@pytest.mark.parametrize("create_learners", [False, True])
def test_claims_of_roles_never_give_staff_rights(client, provider, settings, create_learners):
    settings.LMS_SSO_CREATE_LEARNERS = create_learners
    learner = make_learner(phone="0944444444")
    provider.user = {
        "sub": "mts-006",
        "phone_number": "0944444444" if not create_learners else "0955555555",
        "is_staff": True,
        "is_superuser": True,
        "groups": ["admin", roles.ORGANISER, roles.TRAINER],
        "roles": ["admin", "superuser"],
    }

    log_in_with_provider(client)

    user = logged_in_user(client)
    assert (user == learner) is not create_learners  # matched by phone, or made new
    assert not user.is_staff
    assert not user.is_superuser
    assert not user.has_perm("wagtailadmin.access_admin")
    assert list(user.groups.values_list("name", flat=True)) == [roles.LEARNER]
    assert client.get(reverse("wagtailadmin_home")).status_code == 302


def test_staff_who_log_in_with_the_provider_still_give_the_second_factor_before_the_admin(client, provider, settings):
    settings.LMS_STAFF_TWO_FACTOR = True
    organiser = make_organiser(phone="0966666666")
    provider.user = {"sub": "mts-007", "phone_number": "0966666666"}

    log_in_with_provider(client)

    assert logged_in_user(client) == organiser
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))


@pytest.mark.parametrize(
    "spoil",
    [
        {"signature": True},
        {"nonce": "another-nonce"},
        {"aud": "another-client"},
        {"iss": "http://127.0.0.1:9/elsewhere"},
        {"exp": int(time.time()) - 600},
    ],
    ids=["signature", "nonce", "audience", "issuer", "expired"],
)
def test_an_id_token_with_a_wrong_signature_nonce_audience_issuer_or_lifetime_is_refused(client, provider, spoil, unit):
    learner = make_learner(phone="0977777777")
    provider.user = {"sub": "mts-008", "phone_number": "0977777777"}
    provider.spoil = spoil

    response = log_in_with_provider(client)

    assert logged_in_user(client) is None
    assert "Đăng nhập bằng Mặt trận số không thành công" in refusal_shown(client, response)
    assert not SingleSignOnIdentity.objects.filter(user=learner).exists()


def test_a_code_comes_back_once_only(client, provider):
    make_learner(phone="0977777777")
    provider.user = {"sub": "mts-009", "phone_number": "0977777777"}
    start = client.get(reverse("oidc_authentication_init"))
    back = urlsplit(requests.get(start["Location"], allow_redirects=False, timeout=5).headers["Location"])
    client.get(f"{back.path}?{back.query}")
    client.logout()

    client.get(f"{back.path}?{back.query}")

    assert logged_in_user(client) is None


def test_a_phone_the_provider_marks_unverified_finds_no_account(client, provider):
    make_learner(phone="0988888888")
    provider.user = {"sub": "mts-010", "phone_number": "0988888888", "phone_number_verified": False}

    log_in_with_provider(client)

    assert logged_in_user(client) is None


def test_an_account_linked_to_one_provider_account_is_not_taken_by_another_with_its_phone(client, provider):
    learner = make_learner(phone="0999999999")
    SingleSignOnIdentity.objects.create(user=learner, issuer=provider.issuer, subject="the-real-one")
    provider.user = {"sub": "an-impostor", "phone_number": "0999999999"}

    response = log_in_with_provider(client)

    assert logged_in_user(client) is None
    assert "đã được liên kết với một tài khoản Mặt trận số khác" in refusal_shown(client, response)


def test_local_log_in_still_works_beside_the_provider(client, provider):
    learner = make_learner(phone="0912121212")
    response = client.post(LOGIN_URL, {"username": "0912 121 212", "password": PASSWORD})
    assert response.status_code == 302
    assert logged_in_user(client) == learner


def test_refused_provider_log_ins_count_towards_no_lockout_and_wrong_passwords_still_do(client, provider):
    learner = make_learner(phone="0913131313")
    for number in range(settings.AXES_FAILURE_LIMIT + 1):
        provider.user = {"sub": f"stranger-{number}", "phone_number": "0900000000"}
        log_in_with_provider(client)
    assert not AccessAttempt.objects.exists()

    for _guess in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN_URL, {"username": learner.phone, "password": "sai-mat-khau"})
    assert client.post(LOGIN_URL, {"username": learner.phone, "password": PASSWORD}).status_code == 429


def test_a_person_refused_by_the_provider_itself_is_sent_back_to_the_log_in_page(client, provider):
    start = client.get(reverse("oidc_authentication_init"))
    state = dict(pair.split("=") for pair in urlsplit(start["Location"]).query.split("&"))["state"]

    response = client.get(reverse("oidc_authentication_callback"), {"error": "access_denied", "state": state})

    assert "không thành công" in refusal_shown(client, response)
    assert logged_in_user(client) is None
