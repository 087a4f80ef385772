"""Log-in lockouts: wrong guesses count against the account however it is spelled and from whatever address,
an unknown identity is answered exactly like a known one, client addresses come from a proxy only when it
is trusted, and organisers see and lift the lockouts of their own units' people."""

import re
from html import escape

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from lms.clients import client_address
from lms.models import LoginLockout, UnitLogEntry
from tests.factories import PASSWORD, make_learner, make_organiser, make_person, make_unit_tree, make_user

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT
WRONG = "sai-mat-khau"
# Every spelling the log-in accepts for one account: phone, email in any case, username.
SPELLINGS = [
    "0912000400",
    "An.Nguyen@Example.vn",
    "0912 000 400",
    "an.nguyen",
    "+84912000400",
    "AN.NGUYEN@EXAMPLE.VN",
    "84912000400",
    "0912.000.400",
    "an.nguyen@example.vn",
]


def phone_spellings(number):
    """The ways of typing the phone number 09xx xxx xxx that log-in accepts."""
    rest = number[1:]
    return [
        number,
        f"{number[:4]} {number[4:7]} {number[7:]}",
        f"+84{rest}",
        f"84{rest}",
        f"{number[:4]}.{number[4:7]}.{number[7:]}",
    ]


def log_in(client, identifier, password=WRONG, **headers):
    return client.post(reverse("login"), {"username": identifier, "password": password}, **headers)


def answer(client, identifier, password=WRONG, **headers):
    """What a guesser sees: the status and the page, without its CSRF token or the identifier typed."""
    response = log_in(client, identifier, password, **headers)
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.text).replace(escape(identifier), "")
    return response.status_code, page


@pytest.fixture
def account():
    return make_learner(username="an.nguyen", email="an.nguyen@example.vn", phone="0912000400")


def test_wrong_guesses_across_every_spelling_lock_the_account_until_the_cool_off_passes(client, account):
    statuses = [log_in(client, spelling).status_code for spelling in SPELLINGS[:LIMIT]]
    with_the_right_password = {log_in(client, spelling, PASSWORD).status_code for spelling in SPELLINGS}

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME / 2)
    half_way = log_in(client, "an.nguyen", PASSWORD).status_code
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME / 2)
    after_the_cool_off = log_in(client, "an.nguyen", PASSWORD)

    assert statuses == [200] * (LIMIT - 1) + [429]
    assert with_the_right_password == {429}
    assert half_way == 429
    assert after_the_cool_off.status_code == 302
    assert int(client.session["_auth_user_id"]) == account.pk


def test_the_lockout_page_says_the_login_is_locked(client, account):
    for spelling in SPELLINGS[:LIMIT]:
        response = log_in(client, spelling)

    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.text


@pytest.mark.parametrize(
    ("known", "unknown"),
    [
        (phone_spellings("0912000400") * 2, phone_spellings("0912000499") * 2),
        (
            ["an.nguyen@example.vn", "An.Nguyen@Example.vn", "AN.NGUYEN@example.VN"] * 2,
            ["ai.do@example.vn", "Ai.Do@Example.vn", "AI.DO@example.VN"] * 2,
        ),
    ],
    ids=["phone", "email"],
)
def test_an_unknown_identity_is_locked_and_answered_exactly_like_a_known_one(account, known, unknown):
    guesses = LIMIT + 1  # the last one after the lockout, with the account's right password

    answers_for_known = [
        answer(Client(REMOTE_ADDR="198.51.100.1"), known[n], WRONG if n < LIMIT else PASSWORD) for n in range(guesses)
    ]
    answers_for_unknown = [
        answer(Client(REMOTE_ADDR="198.51.100.2"), unknown[n], WRONG if n < LIMIT else PASSWORD) for n in range(guesses)
    ]

    assert [status for status, _page in answers_for_known] == [200] * (LIMIT - 1) + [429, 429]
    assert answers_for_unknown == answers_for_known


