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

from lms import UPSTREAM_LOCALE_PATH

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
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
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
    "config.middleware.CompressedTextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "lms.pages.KeptSiteMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lms.two_factor.StaffTwoFactorMiddleware",
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
# On PostgreSQL a query run DATABASE_PREPARE_THRESHOLD times on a connection is kept prepared by the server, which
# then stops planning it again: the planning of the queries every page makes (the session's user, the page's route)
# costs more than running them. It needs the parameters bound by the server. 0 turns both off, as Django has them
# (for a pooler in transaction mode that cannot keep prepared statements).
_prepare_threshold = env_int("DATABASE_PREPARE_THRESHOLD", 5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and _prepare_threshold:
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=_prepare_threshold
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# Accounts
AUTH_USER_MODEL = "lms.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "lms.auth.UsernameEmailOrPhoneBackend",
    "lms.sso.ProviderBackend",  # acts only on the provider's return, and only once a provider is configured
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

# Log-in lockouts (lms.lockouts, docs/configuration.md): 5 wrong passwords against one account, however its name
# is spelled and from whatever addresses, lock the account for 15 minutes; 20 from one client address lock the
# address. The address limit is the higher one so that a shared address (an office, a mobile network's NAT)
# is not locked by a few typos. A locked-out client's further guesses are not counted, so one address
# locks at most 20 / 5 = 4 accounts per cool-off, never everyone's.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
LMS_LOGIN_FAILURES_PER_ADDRESS = env_int("LMS_LOGIN_FAILURES_PER_ADDRESS", 20)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_HANDLER = "lms.lockouts.AccountAndAddressHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "lms.auth.lockout_account_key"
AXES_CLIENT_IP_CALLABLE = "lms.clients.client_address"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "lms.lockouts.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_WHITELIST_CALLABLE = "lms.sso.is_callback"  # a provider's log-in is no password guess (lms.sso)

# Single sign-on with OpenID Connect (docs/sso.md): Mặt trận số, or any provider. Off, and its button hidden,
# until the issuer, its endpoints and the client are set; local log-in always stays. mozilla-django-oidc reads
# the OIDC_ settings.
LMS_SSO_PROVIDER_NAME = env_str("LMS_SSO_PROVIDER_NAME", "Mặt trận số")  # on the button "Đăng nhập bằng ..."
OIDC_OP_ISSUER = env_str("OIDC_OP_ISSUER", "")  # the id_token's "iss", checked; with "sub" it names the person
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT", "")  # optional: without it the id_token's claims serve
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid profile phone")
OIDC_USE_PKCE = env_bool("OIDC_USE_PKCE", True)
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10)
# Whether a first log-in that matches no account (by the provider's phone) makes a learner account; off, such
# a person is refused and asked to get on their unit's list. Never anything but a learner's account.
LMS_SSO_CREATE_LEARNERS = env_bool("LMS_SSO_CREATE_LEARNERS", False)
LMS_SSO_PHONE_CLAIM = env_str("LMS_SSO_PHONE_CLAIM", "phone_number")  # the claim that carries the phone

# The number of proxies in front of the site (nginx: 1) whose X-Forwarded-For gives the client's address;
# 0 ignores the header, which the client could otherwise write itself (lms.clients.client_address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# One cache for every process and host, so that throttles count each client once: a database table by default
# (made by `migrate`), Redis when REDIS_URL is set. Sessions stay in the database; with Redis they are read from
# the cache and written through to the database, so that restarting Redis logs nobody out.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "lms.cache.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "lms_cache"}}
# Rendered parts of pages (a learner's record on "Khóa học của tôi", a submitted attempt's review) are kept by each
# process in its memory: they need no sharing (their keys say what they were rendered from), and in the shared cache
# they would crowd the throttles' counts, which a table culls past 300 entries. At most 1,500 (a hall's 500 reviews
# and records, and more), some 20 MB a process.
CACHES["template_fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "template-fragments",
    "OPTIONS": {"MAX_ENTRIES": 1500},
}


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
LOCALE_PATHS = [BASE_DIR / "locale", UPSTREAM_LOCALE_PATH]  # the site's strings; Wagtail's and Django's in Vietnamese
FORMAT_MODULE_PATH = ["config.formats"]
# The admin's date pickers show and read dates as the rest of the site writes them (04/12/2026, not 2026-12-04);
# each is the first input format of config/formats in both languages.
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
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
# Certificates as verifiable credentials (docs/credentials.md) are signed with this Ed25519 key, encrypted with the
# same passphrase (`manage.py create_credential_key` makes it). The public keys of retired ones (Multikeys, "z6Mk…")
# stay published while listed here (comma-separated), so the credentials they signed keep verifying.
CREDENTIAL_SIGNING_KEY = Path(
    env_str("CREDENTIAL_SIGNING_KEY", str(BASE_DIR / "var" / "signing" / "credential-key.pem"))
)
CREDENTIAL_RETIRED_KEYS = env_list("CREDENTIAL_RETIRED_KEYS")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": PRIVATE_MEDIA_ROOT}},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000


