"""Production settings refuse to start unsafely (checked in a fresh interpreter each time)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "k" * 50
FERNET_KEY = "TUFERS1VUC1GT1ItVEVTVFMtT05MWS0zMi1CWVRFUyE="  # noqa: S105 (a test's, not a secret)


# What a developer's shell may have set that would change the answer.
INHERITED_NOT = {"SECRET_KEY", "DEBUG", "SITE_URL", "SERVICE_URL", "HTTPS_ONLY"}


def load_settings(**env: str) -> subprocess.CompletedProcess:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "SITE_URL", "SERVICE_URL", "HTTPS_ONLY"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.DEBUG)"],
        env={**environment, "DJANGO_SETTINGS_MODULE": "safeguarding.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "needs SECRET_KEY"),
        ({"SECRET_KEY": "django-insecure-development-key-not-for-production"}, "needs SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "needs SECRET_KEY"),
        ({"SECRET_KEY": GOOD_KEY, "DEBUG": "1"}, "refuses to start with DEBUG on"),
        ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": ""}, "needs ALLOWED_HOSTS"),
        ({"SECRET_KEY": GOOD_KEY}, "needs FIELD_ENCRYPTION_KEYS"),
        (
            {
                "SECRET_KEY": GOOD_KEY,
                "FIELD_ENCRYPTION_KEYS": "ZGV2ZWxvcG1lbnQtb25seS1ub3QtYS1zZWNyZXQhISE=",
            },
            "needs FIELD_ENCRYPTION_KEYS",
        ),
        ({"SECRET_KEY": GOOD_KEY, "FIELD_ENCRYPTION_KEYS": "not-a-key"}, "not a Fernet key"),
        ({"SECRET_KEY": GOOD_KEY, "MFA_REQUIRED": "false"}, "MFA_REQUIRED off"),
        ({"SECRET_KEY": GOOD_KEY, "FIELD_ENCRYPTION_KEYS": FERNET_KEY}, "needs SITE_URL"),
        (
            {
                "SECRET_KEY": GOOD_KEY,
                "FIELD_ENCRYPTION_KEYS": FERNET_KEY,
                "SITE_URL": "http://csir.example.gov.uk",
            },
            "SITE_URL to start with https://",
        ),
        (
            {
                "SECRET_KEY": GOOD_KEY,
                "FIELD_ENCRYPTION_KEYS": FERNET_KEY,
                "SITE_URL": "csir.example.gov.uk",
            },
            "SITE_URL must start with https://",
        ),
    ],
)
def test_production_refuses_unsafe_settings(env, message):
    env = {"ALLOWED_HOSTS": "example.org", **env}
    result = load_settings(ENVIRONMENT="production", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_a_real_key_and_debug_off():
    result = load_settings(
        ENVIRONMENT="production",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="x.org",
        FIELD_ENCRYPTION_KEYS=FERNET_KEY,
        SITE_URL="https://csir.example.gov.uk",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_production_on_plain_http_behind_no_tls_may_use_an_http_site_url():
    result = load_settings(
        ENVIRONMENT="production",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="x.org",
        FIELD_ENCRYPTION_KEYS=FERNET_KEY,
        HTTPS_ONLY="0",
        SITE_URL="http://127.0.0.1:8000",
    )
    assert result.returncode == 0, result.stderr


def test_the_second_factor_may_be_turned_off_only_outside_production():
    assert load_settings(ENVIRONMENT="development", MFA_REQUIRED="false").returncode == 0
    result = load_settings(
        ENVIRONMENT="production",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="x.org",
        FIELD_ENCRYPTION_KEYS=FERNET_KEY,
        SITE_URL="https://csir.example.gov.uk",
    )
    assert result.returncode == 0, result.stderr  # on by default


def test_without_database_url_the_app_uses_sqlite_and_eager_tasks():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings as s; "
            "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER)",
        ],
        env={
            **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
            "DJANGO_SETTINGS_MODULE": "safeguarding.settings",
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"], result.stderr


def test_dates_are_shown_the_govuk_way(settings):
    from datetime import date

    from django.utils import formats

    assert formats.date_format(date(2024, 5, 24)) == "24 May 2024"
    assert settings.TIME_ZONE == "Europe/London"
