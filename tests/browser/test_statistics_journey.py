"""An administrator recomputes the annual figures for 2023 to 2024 on a real Celery worker and
downloads them: the internal CSV, XLSX and PDF (whose first page, rendered to PNG, is not
blank) and a public CSV with its small numbers suppressed; every download is audited.

The records are the synthetic year of tests/analytics/data/synthetic_2023_24.csv, imported
with the importer, so that the figures downloaded are the published report's."""

import csv
import re
import subprocess
import time
from pathlib import Path

import pytest
from django.template.defaultfilters import date as date_format
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image
from playwright.sync_api import Download, Page, expect

from analytics.exports import sheet_names, sheets_by_table
from analytics.importer import records_import
from analytics.models import StatisticsSnapshot
from analytics.services import statistics_compute
from safeguarding.demo import DEMO_PASSWORD, seed_demo_users
from safeguarding.models import AuditAction, AuditEvent, User

from ..analytics import published_2023_24 as published
from ..pdf import normalised, pdf_text
from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.worker]

DATA = Path(__file__).resolve().parents[1] / "analytics" / "data" / "synthetic_2023_24.csv"
YEAR = published.YEAR
FINANCIAL_YEAR = "2023 to 2024"
# An upper bound, not a wait: the worker computes a year in seconds, but a busy two-core
# machine running the browser and the live server beside it can take several times longer.
RECOMPUTE_TIMEOUT = 60.0
# The PDF of a whole year takes WeasyPrint ~9 s on the worker here, more on a busy machine.
DOWNLOAD_TIMEOUT_MS = 45_000
# The worker makes the PDF while the page waits: an upper bound, not a wait.
PREPARE_TIMEOUT_MS = 120_000
VERSION = 2  # version 1 is computed before the journey; the administrator makes version 2

CSV_HEADER = "table,group,row,column,n,pct"
# Table 2 as published (Suicide: 14 girls, 21.2% of 66 fatal incidents of girls).
TABLE_2 = published.TABLE_2
SUICIDE_FEMALE = "table_2_cause_of_death,Likely cause of death,Suicide,Female,14,21.2"
# One girl's death by extrafamilial homicide: below the threshold of 5, so `c` when public.
HOMICIDE_FEMALE = (
    "table_2_cause_of_death,Likely cause of death,Child homicide – extrafamilial,Female"
)
TABLE_IDS = [
    "table_1_ethnicity",
    "table_2_cause_of_death",
    "table_3_cause_of_harm",
    "table_4_csc",
    "table_a_regions",
    "table_b_characteristics",
    "table_c_needs",
    "table_d_risk_factors",
    "timeliness",
    "review_length",
    "panel_agreement",
]
# A page is blank if (nearly) all of it is white: the cover has a title, a rule and a table.
DARK_LEVEL = 200
MIN_DARK_SHARE = 0.01


def _import_the_synthetic_year() -> None:
    with DATA.open(encoding="utf-8", newline="") as data:
        result = records_import(file=data, filename=DATA.name, by=None, dry_run=False)
    assert not result.errors, result.errors[:3]
    assert result.added == published.TOTAL_INCIDENTS


def _wait_for_version(page: Page, version: int, worker) -> None:
    """Reload the summary until it shows `version` (the worker records it), within a bound."""
    link = page.get_by_role("link", name=f"Version {version}", exact=True)
    deadline = time.monotonic() + RECOMPUTE_TIMEOUT
    while not link.count():
        run = StatisticsSnapshot.objects.filter(year=YEAR, version=version).first()
        if run is not None and not run.succeeded:
            raise AssertionError(f"version {version} failed: {run.error}")
        if time.monotonic() > deadline:
            raise AssertionError(
                f"no version {version} after {RECOMPUTE_TIMEOUT}s; worker log:\n{worker.log()}"
            )
        time.sleep(0.3)
        page.reload()


def _download(page: Page, kind: str, fmt: str, tmp_path: Path) -> tuple[Download, Path]:
    """Download with the page's link "<kind> <fmt>, version 2" ("Internal CSV, version 2").
    Chromium names it "Internal CSV , version 2": its visually hidden part is a separate box."""
    name = re.compile(rf"^{kind} {re.escape(fmt)} ?, version {VERSION}$")
    with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as download_info:
        page.get_by_role("link", name=name).click()
    download = download_info.value
    assert download.failure() is None, download.failure()
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return download, path


def _prepare_and_download(
    page: Page, button: str, fmt: str, tmp_path: Path
) -> tuple[Download, Path]:
    """PDF and XLSX are made on the worker: "Prepare the PDF (internal), version 2", wait on
    its page until it is ready, download it, and go back to the year's page."""
    name = re.compile(rf"^{re.escape(button)} ?\(internal\), version {VERSION}$")
    page.get_by_role("button", name=name).click()
    expect(page.get_by_role("heading", name="Your file is ready to download")).to_be_visible(
        timeout=PREPARE_TIMEOUT_MS
    )
    filename = f"annual-figures-2023-24-v{VERSION}-internal.{fmt}"
    with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as download_info:
        page.get_by_role("link", name=f"Download {filename}").click()
    download = download_info.value
    assert download.failure() is None, download.failure()
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    page.go_back()
    return download, path


def _dark_share(png: Path) -> float:
    """The share of the image's pixels that are not (nearly) white."""
    image = Image.open(png).convert("L")
    histogram = image.histogram()
    return sum(histogram[:DARK_LEVEL]) / (image.width * image.height)


