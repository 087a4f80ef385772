from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The demo site's home page (not part of the installable apps)."""

    name = "home"
    # The ids the migrations were made with, whatever the site chooses as its DEFAULT_AUTO_FIELD.
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Home")
