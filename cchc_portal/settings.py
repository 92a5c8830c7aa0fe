"""Settings of the CCHC portal, read from the environment (see .env.example).

Every variable is parsed strictly: a bad value stops start-up with a message naming it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from cchc_portal.env import env_bool, env_database, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is missing: it is required when DEBUG=0.")
    SECRET_KEY = "django-insecure-development-only-key"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tables2",
    "django_filters",
    "simple_history",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    # Ours, in import order: an app may import only from those above it.
    "cchc_portal",
    "units",
    "audit",
    "notifications",
    "accounts",
    "documents",
    "jobs",
    "procedures",
    "scoring",
    "inspections",
    "surveys",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # no-store on every signed-in response and download; Permissions-Policy on all of them.
    "cchc_portal.middleware.SecurityHeadersMiddleware",
    "cchc_portal.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # The idle timeout, then the steps a sign-in still owes (a new password, the second factor).
    "cchc_portal.middleware.IdleTimeoutMiddleware",
    "accounts.middleware.SignInStepsMiddleware",
    # Every file handed to a signed-in user is a line of the audit trail.
    "audit.middleware.DownloadTrailMiddleware",
    # Every page needs a login unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns repeated failed logins into a lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cchc_portal.urls"
WSGI_APPLICATION = "cchc_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cchc_portal.context_processors.navigation",
            ],
        },
    },
]

# A new PostgreSQL connection costs ~10 ms; keep them open between requests.
DATABASES = {
    "default": env_database(
        "DATABASE_URL",
        default_sqlite_path=str(BASE_DIR / "db.sqlite3"),
        conn_max_age=env_int("CONN_MAX_AGE", 600),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "units.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},  # ASVS 2.1.1
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Besides the absolute lifetime above: a session unused for this long ends (ASVS 3.3.2).
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
# Password-reset requests accepted per hour from one address and for one account.
PASSWORD_RESET_PER_ADDRESS_HOUR = env_int("PASSWORD_RESET_PER_ADDRESS_HOUR", 5)
PASSWORD_RESET_PER_ACCOUNT_HOUR = env_int("PASSWORD_RESET_PER_ACCOUNT_HOUR", 3)
# The public survey form (/s/<token>/), per client address and 10 minutes: requests of any
# kind, and requests naming an unknown or spent link (surveys.throttle.throttle_hit).
SURVEY_RATE_REQUESTS = env_int("SURVEY_RATE_REQUESTS", 600)
SURVEY_RATE_MISSES = env_int("SURVEY_RATE_MISSES", 30)
# The address respondents reach the portal at, printed under the survey QR codes; the page
# that prints them falls back on the address it was asked at.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "").rstrip("/")
PASSWORD_RESET_TIMEOUT = 3600  # a reset link works for one hour
# Two-factor sign-in (django-otp, TOTP): required for provincial admins, on by default for
# inspectors, optional for unit staff (accounts/policy.py); a password set by someone else must
# be changed at the next sign-in. Only the tests switch these steps off (SIGN_IN_STEPS_ENFORCED),
# and test them on in tests/trust/test_sign_in_steps.py.
SIGN_IN_STEPS_ENFORCED = True
OTP_TOTP_ISSUER = "Cổng CCHC"

# Login throttling against password guessing (django-axes): failures count per username *and*
# client address, so nobody can lock a user out from elsewhere. AXES_FAILURE_LIMIT failures
# lock that pair out for AXES_COOLOFF_MINUTES, each further lockout of the day twice as long
# (accounts/throttle.py), up to AXES_COOLOFF_MAX_MINUTES. Admins lift them at /accounts/lockouts/.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_MINUTES = env_int("AXES_COOLOFF_MINUTES", 15)
AXES_COOLOFF_MAX_MINUTES = env_int("AXES_COOLOFF_MAX_MINUTES", 24 * 60)
AXES_COOLOFF_TIME = "accounts.throttle.cool_off"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Its start-up banner would print on every manage.py command; failures are in the audit trail.
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # the growing delay counts the day's lockouts there
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client address: behind AXES_PROXY_COUNT proxies (1 behind nginx), the entry the outermost
# of them appended to X-Forwarded-For (the only proxy header read); REMOTE_ADDR otherwise
# (cchc_portal/net.py). Login throttling, reset throttling and the audit trail all use it.
PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "cchc_portal.net.client_address"

# Content-Security-Policy: no inline scripts, nothing from other hosts. Inline styles stay
# allowed because server-rendered SVG charts carry their own <style>.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Language and formats: Vietnamese first, English selectable.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["cchc_portal.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Uploaded evidence and import files: private, served only through permission-checked views;
    # names never start with a dot (cchc_portal/uploads.py).
    "default": {"BACKEND": "cchc_portal.uploads.PrivateFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# No URL serves MEDIA_ROOT: files are streamed by permission-checked views only.
MEDIA_URL = "/private-media/"

# "default" holds per-process speed-ups (dashboard figures keyed on a data version). "jobs"
# carries background jobs' progress from the worker that runs them to whichever worker answers
# the poll, so it must be shared: a folder all workers of this machine see (several machines:
# shared storage or a Redis cache; docs/operations.md, "Scaling out").
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "jobs": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        # Never inside MEDIA_ROOT (check --deploy: caches.W002); progress is throwaway data.
        "LOCATION": env_str("JOBS_CACHE_DIR", str(Path(tempfile.gettempdir()) / "cchc-jobs")),
    },
}

# Uploads: import files may be large; they stream to disk above 2.5 MB.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 100 * 1024 * 1024)
# Only the portal's own user reads what it stores (cchc_portal/uploads.py writes the same way).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Browser features no page uses are switched off (the camera too: no page captures photos).
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "magnetometer=(), gyroscope=(), accelerometer=(), display-capture=(), interest-cohort=()"
)

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "cchc-portal@localhost")
# Mail is sent by the worker only (never inside a request); a silent server gives up after this.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
# Sent mail and read notifications are deleted after these many days (notifications.services.prune)
MAIL_KEEP_DAYS = env_int("MAIL_KEEP_DAYS", 30)
NOTIFICATIONS_KEEP_DAYS = env_int("NOTIFICATIONS_KEEP_DAYS", 180)

# Background work: the Django tasks API on the database backend (django-tasks, django-tasks-db);
# `manage.py worker` runs the queue and the schedule (docs/operations.md, "Background work").
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A running job beats every INTERVAL seconds; silent for TIMEOUT seconds, it is interrupted.
JOBS_HEARTBEAT_INTERVAL = env_int("JOBS_HEARTBEAT_INTERVAL", 5)
JOBS_HEARTBEAT_TIMEOUT = env_int("JOBS_HEARTBEAT_TIMEOUT", 60)
# How often each worker looks at the schedule; how long finished exports are kept.
JOBS_SCHEDULE_SECONDS = env_int("JOBS_SCHEDULE_SECONDS", 30)
JOBS_RESULT_KEEP_HOURS = env_int("JOBS_RESULT_KEEP_HOURS", 24)

DJANGO_TABLES2_TEMPLATE = "django_tables2/portal.html"
# A filter left empty means "every value": say so instead of django-filter's "---------".
FILTERS_EMPTY_CHOICE_LABEL = _("Tất cả")

# Production hardening; `manage.py check --deploy` must be clean with DEBUG=0.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY is too short: use at least 50 random characters.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # PDF rendering logs every font subset step at INFO.
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}
