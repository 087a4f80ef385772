"""Account forms."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.sites.shortcuts import get_current_site
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import auth as wagtail_auth_forms

from lms import activation
from lms.auth import find_user_by_login
from lms.tasks import send_password_reset

# A phone keyboard capitalises and "corrects" the first letter of a log-in name unless told not to.
LOGIN_NAME_ATTRS = {"autocomplete": "username", "autocapitalize": "none", "autocorrect": "off", "spellcheck": "false"}


class LoginForm(auth_forms.AuthenticationForm):
    """The login form, whose first field takes a username, an email address or a phone number."""

    username = forms.CharField(
        label=_("Username, email or phone number"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, **LOGIN_NAME_ATTRS}),
    )


class AdminLoginForm(wagtail_auth_forms.LoginForm):
    """The Wagtail admin's login form (``WAGTAILADMIN_USER_LOGIN_FORM``), its name field as the site's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(LOGIN_NAME_ATTRS)


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
    """The site's reset form, queued, and also for accounts that have no password yet (made by an import):
    their link lets them choose their first one."""

    def get_users(self, email):
        return get_user_model()._default_manager.filter(email__iexact=email, is_active=True)


class ActivationCodeForm(auth_forms.SetPasswordMixin, forms.Form):
    """First log-in with the one-time code an organiser handed over: phone number (or username), code, and the
    password the learner chooses."""

    login = forms.CharField(
        label=_("Phone number or username"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "inputmode": "tel", **LOGIN_NAME_ATTRS}),
    )
    code = forms.CharField(
        label=_("Activation code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    new_password1, new_password2 = auth_forms.SetPasswordMixin.create_password_fields(
        label1=_("New password"), label2=_("New password again")
    )

    def clean(self):
        cleaned_data = super().clean()
        if self.errors:
            return cleaned_data
        self.user = find_user_by_login(cleaned_data["login"])
        try:
            self.activation_code = activation.check_code(cleaned_data["login"], self.user, cleaned_data["code"])
        except forms.ValidationError as error:
            self.add_error("code", error)
            return cleaned_data
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password2")
        return cleaned_data

    def save(self):
        activation.activate(self.user, self.cleaned_data["new_password1"], code=self.activation_code)
        return self.user
