"""Single sign-on with an OpenID Connect provider: Mặt trận số, the Front's own platform, or any other.

mozilla-django-oidc runs the authorisation-code flow (state, nonce, PKCE, the token request, the provider's
signing keys); this module decides which account a provider's user is. The provider's stable subject id
(with its issuer) is kept on a ``SingleSignOnIdentity``; at the first log-in the account is found by the
phone number the provider vouches for (the person on a unit's list with that phone, or the account with it)
or, when the site allows it, a learner account is made. Roles are never taken from the provider: whatever
its claims say, an account made here is a learner's, and an existing account keeps exactly its own rights
(staff still give the site's own second factor before the admin, ``lms.two_factor``).
"""

import logging
import secrets

import jwt
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from wagtail.log_actions import log

from lms import activation, roles
from lms.models import Person, SingleSignOnIdentity, User
from lms.phones import normalize_phone

logger = logging.getLogger(__name__)

# Where the backend leaves, on the request, why it refused a provider's user: the callback view shows it.
REFUSAL_ATTRIBUTE = "single_sign_on_refusal"
REQUIRED_SETTINGS = (
    "OIDC_OP_ISSUER",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
    "OIDC_RP_CLIENT_ID",
)


def is_enabled():
    """Whether a provider is configured: until it is, its button, pages and log-ins are off."""
    return all(getattr(settings, name, "") for name in REQUIRED_SETTINGS)


def provider_name():
    return settings.LMS_SSO_PROVIDER_NAME


def is_callback(request, credentials=None):
    """django-axes' ``AXES_WHITELIST_CALLABLE``: the provider's return to the site is no password guess, so it
    neither counts towards the wrong-password lockouts nor is stopped by them (the provider guards its own
    log-in); every other log-in is counted as before."""
    return request.path == reverse("oidc_authentication_callback")


class SignOnRefused(Exception):
    """The provider's user may not log in here; the message says why, in the user's language."""


def claimed_phone(claims):
    """The phone number the provider gives (``LMS_SSO_PHONE_CLAIM``) in the site's form, or None; a number the
    provider itself marks as not verified is not used to find an account."""
    claim = settings.LMS_SSO_PHONE_CLAIM
    if claims.get(f"{claim}_verified") is False:
        return None
    value = claims.get(claim)
    return normalize_phone(value) if isinstance(value, str) else None


def account_with_phone(phone):
    """The account of the active person with ``phone`` on a unit's list, else the account with that phone, else
    None; and the person, if any, so that a new account can be made for them."""
    person = Person.objects.filter(phone=phone, is_active=True).select_related("user").first()
    if person is not None and person.user is not None:
        return person.user, person
    return User.objects.filter(phone=phone).first(), person


def new_learner_account(*, phone, person, claims):
    """A learner account, without a password, for the person on a list or else from the provider's names."""
    if person is not None:
        user = activation.new_learner_user(person)
    else:
        user = User(
            last_name=str(claims.get("family_name") or "")[:150],
            first_name=str(claims.get("given_name") or claims.get("name") or "")[:150],
            phone=phone or "",
        )
        user.set_unusable_password()
    if not user.username or User.objects.filter(username__iexact=user.username).exists():
        user.username = f"mts-{secrets.token_hex(6)}"
    if user.email and User.objects.filter(email__iexact=user.email).exists():
        user.email = ""  # the list's address is another account's: the new account goes without one
    # What the provider says of roles (is_staff, groups, roles...) is deliberately never read.
    user.save()
    user.groups.add(Group.objects.get(name=roles.LEARNER))
    # on the person when there is one, as for accounts an organiser makes, so their unit's organisers see it
    log(instance=person or user, action="lms.account_created", user=user, data={"username": user.username})
    return user


@transaction.atomic
def account_for(*, issuer, subject, claims):
    """The account the provider's user ``subject`` of ``issuer`` logs in as, linked to them at the first log-in.

    Raises ``SignOnRefused`` when no account may be found or made for them.
    """
    now = timezone.now()
    identity = SingleSignOnIdentity.objects.filter(issuer=issuer, subject=subject).select_related("user").first()
    if identity is not None:
        SingleSignOnIdentity.objects.filter(pk=identity.pk).update(last_login_at=now)
        user = identity.user
    else:
        phone = claimed_phone(claims)
        user, person = account_with_phone(phone) if phone else (None, None)
        matched_by = "phone"
        if user is None:
            if not settings.LMS_SSO_CREATE_LEARNERS:
                raise SignOnRefused(
                    _(
                        "Your %(provider)s account is not linked to any account of this site. Ask your unit's "
                        "organisers to put you on its list with the phone number of your %(provider)s account."
                    )
                    % {"provider": provider_name()}
                )
            user, matched_by = new_learner_account(phone=phone, person=person, claims=claims), "new account"
        if SingleSignOnIdentity.objects.filter(user=user, issuer=issuer).exists():
            raise SignOnRefused(
                _(
                    "The account with this phone number is already linked to another %(provider)s account. "
                    "Ask your unit's organisers for help."
                )
                % {"provider": provider_name()}
            )
        SingleSignOnIdentity.objects.create(user=user, issuer=issuer, subject=subject, last_login_at=now)
        log(instance=user, action="lms.sso_linked", user=user, data={"issuer": issuer, "matched_by": matched_by})
    if not user.is_active:
        raise SignOnRefused(_("This account is switched off. Ask your unit's organisers for help."))
    return user


class ProviderBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, acting only on the provider's return to the site, checking the id_token
    fully and choosing the account by ``account_for``."""

    def authenticate(self, request, **credentials):
        # The library's callback passes the nonce; a password log-in whose address happens to carry ?code=&state=
        # must not send that code to the provider.
        if not is_enabled() or request is None or "nonce" not in credentials or not is_callback(request):
            return None
        return super().authenticate(request, **credentials)

    def get_user(self, user_id):
        # The library returns switched-off accounts too: a session opened through the provider must end, like a
        # password one, once the account is switched off.
        user = super().get_user(user_id)
        return user if self.user_can_authenticate(user) else None

    def get_payload_data(self, token, key):
        """The id_token's claims once its signature, algorithm, issuer, audience and lifetime are right (the
        library itself leaves the audience and the issuer unchecked)."""
        try:
            return jwt.decode(
                token,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_OP_ISSUER,
                options={"require": ["iss", "sub", "aud", "exp", "iat"]},
            )
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"id_token refused: {error}") from error

    def get_or_create_user(self, access_token, id_token, payload):
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = self.get_userinfo(access_token, id_token, payload)
            if userinfo.get("sub") != payload["sub"]:  # OpenID Connect Core 5.3.2
                raise SuspiciousOperation("userinfo is about another subject than the id_token")
            claims = {**userinfo, **payload}
        try:
            return account_for(issuer=payload["iss"], subject=str(payload["sub"]), claims=claims)
        except SignOnRefused as refusal:
            setattr(self.request, REFUSAL_ATTRIBUTE, str(refusal))
            return None
