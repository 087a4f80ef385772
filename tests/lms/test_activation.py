import io
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from lms import activation
from lms.models import ActivationCode, UnitLogEntry
from tests.factories import (
    PASSWORD,
    make_imported_learner,
    make_learner,
    make_organiser,
    make_person,
    make_trainer,
    make_unit_tree,
    run_worker,
)

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Hoc-ky-nang-so-2026"


@pytest.fixture(autouse=True)
def fresh_cache():
    """Wrong-code counters live in the cache, which outlives each test's database."""
    cache.clear()


@pytest.fixture
def tree():
    return make_unit_tree()


@pytest.fixture
def organiser(tree):
    return make_organiser(managed_unit=tree["commune"])


def link_in(message):
    return re.search(r"https?://[^/\s]+(/tai-khoan/kich-hoat/\S+)", message.body).group(1)


def activate_by_code(client, login, code, password=NEW_PASSWORD):
    return client.post(
        reverse("activate"), {"login": login, "code": code, "new_password1": password, "new_password2": password}
    )


# Forgot password ---------------------------------------------------------------------------------


def test_a_learner_without_a_password_gets_a_link_from_forgot_password(client, tree):
    person = make_imported_learner(unit=tree["area"], email="an@example.com")

    client.post(reverse("password_reset"), {"email": "an@example.com"})

    assert [message.to for message in mail.outbox] == [["an@example.com"]]
    link = re.search(r"https?://[^/]+(/tai-khoan/reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    person.user.refresh_from_db()
    assert person.user.check_password(NEW_PASSWORD)


# Activation link ---------------------------------------------------------------------------------


def test_an_activation_link_activates_the_account_once(client, tree, organiser):
    person = make_imported_learner(unit=tree["area"], email="an@example.com")

    assert activation.send_activation_links(person.__class__.objects.filter(pk=person.pk), by=organiser) == 1
    link = link_in(mail.outbox[0])
    assert "Kích hoạt tài khoản" in mail.outbox[0].subject
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )

    assert done.redirect_chain[-1][0] == reverse("login")
    person.user.refresh_from_db()
    assert person.user.check_password(NEW_PASSWORD)
    assert not client.get(link, follow=True).context["validlink"]
    actions = set(UnitLogEntry.objects.filter(object_id=str(person.pk)).values_list("action", flat=True))
    assert {"lms.activation_link_sent", "lms.activated"} <= actions


def test_an_expired_activation_link_is_refused(client, tree, settings):
    user = make_imported_learner(unit=tree["area"], email="an@example.com").user
    generator = activation.activation_tokens
    now = generator._num_seconds(generator._now())
    day = 24 * 3600

    def link(age_in_days):
        token = generator._make_token_with_timestamp(user, now - age_in_days * day, generator.secret)
        return reverse("activate_link", args=[re.search(r"/kich-hoat/([^/]+)/", activation.link_path(user))[1], token])

    assert client.get(link(settings.LMS_ACTIVATION_DAYS), follow=True).context["validlink"]
    assert not client.get(link(settings.LMS_ACTIVATION_DAYS + 1), follow=True).context["validlink"]


def test_a_password_reset_token_does_not_activate(client, tree):
    user = make_imported_learner(unit=tree["area"], email="an@example.com").user
    uid = re.search(r"/kich-hoat/([^/]+)/", activation.link_path(user))[1]

    page = client.get(reverse("activate_link", args=[uid, default_token_generator.make_token(user)]), follow=True)

    assert not page.context["validlink"]


# One-time codes -----------------------------------------------------------------------------------


def test_a_code_activates_the_account_once_whatever_the_phone_spelling(client, tree, organiser):
    person = make_imported_learner(unit=tree["area"], phone="0912000400")
    [(_person, code)] = activation.issue_codes(person.__class__.objects.filter(pk=person.pk), by=organiser)

    response = activate_by_code(client, "+84 912 000 400", f"{code[:4]} {code[4:]}")

    assert response.status_code == 302
    person.user.refresh_from_db()
    assert person.user.check_password(NEW_PASSWORD)
    again = activate_by_code(client, "0912000400", code, password="Mat-khau-khac-2026")
    assert again.status_code == 200
    assert "code" in again.context["form"].errors
    person.user.refresh_from_db()
    assert person.user.check_password(NEW_PASSWORD)
    assert UnitLogEntry.objects.filter(object_id=str(person.pk), action="lms.activated").exists()


