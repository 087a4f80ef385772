"""Tests: fast hashing, tasks run at once, email kept in memory, files in a temporary folder."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# A restore drill run by a test points its own process at the restored folders by these variables.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or tempfile.mkdtemp(prefix="lms-test-media-"))
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT") or tempfile.mkdtemp(prefix="lms-test-private-"))
STORAGES["private"] = {  # noqa: F405
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
}
LMS_ALLOW_DEMO_DATA = True
CERTIFICATE_SIGNING_KEY = Path(
    os.environ.get("CERTIFICATE_SIGNING_KEY") or Path(tempfile.mkdtemp(prefix="lms-test-signing-")) / "test-key.p12"
)
CERTIFICATE_SIGNING_PASSPHRASE = "test-only-passphrase"
CREDENTIAL_SIGNING_KEY = Path(
    os.environ.get("CREDENTIAL_SIGNING_KEY") or CERTIFICATE_SIGNING_KEY.parent / "test-credential-key.pem"
)
# The suite logs staff in with force_login; tests/lms/test_two_factor.py switches the second factor on.
LMS_STAFF_TWO_FACTOR = False
