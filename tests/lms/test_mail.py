import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from tests.factories import make_learner, make_organiser, run_worker

pytestmark = pytest.mark.django_db


def test_a_password_reset_is_queued_and_answers_alike_for_known_and_unknown_addresses(client, queued_tasks):
    make_learner(email="lan@example.com")

    known = client.post(reverse("password_reset"), {"email": "lan@example.com"})
    unknown = client.post(reverse("password_reset"), {"email": "khong.co@example.com"})

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known.content == unknown.content
    assert mail.outbox == []
    assert DBTaskResult.objects.filter(task_path="lms.tasks.send_password_reset").count() == 2
    run_worker()
    assert [message.to for message in mail.outbox] == [["lan@example.com"]]


def test_wagtail_admin_password_reset_mail_is_queued_too(client, queued_tasks):
    make_organiser(email="bantochuc@example.com")

    client.post(reverse("wagtailadmin_password_reset"), {"email": "bantochuc@example.com"})

    assert mail.outbox == []
    run_worker()
    assert [message.to for message in mail.outbox] == [["bantochuc@example.com"]]


def test_a_queued_message_keeps_its_html_part_headers_and_recipients(queued_tasks):
    message = EmailMultiAlternatives(
        "Thông báo", "Nội dung", to=["a@example.com"], cc=["b@example.com"], headers={"X-Lms": "1"}
    )
    message.attach_alternative("<p>Nội dung</p>", "text/html")

    message.send()

    assert mail.outbox == []
    run_worker()
    [sent] = mail.outbox
    assert (sent.subject, sent.body, sent.to, sent.cc) == (
        "Thông báo",
        "Nội dung",
        ["a@example.com"],
        ["b@example.com"],
    )
    assert sent.extra_headers == {"X-Lms": "1"}
    assert [tuple(part) for part in sent.alternatives] == [("<p>Nội dung</p>", "text/html")]
