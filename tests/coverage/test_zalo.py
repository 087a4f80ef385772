"""Reminders by Zalo ZNS, against a fake Zalo on 127.0.0.1 (tests.fakes.zalo) that checks tokens, rotates refresh
tokens, keeps a daily quota and answers with Zalo's error codes: sending, the quota spread over days, token
expiry and refresh, failures retried or replaced by an email; the templates and the message log in the admin."""

from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from lms.models import Person, UnitLogEntry
from targets import services, tasks, zalo
from targets.models import Target, ZaloAccount, ZaloMessage, ZaloMessageKind, ZaloMessageState, ZaloTemplateField
from tests.factories import (
    make_learner,
    make_organiser,
    make_person,
    make_trainer,
    make_trainings,
    make_unit_tree,
    make_user,
    make_zalo_template,
)
from tests.fakes.zalo import FakeZalo, serve

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2026, 12, 1, 9))  # a target due on 31/12/2026 is within the reminder days
NEXT_MORNING = timezone.make_aware(datetime(2026, 12, 2, 7))


@pytest.fixture
def fake_zalo(settings):
    """The fake Zalo, running; the site pointed at it, reminding by Zalo, with a valid pair of tokens stored."""
    fake = FakeZalo(app_id="3141592653589", secret_key="khoa-bi-mat-cua-ung-dung", approved_templates={"251234"})
    server = serve(fake)
    settings.ZALO_ZNS_URL = settings.ZALO_OAUTH_URL = fake.url
    settings.ZALO_APP_ID, settings.ZALO_APP_SECRET = fake.app_id, fake.secret_key
    settings.COVERAGE_REMINDER_CHANNELS = ["targets.channels.ZaloChannel"]
    access, refresh = fake.issue_tokens()
    services.store_zalo_tokens(access_token=access, refresh_token=refresh, expires_in=90000, now=NOW)
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def units():
    return make_unit_tree()


@pytest.fixture
def target(units):
    return Target.objects.create(
        name="Bồi dưỡng năm 2026",
        slug="nam-2026",
        unit=units["province"],
        min_records=1,
        window_start=date(2026, 1, 1),
        window_end=date(2026, 12, 31),
        starts_on=date(2026, 1, 1),
        deadline=date(2026, 12, 31),
    )


def consenting(unit, **fields):
    return make_person(unit=unit, zalo_consent=True, **fields)


def remind_and_send(now=NOW):
    services.send_reminders(now=now)
    return services.send_zalo_messages(now=now)


def emailed():
    return sorted(address for message in mail.outbox for address in message.to)


def test_a_person_who_agreed_is_reminded_by_zalo_with_the_templates_placeholders_filled(fake_zalo, units, target):
    make_zalo_template()
    person = consenting(units["area"], full_name="Trần Thị Hoa", phone="0912 345 678", email="hoa@example.com")

    assert remind_and_send() == 1

    message = ZaloMessage.objects.get()
    assert fake_zalo.sent == [
        {
            "phone": "84912345678",
            "template_id": "251234",
            "template_data": {
                "ten": "Trần Thị Hoa",
                "muc_tieu": "Bồi dưỡng năm 2026",
                "han": "31/12/2026",
                "con_thieu": "0/1 lần tập huấn",
            },
            "tracking_id": message.tracking_id,
        }
    ]
    assert (message.person, message.state, message.msg_id, message.sent_at) == (person, "sent", "msg1", NOW)
    assert message.attempts == 1
    assert emailed() == []
    account = ZaloAccount.objects.get()
    assert (account.quota_day, account.sent_on_quota_day, account.remaining_quota) == (NOW.date(), 1, 499)


def test_a_person_who_did_not_agree_is_reminded_by_email_only(fake_zalo, units, target):
    make_zalo_template()
    make_person(unit=units["area"], email="chua-dong-y@example.com")

    assert remind_and_send() == 0

    assert ZaloMessage.objects.count() == 0
    assert fake_zalo.sent == []
    assert emailed() == ["chua-dong-y@example.com"]


def test_without_a_template_for_the_reminder_a_person_who_agreed_is_emailed(fake_zalo, units, target):
    make_zalo_template(kind=ZaloMessageKind.ORGANISER_REMINDER, units_behind=ZaloTemplateField.UNITS_BEHIND)
    consenting(units["area"], email="dong-y@example.com")

    remind_and_send()

    assert ZaloMessage.objects.count() == 0
    assert emailed() == ["dong-y@example.com"]


