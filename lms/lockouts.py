"""Log-in lockouts with django-axes: wrong passwords count against the account, whichever spelling of it was
typed, and against the client address with a higher limit.

The site turns this on in its settings (see config/settings/base.py): ``AXES_HANDLER`` names
``AccountAndAddressHandler``, ``AXES_USERNAME_CALLABLE`` ``lms.auth.lockout_account_key``,
``AXES_CLIENT_IP_CALLABLE`` ``lms.clients.client_address`` and ``AXES_LOCKOUT_CALLABLE`` ``lockout_response``.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.shortcuts import render
from django.utils import timezone
from wagtail.log_actions import log

from lms import services
from lms.models import LoginLockout


def failures_per_address():
    """Wrong passwords from one client address, over any accounts, that lock the address."""
    return settings.LMS_LOGIN_FAILURES_PER_ADDRESS


class AccountAndAddressHandler(AxesDatabaseHandler):
    """Axes' database handler with two limits: ``AXES_FAILURE_LIMIT`` wrong passwords per account and
    ``LMS_LOGIN_FAILURES_PER_ADDRESS`` per client address. Every new lockout is recorded and logged."""

    def failure_counts(self, request, credentials=None):
        """Recent wrong passwords against the account being tried, and from the request's address."""
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        return tuple(
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in (
                recent.filter(username=get_client_username(request, credentials)),
                recent.filter(ip_address=request.axes_ip_address),
            )
        )

    def get_failures(self, request, credentials=None):
        by_account, by_address = self.failure_counts(request, credentials)
        if by_address >= failures_per_address():
            # axes compares this one number with AXES_FAILURE_LIMIT: an address over its own limit is locked.
            return max(by_account, get_failure_limit(request, credentials))
        return by_account

    def reset_user_attempts(self, request, credentials=None):
        # A successful log-in clears its own account's count only. Clearing its address's count too would
        # let anyone with an account of their own wipe their guesses at other accounts by logging in.
        count, _deleted = AccessAttempt.objects.filter(username=get_client_username(request, credentials)).delete()
        return count

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        # The axes backend marks a request it refused because the client was already locked out.
        already_locked = getattr(request, "axes_locked_out", False)
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or already_locked or not request.axes_locked_out:
            return
        by_account, by_address = self.failure_counts(request, credentials)
        identifier = (credentials or {}).get("username")
        if by_account >= get_failure_limit(request, credentials):
            services.record_lockout(identifier=identifier, ip_address=request.axes_ip_address, by_address=False)
        if by_address >= failures_per_address():
            services.record_lockout(identifier=identifier, ip_address=request.axes_ip_address, by_address=True)


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' ``AXES_LOCKOUT_CALLABLE``: one page for every lockout. Axes' own answer to a script
    (``X-Requested-With``) would show the account key, and so tell a known account from an unknown one."""
    return render(request, "registration/locked_out.html", status=429)


def current_lockouts(user):
    """The lockouts ``user`` may see that still hold: not lifted, and their account or address still over its
    limit by django-axes' count."""
    recent = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - get_cool_off())
    locked_accounts = (
        recent.values("username")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .values("username")
    )
    locked_addresses = (
        recent.values("ip_address")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=failures_per_address())
        .values("ip_address")
    )
    return (
        LoginLockout.objects.visible_to(user)
        .filter(lifted_at=None, locked_at__gte=timezone.now() - get_cool_off())
        .filter(Q(by_address=False, account__in=locked_accounts) | Q(by_address=True, ip_address__in=locked_addresses))
        .select_related("user", "unit")
    )


@transaction.atomic
def lift_lockout(*, lockout, user):
    """Let the locked account (or address) try again at once, and log who lifted it."""
    lockout.lift(by=user)
    if lockout.by_address:
        AxesProxyHandler.reset_attempts(ip_address=lockout.ip_address)
    else:
        AxesProxyHandler.reset_attempts(username=lockout.account)
    log(instance=lockout, action="lms.lockout_lift", user=user)
