"""Log-in lockouts: each time too many wrong passwords lock an account or a client address."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.models.scoping import UnitScopedQuerySet


class LoginLockoutQuerySet(UnitScopedQuerySet):
    unit_path = "unit__path"


class LoginLockout(models.Model):
    """A lockout as it happened: the account (or client address) locked, from which address, and whether and by
    whom it was lifted. The counting itself is django-axes'; this is the record organisers see and lift."""

    account = models.CharField(
        _("account"), max_length=255, help_text=_("The account key the guesses counted against.")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The unit of the account's person when it was locked: organisers of that unit's subtree see the lockout.
    unit = models.ForeignKey("lms.Unit", verbose_name=_("unit"), null=True, on_delete=models.SET_NULL, related_name="+")
    ip_address = models.GenericIPAddressField(_("IP address"), null=True)
    by_address = models.BooleanField(
        _("address locked"), default=False, help_text=_("The client address, not the account, reached its limit.")
    )
    locked_at = models.DateTimeField(_("locked at"), default=timezone.now)
    lifted_at = models.DateTimeField(_("lifted at"), null=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("lifted by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = LoginLockoutQuerySet.as_manager()

    class Meta:
        verbose_name = _("log-in lockout")
        verbose_name_plural = _("log-in lockouts")
        ordering = ["-locked_at", "-id"]

    def __str__(self):
        if self.by_address:
            return str(_("Address %(address)s") % {"address": self.ip_address})
        if self.user is not None:
            return f"{self.user.get_full_name() or self.user.get_username()} ({self.user.get_username()})"
        return self.account.partition(":")[2]

    @property
    def audit_unit_id(self):
        """The unit whose organisers may read this lockout's history (see ``UnitLogEntry``)."""
        return self.unit_id

    def lift(self, *, by):
        """Mark the lockout lifted by ``by``; a lockout is lifted once."""
        if self.lifted_at is not None:
            raise ValidationError(_("This lockout was already lifted."), code="already_lifted")
        self.lifted_at = timezone.now()
        self.lifted_by = by
        self.save(update_fields=["lifted_at", "lifted_by"])