def test_an_organiser_on_a_list_who_agreed_is_told_of_the_units_behind_by_zalo(fake_zalo, units, target):
    make_zalo_template(
        kind=ZaloMessageKind.ORGANISER_REMINDER,
        template_id="251235",
        muc_tieu=ZaloTemplateField.TARGET,
        don_vi=ZaloTemplateField.UNITS_BEHIND,
    )
    fake_zalo.approved_templates.add("251235")
    make_person(unit=units["area"], email="chua-hoc@example.com")
    organiser = make_organiser(managed_unit=units["commune"], email="tochuc@example.com")
    make_trainings(consenting(units["commune"], user=organiser, phone="0912 000 200"), day=date(2026, 5, 1))

    remind_and_send()

    (message,) = fake_zalo.sent
    assert (message["phone"], message["template_id"]) == ("84912000200", "251235")
    assert message["template_data"] == {
        "muc_tieu": "Bồi dưỡng năm 2026",
        "don_vi": "Phường Phan Đình Phùng, Tổ dân phố 1",
    }
    assert "tochuc@example.com" not in emailed()


def test_the_daily_quota_zalo_reports_holds_the_rest_back_until_the_next_morning(fake_zalo, units, target):
    make_zalo_template()
    fake_zalo.daily_quota = 2
    for _n in range(3):
        consenting(units["area"])

    assert remind_and_send() == 2

    held = ZaloMessage.objects.get(state=ZaloMessageState.DEFERRED)
    assert (held.next_attempt_at, held.attempts) == (NEXT_MORNING, 0)
    assert services.send_zalo_messages(now=NOW.replace(hour=23)) == 0
    assert fake_zalo.send_requests == 2  # Zalo was not even asked for the third

    fake_zalo.next_day()
    assert services.send_zalo_messages(now=NEXT_MORNING) == 1
    held.refresh_from_db()
    assert (held.state, held.sent_at) == ("sent", NEXT_MORNING)


def test_the_sites_own_daily_cap_holds_the_rest_back_until_the_next_morning(fake_zalo, units, target, settings):
    settings.ZALO_DAILY_CAP = 1
    make_zalo_template()
    for _n in range(3):
        consenting(units["area"])

    assert remind_and_send() == 1

    assert ZaloMessage.objects.filter(state=ZaloMessageState.DEFERRED, next_attempt_at=NEXT_MORNING).count() == 2
    assert services.send_zalo_messages(now=NEXT_MORNING) == 1
    assert services.send_zalo_messages(now=NEXT_MORNING + timedelta(days=1)) == 1
    assert not ZaloMessage.objects.exclude(state=ZaloMessageState.SENT).exists()


def test_a_quota_used_up_elsewhere_defers_the_message_without_counting_an_attempt(fake_zalo, units, target):
    make_zalo_template()
    fake_zalo.sent_today = fake_zalo.daily_quota  # the Official Account's quota went on other messages
    consenting(units["area"])

    assert remind_and_send() == 0

    message = ZaloMessage.objects.get()
    assert (message.state, message.error_code, message.attempts) == ("deferred", -144, 0)
    assert message.next_attempt_at == NEXT_MORNING
    fake_zalo.next_day()
    assert services.send_zalo_messages(now=NEXT_MORNING) == 1


def test_an_expired_access_token_is_refreshed_and_the_message_sent_again(fake_zalo, units, target):
    make_zalo_template()
    consenting(units["area"])
    spent_refresh_token = ZaloAccount.objects.get().refresh_token
    fake_zalo.expire_access_tokens()  # Zalo ended it before the time it gave

    assert remind_and_send() == 1

    message = ZaloMessage.objects.get()
    assert (message.state, message.attempts, message.error_code) == ("sent", 1, None)
    account = ZaloAccount.objects.get()
    assert fake_zalo.refreshes == 1
    assert account.refresh_token != spent_refresh_token
    assert account.refresh_token in fake_zalo.refresh_tokens  # the new one, stored: the old one is spent
    assert (account.refreshed_at, account.access_token_expires_at) == (NOW, NOW + timedelta(seconds=90000))


def test_an_access_token_past_its_lifetime_is_refreshed_before_sending(fake_zalo, units, target):
    make_zalo_template()
    consenting(units["area"])
    later = NOW + timedelta(hours=26)
    fake_zalo.advance(26 * 3600)
    services.send_reminders(now=later)

    assert services.send_zalo_messages(now=later) == 1

    assert (fake_zalo.refreshes, fake_zalo.send_requests) == (1, 1)  # no send refused for the old token first
    assert ZaloAccount.objects.get().access_token_expires_at == later + timedelta(seconds=90000)