def test_codes_are_stored_hashed_and_a_new_code_ends_the_old_one(client, tree):
    person = make_imported_learner(unit=tree["area"])
    people = person.__class__.objects.filter(pk=person.pk)
    [(_p, first)] = activation.issue_codes(people)
    [(_p, second)] = activation.issue_codes(people)

    assert not ActivationCode.objects.filter(code_hash__contains=first).exists()
    assert activate_by_code(client, person.phone, first).status_code == 200
    assert activate_by_code(client, person.phone, second).status_code == 302


def test_an_expired_code_is_refused(client, tree):
    person = make_imported_learner(unit=tree["area"])
    [(_p, code)] = activation.issue_codes(person.__class__.objects.filter(pk=person.pk))
    ActivationCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = activate_by_code(client, person.phone, code)

    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    person.user.refresh_from_db()
    assert not person.user.has_usable_password()


def test_wrong_codes_lock_the_account_across_spellings_then_even_the_right_code_is_refused(client, tree, settings):
    person = make_imported_learner(unit=tree["area"], phone="0912000400")
    [(_p, code)] = activation.issue_codes(person.__class__.objects.filter(pk=person.pk))
    wrong = f"{(int(code) + 1) % 10**8:08d}"
    spellings = ["0912000400", "0912 000 400", "+84912000400", "84912000400", "0912.000.400"]

    for attempt in range(settings.LMS_ACTIVATION_MAX_ATTEMPTS):
        response = activate_by_code(client, spellings[attempt % len(spellings)], wrong)
        assert response.status_code == 200

    refused = activate_by_code(client, "0912000400", code)
    assert refused.status_code == 200
    assert "Quá nhiều" in str(refused.context["form"].errors["code"])
    person.user.refresh_from_db()
    assert not person.user.has_usable_password()


def test_one_wrong_code_fewer_than_the_limit_still_lets_the_right_code_in(client, tree, settings):
    person = make_imported_learner(unit=tree["area"])
    [(_p, code)] = activation.issue_codes(person.__class__.objects.filter(pk=person.pk))
    wrong = f"{(int(code) + 1) % 10**8:08d}"

    for _attempt in range(settings.LMS_ACTIVATION_MAX_ATTEMPTS - 1):
        activate_by_code(client, person.phone, wrong)

    assert activate_by_code(client, person.phone, code).status_code == 302


def test_an_unknown_phone_is_answered_like_a_wrong_code_and_throttled_alike(client, tree, settings):
    person = make_imported_learner(unit=tree["area"])
    activation.issue_codes(person.__class__.objects.filter(pk=person.pk))

    wrong_code = activate_by_code(client, person.phone, "00000000").context["form"].errors["code"]
    unknown = activate_by_code(client, "0999999999", "00000000").context["form"].errors["code"]

    assert wrong_code == unknown
    for _attempt in range(settings.LMS_ACTIVATION_MAX_ATTEMPTS):
        activate_by_code(client, "0999999999", "00000000")
    assert "Quá nhiều" in str(activate_by_code(client, "0999999999", "00000000").context["form"].errors["code"])


def test_the_login_page_links_to_the_activation_page(client):
    page = client.get(reverse("login"))

    assert "Kích hoạt tài khoản" in page.text
    assert reverse("activate") in page.text


# Organiser's actions --------------------------------------------------------------------------------


def pdf_text(response):
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_an_organiser_prints_the_codes_of_their_unit_and_each_printed_code_works(client, tree, organiser):
    no_email = make_imported_learner(unit=tree["area"], full_name="Lê Thị Hoa", phone="0912000401")
    with_email = make_imported_learner(unit=tree["area"], email="an@example.com")
    elsewhere = make_imported_learner(unit=tree["other_commune"], full_name="Trần Văn Xa")
    client.force_login(organiser)

    response = client.post(reverse("lms_person:activation"), {"unit": tree["commune"].pk, "print_codes": ""})

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert "Lê Thị Hoa" in text
    assert "MÃ KÍCH HOẠT" in text.upper()
    assert with_email.full_name not in text
    assert elsewhere.full_name not in text
    code = re.search(r"0912000401\s+(\d{4} \d{4})", text).group(1)
    client.logout()
    assert activate_by_code(client, "0912000401", code).status_code == 302
    no_email.user.refresh_from_db()
    assert no_email.user.check_password(NEW_PASSWORD)
    assert UnitLogEntry.objects.filter(object_id=str(no_email.pk), action="lms.activation_code_issued").exists()


