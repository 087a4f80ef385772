"""Development: debug pages, console email, a fixed insecure key unless SECRET_KEY is set."""

from .base import *  # noqa: F403
from .env import env_bool, env_str

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = ["*"]
EMAIL_DELIVERY_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
LMS_ALLOW_DEMO_DATA = env_bool("LMS_ALLOW_DEMO_DATA", True)
