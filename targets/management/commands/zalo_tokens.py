"""Store the Zalo Official Account's tokens an administrator obtained (docs/zalo.md), or show their state."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from targets import services, zalo


class Command(BaseCommand):
    help = (
        "Store the refresh token (and optionally the access token) of the Zalo Official Account of ZALO_APP_ID; "
        "without options, show the state of the stored tokens and today's quota."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--refresh-token",
            help="The refresh token Zalo gave with the access token, as --refresh-token=TOKEN: a token may begin "
            "with a dash.",
        )
        parser.add_argument("--access-token", default="", help="The access token; fetched at once when left out.")
        parser.add_argument("--expires-in", type=int, default=None, help="The access token's lifetime in seconds.")

    def handle(self, *args, **options):
        if not settings.ZALO_APP_ID or not settings.ZALO_APP_SECRET:
            raise CommandError(_("Set ZALO_APP_ID and ZALO_APP_SECRET first."))
        if options["refresh_token"]:
            try:
                stored = services.store_zalo_tokens(
                    refresh_token=options["refresh_token"],
                    access_token=options["access_token"],
                    expires_in=options["expires_in"],
                )
            except zalo.ZaloUnavailable as error:
                raise CommandError(_("Zalo could not be reached: %(error)s") % {"error": error}) from error
            if not stored:
                account = services.zalo_account()
                raise CommandError(
                    _("Zalo refused the refresh token: %(code)s %(message)s")
                    % {"code": account.refresh_error_code, "message": account.refresh_error_message}
                )
        self.show(services.zalo_account())

    def show(self, account):
        def when(moment):
            return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else "-"

        self.stdout.write(_("Official Account app: %(app)s") % {"app": account.app_id})
        if account.access_token:
            expires = when(account.access_token_expires_at)
            self.stdout.write(_("Access token stored, valid until %(when)s") % {"when": expires})
        else:
            self.stdout.write(_("No access token stored."))
        if account.refresh_error_code is not None:
            self.stdout.write(
                _("The last refresh was refused: %(code)s %(message)s")
                % {"code": account.refresh_error_code, "message": account.refresh_error_message}
            )
        else:
            self.stdout.write(_("Last refresh: %(when)s") % {"when": when(account.refreshed_at)})
        unknown = "?"
        self.stdout.write(
            _("Sent on %(day)s: %(sent)s (quota left at Zalo: %(left)s of %(quota)s)")
            % {
                "day": account.quota_day.strftime("%d/%m/%Y") if account.quota_day else "-",
                "sent": account.sent_on_quota_day,
                "left": unknown if account.remaining_quota is None else account.remaining_quota,
                "quota": unknown if account.daily_quota is None else account.daily_quota,
            }
        )