def test_an_organiser_emails_links_to_their_unit(client, tree, organiser):
    inside = make_imported_learner(unit=tree["area"], email="an@example.com")
    make_imported_learner(unit=tree["other_commune"], email="xa@example.com")
    make_imported_learner(unit=tree["area"])
    client.force_login(organiser)

    client.post(reverse("lms_person:activation"), {"unit": tree["commune"].pk, "send_links": ""})

    assert [message.to for message in mail.outbox] == [[inside.user.email]]


def test_an_organiser_of_another_unit_cannot_send_or_print_for_people_outside_their_subtree(client, tree):
    outsider = make_organiser(managed_unit=tree["other_commune"])
    person = make_imported_learner(unit=tree["area"], email="an@example.com")
    make_imported_learner(unit=tree["area"])
    client.force_login(outsider)

    assert client.post(reverse("lms_person:activation_person", args=[person.pk]), {"send_links": ""}).status_code == 404
    assert (
        client.post(reverse("lms_person:activation_person", args=[person.pk]), {"print_codes": ""}).status_code == 404
    )
    for action in ("send_links", "print_codes"):
        response = client.post(reverse("lms_person:activation"), {"unit": tree["commune"].pk, action: ""})
        assert response.status_code == 200
        assert "unit" in response.context["form"].errors
    assert mail.outbox == []
    assert not ActivationCode.objects.exists()


def test_trainers_and_learners_cannot_open_the_activation_page(client, tree):
    person = make_imported_learner(unit=tree["area"])
    for user in (make_trainer(managed_unit=tree["commune"]), make_learner()):
        client.force_login(user)
        assert client.get(reverse("lms_person:activation_person", args=[person.pk])).status_code in (302, 403)


def test_an_organiser_sends_one_persons_link_from_their_page(client, tree, organiser):
    person = make_imported_learner(unit=tree["area"], email="an@example.com")
    client.force_login(organiser)

    person_page = client.get(reverse("lms_person:edit", args=[person.pk]))
    url = reverse("lms_person:activation_person", args=[person.pk])
    assert url in person_page.text
    client.post(url, {"send_links": ""})

    assert [message.to for message in mail.outbox] == [["an@example.com"]]


# Import --------------------------------------------------------------------------------------------


def test_import_with_send_activation_mails_new_accounts_through_the_task_queue(client, tree, tmp_path, queued_tasks):
    path = tmp_path / "people.csv"
    path.write_text(
        "Họ và tên,Mã đơn vị,Phân loại,Điện thoại,Email\n"
        f"Nguyễn Văn An,{tree['area'].code},Cán bộ chuyên trách,0912345678,an@example.com\n"
        f"Lê Thị Bình,{tree['area'].code},Cán bộ chuyên trách,0912345679,\n",
        encoding="utf-8",
    )

    call_command("import_people", str(path), "--create-accounts", "--send-activation", stdout=StringIO())

    assert mail.outbox == []
    run_worker()
    assert [message.to for message in mail.outbox] == [["an@example.com"]]
    form_page = client.get(link_in(mail.outbox[0]), follow=True)
    assert form_page.context["validlink"]


