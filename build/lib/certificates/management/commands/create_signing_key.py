"""Make a self-signed key for signing certificates in development (never for certificates people rely on)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from certificates.signing import create_signing_key


class Command(BaseCommand):
    help = (
        "Create a self-signed PKCS#12 signing key at CERTIFICATE_SIGNING_KEY, protected by "
        "CERTIFICATE_SIGNING_PASSPHRASE. For development: use the organisation's own key in production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=None, help="Where to write it (default: the setting).")
        parser.add_argument(
            "--name", default="Kỹ năng số MTTQ (khóa thử nghiệm)", help="The certificate's common name."
        )
        parser.add_argument("--force", action="store_true", help="Replace an existing file.")

    def handle(self, *args, output, name, force, **options):
        path = output or settings.CERTIFICATE_SIGNING_KEY
        if path.exists() and not force:
            raise CommandError(f"{path} exists; use --force to replace it.")
        certificate = create_signing_key(path, passphrase=settings.CERTIFICATE_SIGNING_PASSPHRASE, common_name=name)
        self.stdout.write(
            f"{path}: self-signed key for “{name}”, valid until {certificate.not_valid_after_utc:%d/%m/%Y}."
        )
