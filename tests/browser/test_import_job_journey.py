"""An administrator uploads historic records and follows the import on its page (issue 19,
items 1 and 6): a file with a wrong row is refused with the problem listed; the corrected file,
with a column the import does not know, is imported with a warning. Axe on every page. The
import runs eagerly here, once the upload has committed (tests/analytics/test_import_jobs.py
covers the worker's progress)."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from notifications.models import Notification
from safeguarding.demo import seed_demo_users

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parents[1] / "analytics" / "data" / "synthetic_2023_24.csv"


def _file(tmp_path: Path, name: str, change: dict, extra: dict) -> Path:
    with DATA.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[:3]
    rows[1].update(change)
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=[*rows[0], *extra])
    writer.writeheader()
    writer.writerows({**row, **extra} for row in rows)
    path = tmp_path / name
    path.write_text(text.getvalue(), encoding="utf-8")
    return path


def test_an_administrator_uploads_records_and_follows_the_import(page: Page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_demo_users()
    sign_in(page, "administrator")
    page.goto("/statistics/import/")
    assert_accessible(page)

    page.get_by_label("Upload a file").set_input_files(
        _file(tmp_path, "wrong.csv", {"reason": "murder"}, {})
    )
    page.get_by_role("button", name="Upload file").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.locator("#import-problems")).to_contain_text("murder")
    assert_accessible(page)
    assert not Notification.objects.exists()

    page.goto("/statistics/import/")
    page.get_by_label("Upload a file").set_input_files(
        _file(tmp_path, "right.csv", {}, {"old_system_id": "X-1"})
    )
    page.get_by_role("button", name="Upload file").click()
    expect(page.get_by_text("Imported right.csv: 3 record(s) added")).to_be_visible()
    expect(page.locator("#import-warnings")).to_contain_text("Unknown column old_system_id")
    assert_accessible(page)
    assert Notification.objects.count() == 3

    page.get_by_role("link", name="Upload another file").click()
    expect(page.locator("#recent-imports")).to_contain_text("wrong.csv")
    assert_accessible(page)
