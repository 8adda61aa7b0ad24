"""What lets pytest-xdist run the suite in several processes at once (README, "Tests").

Each xdist worker ("gw0", "gw1", ...) already gets its own test database from pytest-django
(test_safeguarding_gw0, ...). This plugin gives it its own Redis database as well: REDIS_URL
ends in /1 for gw0, /2 for gw1, and so on (a run without xdist keeps the URL's own number).
The cache, Celery's broker and result backend, and so every real Celery worker or beat a test
starts (they inherit the environment) stay within one xdist worker: no worker takes another's
tasks, and no test clears another's throttle counters or queues. Celery's broadcasts (ping,
inspect) are also per Redis database (kombu prefixes fanout channels with the number).

It is loaded with `-p tests.parallel` (pyproject.toml, addopts) so that it runs before
pytest-django imports the settings, which read REDIS_URL once.
"""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest

# Redis's default number of databases; scripts/services.py starts its Redis with this many.
REDIS_DATABASES = 16


def redis_url_for_worker(url: str, worker: str) -> str:
    """The Redis URL for xdist worker `worker` ("gw0" uses database 1, "gw1" database 2, ...):
    database 0 is left to runs without xdist."""
    number = int(worker.removeprefix("gw")) + 1
    if number >= REDIS_DATABASES:
        raise pytest.UsageError(
            f"xdist worker {worker} would need Redis database {number}, but Redis has "
            f"{REDIS_DATABASES}: run with at most {REDIS_DATABASES - 1} workers (-n)."
        )
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{number}"))


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("REDIS_URL")
    if worker and url:
        os.environ["REDIS_URL"] = redis_url_for_worker(url, worker)
