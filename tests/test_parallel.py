"""Running the suite in several pytest-xdist processes (tests/parallel.py): each has its own
Redis database, used by the cache and by Celery, so no process sees another's tasks."""

import os

import pytest
from django.conf import settings

from safeguarding.celery import app as celery_app

from .parallel import REDIS_DATABASES, redis_url_for_worker


def test_each_worker_gets_its_own_redis_database_and_keeps_the_server():
    url = "redis://127.0.0.1:41551/0"
    assert redis_url_for_worker(url, "gw0") == "redis://127.0.0.1:41551/1"
    assert redis_url_for_worker(url, "gw1") == "redis://127.0.0.1:41551/2"
    assert (
        redis_url_for_worker("redis://:secret@redis:6379", "gw2") == "redis://:secret@redis:6379/3"
    )


def test_more_workers_than_redis_databases_is_refused_with_the_limit():
    with pytest.raises(pytest.UsageError, match="at most 15 workers"):
        redis_url_for_worker("redis://127.0.0.1:6379/0", f"gw{REDIS_DATABASES - 1}")


def test_this_process_uses_its_redis_database_for_the_cache_and_celery():
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        assert settings.REDIS_URL.endswith(f"/{int(worker.removeprefix('gw')) + 1}")
    assert settings.CACHES["default"]["LOCATION"] == settings.REDIS_URL
    assert celery_app.conf.broker_url == settings.REDIS_URL
    assert celery_app.conf.result_backend == settings.REDIS_URL
