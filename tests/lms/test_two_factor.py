import re
from base64 import b32decode
from datetime import timedelta
from html import unescape

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.log_actions import registry as log_registry

from lms import two_factor
from lms.demo import DEMO_ACCOUNTS, seed_demo_accounts, seed_demo_two_factor
from tests.factories import (
    PASSWORD,
    app_code,
    make_admin_user_without_a_role,
    make_authenticator_app,
    make_learner,
    make_organiser,
    make_trainer,
    make_unit,
    make_user,
)

pytestmark = pytest.mark.django_db

VERIFY_URL = reverse("two_factor_verify")
ENROL_URL = reverse("two_factor_enrol")


@pytest.fixture(autouse=True)
def two_factor_on(settings):
    # The rest of the suite runs with it off (config/settings/test.py); here it is on, as in production.
    settings.LMS_STAFF_TWO_FACTOR = True


def example_path(pattern):
    """A path that ``pattern`` matches: every converter or group given "1"."""
    text = str(pattern)
    if isinstance(pattern, RegexPattern):
        text = re.sub(r"\(\?P<\w+>[^)]*\)", "1", text).replace(r"\.", ".").replace(".*", "x").strip("^$")
    return re.sub(r"<(?:\w+:)?\w+>", "1", text)


def admin_paths():
    """A path for every URL pattern under the Wagtail admin, its own log-in and log-out included."""
    admin = next(pattern for pattern in get_resolver().url_patterns if str(pattern.pattern) == "admin/")

    def walk(patterns, prefix):
        for pattern in patterns:
            path = prefix + example_path(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, path)
            else:
                yield path

    return sorted(set(walk(admin.url_patterns, "/admin/")))


def refusals(user, action):
    return [entry.data for entry in log_registry.get_logs_for_instance(user).filter(action=action)]


def log_in_with_password(client, user, login_url):
    return client.post(login_url, {"username": user.username, "password": PASSWORD, "next": "/admin/"}, follow=True)


def give_the_app_code(client, user):
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    response = client.post(VERIFY_URL, {"code": app_code(device.bin_key)})
    assert response.status_code == 302, response.content


def test_an_unverified_staff_member_is_sent_to_verify_from_every_admin_url(client):
    client.force_login(make_authenticator_app(make_organiser()).user)
    paths = admin_paths()

    # Wagtail's own log-in, log-out and JSON endpoints are admin URLs too.
    assert {"/admin/", "/admin/login/", "/admin/logout/", "/admin/api/main/pages/"} <= set(paths)
    assert len(paths) > 300
    for path in paths:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(f"{VERIFY_URL}?next="), path


@pytest.mark.parametrize(
    "make_staff",
    [
        make_trainer,
        make_organiser,
        lambda: make_user(is_superuser=True, is_staff=True),
        lambda: make_admin_user_without_a_role(make_unit()),
    ],
    ids=["trainer", "organiser", "superuser", "admin user without a role"],
)
def test_every_kind_of_staff_gets_the_admin_only_after_the_second_factor(client, make_staff):
    staff = make_staff()
    make_authenticator_app(staff)
    client.force_login(staff)

    assert client.get("/admin/")["Location"] == f"{VERIFY_URL}?next=/admin/"
    session_key = client.session.session_key

    give_the_app_code(client, staff)
    assert client.get("/admin/").status_code == 200
    assert client.session.session_key != session_key  # a session id known before verifying is worth nothing


def test_a_form_posted_to_the_admin_before_verifying_writes_nothing(client, django_user_model):
    client.force_login(make_authenticator_app(make_user(is_superuser=True, is_staff=True)).user)

    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "ke.la",
            "email": "ke.la@example.com",
            "password1": "Mat-khau-2026!",
            "password2": "Mat-khau-2026!",
        },
    )

    assert response["Location"].startswith(VERIFY_URL)
    assert not django_user_model.objects.filter(username="ke.la").exists()


def test_a_learner_logs_in_with_the_password_alone(client):
    learner = make_learner()

    response = client.post(reverse("login"), {"username": learner.username, "password": PASSWORD}, follow=True)

    assert response.redirect_chain == [(reverse("my_courses"), 302)]
    assert response.status_code == 200
    # A learner in the admin meets Wagtail's own refusal, not a second factor.
    assert not client.get("/admin/")["Location"].startswith(VERIFY_URL)
    assert client.get(VERIFY_URL)["Location"] == "/admin/"
    assert not TOTPDevice.objects.filter(user=learner).exists()


