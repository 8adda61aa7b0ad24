"""Readiness checks for /healthz: the database and the Celery broker."""

import redis
from django.conf import settings
from django.db import connection


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        return {"ok": False, "vendor": connection.vendor, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def check_broker() -> dict:
    if not settings.REDIS_URL:
        return {"ok": True, "kind": "in-process (eager)"}
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
        )
        client.ping()
    except redis.RedisError as exc:
        return {"ok": False, "kind": "redis", "error": exc.__class__.__name__}
    return {"ok": True, "kind": "redis"}
