"""Settings, read from the environment.

Without DATABASE_URL the app uses a SQLite file and without REDIS_URL Celery runs tasks
in-process, so `make run` works on a bare machine. ENVIRONMENT=production turns on the
production checks: no default SECRET_KEY, DEBUG off, explicit ALLOWED_HOSTS, secure cookies.
"""

import os
from pathlib import Path

import dj_database_url
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
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "crispy_forms",
    "crispy_forms_gds",
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
    # Refuses an oversized body (413) before anything reads it: ahead of sessions and CSRF.
    "safeguarding.limits.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "safeguarding.audit.AuditRequestMiddleware",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "safeguarding.User"
AUTHENTICATION_BACKENDS = ["safeguarding.backends.RoleBackend"]
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
# Two hours without a request signs the user out; each request extends the session.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 2 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
PASSWORD_RESET_TIMEOUT = 60 * 60

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

# --- Requests that cannot exhaust the server (issue 12, item 7) -------------------------------
# Every limit is checked before the body (or the spreadsheet inside it) is read into memory;
# what is refused is answered 400/413 with a clear message, never a 500. The proxy and gunicorn
# limits that go with these are in the README ("Request and upload limits").
MB = 1024 * 1024
# The whole request body, checked from Content-Length by safeguarding.limits before anything
# reads it (413). Large enough for the biggest upload, a rapid review's document.
REQUEST_MAX_BODY_BYTES = env_int(
    "REQUEST_MAX_BODY_BYTES", max(25 * MB, RAPID_REVIEW_DOCUMENT_MAX_BYTES + MB)
)
# The API takes JSON only, and no SIN or review needs more than this (413).
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
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10 * MB)
IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES", 50 * MB)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 20_000)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 200)
# --- end of request limits --------------------------------------------------------------------
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
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
# Absolute address of the service, for links in e-mails.
SERVICE_URL = env_str("SERVICE_URL", "http://127.0.0.1:8000").rstrip("/")
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

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
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
    # Swagger UI is served from our own static files, not a CDN.
    "ENUM_NAME_OVERRIDES": {"ReasonEnum": "safeguarding.codes.Reason"},
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Behind a proxy that sets X-Forwarded-For, the audit trail records the client address from it.
AUDIT_TRUST_X_FORWARDED_FOR = env_bool("AUDIT_TRUST_X_FORWARDED_FOR", False)

X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    HTTPS_ONLY = env_bool("HTTPS_ONLY", True)
    SESSION_COOKIE_SECURE = HTTPS_ONLY
    CSRF_COOKIE_SECURE = HTTPS_ONLY
    SECURE_SSL_REDIRECT = HTTPS_ONLY and env_bool("SECURE_SSL_REDIRECT", False)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS_ONLY else 0)
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
    },
}
