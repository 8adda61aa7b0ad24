"""The environment every bench process runs in: the throwaway PostgreSQL and Redis that
scripts/services.py started (DATABASE_URL, REDIS_URL), production-like settings (DEBUG off)
and the bench's own minimal view routed (BENCH_VIEWS=1)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "safeguarding.settings",
    "DEBUG": "false",
    "BENCH_VIEWS": "1",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    # The import bench reads files of up to 100,000 rows.
    "IMPORT_MAX_ROWS": "1000000",
    "IMPORT_MAX_BYTES": str(1024 * 1024 * 1024),
    # Many concurrent sign-ins from one address must not be throttled or locked out.
    "AXES_FAILURE_LIMIT": "100000",
}


def environment() -> dict[str, str]:
    """The bench's environment variables (set in this process too)."""
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit(
            "The bench needs the throwaway servers: run `make bench`, which starts them "
            "(scripts/services.py test -- python -m bench ...)."
        )
    for key, value in BENCH_ENV.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="csir-bench-media-"))
    return dict(os.environ)


def django_setup() -> None:
    environment()
    import django

    django.setup()
