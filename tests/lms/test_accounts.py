import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_phone_and_email_are_saved_in_canonical_form():
    user = make_user(phone="+84 912 345 678", email="  Lan.Nguyen@Example.COM ")

    user.refresh_from_db()
    assert user.phone == "0912345678"
    assert user.email == "lan.nguyen@example.com"


def test_two_accounts_cannot_share_a_phone_number_however_it_is_typed():
    make_user(phone="0912345678")

    with pytest.raises(IntegrityError), transaction.atomic():
        make_user(phone="+84 912 345 678")


def test_two_accounts_cannot_share_an_email_address_whatever_its_case():
    make_user(email="lan@example.com")

    with pytest.raises(IntegrityError), transaction.atomic():
        make_user(email="LAN@example.com")


def test_many_accounts_may_have_no_phone_and_no_email():
    make_user(phone="", email="")
    make_user(phone="", email="")


def test_validation_explains_that_the_phone_number_is_taken():
    make_user(phone="0912345678")
    duplicate = make_user(phone="")
    duplicate.phone = "0912 345 678"

    with pytest.raises(ValidationError) as raised:
        duplicate.full_clean()

    assert "Số điện thoại này đã được một tài khoản khác sử dụng." in str(raised.value)


def test_full_names_read_in_vietnamese_order():
    user = make_user(last_name="Nguyễn", first_name="Thị Minh Khai")

    assert user.get_full_name() == "Nguyễn Thị Minh Khai"
    assert user.get_short_name() == "Khai"