def test_the_setting_switched_off_lets_staff_in_with_the_password_alone(client, settings):
    settings.LMS_STAFF_TWO_FACTOR = False
    client.force_login(make_organiser())

    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("login_url", ["/admin/login/", reverse("login")])
def test_at_the_first_admin_log_in_staff_set_up_an_app_and_get_recovery_codes_once(client, login_url):
    organiser = make_organiser()

    response = log_in_with_password(client, organiser, login_url)

    assert [url for url, _status in response.redirect_chain][-1] == f"{ENROL_URL}?next=%2Fadmin%2F"
    page = response.content.decode()
    assert "no-store" in response["Cache-Control"]  # the secret stays out of every cache
    assert 'src="data:image/svg+xml' in page
    secret = re.search(r"data-secret>([A-Z2-7 ]+)<", page).group(1)
    key = b32decode(secret.replace(" ", ""))
    assert TOTPDevice.objects.get(user=organiser, confirmed=False).bin_key == key

    response = client.post(ENROL_URL, {"code": app_code(key), "next": "/admin/"}, follow=True)

    codes = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", response.content.decode())
    assert len(set(codes)) == two_factor.RECOVERY_CODE_COUNT
    assert TOTPDevice.objects.get(user=organiser).confirmed
    assert client.get("/admin/").status_code == 200
    assert "<code>" not in client.get(reverse("two_factor_recovery_codes"), follow=True).content.decode()
    assert refusals(organiser, "lms.two_factor_enrol") == [{}]

    client.logout()
    response = log_in_with_password(client, organiser, login_url)
    assert [url for url, _status in response.redirect_chain][-1] == f"{VERIFY_URL}?next=/admin/"


def test_a_wrong_first_code_leaves_the_app_unconfirmed(client):
    organiser = make_organiser()
    client.force_login(organiser)
    client.get(ENROL_URL)
    key = TOTPDevice.objects.get(user=organiser).bin_key
    wrong = f"{(int(app_code(key)) + 1) % 1_000_000:06d}"

    response = client.post(ENROL_URL, {"code": wrong})

    assert "Mã này sai hoặc đã hết hạn" in response.content.decode()
    assert not TOTPDevice.objects.get(user=organiser).confirmed
    assert not StaticDevice.objects.filter(user=organiser).exists()
    assert client.get("/admin/")["Location"].startswith(VERIFY_URL)


def test_staff_with_an_app_cannot_set_up_another_before_verifying(client):
    app = make_authenticator_app(make_trainer())
    client.force_login(app.user)

    response = client.get(ENROL_URL)

    assert response["Location"] == f"{VERIFY_URL}?next=%2Fadmin%2F"
    assert list(TOTPDevice.objects.filter(user=app.user)) == [app]


