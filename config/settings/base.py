"""Settings shared by every environment; environment variables switch behaviour.

See docs/configuration.md for the variables.
"""

from datetime import date, timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from wagtail.embeds import oembed_providers

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "home",
    "targets",
    "certificates",
    "courses",
    "lms",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "lms.apps.LmsUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "treebeard",
    "polymorphic",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "courses.context_processors.site_navigation",
            ],
        },
    },
]


# Database: SQLite by default, any database by DATABASE_URL (postgres://user@host:5432/name).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work during a write; IMMEDIATE takes the write lock at BEGIN so
    # concurrent writers queue instead of failing with "database is locked" (after SQLITE_LOCK_TIMEOUT seconds).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_LOCK_TIMEOUT", 20),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# Accounts
AUTH_USER_MODEL = "lms.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "lms.auth.UsernameEmailOrPhoneBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "my_courses"
LOGOUT_REDIRECT_URL = "/"

# Five wrong passwords for one login name from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False


# Lesson videos: the video block accepts links of these providers only (LMS_VIDEO_PROVIDERS, comma-separated
# names), and the Content Security Policy lets in their players' frames and no other. YouTube plays from its
# privacy-enhanced host, which sets no cookie before the learner presses play.
VIDEO_PROVIDERS = {
    "youtube": {
        "finder": {"class": "courses.embeds.YouTubeNoCookieFinder", "providers": [oembed_providers.youtube]},
        "frames": ["https://www.youtube-nocookie.com"],
    },
    "vimeo": {
        "finder": {"class": "wagtail.embeds.finders.oembed", "providers": [oembed_providers.vimeo]},
        "frames": ["https://player.vimeo.com"],
    },
}
LMS_VIDEO_PROVIDERS = env_list("LMS_VIDEO_PROVIDERS", ["youtube"])
if unknown_providers := set(LMS_VIDEO_PROVIDERS) - VIDEO_PROVIDERS.keys():
    raise ImproperlyConfigured(
        f"LMS_VIDEO_PROVIDERS: unknown {', '.join(sorted(unknown_providers))};"
        f" choose from {', '.join(VIDEO_PROVIDERS)}."
    )
WAGTAILEMBEDS_FINDERS = [VIDEO_PROVIDERS[name]["finder"] for name in LMS_VIDEO_PROVIDERS]
VIDEO_FRAME_SOURCES = [host for name in LMS_VIDEO_PROVIDERS for host in VIDEO_PROVIDERS[name]["frames"]]

# Security headers. Content Security Policy: the public pages run only the site's own script files (no inline
# script, event handler or style attribute) and frame only the video players. The Wagtail admin manages its own
# scripts, some inline, and is left out (docs/deployment.md, "Security headers").
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "frame-src": VIDEO_FRAME_SOURCES or [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# No page may be framed by another site (X-Frame-Options for older browsers, frame-ancestors for the rest); links to
# other sites carry no address of ours (certificate codes and search terms sit in our URLs).
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Powerful browser features nobody needs here are off for every page and frame (the QR check-in is scanned by
# the phone's own camera app, so the site never asks for the camera); the video players may go full screen.
PERMISSIONS_POLICY = {
    "camera": [],
    "microphone": [],
    "geolocation": [],
    "payment": [],
    "usb": [],
    "serial": [],
    "bluetooth": [],
    "display-capture": [],
    "browsing-topics": [],
    "fullscreen": ["self", *VIDEO_FRAME_SOURCES],
    "picture-in-picture": ["self", *VIDEO_FRAME_SOURCES],
    "encrypted-media": ["self", *VIDEO_FRAME_SOURCES],
}
# Scripts read no cookie: the CSRF token comes from the form. Cookies go only with same-site navigations and
# top-level links (Lax), so a learner who follows a link from an email stays logged in.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "Lax"


# Languages and time: Vietnamese first, English as the fallback.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = [("vi", "Tiếng Việt")]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]


# Static and media files
STATIC_URL = env_str("STATIC_URL", "/static/")
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
MEDIA_URL = env_str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))

# Files with personal data that only the application serves, after checking who asks (certificates and
# their bulk ZIPs): never under MEDIA_ROOT, which the web server may serve to anyone.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))

# Certificates are signed with this PKCS#12 key (`manage.py create_signing_key` makes a development one;
# see the README for an organisation's own key).
CERTIFICATE_SIGNING_KEY = Path(env_str("CERTIFICATE_SIGNING_KEY", str(BASE_DIR / "var" / "signing" / "dev-key.p12")))
CERTIFICATE_SIGNING_PASSPHRASE = env_str("CERTIFICATE_SIGNING_PASSPHRASE", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": PRIVATE_MEDIA_ROOT}},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000


# Email
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Kỹ năng số MTTQ <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


# Background tasks: stored in the database and run by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


# Wagtail
WAGTAIL_SITE_NAME = "Kỹ năng số Mặt trận"
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {"WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea"},
}

# Demo accounts share a published password: only development and test may create them.
LMS_ALLOW_DEMO_DATA = env_bool("LMS_ALLOW_DEMO_DATA", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every step of every render at INFO.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}

# Organisation and training
# Self check-in by QR opens this many minutes before a session starts and closes when it ends.
LMS_CHECKIN_OPENS_MINUTES_BEFORE = env_int("LMS_CHECKIN_OPENS_MINUTES_BEFORE", 30)
# The current term (nhiệm kỳ): "trained this term" in the people list counts records in it.
LMS_TERM_START = date.fromisoformat(env_str("LMS_TERM_START", "2025-01-01"))
LMS_TERM_END = date.fromisoformat(env_str("LMS_TERM_END", "2030-12-31"))

# Coverage: reminders go out for targets whose deadline is this many days away or less, by these channels
# (dotted paths of classes like targets.channels.EmailChannel); snapshots and reminders run weekly.
COVERAGE_REMINDER_DAYS = env_int("COVERAGE_REMINDER_DAYS", 60)
COVERAGE_REMINDER_CHANNELS = env_list("COVERAGE_REMINDER_CHANNELS", ["targets.channels.EmailChannel"])
COVERAGE_WEEKDAY = env_int("COVERAGE_WEEKDAY", 0)
