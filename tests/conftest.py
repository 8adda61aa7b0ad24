"""Test fixtures shared by the whole suite.

The suite runs on a real PostgreSQL and a real Redis, which `make test` starts
(scripts/services.py). Without them it stops at once with an error rather than skipping
anything or falling back to SQLite.
"""

import gc
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
from django.core.cache import cache
from django.db import connection
from django.test.utils import override_settings
from rest_framework.test import APIClient
from whitenoise.middleware import WhiteNoiseMiddleware

from safeguarding.celery import app as celery_app
from safeguarding.codes import Role
from safeguarding.models import ApiToken, LocalAuthority
from safeguarding.services import reference_data_load

from . import baseline
from .factories import FACTORY_FOR_ROLE, TEST_PASSWORD
from .second_factor import force_login_verified, login_verified

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


def pytest_collection_finish(session: pytest.Session) -> None:
    """Python's cyclic garbage collector otherwise runs every 700 allocations and walks the
    hundreds of thousands of objects Django, the apps and the collected tests keep for the whole
    run. They are moved out of its sight once collected (`gc.freeze`), and it runs less often;
    nothing a test does depends on when unreachable cycles are freed (about 4% less CPU time in
    tests/notifications)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 50)


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
    """Reference data is there for every test that uses the database. The flush that ends a
    transactional test puts back these rows (content types, permissions, reference data) from a
    copy instead of making them again (tests/baseline.py); such tests still ask for the
    `reference_data` fixture, which then finds everything there."""
    with django_db_blocker.unblock():
        reference_data_load()
        baseline.install()


@pytest.fixture
def reference_data(db):
    reference_data_load()


# Production hashes passwords with PBKDF2 at Django's 1,000,000 iterations, about 0.2 s a
# hash here, paid by every account a test makes and every sign-in it makes. The suite is about
# who may do what, not about the hash, so it uses a fast one (Django's own advice for tests);
# no test is about the hasher, and the production setting is the default one.
TEST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashes():
    with override_settings(PASSWORD_HASHERS=TEST_PASSWORD_HASHERS):
        yield


# Every test client builds the middleware chain afresh, and WhiteNoise's middleware then lists
# and stats every file the static finders know (GOV.UK Frontend's assets, about 200 files):
# about a tenth of a second for each test that makes a request. The files do not change during
# a run, so the first scan is kept and later middleware instances with the same static
# settings take its result (the same StaticFile objects, so the same responses and headers).
_static_scans: dict[tuple, dict] = {}
_add_files_from_finders = WhiteNoiseMiddleware.add_files_from_finders


def _add_files_from_finders_once(self) -> None:
    key = (
        self.static_prefix,
        self.max_age,
        self.allow_all_origins,
        self.charset,
        repr(settings.STATICFILES_DIRS),
        tuple(settings.STATICFILES_FINDERS),
        repr(settings.STORAGES.get("staticfiles")),
        getattr(settings, "WHITENOISE_IMMUTABLE_FILE_TEST", None),
        getattr(settings, "WHITENOISE_ADD_HEADERS_FUNCTION", None),
        getattr(settings, "WHITENOISE_MIMETYPES", None),
    )
    if key not in _static_scans:
        before = dict(self.files)
        _add_files_from_finders(self)
        _static_scans[key] = {
            url: file for url, file in self.files.items() if before.get(url) is not file
        }
    self.files.update(_static_scans[key])


@pytest.fixture(scope="session", autouse=True)
def _static_files_scanned_once():
    WhiteNoiseMiddleware.add_files_from_finders = _add_files_from_finders_once
    yield
    WhiteNoiseMiddleware.add_files_from_finders = _add_files_from_finders


@pytest.fixture(autouse=True)
def _celery_eager(request):
    """Tasks run in-process unless the test asks for a real worker."""
    eager = request.node.get_closest_marker("worker") is None
    celery_app.conf.task_always_eager = eager
    yield
    celery_app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _signed_in_with_second_factor(monkeypatch):
    """MFA_REQUIRED stays on in tests, and a test client's `force_login` / `login` also pass the
    second factor (with an authenticator made for the person), since most tests are about what
    a signed-in person may do. Tests of the second factor itself sign in with the password only:
    `tests.second_factor.force_login_password_only`."""
    from django.test.client import ClientMixin

    monkeypatch.setattr(ClientMixin, "force_login", force_login_verified)
    monkeypatch.setattr(ClientMixin, "login", login_verified)


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


def api_token_header(user) -> str:
    """The Authorization header of a real API token for `user`: the one place a test makes a
    token, so changing how tokens are issued changes only this function."""
    _, token = ApiToken.objects.create(user=user, name="Case-management system")
    return f"Token {token}"


@pytest.fixture
def api_client():
    """An API client authenticated the way a case-management system is: a real token."""

    def make(user) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=api_token_header(user))
        return client

    return make


@pytest.fixture(autouse=True)
def _throttles_reset():
    """Each test starts with no request counted (throttles, rate limits): the cache is the
    test Redis, which Celery's broker shares, so only the cache's own keys are removed."""
    _cache_keys_delete()
    yield


def _cache_keys_delete() -> None:
    backend = settings.CACHES["default"]["BACKEND"]
    if not backend.endswith("RedisCache"):
        cache.clear()
        return
    client = cache._cache.get_client(write=True)
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


# The e-mail file backend appends every message it writes to a file with this line after it;
# one file can hold several messages (its name is a timestamp and an object id, which a process
# reuses within the same second).
MAIL_SEPARATOR = "\n" + "-" * 79 + "\n"


@dataclass
class CeleryProcess:
    """A Celery process (worker or beat) started by a test, its output in `log_path`."""

    name: str
    process: subprocess.Popen
    log_path: Path

    def log(self, tail: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-tail:] if self.log_path.exists() else ""

    def stop(self, timeout: float = 15.0) -> None:
        """Stop it the way a supervisor does (SIGTERM: a worker finishes its task first)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        """SIGKILL: the process dies at once, as in a crash or an out-of-memory kill."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(15)


@dataclass
class Worker(CeleryProcess):
    """A worker; the e-mail it sends is written to files in `mail_dir`, its own."""

    mail_dir: Path

    def sent_mail(self) -> list[str]:
        """Every message sent, in order, as text."""
        if not self.mail_dir.exists():
            return []
        return [
            message
            for path in sorted(self.mail_dir.iterdir())
            for message in path.read_text().split(MAIL_SEPARATOR)
            if message.strip()
        ]

    def wait_for_mail(self, count: int = 1, timeout: float = 20.0) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            mail = self.sent_mail()
            if len(mail) >= count:
                return mail
            time.sleep(0.1)
        raise AssertionError(
            f"{len(self.sent_mail())} e-mails after {timeout}s, expected {count}; "
            f"worker log:\n{self.log()}"
        )


class CeleryProcesses:
    """Starts real Celery workers and beat on the test Redis and the test database, and stops
    every one of them when the test ends (the `celery_processes` fixture)."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.started: list[CeleryProcess] = []

    @property
    def workers(self) -> list[Worker]:
        return [p for p in self.started if isinstance(p, Worker)]

    def _env(self, extra: dict[str, str] | None) -> dict[str, str]:
        db = connection.settings_dict
        credentials = f"{db['USER']}:{db['PASSWORD']}" if db.get("PASSWORD") else db["USER"]
        return {
            **os.environ,
            "DATABASE_URL": f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            # Read when the process starts, so a test that moves MEDIA_ROOT does it first.
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            **(extra or {}),
        }

    def _popen(self, args: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen:
        with log_path.open("w") as log:
            return subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "safeguarding", *args],
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def worker(
        self,
        *,
        env: dict[str, str] | None = None,
        pool: str = "solo",
        concurrency: int | None = None,
        wait: bool = True,
    ) -> Worker:
        """Start a worker and return once it answers a ping (at once without `wait`: then call
        `wait_ready`). `env` adds to or overrides its environment (CELERY_VISIBILITY_TIMEOUT,
        say). The first worker's mail goes to tmp_path/mail, later ones' to tmp_path/mail-2,
        mail-3, ..."""
        index = len(self.workers) + 1
        suffix = "" if index == 1 else f"-{index}"
        name = f"test-{uuid.uuid4().hex[:8]}@localhost"
        mail_dir = self.tmp_path / f"mail{suffix}"
        log_path = self.tmp_path / f"worker{suffix}.log"
        args = ["worker", "--pool", pool, "--without-gossip", "--without-mingle"]
        args += ["-n", name, "--loglevel", "INFO"]
        if concurrency:
            args += ["--concurrency", str(concurrency)]
        process = self._popen(
            args, self._env({"EMAIL_FILE_PATH": str(mail_dir), **(env or {})}), log_path
        )
        worker = Worker(name=name, process=process, log_path=log_path, mail_dir=mail_dir)
        self.started.append(worker)
        if wait:
            self.wait_ready(worker)
        return worker

    def wait_ready(self, *workers: Worker, timeout: float = 30.0) -> None:
        """Wait until every one of `workers` answers a ping."""
        deadline = time.monotonic() + timeout
        waiting = {worker.name: worker for worker in workers}
        while waiting:
            for reply in celery_app.control.ping(destination=list(waiting), timeout=0.5):
                for name in reply:
                    waiting.pop(name, None)
            for worker in waiting.values():
                if worker.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the worker did not start:\n{worker.log()}")

    def beat(
        self,
        *,
        env: dict[str, str] | None = None,
        loglevel: str = "INFO",
        max_interval: int = 1,
        timeout: float = 30.0,
    ) -> CeleryProcess:
        """Start beat with the configured scheduler (django-celery-beat's DatabaseScheduler,
        as `make stack` does), waking at least every `max_interval` seconds, and return once
        it has started."""
        log_path = self.tmp_path / "beat.log"
        args = ["beat", "--loglevel", loglevel, "--max-interval", str(max_interval)]
        args += ["--schedule", str(self.tmp_path / "celerybeat-schedule")]
        args += ["--pidfile", str(self.tmp_path / "celerybeat.pid")]
        process = self._popen(args, self._env(env), log_path)
        beat = CeleryProcess(name="beat", process=process, log_path=log_path)
        self.started.append(beat)
        deadline = time.monotonic() + timeout
        while "beat: Starting..." not in beat.log(tail=100_000):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"beat did not start:\n{beat.log()}")
            time.sleep(0.1)
        return beat

    def sent_mail(self) -> list[str]:
        """Every message every worker sent."""
        return [message for worker in self.workers for message in worker.sent_mail()]

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name} ({p.log_path.name}, exit code {p.process.poll()}) ---\n{p.log()}"
            for p in self.started
        )

    def stop_all(self) -> None:
        # Beat first, so that it sends nothing more to the workers.
        for process in sorted(self.started, key=lambda p: isinstance(p, Worker)):
            process.stop()


def _broker_reset() -> None:
    """Forget tasks an earlier test left in the broker: queued, or delivered and never
    acknowledged (which a worker with a short visibility timeout would hand out again)."""
    celery_app.control.purge()
    redis.Redis.from_url(settings.REDIS_URL).delete("unacked", "unacked_index", "unacked_mutex")


@pytest.fixture
def celery_processes(transactional_db, reference_data, tmp_path):
    """Starts real Celery workers and beat (`.worker()`, `.beat()`) on the test Redis and the
    test database; all are stopped when the test ends, whatever happened."""
    _broker_reset()
    processes = CeleryProcesses(tmp_path)
    try:
        yield processes
    finally:
        processes.stop_all()


@pytest.fixture
def celery_worker(celery_processes):
    """A real Celery worker process on the test Redis and the test database. Its e-mail goes
    to files in `mail_dir`, so tests read what it really sent."""
    return celery_processes.worker()
