import pytest
from django.contrib.auth.models import Group

from lms import roles
from tests.factories import make_learner, make_organiser, make_trainer

pytestmark = pytest.mark.django_db


def test_the_three_roles_exist_as_groups():
    assert set(Group.objects.filter(name__in=roles.ALL_ROLES).values_list("name", flat=True)) == set(roles.ALL_ROLES)


@pytest.mark.parametrize("make_staff", [make_trainer, make_organiser])
def test_trainers_and_organisers_may_open_the_admin(client, make_staff):
    client.force_login(make_staff())

    response = client.get("/admin/")

    assert response.status_code == 200


def test_a_learner_is_refused_the_admin(client):
    client.force_login(make_learner())

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_an_anonymous_visitor_is_sent_to_log_in_for_the_admin(client):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
