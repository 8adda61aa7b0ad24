"""Pages under load: gunicorn (the Procfile's web command, 2 sync workers) on a free port with
production-like settings, 20 concurrent clients, a bounded number of requests per page; p50
and p95 per page, against the sign-in page (the base template, no queries) and a minimal
Django view served by the same server in the same run. And SQL queries per page, in-process
(Django's test Client and CaptureQueriesContext), with any sequential scan of a big table in
their plans."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from notifications.models import Notification
from panel.models import PanelDecision
from rapidreviews.models import RapidReview
from safeguarding.models import AuditEvent

from .dataset import BenchUsers
from .report import Results
from .setup import ROOT

SIGN_IN = "sign-in page"
MINIMAL = "minimal view"
BIG_TABLES = (
    Notification._meta.db_table,
    RapidReview._meta.db_table,
    PanelDecision._meta.db_table,
)


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    user: str  # a BenchUsers attribute, or "" for anonymous


def pages(users: BenchUsers, year: int) -> list[Page]:
    """The pages the issue lists, with ids and page numbers that exist at this scale."""
    # A review in the same state at every scale (decided, letter sent, an LCSPR), and its SIN,
    # so that the case pages' query counts can be compared across scales.
    reviews = RapidReview.objects.filter(status=RapidReview.Status.SUBMITTED)
    review = (
        reviews.filter(lcspr__isnull=False, response_letters__status="sent").order_by("-pk").first()
        or reviews.order_by("-pk").first()
    )
    sin = review.notification
    per_page = 25
    deep = max(2, min(500, Notification.objects.count() // per_page // 2))
    reference = sin.reference[: len("SIN-2025-0001")]
    return [
        Page(SIGN_IN, "/sign-in/", ""),
        Page(MINIMAL, "/bench/minimal/", ""),
        Page("SIN list, page 1", "/notifications/", "secretariat"),
        Page("SIN list, a deep page", f"/notifications/?page={deep}", "secretariat"),
        Page("SIN list, filtered", "/notifications/?reason=death&region=london", "secretariat"),
        Page("SIN list, searched", f"/notifications/?reference={reference}", "secretariat"),
        Page("rapid review queue", "/rapid-reviews/", "secretariat"),
        Page("Panel queue", "/panel/", "panel_member"),
        Page("home page, Panel member", "/", "panel_member"),
        Page("SIN case page", f"/notifications/{sin.pk}/", "secretariat"),
        Page("rapid review case page", f"/rapid-reviews/{review.pk}/", "secretariat"),
        Page("statistics year page", f"/statistics/{year}/", "administrator"),
        Page("API list (notifications)", "/api/v1/notifications/", "secretariat"),
    ]


def verified_client(user) -> Client:
    """A test client signed in with the password and the second factor, as the app does it:
    django_otp.login records the confirmed authenticator's id in the session."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=user, name="Bench", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def session_cookies(users: BenchUsers) -> dict[str, str]:
    """{BenchUsers attribute: the Cookie header of a verified session}."""
    out = {"": ""}
    for name in ("secretariat", "panel_member", "administrator", "la_user"):
        client = verified_client(getattr(users, name))
        out[name] = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    return out


def query_counts(results: Results, users: BenchUsers, page_list: list[Page]) -> None:
    """SQL queries per page (a second request, so one-off work such as a first sign-in's
    bookkeeping is not counted), the audit rows written, and big-table sequential scans."""
    clients = {"": Client()}
    for page in page_list:
        if page.user not in clients:
            clients[page.user] = verified_client(getattr(users, page.user))
        client = clients[page.user]
        client.get(page.path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.path)
        results.add("queries", f"{page.name}: queries", "queries", len(captured))
        figure = results.figures[f"{page.name}: queries"]
        if response.status_code != 200:
            figure.note = f"HTTP {response.status_code}"
        audit = sum(
            1
            for q in captured.captured_queries
            if q["sql"].startswith("INSERT") and AuditEvent._meta.db_table in q["sql"]
        )
        results.add("queries", f"{page.name}: audit writes", "queries", audit)
        results.add("queries", f"{page.name}: big-table seq scans", "count", _seq_scans(captured))


def _seq_scans(captured: CaptureQueriesContext) -> int:
    scans = 0
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("EXPLAIN " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
        except Exception:  # noqa: BLE001, S112 - a logged query that cannot be replayed as written
            continue
        scans += sum(
            1 for table in BIG_TABLES if re.search(rf"Seq Scan on {re.escape(table)}\b", plan)
        )
    return scans


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn as the Procfile runs it (safeguarding.wsgi, 2 sync workers)."""

    def __init__(self, workers: int = 2):
        self.port = _free_port()
        self.workers = workers
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
        self.process = subprocess.Popen(
            [gunicorn, "safeguarding.wsgi", "--bind", f"127.0.0.1:{self.port}"]
            + ["--workers", str(self.workers), "--timeout", "300", "--log-level", "warning"],
            cwd=ROOT,
            env=dict(os.environ),
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _ = fetch(self.port, "/bench/minimal/", "")
                if status == 200:
                    return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def fetch(port: int, path: str, cookie: str, conn=None) -> tuple[int, float]:
    """GET `path`; (status, seconds until the whole body was read)."""
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    headers = {"Host": "127.0.0.1", "Accept": "text/html,application/json"}
    if cookie:
        headers["Cookie"] = cookie
    started = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    seconds = time.perf_counter() - started
    if own:
        conn.close()
    return response.status, seconds


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def load(
    results: Results,
    server: Server,
    page_list: list[Page],
    cookies: dict[str, str],
    *,
    clients: int,
    requests: int,
    budget: float,
) -> None:
    """One repeat: every page in turn, `requests` GETs from `clients` concurrent clients (no
    new request starts after `budget` seconds); p50 and p95 in ms."""
    for page in page_list:
        fetch(server.port, page.path, cookies[page.user])  # warm-up, not counted
        deadline = time.monotonic() + budget
        statuses: list[int] = []

        def one(_i: int, page=page, deadline=deadline, statuses=statuses) -> float | None:
            if time.monotonic() > deadline:
                return None
            status, seconds = fetch(server.port, page.path, cookies[page.user])
            statuses.append(status)
            return seconds

        with ThreadPoolExecutor(clients) as pool:
            times = [t for t in pool.map(one, range(requests)) if t is not None]
        baseline = "" if page.name == SIGN_IN else SIGN_IN
        if page.name == SIGN_IN:
            baseline = MINIMAL
        if page.name == MINIMAL:
            baseline = ""
        for p in (50, 95):
            figure = results.add(
                "pages",
                f"{page.name} p{p}",
                "ms",
                percentile(times, p) * 1000,
                baseline=(f"{baseline} p{p}" if baseline else ""),
            )
            bad = [s for s in statuses if s != 200]
            figure.note = f"GET {page.path}, {len(times)} requests" + (
                f", HTTP {sorted(set(bad))}" if bad else ""
            )
