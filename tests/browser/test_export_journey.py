"""A Panel member asks for the internal PDF of 2023 to 2024 on the year's page, waits on the
page that shows its progress (waiting for a worker, then the steps of making it, updated by the
page itself), and downloads it when it is ready; the year's page then links straight to the
file. The status page is checked with axe at each stage.

The worker's part runs in a thread of the test: the page is seen queued first (nothing is
queued for real), then the render is held at its last step ("Laying out the PDF") until the
page has shown it. The year is tiny (three incidents) so that the PDF is quick to lay out."""

import re
import threading

import pytest
from django.db import connection
from playwright.sync_api import Page, expect

from analytics import export_files, exports
from analytics.models import StatisticsExport
from analytics.services import statistics_compute
from safeguarding.demo import DEMO_PASSWORD, seed_demo_users
from safeguarding.models import AuditAction, AuditEvent, User

from ..analytics.factories import submitted_suicides
from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser

YEAR = 2023
# Upper bounds, not waits: WeasyPrint lays out the tiny year's 30 tables in seconds, several
# times longer on a busy two-core machine.
READY_TIMEOUT_MS = 120_000
HOLD_SECONDS = 120


def test_a_panel_member_prepares_the_pdf_watches_it_and_downloads_it(page: Page, monkeypatch):
    seed_demo_users()
    member = User.objects.get(username="panel-member")
    submitted_suicides(3)
    snapshot = statistics_compute(year=YEAR, by=None)
    queued: list[int] = []
    monkeypatch.setattr(export_files, "_queue", queued.append)

    sign_in(page, "panel-member", DEMO_PASSWORD)
    page.goto(f"/statistics/{YEAR}/")
    expect(page.get_by_role("heading", name="Download version 1")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Prepare the PDF ?\(internal\)")).click()

    # Waiting for a worker.
    expect(page.get_by_role("heading", name="Your file is being prepared", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("Waiting for a worker to start.")
    [export_id] = queued
    export = StatisticsExport.objects.get(pk=export_id)
    assert (export.format, export.audience, export.status) == ("pdf", "internal", "queued")
    assert_accessible(page)

    # A worker makes it; it stops at its last step until the page has shown that step.
    shown, failures = threading.Event(), []
    real_layout = exports.html_to_pdf

    def held_layout(html: str) -> bytes:
        shown.wait(HOLD_SECONDS)
        return real_layout(html)

    monkeypatch.setattr(exports, "html_to_pdf", held_layout)

    def worker() -> None:
        try:
            export_files.statistics_export_render(export_id=export_id)
        except Exception as exc:  # reported by the test, not lost in the thread
            failures.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    steps = len(snapshot.tables)
    expect(page.get_by_role("status")).to_have_text(
        f"Laying out the PDF: step {steps} of {steps + 1} ({steps * 100 // (steps + 1)}%).",
        timeout=30_000,
    )
    assert_accessible(page)
    shown.set()

    # Ready: the page shows the download by itself.
    expect(
        page.get_by_role("heading", name="Your file is ready to download", level=1)
    ).to_be_visible(timeout=READY_TIMEOUT_MS)
    thread.join(5)
    assert not failures, failures
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download annual-figures-2023-24-v1-internal.pdf").click()
    download = download_info.value
    assert download.failure() is None, download.failure()
    assert download.suggested_filename == "annual-figures-2023-24-v1-internal.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, object_id=str(snapshot.pk))
    assert event.actor == member and event.changes["format"] == "pdf"

    # Back on the year's page, the PDF is a link to the file, made once.
    page.get_by_role("link", name=re.compile(r"^Back to the 2023 to 2024 figures")).click()
    # The year's page holds every table: on a busy machine it takes a while to arrive whole.
    expect(page.get_by_role("heading", name="Download version 1")).to_be_visible(timeout=30_000)
    link = page.get_by_role("link", name=re.compile(r"^Internal PDF ?, version 1$"))
    expect(link).to_have_attribute(
        "href", re.compile(rf"/exports/{export_id}/download$"), timeout=15_000
    )
    assert StatisticsExport.objects.get(pk=export_id).attempts == 1
