"""The pages of two-factor authentication for staff: the code after the password, setting up an
authenticator app at the first admin visit, and the recovery codes shown once after it."""

from urllib.parse import urlencode

import django_otp
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from lms import two_factor

RECOVERY_CODES_SESSION_KEY = "lms_two_factor_recovery_codes"


class CodeForm(forms.Form):
    """One code: six digits from the app or, where ``recovery`` is allowed, a recovery code."""

    code = forms.CharField(label=_("Code"), max_length=32)

    def __init__(self, *args, recovery, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.widget.attrs.update({"autocomplete": "one-time-code", "autofocus": True, "autocapitalize": "off"})
        if recovery:
            field.help_text = _("The six digits your app shows, or one of your recovery codes.")
        else:
            field.help_text = _("The six digits your app shows.")
            field.widget.attrs.update({"inputmode": "numeric", "pattern": "[0-9 ]*"})


def next_url(request):
    """Where to go once verified: the page asked for, if it is on this site; else the admin's dashboard."""
    url = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return reverse("wagtailadmin_home")


def redirect_keeping_next(request, url_name):
    return redirect(f"{reverse(url_name)}?{urlencode({'next': next_url(request)})}")


def verified(request, device):
    """Mark this session as verified by ``device``, under a new session key since it now has more rights."""
    request.session.cycle_key()
    django_otp.login(request, device)


@never_cache
@login_required
def verify(request):
    """Ask a staff member for the second factor after the password; without an app yet, set one up."""
    user = request.user
    if not two_factor.requires_two_factor(user) or user.is_verified():
        return redirect(next_url(request))
    if two_factor.authenticator_app(user) is None:
        return redirect_keeping_next(request, "two_factor_enrol")
    form = CodeForm(request.POST or None, recovery=True)
    if form.is_valid():
        try:
            device = two_factor.verify_second_factor(user=user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            verified(request, device)
            return redirect(next_url(request))
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": next_url(request)})


@never_cache
@login_required
def enrol(request):
    """Set up an authenticator app: a QR code and the secret to type, confirmed by the app's first code."""
    user = request.user
    if not two_factor.requires_two_factor(user):
        return redirect(next_url(request))
    if two_factor.authenticator_app(user) is not None:
        return redirect_keeping_next(request, "two_factor_verify")
    device = two_factor.pending_authenticator_app(user)
    form = CodeForm(request.POST or None, recovery=False)
    if form.is_valid():
        try:
            device, codes = two_factor.confirm_enrolment(user=user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            verified(request, device)
            request.session[RECOVERY_CODES_SESSION_KEY] = codes
            return redirect_keeping_next(request, "two_factor_recovery_codes")
    context = {
        "form": form,
        "next": next_url(request),
        "qr_code": two_factor.qr_code_data_uri(device),
        "secret": two_factor.secret_in_groups(device),
    }
    return render(request, "registration/two_factor_enrol.html", context)


@never_cache
@login_required
def recovery_codes(request):
    """The recovery codes just made, shown this once (to print or write down)."""
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    if codes is None:
        return redirect(next_url(request))
    context = {"codes": [f"{code[:4]}-{code[4:]}" for code in codes], "next": next_url(request)}
    return render(request, "registration/two_factor_recovery_codes.html", context)
