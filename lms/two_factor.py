"""Two-factor authentication (django-otp) for everyone who may enter the Wagtail admin: after the password,
a six-digit code from an authenticator app (TOTP) or a one-time recovery code. Learners are never asked.

Each staff member has at most one authenticator app (a ``TOTPDevice``, unconfirmed until its first code)
and one set of recovery codes (a ``StaticDevice``). Wrong codes are throttled by django-otp (1, 2, 4, 8…
seconds after each one in a row, per device) and every refusal goes to the audit log.
"""

import math
import re
from base64 import b32encode

import django_otp
import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.log_actions import log

RECOVERY_CODE_COUNT = 10
APP_CODE = re.compile(r"[0-9]{6}")  # recovery codes are eight letters and digits, so never six digits


def requires_two_factor(user):
    """Whether ``user`` must give a second factor: anyone who may enter the Wagtail admin (superusers too)."""
    return settings.LMS_STAFF_TWO_FACTOR and user.is_authenticated and user.has_perm("wagtailadmin.access_admin")


def authenticator_app(user):
    """The user's confirmed authenticator app, or None before enrolment."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_authenticator_app(user):
    """The authenticator app being set up: the same secret on every visit until its first code confirms it."""
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    return device


def secret_in_groups(device):
    """The app's secret in base32, in groups of four, for typing into an app that cannot scan a QR code."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))


def qr_code_data_uri(device):
    """The app's otpauth:// address as a QR code: an SVG data URI, so the page loads nothing from elsewhere."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def log_on_account(user, action, *, by=None, data=None):
    """Audit-log ``action`` on ``user``'s account, done by ``by`` (the user unless given)."""
    # request.user comes wrapped twice (by Django's and django-otp's middleware) and Wagtail's log registry
    # unwraps one layer only, so it would skip the entry: log on the plain account instead.
    account = get_user_model()._default_manager.get(pk=user.pk)
    log(instance=account, action=action, user=by or account, data=data)


def check_code(*, user, device, code):
    """Accept ``code`` from ``device`` or raise ValidationError saying why; each refusal is audit-logged.

    The code is checked in django-otp's own transaction, so a wrong code counts towards the throttle
    whatever the caller does next.
    """
    allowed, details = device.verify_is_allowed()
    if not allowed:
        wait = math.ceil((details["locked_until"] - timezone.now()).total_seconds())
        log_on_account(user, "lms.two_factor_refused", data={"reason": "throttled"})
        raise ValidationError(
            _("Too many wrong codes in a row: wait %(seconds)d seconds, then try again."),
            code="throttled",
            params={"seconds": max(wait, 1)},
        )
    if django_otp.verify_token(user, device.persistent_id, code) is None:
        log_on_account(user, "lms.two_factor_refused", data={"reason": "wrong code"})
        raise ValidationError(_("This code is wrong or has expired: enter the code your app shows now."), code="wrong")


def confirm_enrolment(*, user, code):
    """Confirm the pending authenticator app with its first code and give the user new recovery codes.

    Returns the confirmed app and the recovery codes, which are shown once and never again.
    """
    device = pending_authenticator_app(user)
    check_code(user=user, device=device, code=code)
    with transaction.atomic():
        device.refresh_from_db()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        recovery, _created = StaticDevice.objects.get_or_create(user=user, defaults={"name": "Recovery codes"})
        recovery.token_set.all().delete()
        codes = [StaticToken.random_token() for _number in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=recovery, token=token) for token in codes)
        log_on_account(user, "lms.two_factor_enrol")
    return device, codes


def verify_second_factor(*, user, code):
    """The device that accepts ``code``: six digits are the authenticator app's, anything else a recovery code.

    Raises ValidationError when the code is refused; a used recovery code never works again.
    """
    code = re.sub(r"[\s-]", "", code).lower()
    if APP_CODE.fullmatch(code):
        device = authenticator_app(user)
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        log_on_account(user, "lms.two_factor_refused", data={"reason": "no such device"})
        raise ValidationError(_("This code is wrong or has expired: enter the code your app shows now."), code="wrong")
    check_code(user=user, device=device, code=code)
    if isinstance(device, StaticDevice):
        log_on_account(user, "lms.two_factor_recovery_code", data={"codes_left": device.token_set.count()})
    return device


@transaction.atomic
def reset_two_factor(*, user, by):
    """Remove ``user``'s authenticator app and recovery codes (``by``, a superuser, decided so): the user
    sets up an app again at the next admin visit, and sessions verified with the old app are no longer."""
    for model in (TOTPDevice, StaticDevice):
        # The secrets of a lost or stolen phone must not survive; the audit entry keeps the record.
        model.objects.filter(user=user).delete()
    log_on_account(user, "lms.two_factor_reset", by=by)


class StaffTwoFactorMiddleware:
    """Send anyone who must give a second factor, and has not in this session, to give it (or to set up an
    app) before any admin URL: the admin's own log-in, log-out and JSON endpoints included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path.startswith(reverse("wagtailadmin_home"))
            and requires_two_factor(request.user)
            and not request.user.is_verified()
        ):
            return redirect_to_login(request.get_full_path(), reverse("two_factor_verify"))
        return self.get_response(request)