# Email
# Every message goes through the task queue (lms.mail): no request waits for the mail server. The worker
# delivers it with EMAIL_DELIVERY_BACKEND, which the environment variable EMAIL_BACKEND sets.
EMAIL_BACKEND = "lms.mail.QueuedEmailBackend"
EMAIL_DELIVERY_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
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
WAGTAIL_SITE_NAME = "Kỹ năng số MTTQ"  # as the site (home 0002) and the public header name it
WAGTAILADMIN_USER_LOGIN_FORM = "lms.forms.AdminLoginForm"  # no capital letter from a phone keyboard
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "lms.forms.AdminPasswordResetForm"  # queued, see lms.forms
# By default the address `make run` serves (on PORT): QR codes and links in mails and PDFs lead there.
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", f"http://127.0.0.1:{env_str('PORT', '8000')}")
# The admin fetches nothing from other sites (it may run on a LAN without Internet): no release check against
# releases.wagtail.org, no "what's new" banner, no Gravatar (lms draws initials avatars on the server).
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Page slugs in plain letters ("dong-quang", not "đồng-quang"): a link with Vietnamese letters turns into a long
# percent-encoded one when pasted in Zalo or an SMS.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]

# Uploads: the largest file each kind of upload takes (see docs/configuration.md; a proxy in front must take
# the largest). Documents only of these types, always downloaded, never shown in the browser: a page or
# script a trainer uploads must not run on the site's address. Images never SVG (it can carry scripts).
MB = 1024 * 1024
LMS_IMPORT_MAX_UPLOAD_SIZE = env_int("LMS_IMPORT_MAX_UPLOAD_MB", 50) * MB
# An .xlsx is a ZIP: refused, before it is read, if it unpacks beyond this or is packed beyond this ratio.
LMS_IMPORT_MAX_UNPACKED_SIZE = env_int("LMS_IMPORT_MAX_UNPACKED_MB", 300) * MB
LMS_IMPORT_MAX_PACKING_RATIO = env_int("LMS_IMPORT_MAX_PACKING_RATIO", 100)
WAGTAILDOCS_MAX_UPLOAD_SIZE = env_int("LMS_DOCUMENT_MAX_UPLOAD_MB", 100) * MB
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env_int("LMS_IMAGE_MAX_UPLOAD_MB", 10) * MB
WAGTAILIMAGES_MAX_IMAGE_PIXELS = env_int("LMS_IMAGE_MAX_MEGAPIXELS", 40) * 1_000_000
WAGTAILIMAGES_IMAGE_FORM_BASE = "lms.uploads.ImageForm"
WAGTAILDOCS_EXTENSIONS = env_list(
    "WAGTAILDOCS_EXTENSIONS", ["pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "txt", "zip", "mp3", "mp4"]
)
WAGTAILDOCS_INLINE_CONTENT_TYPES = []
WAGTAILDOCS_DOCUMENT_FORM_BASE = "lms.uploads.DocumentForm"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {"WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea"},
}

# Demo accounts share a published password: only development and test may create them.
LMS_ALLOW_DEMO_DATA = env_bool("LMS_ALLOW_DEMO_DATA", False)

# Everyone who may enter the Wagtail admin gives a code from an authenticator app (or a recovery code)
# after the password; learners log in with the password alone. Only the test settings switch it off.
LMS_STAFF_TWO_FACTOR = env_bool("LMS_STAFF_TWO_FACTOR", True)
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME  # the name the authenticator app shows beside the code

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
# First log-in of imported learners: activation links and one-time codes stay valid this many days; this
# many wrong codes for one account block it for LMS_ACTIVATION_LOCK_MINUTES.
LMS_ACTIVATION_DAYS = env_int("LMS_ACTIVATION_DAYS", 14)
LMS_ACTIVATION_MAX_ATTEMPTS = env_int("LMS_ACTIVATION_MAX_ATTEMPTS", 5)
LMS_ACTIVATION_LOCK_MINUTES = env_int("LMS_ACTIVATION_LOCK_MINUTES", 15)

# Coverage: reminders go out for targets whose deadline is this many days away or less, by these channels
# (dotted paths: targets.channels.EmailChannel, or targets.channels.ZaloChannel for Zalo to those who agreed
# and email to the others); snapshots and reminders run weekly.
COVERAGE_REMINDER_DAYS = env_int("COVERAGE_REMINDER_DAYS", 60)
COVERAGE_REMINDER_CHANNELS = env_list("COVERAGE_REMINDER_CHANNELS", ["targets.channels.EmailChannel"])
COVERAGE_WEEKDAY = env_int("COVERAGE_WEEKDAY", 0)
# Zalo ZNS reminders (targets.channels.ZaloChannel; docs/zalo.md). The tokens live in the database.
ZALO_APP_ID = env_str("ZALO_APP_ID", "")
ZALO_APP_SECRET = env_str("ZALO_APP_SECRET", "")
ZALO_ZNS_URL = env_str("ZALO_ZNS_URL", "https://business.openapi.zalo.me")
ZALO_OAUTH_URL = env_str("ZALO_OAUTH_URL", "https://oauth.zaloapp.com")
ZALO_DAILY_CAP = env_int("ZALO_DAILY_CAP", 500)
ZALO_MAX_ATTEMPTS = env_int("ZALO_MAX_ATTEMPTS", 5)
ZALO_TIMEOUT = env_int("ZALO_TIMEOUT", 10)

# Personal data (Law 91/2025): the weekly job erases (pseudonymises) the people whose end date is this many years
# ago or more; 0 turns the rule off. See docs/personal-data.md.
PERSONAL_DATA_RETENTION_YEARS = env_int("PERSONAL_DATA_RETENTION_YEARS", 5)
