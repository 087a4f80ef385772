"""Load demo data; safe to run again (it only adds what is missing)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from certificates.demo import seed_demo_certificates
from courses.demo import seed_demo_catalogue, seed_demo_progress
from home.models import HomePage
from lms.demo import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    seed_demo_accounts,
    seed_demo_organisation,
    seed_demo_two_factor,
)
from targets.demo import seed_demo_targets


class Command(BaseCommand):
    help = "Create demo accounts and content (development only; idempotent)."

    def handle(self, *args, **options):
        if not settings.LMS_ALLOW_DEMO_DATA:
            raise CommandError(
                _("Demo data is switched off here (LMS_ALLOW_DEMO_DATA): its accounts share a public password.")
            )
        home_page = HomePage.objects.first()
        if home_page is None:
            raise CommandError(_("There is no home page: run `manage.py migrate` first."))
        created = seed_demo_accounts()
        seed_demo_two_factor()
        seed_demo_organisation()
        seed_demo_catalogue(home_page)
        seed_demo_progress()
        seed_demo_certificates()
        seed_demo_targets()
        self.stdout.write(
            _("Demo data ready (%(count)d new accounts). Log in with any of these, password %(password)s:")
            % {"count": len(created), "password": DEMO_PASSWORD}
        )
        administrator = _("site administrator")
        for username, _family, _given, role, _email, _phone in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<10} {role or administrator}")
        self.stdout.write(
            _(
                "Staff accounts also ask for a two-step code: `manage.py demo_two_factor_code` prints it, or add the "
                "key %(key)s to an authenticator app."
            )
            % {"key": DEMO_TOTP_SECRET}
        )
