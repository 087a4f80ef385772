import pytest
from django.core.exceptions import ValidationError

from lms.phones import normalize_phone, validate_phone


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("(0208) 3855 123", "02083855123"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_phone_numbers_are_stored_in_one_canonical_form(typed, canonical):
    assert normalize_phone(typed) == canonical


@pytest.mark.parametrize("typed", ["12345", "abc", "091234567890", "9123456789", "0912-345-67x"])
def test_text_that_is_not_a_vietnamese_phone_number_is_rejected(typed):
    assert normalize_phone(typed) is None
    with pytest.raises(ValidationError, match=r"10 hoặc 11 chữ số"):
        validate_phone(typed)