def test_a_refused_refresh_token_is_recorded_and_the_messages_wait(fake_zalo, units, target):
    make_zalo_template()
    consenting(units["area"])
    consenting(units["area"])
    ZaloAccount.objects.update(refresh_token="het-han-hoac-da-dung")
    fake_zalo.expire_access_tokens()

    assert remind_and_send() == 0

    account = ZaloAccount.objects.get()
    assert (account.refresh_error_code, account.refresh_error_message) == (
        -14014,
        "Refresh token is invalid or has been used",
    )
    first, second = ZaloMessage.objects.order_by("pk")
    assert (first.state, first.error_code, first.attempts) == ("waiting", -124, 1)
    assert first.next_attempt_at == NOW + services.ZALO_RETRY_DELAY
    # not tried in vain, and not tried again before the first one is
    assert (second.state, second.attempts, second.next_attempt_at) == ("waiting", 0, first.next_attempt_at)
    out = _command_output()
    assert "-14014" in out


def test_a_message_zalo_can_never_deliver_is_not_retried_and_goes_by_email(fake_zalo, units, target):
    make_zalo_template()
    person = consenting(units["area"], phone="0987 654 321", email="khong-co-zalo@example.com")
    fake_zalo.not_on_zalo.add("84987654321")

    remind_and_send()

    message = ZaloMessage.objects.get()
    assert (message.state, message.error_code, message.error_message) == ("failed", -118, "Zalo account not existed")
    assert (message.attempts, message.next_attempt_at, message.emailed_at) == (1, None, NOW)
    (email,) = mail.outbox
    assert email.to == [person.email]
    assert "0/1 lần tập huấn" in email.body
    assert services.send_zalo_messages(now=NOW + timedelta(days=1)) == 0
    message.refresh_from_db()
    assert message.attempts == 1


def test_a_person_zalo_cannot_reach_and_without_an_email_is_left_with_the_failure_recorded(fake_zalo, units, target):
    make_zalo_template()
    consenting(units["area"], phone="0987 654 321", email="")
    fake_zalo.not_on_zalo.add("84987654321")

    remind_and_send()

    assert ZaloMessage.objects.get().state == "failed"
    assert mail.outbox == []


def test_a_failure_that_may_pass_is_retried_later_and_the_message_sent(fake_zalo, units, target):
    make_zalo_template()
    consenting(units["area"])
    fake_zalo.server_errors = 1

    assert remind_and_send() == 0

    message = ZaloMessage.objects.get()
    assert (message.state, message.attempts, message.error_code) == ("waiting", 1, None)
    assert "503" in message.error_message
    assert message.next_attempt_at == NOW + services.ZALO_RETRY_DELAY
    assert services.send_zalo_messages(now=NOW + timedelta(minutes=14)) == 0
    assert services.send_zalo_messages(now=NOW + services.ZALO_RETRY_DELAY) == 1


def test_after_the_last_attempt_allowed_the_message_goes_by_email(fake_zalo, units, target, settings):
    settings.ZALO_MAX_ATTEMPTS = 2
    make_zalo_template()
    consenting(units["area"], email="mang-loi@example.com")
    fake_zalo.server_errors = 10

    remind_and_send()
    second_try = NOW + services.ZALO_RETRY_DELAY
    services.send_zalo_messages(now=second_try)

    message = ZaloMessage.objects.get()
    assert (message.state, message.attempts, message.emailed_at) == ("failed", 2, second_try)
    assert emailed() == ["mang-loi@example.com"]


def test_the_weekly_work_sends_the_zalo_messages(fake_zalo, units, target):
    make_zalo_template()
    consenting(units["area"])

    tasks.weekly_coverage_work.call()

    assert ZaloMessage.objects.get().state == "sent"
    assert len(fake_zalo.sent) == 1


def test_the_sending_task_queues_itself_for_the_messages_held_back(fake_zalo, units, target, settings):
    settings.ZALO_DAILY_CAP = 1
    make_zalo_template()
    consenting(units["area"])
    consenting(units["area"])
    services.send_reminders(now=NOW)
    services.send_zalo_messages(now=NOW)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    tasks.schedule_zalo_sending()
    tasks.schedule_zalo_sending()

    queued = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert queued.task_path == tasks.send_zalo_messages.module_path
    assert queued.run_after == NEXT_MORNING


