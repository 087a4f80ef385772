import re

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import reverse

from lms.auth import UsernameEmailOrPhoneBackend, account_key
from lms.models import Person
from tests.factories import PASSWORD, make_learner, make_person, make_unit

pytestmark = pytest.mark.django_db


def login(identifier, password=PASSWORD):
    # django-axes needs the request, as the login view passes it.
    return authenticate(RequestFactory().post("/tai-khoan/login/"), username=identifier, password=password)


@pytest.mark.parametrize(
    "identifier",
    ["hoa.tran", "Hoa.Tran@Example.com", "0987654321", "0987 654 321", "+84 987 654 321", "  hoa.tran  "],
)
def test_a_user_logs_in_with_username_email_or_phone(identifier):
    user = make_learner(username="hoa.tran", email="hoa.tran@example.com", phone="0987.654.321")

    assert login(identifier) == user


def test_a_wrong_password_does_not_log_in():
    make_learner(username="hoa.tran")

    assert login("hoa.tran", "sai-mat-khau") is None


def test_an_unknown_login_does_not_log_in():
    assert login("0900000000") is None
    assert login("ai.do@example.com") is None


def test_an_inactive_account_cannot_log_in():
    make_learner(username="nghi.viec", is_active=False)

    assert login("nghi.viec") is None


def test_a_username_that_looks_like_a_phone_belongs_to_its_owner_first():
    owner = make_learner(username="0911111111", phone="")
    make_learner(phone="0911111111")

    assert login("0911111111") == owner


def test_the_login_page_accepts_a_phone_number_and_opens_my_courses(client):
    make_learner(phone="0987654321")

    response = client.post(reverse("login"), {"username": "0987 654 321", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("my_courses")


def test_the_login_page_explains_a_failed_login_in_vietnamese(client):
    make_learner(username="hoa.tran")

    response = client.post(reverse("login"), {"username": "hoa.tran", "password": "sai"})

    assert response.status_code == 200
    assert "Tên đăng nhập, email hoặc số điện thoại" in response.text
    assert "mật khẩu" in response.text.lower()


def test_five_wrong_passwords_lock_the_login_for_a_while(client):
    make_learner(username="hoa.tran")
    for _attempt in range(5):
        client.post(reverse("login"), {"username": "hoa.tran", "password": "sai"})

    response = client.post(reverse("login"), {"username": "hoa.tran", "password": PASSWORD})

    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.text


def test_logging_in_links_the_account_to_the_person_on_a_unit_list_with_its_phone_number(client):
    person = make_person(unit=make_unit(), phone="0912345678")
    user = make_learner(phone="0912 345 678")

    response = client.post(reverse("login"), {"username": "0912345678", "password": PASSWORD})

    assert response.status_code == 302
    assert Person.objects.get(pk=person.pk).user == user


@pytest.mark.parametrize("identifier", ["Hocvien", "HOCVIEN", "hocVien"])
def test_a_username_logs_in_whatever_the_case_a_phone_keyboard_gave_it(identifier):
    user = make_learner(username="hocvien")

    assert login(identifier) == user


def test_a_username_typed_exactly_wins_over_one_differing_only_in_case():
    lower = make_learner(username="hocvien")
    capitalised = make_learner(username="Hocvien")

    assert (login("hocvien"), login("Hocvien")) == (lower, capitalised)
    assert login("HOCVIEN") is None  # two accounts fit and neither is spelled so: no guess


def test_wrong_passwords_count_against_one_key_however_an_unknown_username_is_capitalised():
    assert account_key("Khong.Co") == account_key("khong.co") == "username:khong.co"


def test_wrong_passwords_with_a_capitalised_username_count_against_the_account():
    user = make_learner(username="hocvien")
    assert account_key("Hocvien") == account_key("hocvien") == f"user:{user.pk}"


@pytest.mark.parametrize("url_name", ["login", "wagtailadmin_login", "activate"])
def test_the_login_name_field_asks_a_phone_keyboard_for_no_capitals_and_no_corrections(client, url_name):
    response = client.get(reverse(url_name))

    field = re.search(r'<input[^>]*name="(?:username|login)"[^>]*>', response.text).group(0)
    assert 'autocapitalize="none"' in field
    assert 'autocorrect="off"' in field


def test_the_sessions_user_is_read_with_whether_the_admin_lets_them_in_by_any_of_the_ways_it_does():
    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    # a permission of the same name in another app lets no one in
    other = Permission.objects.create(
        content_type=ContentType.objects.get_for_model(Group), codename="access_admin", name="Vào nơi khác"
    )
    editors, readers = Group.objects.create(name="Biên tập"), Group.objects.create(name="Chỉ đọc")
    editors.permissions.add(other, access)
    readers.permissions.add(other)
    users = {name: make_learner(username=name) for name in ("hoc.vien", "quan.tri", "truc.tiep", "nhom", "nhom.khac")}
    users["quan.tri"].is_superuser = True
    users["quan.tri"].save()
    users["truc.tiep"].user_permissions.add(other, access)
    users["hoc.vien"].user_permissions.add(other)
    users["nhom"].groups.add(readers, editors)
    users["nhom.khac"].groups.add(readers)

    read = {name: UsernameEmailOrPhoneBackend().get_user(user.pk) for name, user in users.items()}

    assert {name for name, user in read.items() if user.admin_access} == {"quan.tri", "truc.tiep", "nhom"}
    for name, user in read.items():
        as_django_says = get_user_model().objects.get(pk=user.pk).has_perm("wagtailadmin.access_admin")
        assert user.can_enter_admin() == as_django_says, name
