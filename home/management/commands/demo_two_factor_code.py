"""Print the two-step code of the demo staff accounts right now (development only)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lms.demo import demo_totp_key


class Command(BaseCommand):
    help = "Print the current two-step code of the demo accounts that may enter the admin (development only)."

    def handle(self, *args, **options):
        if not settings.LMS_ALLOW_DEMO_DATA:
            raise CommandError(_("Demo data is switched off here (LMS_ALLOW_DEMO_DATA): there is no demo key."))
        key = demo_totp_key()
        usernames = TOTPDevice.objects.filter(key=key, confirmed=True).values_list("user__username", flat=True)
        if not usernames:
            raise CommandError(_("No account uses the demo key: run `manage.py seed_demo` first."))
        totp = TOTP(bytes.fromhex(key))
        seconds_left = totp.step - int(time.time() - totp.t0) % totp.step
        self.stdout.write(
            _("Two-step code for %(usernames)s: %(code)06d (for %(seconds)d more seconds)")
            % {"usernames": ", ".join(sorted(usernames)), "code": totp.token(), "seconds": seconds_left}
        )
