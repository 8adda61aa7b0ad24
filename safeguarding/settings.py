"""Settings, read from the environment.

Without DATABASE_URL the app uses a SQLite file and without REDIS_URL Celery runs tasks
in-process, so `make run` works on a bare machine. ENVIRONMENT=production turns on the
production checks: no default SECRET_KEY, DEBUG off, explicit ALLOWED_HOSTS, secure cookies.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

DEFAULT_SECRET_KEY = "django-insecure-development-key-not-for-production"  # noqa: S105


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    return [item.strip() for item in value.split(",") if item.strip()] if value else default


ENVIRONMENT = env_str("ENVIRONMENT", "development")
PRODUCTION = ENVIRONMENT == "production"

SECRET_KEY = env_str("SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = env_bool("DEBUG", not PRODUCTION)
# Django's technical error pages (tracebacks, the URLs tried) instead of the service's own 404,
# 403 and 500 pages: only under DEBUG, and only when a developer asks (safeguarding.error_pages).
DEBUG_TECHNICAL_ERRORS = env_bool("DEBUG_TECHNICAL_ERRORS", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

if PRODUCTION:
    if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "ENVIRONMENT=production needs SECRET_KEY set to a random value of 32+ characters."
        )
    if DEBUG:
        raise ImproperlyConfigured("ENVIRONMENT=production refuses to start with DEBUG on.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ENVIRONMENT=production needs ALLOWED_HOSTS.")

# `make bench` only (README, "Performance and benchmarks"): routes the bench's minimal view, the
# baseline its pages are compared with. Never in production.
BENCH_VIEWS = env_bool("BENCH_VIEWS", False)
if PRODUCTION and BENCH_VIEWS:
    raise ImproperlyConfigured("ENVIRONMENT=production refuses to start with BENCH_VIEWS on.")

SERVICE_NAME = "Child Safeguarding Incident Review"
SERVICE_PHASE = env_str("SERVICE_PHASE", "Beta")

INSTALLED_APPS = [
    "safeguarding.apps.SafeguardingAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_celery_beat",
    "crispy_forms",
    "crispy_forms_gds",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "safeguarding.apps.SafeguardingConfig",
    "notifications",
    "rapidreviews",
    "lcsprs",
    "panel",
    "analytics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, so static files are served without them.
    "csp.middleware.CSPMiddleware",
    "safeguarding.headers.ResponseHeadersMiddleware",
    # Refuses an oversized body (413) before anything reads it: ahead of sessions and CSRF.
    "safeguarding.limits.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The request's address and browser for every audit entry written below it (sign-in
    # lockouts and timeouts included), and the reads of cases, written once per request.
    "safeguarding.audit.AuditRequestMiddleware",
    # Turns a sign-in refused by a lockout into the sign-in page with its message (lockout.py).
    "axes.middleware.AxesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends idle and too-old sessions; needs the user and messages, so comes after both.
    "safeguarding.sessions.SessionLifetimeMiddleware",
    # request.user.is_verified(): has this session passed the second factor? Then ours sends
    # whoever has not to set-up or the code page (see "A second factor" below).
    "django_otp.middleware.OTPMiddleware",
    "safeguarding.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Under DEBUG, the service's own 404/403/400/500 pages instead of Django's technical pages
    # (unless DEBUG_TECHNICAL_ERRORS); innermost, so a 404 still passes CommonMiddleware.
    "safeguarding.error_pages.ServiceErrorPagesMiddleware",
]

ROOT_URLCONF = "safeguarding.urls"
WSGI_APPLICATION = "safeguarding.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safeguarding.context_processors.service",
                # The statutory timescales the pages state (each app's own).
                "notifications.context_processors.timescales",
                "rapidreviews.context_processors.timescales",
            ],
            # The `date` filter, faster for the formats the pages use (fast_dates.py).
            "builtins": ["safeguarding.templatetags.fast_dates"],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        }
    }
# A PostgreSQL read replica of DATABASE_URL (README, "Scaling out"): when set, the statistics
# engine and pages read from it (safeguarding.db_routers); writes and migrations stay on
# `default`. In tests it is a mirror of the test database, as Django's TEST MIRROR describes.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["safeguarding.db_routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "safeguarding.User"
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out account or address is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "safeguarding.backends.RoleBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60
# How long an invitation's link works (safeguarding.invitations).
INVITATION_DAYS = env_int("INVITATION_DAYS", 7)
# Leavers (safeguarding.lapses): an active account not used for ACCOUNT_LAPSE_DAYS is
# deactivated by the daily "Account lapses" task, after one warning sent when it has not been
# used for ACCOUNT_LAPSE_DAYS - ACCOUNT_LAPSE_WARNING_DAYS, and never less than
# ACCOUNT_LAPSE_WARNING_DAYS after that warning.
ACCOUNT_LAPSE_DAYS = env_int("ACCOUNT_LAPSE_DAYS", 90)
ACCOUNT_LAPSE_WARNING_DAYS = env_int("ACCOUNT_LAPSE_WARNING_DAYS", 14)
if not 0 < ACCOUNT_LAPSE_WARNING_DAYS < ACCOUNT_LAPSE_DAYS:
    raise ImproperlyConfigured(
        "ACCOUNT_LAPSE_WARNING_DAYS must be more than 0 and less than ACCOUNT_LAPSE_DAYS."
    )

# --- Sessions that end (issue 12, item 4) -------------------------------------------------
# `safeguarding.sessions.SessionLifetimeMiddleware` signs a person out after this long without
# a request (idle) and this long after they signed in (absolute), whatever they do. Pages warn
# SESSION_TIMEOUT_WARNING_SECONDS before the idle timeout (the GOV.UK timeout warning) and
# "Stay signed in" calls the keep-alive endpoint. Sign-out ends all the person's sessions.
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30)
SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 12)
SESSION_IDLE_TIMEOUT_SECONDS = SESSION_IDLE_TIMEOUT_MINUTES * 60
SESSION_ABSOLUTE_SECONDS = SESSION_ABSOLUTE_HOURS * 60 * 60
SESSION_TIMEOUT_WARNING_SECONDS = env_int("SESSION_TIMEOUT_WARNING_SECONDS", 2 * 60)
# The stored session outlives neither limit; the middleware enforces both exactly.
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_SAVE_EVERY_REQUEST = False
# A page read records itself as the session's last activity only when the recorded time is
# this old (safeguarding.sessions), so reading pages does not write the session each time.
SESSION_LAST_SEEN_RESOLUTION_SECONDS = 60

# --- A second factor (django-otp) -------------------------------------------------------------
# After the password every account enters a code from an authenticator app (TOTP) or a one-time
# recovery code before any page but sign-in, sign-out, set-up and password reset is served;
# the API's tokens are unchanged. MFA_REQUIRED may be false only outside production.
MFA_REQUIRED = env_bool("MFA_REQUIRED", True)
if PRODUCTION and not MFA_REQUIRED:
    raise ImproperlyConfigured("ENVIRONMENT=production refuses to start with MFA_REQUIRED off.")
# The name an authenticator app shows next to the account.
OTP_TOTP_ISSUER = SERVICE_NAME
# Each wrong code doubles the wait before the next is checked (django-otp's throttling):
# 1 s, 2 s, 4 s ... seconds times this factor.
OTP_TOTP_THROTTLE_FACTOR = env_int("OTP_TOTP_THROTTLE_FACTOR", 1)
OTP_STATIC_THROTTLE_FACTOR = env_int("OTP_STATIC_THROTTLE_FACTOR", 1)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["safeguarding.formats"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# collectstatic (production) writes here; in development files are served from STATICFILES_DIRS.
STATIC_ROOT = BASE_DIR / "staticfiles" if PRODUCTION else None
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
RAPID_REVIEW_DOCUMENT_MAX_BYTES = env_int("RAPID_REVIEW_DOCUMENT_MAX_BYTES", 20 * 1024 * 1024)
# A SIN's attachments (incident report, letters, legal documents, forms): each file's size,
# and how many one notification may have.
SIN_ATTACHMENT_MAX_BYTES = env_int("SIN_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
# Documents prepared on request (agenda packs, case files: safeguarding.documents) are deleted,
# file and record, by the retention schedule this many hours after they were asked for.
PREPARED_DOCUMENT_KEEP_HOURS = env_int("PREPARED_DOCUMENT_KEEP_HOURS", 24)
SIN_ATTACHMENT_MAX_COUNT = env_int("SIN_ATTACHMENT_MAX_COUNT", 20)
# Messages between the Panel and partnerships on a case (issue 17, item 3): each attached
# file's size, how many files one message may carry, and the longest message.
CASE_MESSAGE_ATTACHMENT_MAX_BYTES = env_int("CASE_MESSAGE_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
CASE_MESSAGE_ATTACHMENT_MAX_COUNT = env_int("CASE_MESSAGE_ATTACHMENT_MAX_COUNT", 5)
# All of a message's files together: one request carries them, and it may not be larger than
# REQUEST_MAX_BODY_BYTES (below), so this stays well under it.
CASE_MESSAGE_ATTACHMENTS_MAX_TOTAL_BYTES = env_int(
    "CASE_MESSAGE_ATTACHMENTS_MAX_TOTAL_BYTES", 20 * 1024 * 1024
)
CASE_MESSAGE_MAX_CHARS = env_int("CASE_MESSAGE_MAX_CHARS", 10_000)

# --- Encryption at rest (issue 12, item 9) --------------------------------------------------
# FIELD_ENCRYPTION_KEYS: comma-separated Fernet keys, newest first. The first encrypts; any of
# them decrypts (cryptography's MultiFernet), so a new key is added in front, then
# `manage.py rotate_encryption_keys` re-encrypts everything under it, then the old key is
# removed. Used for children's names, dates of birth, placement postcodes and every file in
# the default storage (review documents, Panel letters, e-mail attachments). Make a key with
# `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`.
# Outside production a fixed development key (not a secret, and named so) is the default;
# production refuses to start without real keys.
# The development key is base64 of the 32 bytes "development-only-not-a-secret!!!".
DEVELOPMENT_FIELD_ENCRYPTION_KEY = "ZGV2ZWxvcG1lbnQtb25seS1ub3QtYS1zZWNyZXQhISE="  # noqa: S105
FIELD_ENCRYPTION_KEYS = env_list(
    "FIELD_ENCRYPTION_KEYS", [] if PRODUCTION else [DEVELOPMENT_FIELD_ENCRYPTION_KEY]
)
if PRODUCTION and (
    not FIELD_ENCRYPTION_KEYS or DEVELOPMENT_FIELD_ENCRYPTION_KEY in FIELD_ENCRYPTION_KEYS
):
    raise ImproperlyConfigured(
        "ENVIRONMENT=production needs FIELD_ENCRYPTION_KEYS: one or more Fernet keys, newest "
        "first, not the development key."
    )
for _key in FIELD_ENCRYPTION_KEYS:
    try:
        Fernet(_key)
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key (32 url-safe "
            "base64-encoded bytes)."
        ) from exc

# --- Requests that cannot exhaust the server (issue 12, item 7) -------------------------------
# Every limit is checked before the body (or the spreadsheet inside it) is read into memory;
# what is refused is answered 400/413 with a clear message, never a 500. The proxy and gunicorn
# limits that go with these are in the README ("Request and upload limits").
MB = 1024 * 1024
# The whole request body, checked from Content-Length by safeguarding.limits before anything
# reads it (413). Large enough for the biggest upload, a rapid review's document.
REQUEST_MAX_BODY_BYTES = env_int(
    "REQUEST_MAX_BODY_BYTES",
    max(25 * MB, RAPID_REVIEW_DOCUMENT_MAX_BYTES + MB, SIN_ATTACHMENT_MAX_BYTES + MB),
)
# The API takes JSON only, and no SIN or review needs more than this (413); the one multipart
# endpoint, a SIN attachment's upload, has REQUEST_MAX_BODY_BYTES (safeguarding.limits).
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 1 * MB)
# JSON nested deeper than this is refused (400) before it is parsed.
API_JSON_MAX_DEPTH = env_int("API_JSON_MAX_DEPTH", 32)
# Django's own: a form's fields (not its files) over this are refused; files over
# FILE_UPLOAD_MAX_MEMORY_SIZE are streamed to a temporary file rather than held in memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", int(2.5 * MB))
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", int(2.5 * MB))
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 1000)
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("DATA_UPLOAD_MAX_NUMBER_FILES", 10)
# A SIN lists at most this many children (the statutory form has room for 4).
NOTIFICATION_MAX_CHILDREN = env_int("NOTIFICATION_MAX_CHILDREN", 20)
# The historic records import: the file as uploaded, a workbook's uncompressed size (a zip
# bomb is refused before it is opened), and its first sheet's rows and columns.
# Sized for 100,000 rows (issue 19): about 40 MB as CSV, 30 MB as XLSX and 400 MB unpacked.
# The upload page may send this much (safeguarding.limits); the import runs on a worker.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 64 * MB)
IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES", 512 * MB)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 100_000)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 200)
# An import uploaded on the web (analytics.import_jobs): its record, with every problem found,
# is deleted by the retention schedule this many days after it was uploaded. The file itself
# is deleted as soon as the import has finished (kept after a failure, to try again).
RECORDS_IMPORT_KEEP_DAYS = env_int("RECORDS_IMPORT_KEEP_DAYS", 30)
# --- end of request limits --------------------------------------------------------------------
STORAGES = {
    # Files are encrypted with FIELD_ENCRYPTION_KEYS before they reach the disk.
    "default": {"BACKEND": "safeguarding.storage.EncryptedFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
# Widgets crispy-forms-gds does not style itself: a date typed as text (the lists' filters,
# "31/3/2025"), a number and a URL are GOV.UK text inputs like any other.
CRISPY_CLASS_CONVERTERS = {
    "dateinput": "govuk-input",
    "numberinput": "govuk-input",
    "urlinput": "govuk-input",
}

# E-mail: printed to the console unless an SMTP server is configured.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 30
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "sent-emails"))
# The Panel's shared mailbox, copied on every notification sent to the Panel (optional).
PANEL_INBOX_EMAIL = env_str("PANEL_INBOX_EMAIL")
# Allocating rapid reviews to Panel members (README "Allocating reviews to Panel members"):
# a member's open-case cap when none is set for them; whether a review is allocated
# automatically (round robin) when it is submitted; the Panel's decision target in working
# days from submission; and how many working days before it the lead member is reminded.
PANEL_ALLOCATION_DEFAULT_CAP = env_int("PANEL_ALLOCATION_DEFAULT_CAP", 12)
PANEL_AUTO_ALLOCATE = env_bool("PANEL_AUTO_ALLOCATE", False)
PANEL_DECISION_TARGET_WORKING_DAYS = env_int("PANEL_DECISION_TARGET_WORKING_DAYS", 15)
PANEL_DECISION_REMINDER_WORKING_DAYS = env_int("PANEL_DECISION_REMINDER_WORKING_DAYS", 3)
# The address users reach the service on (scheme, host and port): every link in an e-mail starts
# with it, never with a request's Host header. `make run` sets it from HOST and PORT. Production
# needs it, on https unless HTTPS_ONLY=0 (plain http on loopback, as `make stack` runs).
# SERVICE_URL is its older name, still read when SITE_URL is not set.
SITE_URL = env_str(
    "SITE_URL", env_str("SERVICE_URL", "" if PRODUCTION else "http://127.0.0.1:8000")
).rstrip("/")
if PRODUCTION and not SITE_URL:
    raise ImproperlyConfigured("ENVIRONMENT=production needs SITE_URL, the service's address.")
if not SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("SITE_URL must start with https:// (or http://).")
if PRODUCTION and env_bool("HTTPS_ONLY", True) and not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured(
        "ENVIRONMENT=production needs SITE_URL to start with https:// (HTTPS_ONLY is on)."
    )
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "no-reply@csir.example.gov.uk")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# django-celery-beat's DatabaseScheduler, made safe to stop with SIGTERM mid-query (see the module).
CELERY_BEAT_SCHEDULER = "safeguarding.beat:DatabaseScheduler"
# With late acknowledgement, a task whose worker died (killed, out of memory) is handed out
# again when it has gone unacknowledged this long: Redis's visibility timeout, in seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
}

# Annual figures: in public exports, counts from 1 to this threshold minus one are suppressed
# (shown as `c`, with secondary suppression); 0 is a true zero and is shown. The Department for
# Education's statistics suppress counts below 5 (1 to 4, say, in Serious Incident
# Notification releases); internal exports show everything.
STATISTICS_SUPPRESSION_THRESHOLD = env_int("STATISTICS_SUPPRESSION_THRESHOLD", 5)

# --- Lockout, throttling and API tokens (issue 12, items 2 and 9) --------------------------------
# Sign-in lockout (django-axes): after AXES_FAILURE_LIMIT consecutive failures for one username,
# or from one address across usernames, sign-in is refused for LOCKOUT_MINUTES. Second-factor
# codes follow the same rule per account (safeguarding/lockout.py). Attempts are kept in the
# database, so an administrator can lift a lockout in the admin.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10)
LOCKOUT_MINUTES = env_int("LOCKOUT_MINUTES", 30)
AXES_COOLOFF_TIME = timedelta(minutes=LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# A successful sign-in forgets that username's failures only (safeguarding.lockout), never the
# address's failures for other usernames: otherwise one valid password would let its owner keep
# guessing another account's from the same address without ever being locked out.
AXES_RESET_ON_SUCCESS = False
# A lockout lasts LOCKOUT_MINUTES from the failure that caused it; tries during it do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The client address as the audit trail reads it (AUDIT_TRUST_X_FORWARDED_FOR).
AXES_CLIENT_IP_CALLABLE = "safeguarding.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "safeguarding.lockout.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
# Axes stores the GET and POST data of failed sign-ins: never the password.
AXES_SENSITIVE_PARAMETERS = ["password", "csrfmiddlewaretoken"]
# API: failed token authentication from one address is answered 429 beyond this rate;
# authenticated clients (per user, so per token) beyond API_USER_RATE.
API_FAILED_TOKEN_RATE = env_str("API_FAILED_TOKEN_RATE", "30/minute")
API_USER_RATE = env_str("API_USER_RATE", "600/minute")
# Password-reset requests, per client address and per e-mail address typed.
PASSWORD_RESET_RATE = env_str("PASSWORD_RESET_RATE", "5/hour")
# Requests for an account (the public "Ask for an account" page), per client address and per
# e-mail address typed.
ACCOUNT_REQUEST_RATE = env_str("ACCOUNT_REQUEST_RATE", "5/hour")
# API tokens (django-rest-knox): only a SHA-512 digest is stored; the token is shown once.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90)
KNOX_TOKEN_MODEL = "safeguarding.ApiToken"  # noqa: S105 (a model name)
# Knox's own migrations would create its AuthToken table although ApiToken replaces it (they
# predate swapping it): without them no such table exists, which `flush` would trip over.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
    "TOKEN_TTL": timedelta(days=API_TOKEN_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
# Throttle counters live here: Redis when REDIS_URL is set (shared by every worker), else
# this process's memory.
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "csir",
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "KEY_PREFIX": "csir"}
    )
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Knox tokens (hashed at rest, expiring), counting failures per address (throttling.py).
        "safeguarding.api.throttling.ThrottledTokenAuthentication",
        # Sessions only once the second factor is passed (api/authentication.py).
        "safeguarding.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["safeguarding.api.throttling.ApiUserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": API_USER_RATE},
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # JSON with a size and depth limit (safeguarding.api.parsers).
    "DEFAULT_PARSER_CLASSES": [
        "safeguarding.api.parsers.LimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "safeguarding.api.pagination.ApiPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Domain errors raised by the services become 400/404/409 responses in one place.
    "EXCEPTION_HANDLER": "safeguarding.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SERVICE_NAME} API",
    "DESCRIPTION": "API for local authority and partnership case-management systems.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its documentation are for signed-in people and token holders only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI without a remote validator badge (CSP allows images from the service only).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Swagger UI is served from our own static files, not a CDN.
    "ENUM_NAME_OVERRIDES": {
        "ReasonEnum": "safeguarding.codes.Reason",
        "PossibleDuplicateStatusEnum": "notifications.duplicates.PossibleDuplicateStatus",
        # Draft or submitted: two SIN serializers share it, which no other `status` field does.
        "NotificationStatusEnum": "notifications.models.Notification.Status",
        # Two `kind` fields: a linked case's and a message's.
        "LinkKindEnum": "notifications.models.LinkKind",
        "MessageKindEnum": "panel.models.MessageKind",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every operation documents the errors it can answer (400, 401, 403, 404, 409, 429), so
    # the schemathesis run in the tests holds the API to its schema's status codes.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "safeguarding.api.schema.error_responses_postprocess",
    ],
}

# Behind a proxy that appends to X-Forwarded-For, the audit trail (and the lockout and throttles)
# take the client address from its last entry: the entries before it are the client's own claim.
AUDIT_TRUST_X_FORWARDED_FOR = env_bool("AUDIT_TRUST_X_FORWARDED_FOR", False)

# --- Headers and cookies (issue 12, items 3 and 9) -----------------------------------------
# Content-Security-Policy (django-csp): no inline script or style anywhere; the service's own
# static files only; never framed. Swagger UI is served as separate files for the same reason.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Sent by safeguarding.headers.ResponseHeadersMiddleware: no powerful browser feature is used.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if PRODUCTION:
    HTTPS_ONLY = env_bool("HTTPS_ONLY", True)
    SESSION_COOKIE_SECURE = HTTPS_ONLY
    CSRF_COOKIE_SECURE = HTTPS_ONLY
    # Plain HTTP is redirected to HTTPS, except the health check the load balancer calls.
    SECURE_SSL_REDIRECT = HTTPS_ONLY and env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS_ONLY else 0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # The proxy in front must set X-Forwarded-Proto and drop any copy the client sent.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every PDF at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes narrates every sign-in at INFO; failures and lockouts are WARNING.
        "axes": {"level": "WARNING"},
    },
}

# --- Retention (issue 12, item 6) --------------------------------------------------------------
# A case (its notification, rapid review, decisions, letters and LCSPR) is anonymised this many
# years after it closes: child names, dates of birth, the placement postcode, the narrative and
# the review document are removed; the coded data the statistics need stays (README, Retention).
RETENTION_CASE_YEARS = env_int("RETENTION_CASE_YEARS", 7)
# A draft notification not edited for this many days is deleted, after a warning to its
# authority RETENTION_DRAFT_WARNING_DAYS before.
RETENTION_DRAFT_DAYS = env_int("RETENTION_DRAFT_DAYS", 90)
RETENTION_DRAFT_WARNING_DAYS = env_int("RETENTION_DRAFT_WARNING_DAYS", 14)
# The audit trail outlives the records it describes.
RETENTION_AUDIT_YEARS = env_int("RETENTION_AUDIT_YEARS", RETENTION_CASE_YEARS + 2)
if RETENTION_CASE_YEARS < 1:
    raise ImproperlyConfigured("RETENTION_CASE_YEARS must be at least 1.")
if RETENTION_AUDIT_YEARS <= RETENTION_CASE_YEARS:
    raise ImproperlyConfigured(
        "RETENTION_AUDIT_YEARS must be longer than RETENTION_CASE_YEARS: the audit trail must "
        "outlive the records it describes."
    )
if not 0 < RETENTION_DRAFT_WARNING_DAYS < RETENTION_DRAFT_DAYS:
    raise ImproperlyConfigured(
        "RETENTION_DRAFT_WARNING_DAYS must be more than 0 and less than RETENTION_DRAFT_DAYS."
    )
