"""Make the Ed25519 key that signs certificates as verifiable credentials, or replace it (rotation)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from certificates.data_integrity import create_credential_key


class Command(BaseCommand):
    help = (
        "Create the Ed25519 key that signs verifiable credentials at CREDENTIAL_SIGNING_KEY, encrypted with "
        "CERTIFICATE_SIGNING_PASSPHRASE. --rotate replaces an existing key and prints the retired public key to "
        "add to CREDENTIAL_RETIRED_KEYS."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", default=None, help="Where to write it (default: the setting).")
        parser.add_argument("--rotate", action="store_true", help="Replace an existing key.")

    def handle(self, *args, output, rotate, **options):
        path = Path(output or settings.CREDENTIAL_SIGNING_KEY)
        if path.exists() and not rotate:
            raise CommandError(f"{path} exists; use --rotate to replace it.")
        public, retired = create_credential_key(path)
        self.stdout.write(f"{path}: credential key {public}.")
        if retired:
            self.stdout.write(
                f"Retired key {retired}: add it to CREDENTIAL_RETIRED_KEYS so that the credentials it signed keep "
                "verifying; leave it out if the key was stolen, and they all fail."
            )