def test_phone_numbers_are_written_as_zalo_takes_them():
    assert zalo.zalo_phone("0912 345 678") == "84912345678"
    assert zalo.zalo_phone("+84 912.345.678") == "84912345678"
    assert zalo.zalo_phone("84912345678") == "84912345678"
    assert zalo.zalo_phone("12345") == ""
    assert zalo.zalo_phone("") == ""


def test_the_tokens_an_administrator_obtained_are_checked_by_a_refresh_and_stored(fake_zalo):
    _access, refresh = fake_zalo.issue_tokens()
    refresh = "-" + refresh  # Zalo's tokens are URL-safe base64: one may begin with a dash
    fake_zalo.refresh_tokens.add(refresh)

    call_command("zalo_tokens", f"--refresh-token={refresh}", stdout=_Output())

    account = ZaloAccount.objects.get()
    assert account.access_token in fake_zalo.access_tokens
    assert account.refresh_token != refresh
    with pytest.raises(Exception, match="-14014"):
        call_command("zalo_tokens", f"--refresh-token={refresh}", stdout=_Output())


class _Output:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text


def _command_output():
    output = _Output()
    with translation.override("vi"):
        call_command("zalo_tokens", stdout=output)
    return output.text


# The admin: templates for administrators, the message log for organisers within their units.


@pytest.fixture
def logged(units):
    """A message to a person of Tổ dân phố 1 and one to a person of the other province."""
    template = make_zalo_template()
    own = make_person(unit=units["area"], full_name="Lê Văn Gần")
    other = make_person(unit=units["other_province"], full_name="Phạm Thị Xa")
    for person in (own, other):
        ZaloMessage.objects.create(
            person=person, template=template, phone=zalo.zalo_phone(person.phone), tracking_id=f"t{person.pk}"
        )
    return own, other


def test_an_organiser_reads_the_zalo_messages_of_their_units_only(client, units, logged):
    client.force_login(make_organiser(managed_unit=units["commune"]))

    response = client.get(reverse("coverage_zalomessage:index"), HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 200
    assert "Lê Văn Gần" in response.text
    assert "Phạm Thị Xa" not in response.text
    assert "Tin nhắn Zalo" in response.text
    assert "đang chờ" in response.text
    assert "Zalo error code" not in response.text
    client.force_login(make_organiser(managed_unit=units["other_province"]))
    response = client.get(reverse("coverage_zalomessage:index"))
    assert "Phạm Thị Xa" in response.text
    assert "Lê Văn Gần" not in response.text


@pytest.mark.parametrize("make", [make_trainer, make_learner])
def test_trainers_and_learners_may_not_read_the_zalo_messages(client, units, logged, make):
    client.force_login(make(managed_unit=units["commune"]))

    assert client.get(reverse("coverage_zalomessage:index")).status_code in (302, 403)


def test_the_message_log_takes_the_same_number_of_queries_whatever_the_number_of_messages(
    client, units, logged, django_assert_max_num_queries
):
    client.force_login(make_organiser(managed_unit=units["province"]))
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("coverage_zalomessage:index"))
    template = make_zalo_template(template_id="999", kind=ZaloMessageKind.ORGANISER_REMINDER)
    for _n in range(20):
        person = make_person(unit=units["commune"])
        ZaloMessage.objects.create(person=person, template=template, phone="84900000000", tracking_id=f"x{person.pk}")

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("coverage_zalomessage:index"))
    assert response.text.count("84900000000") == 20


def test_organisers_may_not_keep_the_zalo_templates(client, units):
    client.force_login(make_organiser(managed_unit=units["province"]))

    assert client.get(reverse("coverage_zalotemplate:add")).status_code in (302, 403)
    client.force_login(make_user(is_superuser=True, is_staff=True))
    assert client.get(reverse("coverage_zalotemplate:add")).status_code == 200


