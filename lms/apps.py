from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class LmsConfig(AppConfig):
    """The organisation and the training ledger; also the site's accounts."""

    name = "lms"
    verbose_name = _("Organisation and training")


class LmsUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with the phone number the account can log in with."""

    user_viewset = "lms.users_admin.UserViewSet"
