from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class LmsConfig(AppConfig):
    """The organisation and the training ledger; also the site's accounts."""

    default = True  # the module holds two configurations: "lms" in INSTALLED_APPS means this one
    name = "lms"
    # The ids the migrations were made with, whatever the site chooses as its DEFAULT_AUTO_FIELD.
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Organisation and training")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from lms import converters
        from lms.services import link_person_at_login

        converters.register()
        user_logged_in.connect(link_person_at_login, dispatch_uid="lms.link_person_at_login")


class LmsUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with the phone number the account can log in with."""

    user_viewset = "lms.users_admin.UserViewSet"
