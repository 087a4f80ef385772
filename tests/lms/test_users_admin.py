import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import make_learner, make_organiser, make_unit_tree, make_user

pytestmark = pytest.mark.django_db


def new_account(**fields):
    return {
        "username": "lan.nguyen",
        "email": "lan.nguyen@example.com",
        "first_name": "Thị Lan",
        "last_name": "Nguyễn",
        "phone": "+84 912 345 678",
        "password1": "Hoc-ky-nang-so-2026",
        "password2": "Hoc-ky-nang-so-2026",
        **fields,
    }


def test_the_administrator_gives_a_new_account_a_phone_number(client):
    client.force_login(make_user(is_superuser=True, is_staff=True))

    response = client.post(reverse("wagtailusers_users:add"), new_account())

    assert response.status_code == 302
    assert get_user_model().objects.get(username="lan.nguyen").phone == "0912345678"


def test_the_user_form_shows_the_phone_field(client):
    client.force_login(make_user(is_superuser=True, is_staff=True))

    response = client.get(reverse("wagtailusers_users:edit", args=[make_learner().pk]))

    assert 'name="phone"' in response.text


def test_a_phone_number_already_in_use_is_refused_with_a_reason(client):
    make_learner(phone="0912345678")
    client.force_login(make_user(is_superuser=True, is_staff=True))

    response = client.post(reverse("wagtailusers_users:add"), new_account(phone="0912 345 678"))

    assert response.status_code == 200
    assert "Số điện thoại này đã được một tài khoản khác sử dụng." in response.text
    assert not get_user_model().objects.filter(username="lan.nguyen").exists()


def test_an_organiser_without_user_permissions_is_refused_the_user_admin(client):
    client.force_login(make_organiser())

    response = client.get(reverse("wagtailusers_users:index"))

    assert response.status_code == 302


def test_the_administrator_attaches_an_organiser_to_a_commune(client):
    tree = make_unit_tree()
    organiser = make_organiser()
    client.force_login(make_user(is_superuser=True, is_staff=True))
    form_page = client.get(reverse("wagtailusers_users:edit", args=[organiser.pk]))
    choices = [unit.pk for unit in form_page.context["form"].fields["managed_unit"].queryset]

    response = client.post(
        reverse("wagtailusers_users:edit", args=[organiser.pk]),
        {
            "username": organiser.username,
            "email": organiser.email,
            "first_name": organiser.first_name,
            "last_name": organiser.last_name,
            "phone": organiser.phone,
            "managed_unit": tree["commune"].pk,
            "is_active": "on",
            "groups": [group.pk for group in organiser.groups.all()],
        },
    )

    assert response.status_code == 302
    organiser.refresh_from_db()
    assert organiser.managed_unit == tree["commune"]
    assert tree["province"].pk in choices
    assert tree["area"].pk not in choices  # residential areas are not organisers' units


def test_the_managed_unit_is_picked_in_the_searchable_unit_chooser_not_a_drop_down_of_every_unit(client):
    make_unit_tree()
    client.force_login(make_user(is_superuser=True, is_staff=True))

    response = client.get(reverse("wagtailusers_users:edit", args=[make_organiser().pk]))

    assert '<select name="managed_unit"' not in response.text
    assert reverse("lms_unit_chooser:choose") in response.text
