from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class LmsConfig(AppConfig):
    """The organisation and the training ledger; also the site's accounts."""

    name = "lms"
    default = True  # this module also holds the user admin's config
    # The ids the migrations were made with, whatever the site chooses as its DEFAULT_AUTO_FIELD.
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Organisation and training")


class LmsUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with the phone number the account can log in with."""

    user_viewset = "lms.users_admin.UserViewSet"
