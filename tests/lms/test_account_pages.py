import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, make_learner

pytestmark = pytest.mark.django_db


def test_logging_out_ends_the_session(client):
    client.force_login(make_learner())

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert client.get(reverse("my_courses")).status_code == 302


def test_a_learner_changes_their_password(client):
    user = make_learner()
    client.force_login(user)

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Hoc-ky-nang-so-2026", "new_password2": "Hoc-ky-nang-so-2026"},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Hoc-ky-nang-so-2026")


def test_the_password_change_page_is_refused_to_anonymous_visitors(client):
    response = client.get(reverse("password_change"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_forgotten_password_is_reset_through_an_emailed_link(client):
    user = make_learner(email="lan@example.com")

    client.post(reverse("password_reset"), {"email": "LAN@example.com"})

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lan@example.com"]
    assert "Đặt lại mật khẩu" in message.subject
    link = re.search(r"https?://[^/]+(/tai-khoan/reset/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Mat-khau-moi-2026", "new_password2": "Mat-khau-moi-2026"},
    )
    user.refresh_from_db()
    assert user.check_password("Mat-khau-moi-2026")


def test_a_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "khong.co@example.com"}, follow=True)

    assert mail.outbox == []
    assert "Hãy kiểm tra email" in response.text