def test_an_administrator_adds_a_template_with_its_placeholders_in_vietnamese(client):
    client.force_login(make_user(is_superuser=True, is_staff=True))

    response = client.post(
        reverse("coverage_zalotemplate:add"),
        {
            "name": "Nhắc chỉ tiêu",
            "template_id": "251234",
            "kind": ZaloMessageKind.PERSON_REMINDER,
            "is_active": "on",
            "parameters-TOTAL_FORMS": "2",
            "parameters-INITIAL_FORMS": "0",
            "parameters-MIN_NUM_FORMS": "0",
            "parameters-MAX_NUM_FORMS": "1000",
            "parameters-0-placeholder": "ten",
            "parameters-0-field": ZaloTemplateField.FULL_NAME,
            "parameters-0-ORDER": "1",
            "parameters-1-placeholder": "han",
            "parameters-1-field": ZaloTemplateField.DEADLINE,
            "parameters-1-ORDER": "2",
        },
    )

    assert response.status_code == 302
    (template,) = ZaloMessage._meta.get_field("template").related_model.objects.all()
    assert dict(template.parameters.values_list("placeholder", "field")) == {"ten": "full_name", "han": "deadline"}
    page = client.get(reverse("coverage_zalotemplate:edit", args=[template.pk]), HTTP_ACCEPT_LANGUAGE="vi")
    assert "Mã mẫu tin Zalo" in page.text
    assert "Zalo template id" not in page.text


def test_an_organiser_records_that_a_person_agreed_to_zalo(client, units):
    person = make_person(unit=units["area"])
    client.force_login(make_organiser(managed_unit=units["commune"]))
    edit_url = reverse("lms_person:edit", args=[person.pk])
    form = client.get(edit_url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(zalo_consent="on", unit=person.unit_id, category=person.category_id)

    response = client.post(edit_url, data)

    assert response.status_code == 302
    assert Person.objects.get(pk=person.pk).zalo_consent


# The learner's own choice, on "Khóa học của tôi".


@pytest.fixture
def learner(units, settings):
    settings.COVERAGE_REMINDER_CHANNELS = ["targets.channels.ZaloChannel"]
    user = make_learner()
    make_person(unit=units["area"], user=user, phone="0912 777 888")
    return user


def test_a_learner_agrees_to_zalo_reminders_and_withdraws_it(client, learner):
    client.force_login(learner)

    page = client.get(reverse("my_courses"), HTTP_ACCEPT_LANGUAGE="vi")
    assert "Tôi đồng ý nhận tin nhắc việc qua Zalo" in page.text
    response = client.post(reverse("zalo_consent"), {"zalo_consent": "on"}, HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 302
    assert Person.objects.get(user=learner).zalo_consent
    client.post(reverse("zalo_consent"), {})
    assert not Person.objects.get(user=learner).zalo_consent
    assert list(
        UnitLogEntry.objects.filter(object_id=str(learner.person.pk), data__has_key="zalo_consent").values_list(
            "data__zalo_consent", flat=True
        )
    ) == [False, True]


def test_the_zalo_choice_is_not_offered_when_the_site_does_not_remind_by_zalo(client, learner, settings):
    settings.COVERAGE_REMINDER_CHANNELS = ["targets.channels.EmailChannel"]
    client.force_login(learner)

    assert "zalo_consent" not in client.get(reverse("my_courses")).text


def test_only_a_learner_on_a_list_may_record_a_zalo_choice(client, learner):
    assert client.post(reverse("zalo_consent"), {"zalo_consent": "on"}).status_code == 302  # to the log-in page
    client.force_login(make_learner())  # an account on nobody's list
    assert client.post(reverse("zalo_consent"), {"zalo_consent": "on"}).status_code == 404
    client.force_login(learner)
    assert client.get(reverse("zalo_consent")).status_code == 405
    assert not Person.objects.get(user=learner).zalo_consent


def test_the_administrators_home_tells_of_a_refused_refresh_and_the_messages_by_state(client, fake_zalo, units):
    ZaloAccount.objects.update(refresh_error_code=-14014, refresh_error_message="Refresh token is invalid")
    template = make_zalo_template()
    ZaloMessage.objects.create(person=make_person(unit=units["area"]), template=template, phone="849", tracking_id="a")
    client.force_login(make_user(is_superuser=True, is_staff=True))

    page = client.get(reverse("wagtailadmin_home"), HTTP_ACCEPT_LANGUAGE="vi").text

    assert "Zalo đã từ chối lần làm mới access token gần nhất (-14014: Refresh token is invalid)" in page
    assert "Tất cả tin nhắn Zalo" in page
    client.force_login(make_organiser(managed_unit=units["commune"]))
    assert "Tất cả tin nhắn Zalo" not in client.get(reverse("wagtailadmin_home"), HTTP_ACCEPT_LANGUAGE="vi").text
