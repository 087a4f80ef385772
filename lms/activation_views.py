"""The learner's activation pages: by the emailed link, or by phone number and one-time code."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from lms import activation
from lms.forms import ActivationCodeForm


def activated(request):
    messages.success(request, _("Your account is ready. Log in with your phone number and your new password."))
    return redirect("login")


class ActivationLinkView(auth_views.PasswordResetConfirmView):
    """Choose a first password from the emailed link (whose token then leaves the address bar, as in Django's
    password reset)."""

    template_name = "registration/activation_link.html"
    token_generator = activation.activation_tokens
    reset_url_token = "dat-mat-khau"

    def form_valid(self, form):
        activation.activate(form.user, form.cleaned_data["new_password1"])
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return activated(self.request)


class ActivationCodeView(FormView):
    """Choose a first password with the phone number (or username) and the code an organiser handed over."""

    template_name = "registration/activation_code.html"
    form_class = ActivationCodeForm

    def form_valid(self, form):
        try:
            form.save()
        except ValidationError as error:
            form.add_error("code", error)
            return self.form_invalid(form)
        return activated(self.request)
