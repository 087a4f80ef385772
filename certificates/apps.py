from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    """Certificate templates, issuing, rendering and verification."""

    name = "certificates"
    # The ids the migrations were made with, whatever the site chooses as its DEFAULT_AUTO_FIELD.
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Certificates")

    def ready(self):
        from django.core import checks

        from certificates import signals  # noqa: F401 - connects the receivers
        from certificates.signing import check_signing_key

        checks.register(check_signing_key, checks.Tags.security, deploy=True)
