from pathlib import Path

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.core.management import call_command
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
        from django.db import models
        from django.db.models.signals import post_delete, post_migrate, post_save
        from wagtail.admin.forms.models import register_form_field_override
        from wagtail.models import PageViewRestriction, Site, get_page_models

        from lms import converters
        from lms.admin.appearance import VietnameseSlugInput
        from lms.pages import forget_pages
        from lms.services import link_person_at_login

        converters.register()
        user_logged_in.connect(link_person_at_login, dispatch_uid="lms.link_person_at_login")
        post_migrate.connect(create_cache_tables, sender=self, dispatch_uid="lms.create_cache_tables")
        # What a route or a course's outline holds changes with any page type (a move saves the page too), a view
        # restriction or a site.
        for model in [*get_page_models(), PageViewRestriction, Site]:
            for signal in (post_save, post_delete):
                signal.connect(forget_pages, sender=model, dispatch_uid=f"lms.forget_pages.{model._meta.label}")
        # Every slug field of the admin (pages' included) takes the place of Wagtail's own.
        register_form_field_override(models.SlugField, override={"widget": VietnameseSlugInput})
        checks.register(check_upstream_translations)


def check_upstream_translations(app_configs, **kwargs):
    """Warn when the site has not listed the Vietnamese of Wagtail's and Django's own strings (docs/plugin.md)."""
    from lms import UPSTREAM_LOCALE_PATH

    if any(Path(path).resolve() == UPSTREAM_LOCALE_PATH for path in settings.LOCALE_PATHS):
        return []
    return [
        checks.Warning(
            "LOCALE_PATHS does not list lms.UPSTREAM_LOCALE_PATH: much of Wagtail's admin and Django's form"
            " messages will show in English.",
            hint="Add it to LOCALE_PATHS as docs/plugin.md shows.",
            id="lms.W001",
        )
    ]


def create_cache_tables(using, **kwargs):
    """Make the table of every database cache the settings name (idempotent), so that each `migrate`, the
    first one of a fresh install included, leaves the throttles a working cache."""
    call_command("createcachetable", database=using, verbosity=0)


class LmsUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with the phone number the account can log in with."""

    user_viewset = "lms.users_admin.UserViewSet"