def test_import_without_send_activation_mails_nobody(tree, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(
        f"Họ và tên,Mã đơn vị,Phân loại,Điện thoại,Email\nNguyễn Văn An,{tree['area'].code},Cán bộ chuyên trách,"
        "0912345678,an@example.com\n",
        encoding="utf-8",
    )

    call_command("import_people", str(path), "--create-accounts", stdout=StringIO())

    assert mail.outbox == []


def test_the_users_list_leads_from_an_account_without_a_password_to_its_activation(client, tree):
    waiting = make_imported_learner(unit=tree["area"])
    make_learner()
    client.force_login(make_learner(is_superuser=True, is_staff=True))

    listing = client.get(reverse("wagtailusers_users:index"))

    assert reverse("lms_person:activation_person", args=[waiting.pk]) in listing.text
    assert listing.text.count("/activation/") == 1


# Creating and resetting one person's learner account ------------------------------------------------


def log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def person_account_url(person):
    return reverse("lms_person:activation_person", args=[person.pk])


def test_an_organiser_creates_an_account_for_a_person_without_email_and_the_printed_code_opens_it(
    client, tree, organiser
):
    person = make_person(unit=tree["area"], full_name="Đỗ Văn Tư", phone="0912000499", email="")
    client.force_login(organiser)

    created = client.post(person_account_url(person), {"create_account": ""})
    printed = client.post(person_account_url(person), {"print_codes": ""})

    assert created.status_code == 302
    person.refresh_from_db()
    assert (person.user.username, person.user.has_usable_password()) == ("0912000499", False)
    assert list(person.user.groups.values_list("name", flat=True)) == ["Học viên"]
    code = re.search(r"0912000499\s+(\d{4} \d{4})", pdf_text(printed)).group(1)
    client.logout()
    assert activate_by_code(client, "0912 000 499", code).status_code == 302
    assert log_in(client, "0912000499", NEW_PASSWORD).status_code == 302
    assert UnitLogEntry.objects.filter(object_id=str(person.pk), action="lms.account_created").exists()


def test_an_account_is_not_created_without_a_phone_or_with_a_phone_another_account_uses(client, tree, organiser):
    no_phone = make_person(unit=tree["area"], phone="")
    taken = make_person(unit=tree["area"], phone="0912000498")
    make_learner(phone="0912000498")
    client.force_login(organiser)

    client.post(person_account_url(no_phone), {"create_account": ""})
    client.post(person_account_url(taken), {"create_account": ""})

    no_phone.refresh_from_db()
    taken.refresh_from_db()
    assert (no_phone.user, taken.user) == (None, None)


def test_an_organiser_resets_a_learners_forgotten_password_and_the_old_one_stops_working(client, tree, organiser):
    learner = make_learner(phone="0912000497", email="")
    person = make_person(unit=tree["area"], user=learner, phone="0912000497")
    learner_client = type(client)()
    learner_client.force_login(learner)
    client.force_login(organiser)

    page = client.get(person_account_url(person))
    client.post(person_account_url(person), {"reset_password": ""})

    learner.refresh_from_db()
    assert "reset_password" in page.text
    assert not learner.has_usable_password()
    assert log_in(type(client)(), "0912000497", PASSWORD).status_code == 200  # refused
    assert learner_client.get(reverse("my_courses")).status_code == 302  # signed out everywhere
    assert activation.awaiting_activation(type(person).objects.filter(pk=person.pk)).exists()
    assert UnitLogEntry.objects.filter(object_id=str(person.pk), action="lms.password_reset").exists()


@pytest.mark.parametrize("more_rights", ["staff", "organiser", "trainer"])
def test_an_organiser_cannot_reset_an_account_with_more_than_a_learners_rights(client, tree, organiser, more_rights):
    account = {
        "staff": lambda: make_learner(is_staff=True),
        "organiser": lambda: make_organiser(managed_unit=tree["area"]),
        "trainer": lambda: make_trainer(managed_unit=tree["area"]),
    }[more_rights]()
    person = make_person(unit=tree["area"], user=account)
    client.force_login(organiser)

    page = client.get(person_account_url(person))
    client.post(person_account_url(person), {"reset_password": ""})

    account.refresh_from_db()
    assert "reset_password" not in page.text
    assert account.has_usable_password()


def test_an_organiser_of_another_commune_cannot_create_or_reset_accounts_of_this_one(client, tree):
    without_account = make_person(unit=tree["area"])
    learner = make_learner()
    with_account = make_person(unit=tree["area"], user=learner)
    client.force_login(make_organiser(managed_unit=tree["other_commune"]))

    refused = [
        client.post(person_account_url(without_account), {"create_account": ""}).status_code,
        client.post(person_account_url(with_account), {"reset_password": ""}).status_code,
    ]

    without_account.refresh_from_db()
    learner.refresh_from_db()
    assert refused == [404, 404]
    assert without_account.user is None
    assert learner.has_usable_password()
