"""Vietnamese phone numbers: one canonical form so a number matches however it is typed."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s.\-()]")
_CANONICAL = re.compile(r"^0\d{9,10}$")


def normalize_phone(raw):
    """Return ``raw`` as digits starting with 0 ("+84 912.345.678" -> "0912345678").

    Returns "" for blank input and None when the text is not a Vietnamese phone number.
    """
    digits = _SEPARATORS.sub("", raw or "")
    if not digits:
        return ""
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    return digits if _CANONICAL.match(digits) else None


def validate_phone(value):
    """Reject text that is not a Vietnamese phone number."""
    if value and normalize_phone(value) is None:
        raise ValidationError(
            _("Enter a Vietnamese phone number of 10 or 11 digits, e.g. 0912 345 678."),
            code="invalid_phone",
        )