def test_administrator_recomputes_a_year_and_downloads_its_figures(
    celery_worker, page: Page, tmp_path
):
    seed_demo_users()
    admin = User.objects.get(username="administrator")
    _import_the_synthetic_year()
    first = statistics_compute(year=YEAR, by=None)
    assert first.version == 1 and first.succeeded
    # A later year with figures (none of its own records), which the summary opens on.
    assert statistics_compute(year=YEAR + 1, by=None).succeeded

    sign_in(page, "administrator", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="What needs your attention")).to_be_visible()

    # Statistics, from the service navigation; the reporting year is chosen.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Statistics").click()
    expect(page.get_by_role("heading", name="Annual figures 2024 to 2025", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Reporting year").select_option(label=FINANCIAL_YEAR)
    page.get_by_role("button", name="Show year").click()
    expect(page).to_have_url(re.compile(rf"/statistics/\?year={YEAR}$"))
    heading = f"Annual figures {FINANCIAL_YEAR}"
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Version 1", exact=True)).to_be_visible()
    assert_accessible(page)

    # Recompute: the worker computes version 2, which the summary shows once it is recorded.
    page.get_by_role("button", name=f"Recompute {FINANCIAL_YEAR}").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        re.compile(
            rf"Recomputing {FINANCIAL_YEAR}: the new version will appear when it is ready"
            rf"|Recomputed {FINANCIAL_YEAR}: version 2 is shown below"
        )
    )
    assert_accessible(page)
    _wait_for_version(page, VERSION, celery_worker)
    snapshot = StatisticsSnapshot.objects.get(year=YEAR, version=VERSION)
    assert snapshot.succeeded and snapshot.computed_by == admin
    assert snapshot.task_id, "computed by the worker, not in the web process"
    assert f"Task analytics.tasks.statistics_compute_task[{snapshot.task_id}]" in (
        celery_worker.log(tail=100_000)
    )
    computed = date_format(timezone.localtime(snapshot.computed_at), "j F Y, H:i")
    summary = page.locator(".govuk-summary-list").first
    expect(summary.get_by_role("link", name="Version 2", exact=True)).to_be_visible()
    expect(summary).to_contain_text(f"{computed} by Avery Madeup")
    expect(page.get_by_role("heading", name="Download version 2")).to_be_visible()
    assert_accessible(page)

    # The internal CSV: tidy, with the published figures.
    download, path = _download(page, "Internal", "CSV", tmp_path)
    assert download.suggested_filename == "annual-figures-2023-24-v2-internal.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == CSV_HEADER
    assert SUICIDE_FEMALE in lines
    assert f"{HOMICIDE_FEMALE},1,1.5" in lines
    assert {row["table"] for row in csv.DictReader(lines)} >= set(TABLE_IDS)

    # The XLSX: an "About" sheet and one sheet per table, laid out like the report.
    download, path = _prepare_and_download(page, "Prepare the spreadsheet", "xlsx", tmp_path)
    assert download.suggested_filename == "annual-figures-2023-24-v2-internal.xlsx"
    book = load_workbook(path)
    assert book.sheetnames[0] == "About"
    sheets = sheets_by_table(snapshot.tables)
    assert {sheets[table_id] for table_id in TABLE_IDS} <= set(book.sheetnames)
    # One sheet per table, in order, named by its title (cut to Excel's 31 characters).
    assert book.sheetnames[1:] == sheet_names([table["title"] for table in snapshot.tables])
    assert book["About"]["A1"].value == heading
    table_2_title = snapshot.table("table_2_cause_of_death")["title"]
    assert table_2_title.endswith(TABLE_2.title)  # "Table 2. Number and proportion ..."
    sheet = book[sheets["table_2_cause_of_death"]]
    assert sheet["A1"].value == table_2_title
    suicide = next(row for row in sheet.iter_rows(min_row=6) if row[0].value == "Suicide")
    assert [cell.value for cell in suicide[:3]] == ["Suicide", 14, 21.2]

    # The PDF: the "annual figures" document, whose first page is not blank.
    download, path = _prepare_and_download(page, "Prepare the PDF", "pdf", tmp_path)
    assert download.suggested_filename == "annual-figures-2023-24-v2-internal.pdf"
    assert path.read_bytes().startswith(b"%PDF")
    text = pdf_text(path.read_bytes())
    assert f"Annual figures {FINANCIAL_YEAR}" in text
    assert "Internal: not for publication" in text
    assert normalised(table_2_title) in text
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")],
        check=True,
    )
    [png] = list(tmp_path.glob("p*.png"))
    share = _dark_share(png)
    assert share > MIN_DARK_SHARE, f"the first page is blank ({share:.2%} not white)"

    # A public export: the one extrafamilial homicide of a girl is suppressed.
    download, path = _download(page, "Public", "CSV", tmp_path)
    assert download.suggested_filename == "annual-figures-2023-24-v2-public.csv"
    public = path.read_text(encoding="utf-8").splitlines()
    assert public[0] == CSV_HEADER
    assert f"{HOMICIDE_FEMALE},c,c" in public
    assert not any(line.startswith(f"{HOMICIDE_FEMALE},1,") for line in public)
    assert "table_2_cause_of_death,Likely cause of death,Suicide,Total,25,15.5" in public

    # Every download is in the audit trail, by the administrator, from the download page.
    events = AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id=str(snapshot.pk))
    assert sorted((e.changes["format"], e.changes["public"], e.actor_id) for e in events) == sorted(
        [
            ("csv", False, admin.pk),
            ("xlsx", False, admin.pk),
            ("pdf", False, admin.pk),
            ("csv", True, admin.pk),
        ]
    )
    assert all(
        re.search(r"/v2/(download\.csv|exports/\d+/download)$", e.request_path) for e in events
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE,
        actor=admin,
        message=f"Requested a recomputation of the annual figures for {FINANCIAL_YEAR}",
    ).exists()
