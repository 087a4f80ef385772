"""The pages of single sign-on: going to the provider (Mặt trận số) and coming back from it. Both are
mozilla-django-oidc's views, switched off (404) while no provider is configured."""

import logging

import requests
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from lms import sso

logger = logging.getLogger(__name__)


class OnlyWhenConfiguredMixin:
    def dispatch(self, request, *args, **kwargs):
        if not sso.is_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class SignOnStartView(OnlyWhenConfiguredMixin, OIDCAuthenticationRequestView):
    """Send the visitor to the provider's log-in, with a fresh state, nonce and PKCE challenge."""


class SignOnCallbackView(OnlyWhenConfiguredMixin, OIDCAuthenticationCallbackView):
    """Log in the provider's user, or go back to the log-in page saying why not."""

    @property
    def failure_url(self):
        return reverse("login")

    def get(self, request):
        try:
            return super().get(request)
        except (SuspiciousOperation, requests.RequestException) as error:
            # A forged or stale answer, or a provider that does not answer: the visitor may simply try again.
            logger.warning("Single sign-on refused: %s", error)
            return self.login_failure()

    def login_failure(self):
        reason = getattr(self.request, sso.REFUSAL_ATTRIBUTE, None)
        messages.error(
            self.request,
            reason
            or _("Logging in with %(provider)s did not succeed. Try again, or log in with your password.")
            % {"provider": sso.provider_name()},
        )
        return super().login_failure()
