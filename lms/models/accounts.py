"""Site accounts: a user logs in with a username, an email address or a phone number."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from lms.phones import normalize_phone, validate_phone


class User(AbstractUser):
    """An account; ``last_name`` holds the family name, ``first_name`` the middle and given names."""

    phone = models.CharField(
        _("phone number"),
        max_length=15,
        blank=True,
        validators=[validate_phone],
        help_text=_("Can be used to log in instead of the username."),
    )

    managed_unit = models.ForeignKey(
        "lms.Unit",
        verbose_name=_("managed unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisers",
        help_text=_("An organiser or trainer sees and changes only this unit and the units below it."),
    )

    objects = UserManager()

    def can_enter_admin(self):
        """Whether the Wagtail admin lets the user in (the site header links it): read with the user when the
        session loaded them (``lms.auth``), else from their permissions."""
        known = getattr(self, "admin_access", None)
        return self.has_perm("wagtailadmin.access_admin") if known is None else known

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="lms_user_email_unique_ci",
                violation_error_message=_("Another account already uses this email address."),
            ),
            models.UniqueConstraint(
                "phone",
                condition=~models.Q(phone=""),
                name="lms_user_phone_unique",
                violation_error_message=_("Another account already uses this phone number."),
            ),
        ]

    def clean(self):
        super().clean()
        self._canonicalise_contacts()

    def save(self, *args, **kwargs):
        self._canonicalise_contacts()
        super().save(*args, **kwargs)

    def _canonicalise_contacts(self):
        # Stored in one form so that login and the unique constraints see "+84 912..." and
        # "0912..." as the same number; text that is no phone number is left for validation.
        self.email = self.email.strip().lower()
        canonical_phone = normalize_phone(self.phone)
        if canonical_phone is not None:
            self.phone = canonical_phone

    def get_full_name(self):
        """Family and middle names (``last_name``) come before the given name (``first_name``)."""
        return f"{self.last_name} {self.first_name}".strip()

    def get_short_name(self):
        """The given name: the last word of a Vietnamese full name."""
        return self.first_name.split()[-1] if self.first_name.strip() else self.username


class ActivationCode(models.Model):
    """A one-time code an organiser hands to a learner without email, to choose their first password.

    Only a keyed hash of the code is kept; a code works once, until ``expires_at``, and issuing a new one
    for the account ends the old one."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="activation_codes", verbose_name=_("user"))
    code_hash = models.CharField(_("code hash"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        verbose_name = _("activation code")
        verbose_name_plural = _("activation codes")

    def __str__(self):
        return f"{self.user} ({self.created_at:%Y-%m-%d})"


class SingleSignOnIdentity(models.Model):
    """An account of an OpenID Connect provider (Mặt trận số) linked to a user of the site: the provider's
    issuer and its stable subject id, which stays the same when the person's phone or name changes."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="single_sign_on_identities", verbose_name=_("user")
    )
    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject id"), max_length=255)
    linked_at = models.DateTimeField(_("linked at"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("last log-in"), null=True, blank=True)

    class Meta:
        verbose_name = _("single sign-on identity")
        verbose_name_plural = _("single sign-on identities")
        constraints = [
            models.UniqueConstraint("issuer", "subject", name="lms_sso_identity_unique"),
            # one provider account per user and provider: a second one could only come from a phone claim
            models.UniqueConstraint("user", "issuer", name="lms_sso_identity_one_per_user"),
        ]

    def __str__(self):
        return f"{self.user} ({self.issuer})"
