"""Test fixtures shared by the whole suite.

The suite runs on a real PostgreSQL and a real Redis, which `make test` starts
(scripts/services.py). Without them it stops at once with an error rather than skipping
anything or falling back to SQLite.
"""

import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from safeguarding.celery import app as celery_app
from safeguarding.codes import Role
from safeguarding.models import LocalAuthority
from safeguarding.services import reference_data_load

from .factories import FACTORY_FOR_ROLE, TEST_PASSWORD

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the
# test body are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent


def _services_problem() -> str | None:
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        return f"the database is {engine}, not PostgreSQL"
    if not settings.REDIS_URL:
        return "REDIS_URL is not set"
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"Redis at {settings.REDIS_URL} does not answer ({exc})"
    return None


def pytest_sessionstart(session: pytest.Session) -> None:
    problem = _services_problem()
    if problem:
        raise pytest.UsageError(
            f"The tests need a real PostgreSQL and Redis, but {problem}. Run `make test`, "
            "which starts throwaway servers, or set DATABASE_URL and REDIS_URL."
        )


def pytest_report_header(config: pytest.Config) -> list[str]:
    db = settings.DATABASES["default"]
    return [
        f"services: PostgreSQL at {db['HOST']}:{db['PORT']} (test database test_{db['NAME']}), "
        f"Redis broker at {settings.REDIS_URL}",
    ]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Reference data is there for every test that uses the database (transactional tests,
    whose tables are emptied between tests, ask for the `reference_data` fixture)."""
    with django_db_blocker.unblock():
        reference_data_load()


@pytest.fixture
def reference_data(db):
    reference_data_load()


@pytest.fixture(autouse=True)
def _celery_eager(request):
    """Tasks run in-process unless the test asks for a real worker."""
    eager = request.node.get_closest_marker("worker") is None
    celery_app.conf.task_always_eager = eager
    yield
    celery_app.conf.task_always_eager = True


@pytest.fixture
def make_user(db):
    def make(role: Role | str, **kwargs):
        return FACTORY_FOR_ROLE[Role(role)](**kwargs)

    return make


@pytest.fixture
def password() -> str:
    return TEST_PASSWORD


@pytest.fixture
def leeds(db) -> LocalAuthority:
    return LocalAuthority.objects.get(name="Leeds")


@pytest.fixture
def bristol(db) -> LocalAuthority:
    return LocalAuthority.objects.get(name="Bristol")


@pytest.fixture
def api_client():
    """An API client authenticated the way a case-management system is: a real token."""

    def make(user) -> APIClient:
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@dataclass
class Worker:
    process: subprocess.Popen
    mail_dir: Path
    log_path: Path

    def sent_mail(self) -> list[str]:
        if not self.mail_dir.exists():
            return []
        return [path.read_text() for path in sorted(self.mail_dir.iterdir())]

    def wait_for_mail(self, count: int = 1, timeout: float = 20.0) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            mail = self.sent_mail()
            if len(mail) >= count:
                return mail
            time.sleep(0.1)
        raise AssertionError(
            f"{len(self.sent_mail())} e-mails after {timeout}s, expected {count}; "
            f"worker log:\n{self.log_path.read_text()[-3000:]}"
        )


@pytest.fixture
def celery_worker(transactional_db, reference_data, tmp_path):
    """A real Celery worker process on the test Redis and the test database. Its e-mail goes
    to files in `mail_dir`, so tests read what it really sent."""
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        if not db.get("PASSWORD")
        else f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    )
    name = f"test-{uuid.uuid4().hex[:8]}@localhost"
    mail_dir = tmp_path / "mail"
    log_path = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    celery_app.control.purge()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "safeguarding", "worker", "--pool", "solo"]
            + ["--without-gossip", "--without-mingle", "-n", name, "--loglevel", "INFO"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while not celery_app.control.ping(destination=[name], timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start:\n{log_path.read_text()}")
        yield Worker(process=process, mail_dir=mail_dir, log_path=log_path)
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
