from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    """The organisation and the training ledger; also the site's accounts."""

    name = "lms"
    verbose_name = _("Organisation and training")