def test_a_wrong_code_is_refused_logged_and_throttled(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a minute after the first wrong code, so the test cannot outrun it
    app = make_authenticator_app(make_organiser())
    client.force_login(app.user)
    right = app_code(app.bin_key)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    response = client.post(VERIFY_URL, {"code": wrong, "next": "/admin/"})

    assert "Mã này sai hoặc đã hết hạn" in response.content.decode()
    response = client.post(VERIFY_URL, {"code": right, "next": "/admin/"})
    assert response.status_code == 200
    assert re.search(r"Nhập sai quá nhiều lần liên tiếp: hãy chờ (59|60) giây", unescape(response.content.decode()))
    assert client.get("/admin/")["Location"].startswith(VERIFY_URL)
    assert refusals(app.user, "lms.two_factor_refused") == [{"reason": "throttled"}, {"reason": "wrong code"}]

    TOTPDevice.objects.filter(pk=app.pk).update(throttling_failure_timestamp=app.created_at - timedelta(minutes=2))
    assert client.post(VERIFY_URL, {"code": right, "next": "/admin/"})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_recovery_code_lets_staff_in_once(client):
    organiser = make_organiser()
    two_factor.pending_authenticator_app(organiser)
    key = TOTPDevice.objects.get(user=organiser).bin_key
    _app, codes = two_factor.confirm_enrolment(user=organiser, code=app_code(key))
    typed = f"{codes[0][:4].upper()} {codes[0][4:].upper()}"  # as read off the printed sheet
    client.force_login(organiser)

    assert client.post(VERIFY_URL, {"code": typed, "next": "/admin/"})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert refusals(organiser, "lms.two_factor_recovery_code") == [{"codes_left": 9}]

    client.logout()
    client.force_login(organiser)
    response = client.post(VERIFY_URL, {"code": typed, "next": "/admin/"})
    assert "Mã này sai hoặc đã hết hạn" in response.content.decode()
    assert client.get("/admin/")["Location"].startswith(VERIFY_URL)


def test_the_next_address_never_leads_off_the_site(client):
    app = make_authenticator_app(make_trainer())
    client.force_login(app.user)

    response = client.post(VERIFY_URL, {"code": app_code(app.bin_key), "next": "https://lua-dao.example/admin/"})

    assert response["Location"] == "/admin/"


def test_a_superuser_resets_two_factor_and_the_user_sets_up_an_app_again(client):
    organiser = make_organiser()
    make_authenticator_app(organiser)
    organiser_client = Client()
    organiser_client.force_login(organiser)
    give_the_app_code(organiser_client, organiser)
    superuser = make_user(is_superuser=True, is_staff=True)
    make_authenticator_app(superuser)
    client.force_login(superuser)
    give_the_app_code(client, superuser)
    reset_url = reverse("wagtailusers_users:reset_two_factor", args=[organiser.pk])

    assert reset_url in client.get(reverse("wagtailusers_users:edit", args=[organiser.pk])).content.decode()
    assert "Đã thiết lập ứng dụng xác thực" in client.get(reset_url).content.decode()
    response = client.post(reset_url)

    assert response["Location"] == reverse("wagtailusers_users:edit", args=[organiser.pk])
    assert not TOTPDevice.objects.filter(user=organiser).exists()
    assert not StaticDevice.objects.filter(user=organiser).exists()
    entry = log_registry.get_logs_for_instance(organiser).get(action="lms.two_factor_reset")
    assert entry.user == superuser
    response = organiser_client.get("/admin/", follow=True)
    assert [url for url, _status in response.redirect_chain][-1] == f"{ENROL_URL}?next=%2Fadmin%2F"


def test_a_user_administrator_who_is_no_superuser_cannot_reset_two_factor(client):
    user_administrator = make_admin_user_without_a_role(make_unit())
    user_administrator.user_permissions.add(*Permission.objects.filter(codename__in=["change_user", "view_user"]))
    make_authenticator_app(user_administrator)
    client.force_login(user_administrator)
    give_the_app_code(client, user_administrator)
    app = make_authenticator_app(make_organiser())
    reset_url = reverse("wagtailusers_users:reset_two_factor", args=[app.user.pk])

    edit_page = client.get(reverse("wagtailusers_users:edit", args=[app.user.pk]))
    response = client.post(reset_url)

    assert edit_page.status_code == 200
    assert reset_url not in edit_page.content.decode()
    assert response["Location"] == "/admin/"  # Wagtail's answer to PermissionDenied in its admin
    assert list(TOTPDevice.objects.filter(user=app.user)) == [app]
    assert not log_registry.get_logs_for_instance(app.user).filter(action="lms.two_factor_reset").exists()


def test_the_demo_staff_accounts_get_the_published_key_and_the_command_prints_their_code(capsys, settings):
    seed_demo_accounts()

    given = seed_demo_two_factor()

    staff = [username for username, _family, _given, role, _email, _phone in DEMO_ACCOUNTS if role != "Học viên"]
    assert given == staff
    assert seed_demo_two_factor() == []
    call_command("demo_two_factor_code")
    printed = capsys.readouterr().out
    code = re.search(r": (\d{6}) ", printed).group(1)
    assert ", ".join(sorted(staff)) in printed
    device = TOTPDevice.objects.get(user__username="tochuc")
    assert two_factor.verify_second_factor(user=device.user, code=code) == device

    settings.LMS_ALLOW_DEMO_DATA = False
    with pytest.raises(CommandError, match="LMS_ALLOW_DEMO_DATA"):
        call_command("demo_two_factor_code")