def test_a_script_is_answered_alike_for_a_known_and_an_unknown_identity(account):
    as_a_script = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
    known = [answer(Client(REMOTE_ADDR="198.51.100.1"), "an.nguyen", **as_a_script) for _n in range(LIMIT + 1)]
    unknown = [answer(Client(REMOTE_ADDR="198.51.100.2"), "ai.do", **as_a_script) for _n in range(LIMIT + 1)]

    assert [status for status, _page in known] == [200] * (LIMIT - 1) + [429, 429]
    assert unknown == known


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_guesses_from_many_addresses_through_the_trusted_proxy_still_lock_the_account(client, account):
    statuses = [
        log_in(client, SPELLINGS[n], HTTP_X_FORWARDED_FOR=f"198.51.100.{n + 1}").status_code for n in range(LIMIT)
    ]
    from_yet_another_address = log_in(client, "an.nguyen", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.200")

    assert statuses == [200] * (LIMIT - 1) + [429]
    assert AccessAttempt.objects.values("ip_address").distinct().count() == LIMIT  # the addresses were told apart
    assert from_yet_another_address.status_code == 429


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_an_address_is_locked_after_more_guesses_than_an_account_and_locks_nobody_else():
    accounts = [make_learner() for _n in range(5)]
    per_address = settings.LMS_LOGIN_FAILURES_PER_ADDRESS
    attacker = {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}

    # fewer guesses per account than its limit, spread over accounts, until the address reaches its own limit
    statuses = [log_in(Client(), accounts[n % 5].username, **attacker).status_code for n in range(per_address)]
    # a locked-out address's further guesses count against nobody
    for _n in range(LIMIT):
        log_in(Client(), accounts[0].username, **attacker)

    assert per_address > LIMIT
    assert statuses == [200] * (per_address - 1) + [429]
    assert log_in(Client(), accounts[0].username, PASSWORD, **attacker).status_code == 429
    for each in accounts:
        assert log_in(Client(), each.username, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 302


@override_settings(LMS_LOGIN_FAILURES_PER_ADDRESS=8)
def test_without_a_trusted_proxy_a_forged_forwarded_address_does_not_dodge_the_address_lock():
    accounts = [make_learner() for _n in range(3)]
    for n in range(8):
        log_in(Client(), accounts[n % 3].username, HTTP_X_FORWARDED_FOR=f"198.51.100.{n + 1}")

    newcomer = make_learner()
    response = log_in(Client(), newcomer.username, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99")

    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_logging_in_clears_the_accounts_count_but_not_the_guesses_made_from_its_address_at_others(client, account):
    other = make_learner()
    for _n in range(LIMIT - 1):
        log_in(client, other.username)
        log_in(client, "an.nguyen")

    log_in(client, "an.nguyen", PASSWORD)
    client.logout()

    assert log_in(client, "an.nguyen").status_code == 200  # its own count started again
    assert log_in(client, other.username).status_code == 429


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "10.0.0.1", "198.51.100.7", "10.0.0.1"),
        (1, "127.0.0.1", "198.51.100.7", "198.51.100.7"),
        (1, "127.0.0.1", "6.6.6.6, 198.51.100.7", "198.51.100.7"),
        (2, "127.0.0.1", "6.6.6.6, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
        (2, "127.0.0.1", "198.51.100.7", "127.0.0.1"),
        (1, "127.0.0.1", "không phải địa chỉ", "127.0.0.1"),
        (1, "127.0.0.1", "", "127.0.0.1"),
        (1, "127.0.0.1", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_comes_from_the_trusted_proxies_entry_only(proxies, remote, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)

    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        assert client_address(request) == expected


# Seeing and lifting lockouts in the admin


@pytest.fixture
def tree():
    return make_unit_tree()


def lock_out(identifier, address="198.51.100.5"):
    for _n in range(LIMIT):
        log_in(Client(REMOTE_ADDR=address), identifier)


def admin_client(user):
    client = Client()
    client.force_login(user)
    return client


def listed(response):
    return response.context["object_list"] if response.status_code == 200 else None


def test_a_lockout_is_written_to_the_audit_log_with_the_account_and_the_address(tree, account):
    make_person(unit=tree["area"], user=account)

    lock_out("0912 000 400", address="198.51.100.5")

    lockout = LoginLockout.objects.get()
    entry = UnitLogEntry.objects.get(action="lms.lockout")
    assert (lockout.user, lockout.unit, lockout.ip_address, lockout.by_address) == (
        account,
        tree["area"],
        "198.51.100.5",
        False,
    )
    assert entry.object_id == str(lockout.pk)
    assert entry.unit == tree["area"]
    assert entry.user is None
    assert entry.data == {"account": f"user:{account.pk}", "ip_address": "198.51.100.5", "by_address": False}


def test_an_organiser_sees_and_lifts_a_lockout_of_their_subtree_and_the_lifting_is_logged(tree, account):
    make_person(unit=tree["area"], user=account)
    organiser = make_organiser(managed_unit=tree["commune"])
    lock_out("an.nguyen")
    lockout = LoginLockout.objects.get()
    client = admin_client(organiser)

    shown = listed(client.get(reverse("lms_loginlockout:index")))
    confirm = client.get(reverse("lms_loginlockout:lift", args=[lockout.pk]))
    lifted = client.post(reverse("lms_loginlockout:lift", args=[lockout.pk]))

    assert list(shown) == [lockout]
    assert confirm.status_code == 200
    assert lifted.status_code == 302
    assert list(listed(client.get(reverse("lms_loginlockout:index")))) == []
    lockout.refresh_from_db()
    assert lockout.lifted_by == organiser
    entry = UnitLogEntry.objects.get(action="lms.lockout_lift")
    assert (entry.user, entry.unit, entry.object_id) == (organiser, tree["area"], str(lockout.pk))
    assert log_in(Client(), "0912000400", PASSWORD).status_code == 302


def test_an_organiser_of_another_unit_neither_sees_nor_lifts_the_lockout(tree, account):
    make_person(unit=tree["area"], user=account)
    elsewhere = make_organiser(managed_unit=tree["other_commune"])
    lock_out("an.nguyen")
    lockout = LoginLockout.objects.get()
    client = admin_client(elsewhere)

    shown = listed(client.get(reverse("lms_loginlockout:index")))
    confirm = client.get(reverse("lms_loginlockout:lift", args=[lockout.pk]))
    lift = client.post(reverse("lms_loginlockout:lift", args=[lockout.pk]))

    assert list(shown) == []
    assert (confirm.status_code, lift.status_code) == (404, 404)
    assert log_in(Client(), "an.nguyen", PASSWORD).status_code == 429
    assert not UnitLogEntry.objects.filter(action="lms.lockout_lift").exists()


def test_only_an_administrator_sees_the_lockout_of_an_unknown_identity_or_of_an_address(tree):
    organiser = make_organiser(managed_unit=tree["central"])
    administrator = make_user(is_superuser=True)
    lock_out("0912000499")
    with override_settings(LMS_LOGIN_FAILURES_PER_ADDRESS=LIMIT + 1):
        log_in(Client(REMOTE_ADDR="198.51.100.5"), "ai.do")

    shown_to_organiser = listed(admin_client(organiser).get(reverse("lms_loginlockout:index")))
    with override_settings(LMS_LOGIN_FAILURES_PER_ADDRESS=LIMIT + 1):
        shown_to_administrator = listed(admin_client(administrator).get(reverse("lms_loginlockout:index")))

    assert list(shown_to_organiser) == []
    assert sorted((lockout.account, lockout.by_address) for lockout in shown_to_administrator) == [
        ("phone:0912000499", False),
        ("username:ai.do", True),
    ]


def test_a_lockout_that_has_run_out_is_no_longer_listed(tree):
    administrator = make_user(is_superuser=True)
    lock_out("0912000499")
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME)

    assert list(listed(admin_client(administrator).get(reverse("lms_loginlockout:index")))) == []
