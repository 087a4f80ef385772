"""Account forms."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.sites.shortcuts import get_current_site
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import auth as wagtail_auth_forms

from lms.tasks import send_password_reset


class LoginForm(auth_forms.AuthenticationForm):
    """The login form, whose first field takes a username, an email address or a phone number."""

    username = forms.CharField(
        label=_("Username, email or phone number"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class QueuedPasswordResetMixin:
    """A password-reset form that leaves all its work (finding the address's accounts, mailing each a link) to
    a task, so that a request takes as long whether or not the address has an account."""

    def save(self, *, request=None, domain_override=None, token_generator=None, **options):
        options["domain_override"] = domain_override or get_current_site(request).domain
        form_path = f"{type(self).__module__}.{type(self).__qualname__}"
        send_password_reset.enqueue(form_path, self.cleaned_data["email"], translation.get_language(), options)

    def send_reset_mails(self, **options):
        """What the form's ``save`` would do in the request: called by the task."""
        super().save(**options)


class AdminPasswordResetForm(QueuedPasswordResetMixin, wagtail_auth_forms.PasswordResetForm):
    """The Wagtail admin's reset form, queued (``WAGTAILADMIN_USER_PASSWORD_RESET_FORM``)."""


class PasswordResetForm(QueuedPasswordResetMixin, auth_forms.PasswordResetForm):
    """The site's reset form, queued."""
