import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from wagtail.models import Page, Revision

from courses.models import CourseIndexPage
from lms import roles
from lms.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def snapshot():
    users = get_user_model().objects.order_by("username")
    return {
        "users": list(users.values_list("username", "password", "email", "phone", "is_superuser", "groups__name")),
        "pages": list(Page.objects.order_by("path").values_list("path", "title", "live")),
        "revisions": Revision.objects.count(),
    }


def test_seed_demo_creates_the_four_documented_accounts_with_their_roles():
    call_command("seed_demo", stdout=None)

    users = get_user_model().objects
    assert users.get(username="quantri").is_superuser
    assert users.get(username="tochuc").groups.filter(name=roles.ORGANISER).exists()
    assert users.get(username="giangvien").groups.filter(name=roles.TRAINER).exists()
    assert users.get(username="hocvien").groups.filter(name=roles.LEARNER).exists()
    request = RequestFactory().post("/tai-khoan/login/")
    for username in ("quantri", "tochuc", "giangvien", "hocvien"):
        assert authenticate(request, username=username, password=DEMO_PASSWORD) is not None


def test_seed_demo_publishes_the_course_catalogue():
    call_command("seed_demo", stdout=None)

    assert CourseIndexPage.objects.live().get().url == "/khoa-hoc/"


def test_running_seed_demo_twice_changes_nothing():
    call_command("seed_demo", stdout=None)
    first = snapshot()

    call_command("seed_demo", stdout=None)

    assert snapshot() == first


def test_seed_demo_refuses_where_demo_data_is_switched_off(settings):
    settings.LMS_ALLOW_DEMO_DATA = False

    with pytest.raises(CommandError, match="LMS_ALLOW_DEMO_DATA"):
        call_command("seed_demo", stdout=None)

    assert not get_user_model().objects.filter(username="quantri").exists()
