"""Exports of a snapshot: the XLSX workbook, the PDF document, the export_statistics command
and the download view (who may download, the file, the audit trail)."""

import csv
import io
import re
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from analytics import exports
from analytics.exports import sheets_by_table, snapshot_pdf, snapshot_xlsx
from analytics.models import StatisticsSnapshot
from analytics.services import statistics_compute
from safeguarding.codes import Role
from safeguarding.models import AuditAction, AuditEvent
from safeguarding.services import reference_data_load

from ..factories import AdministratorFactory
from ..pdf import normalised, pdf_layout_text, pdf_text
from .factories import submitted_suicides

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "synthetic_2023_24.csv"
THRESHOLD = 5
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def snapshot(django_db_setup, django_db_blocker) -> StatisticsSnapshot:
    """Computed once for the module, which only reads it (each test's own writes, its
    downloads' audit events, are rolled back after it); all rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        # The local authorities (a transactional test earlier in the session empties them).
        reference_data_load()
        submitted_suicides(3)
        admin = AdministratorFactory(first_name="Ada", last_name="Analyst")
        yield statistics_compute(year=2023, by=admin)
        transaction.set_rollback(True)


@pytest.fixture(scope="module", autouse=True)
def _each_pdf_laid_out_once():
    """WeasyPrint lays out each distinct document once for the module (about 10 s each): the
    public PDF of the snapshot is the same HTML in three tests (the export function, the
    command, the download), which each still produce it through their own path."""
    real = exports.html_to_pdf
    rendered: dict[str, bytes] = {}

    def html_to_pdf(html: str) -> bytes:
        if html not in rendered:
            rendered[html] = real(html)
        return rendered[html]

    patch = pytest.MonkeyPatch()
    patch.setattr(exports, "html_to_pdf", html_to_pdf)
    yield
    patch.undo()


def _workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def _row(sheet, label: str) -> list:
    return next(list(row) for row in sheet.iter_rows(min_row=6) if row[0].value == label)


def _n_columns(sheet) -> list[int]:
    """Indexes (0-based) of the N sub-columns, from the second header row."""
    return [i for i, c in enumerate(next(sheet.iter_rows(min_row=5, max_row=5))) if c.value == "N"]


# --- XLSX ---------------------------------------------------------------------------------------


def test_xlsx_has_an_about_sheet_then_one_sheet_per_table(snapshot):
    book = _workbook(snapshot_xlsx(snapshot, public=False, threshold=THRESHOLD))
    names = sheets_by_table(snapshot.tables)
    assert book.sheetnames == ["About", *names.values()]
    assert names["table_2_cause_of_death"] == "Table 2. Number and proportion"
    assert all(len(name) <= 31 for name in book.sheetnames)
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True) if row[0]}
    assert book["About"]["A1"].value == "Annual figures 2023 to 2024"
    assert about["Version"] == 1
    assert about["Computed by"] == "Ada Analyst"
    assert about["Export"].startswith("Internal")
    assert about["Input: Serious Incident Notifications"] == 3
    assert about["Input: Rapid reviews"] == 3
    assert "Computed at" in about and "Suppression" in about
    # The contents list, sheet by sheet, with each table's title and id.
    listed = [row for row in book["About"].iter_rows(values_only=True) if row[0] in about]
    assert (
        "Table 2. Number and proportion",
        snapshot.table("table_2_cause_of_death")["title"],
        "table_2_cause_of_death",
    ) in listed


def test_xlsx_table_sheet_is_laid_out_like_the_report(snapshot):
    sheet = _workbook(snapshot_xlsx(snapshot, public=False, threshold=THRESHOLD))[
        sheets_by_table(snapshot.tables)["table_2_cause_of_death"]
    ]
    assert sheet["A1"].value == snapshot.table("table_2_cause_of_death")["title"]
    assert sheet["A1"].font.bold
    header = [c.value for c in next(sheet.iter_rows(min_row=4, max_row=4))]
    subheader = [c.value for c in next(sheet.iter_rows(min_row=5, max_row=5))]
    assert header[1::2] == ["Female", "Male", "Total"]
    assert subheader[1:] == ["N", "%", "N", "%", "N", "%"]
    assert "B4:C4" in {str(r) for r in sheet.merged_cells.ranges}

    group = next(r for r in sheet.iter_rows(min_row=6) if r[0].value == "Likely cause of death")
    assert group[0].font.bold
    label, female_n, female_pct, male_n, male_pct, total_n, _ = _row(sheet, "Suicide")
    # Numbers as numbers; no female deaths, so her percentage is not available.
    assert (female_n.value, female_pct.value) == (0, "x")
    assert male_n.value == 3 and isinstance(male_n.value, int)
    assert male_pct.value == 100.0 and male_pct.number_format == "0.0"
    assert not label.font.bold
    total = _row(sheet, "Total")
    assert total[0].font.bold and total[5].font.bold and total[5].value == 3
    assert sheet.column_dimensions["A"].width > 20
    assert sheet.column_dimensions["B"].width == 12


# --- PDF ----------------------------------------------------------------------------------------


def test_pdf_has_a_cover_every_table_and_its_figures(snapshot, tmp_path):
    data = snapshot_pdf(snapshot, public=False, threshold=THRESHOLD)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "Annual figures 2023 to 2024" in text
    assert "Internal: not for publication" in text
    for table in snapshot.tables:
        assert normalised(table["title"]) in text, table["id"]
    assert re.search(r"Page 2 of \d+", text)
    # Table 2's Suicide row: no girls (x: no percentage), 3 boys, 100%.
    layout = pdf_layout_text(data)
    assert re.search(r"Suicide\s+0\s+x\s+3\s+100\.0\s+3\s+100\.0", layout)

    (tmp_path / "figures.pdf").write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(tmp_path / "figures.pdf")]
        + [str(tmp_path / "p")],
        check=True,
    )
    [png] = list(tmp_path.glob("p*.png"))
    assert Image.open(png).convert("L").getextrema()[0] < 128, "the first page is blank"


def test_public_pdf_shows_c_and_explains_it(snapshot):
    data = snapshot_pdf(snapshot, public=True, threshold=THRESHOLD)
    text = pdf_text(data)
    assert "Public: small numbers suppressed" in text
    assert "c: suppressed" in text and "x: not available" in text
    layout = pdf_layout_text(data)
    assert re.search(r"Suicide\s+0\s+x\s+c\s+c\s+c\s+c", layout)
    assert not re.search(r"Suicide\s+0\s+x\s+3", layout)
    assert "Ada Analyst" not in text


# --- The command --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "magic"), [("csv", b"table,group,row"), ("xlsx", b"PK"), ("pdf", b"%PDF")]
)
def test_export_statistics_writes_each_format(snapshot, tmp_path, capsys, fmt, magic):
    output = tmp_path / f"figures.{fmt}"
    call_command(
        "export_statistics", "--year", "2023", "--format", fmt, "--public", "--output", output
    )
    assert output.read_bytes().startswith(magic)
    assert f"public (suppressed) {fmt.upper()}" in capsys.readouterr().out
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, object_id=str(snapshot.pk))
    assert event.actor is None and event.actor_username == "manage.py export_statistics"
    assert event.changes == {"format": fmt, "public": True, "threshold": 5}


# --- The download view --------------------------------------------------------------------------


def _url(snapshot: StatisticsSnapshot, fmt: str, version: int | None = None) -> str:
    version = snapshot.version if version is None else version
    return reverse("analytics:snapshot-download", args=[snapshot.year, version, fmt])


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT])
def test_administrators_and_the_panel_download_and_are_audited(client, make_user, snapshot, role):
    user = make_user(role)
    client.force_login(user)
    response = client.get(_url(snapshot, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="annual-figures-2023-24-v1-internal.csv"'
    )
    assert response.content.decode().startswith("table,group,row,column,n,pct")
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, object_id=str(snapshot.pk))
    assert event.actor == user
    assert event.changes == {"format": "csv", "public": False, "threshold": None}


@pytest.mark.parametrize(
    ("fmt", "content_type", "magic"),
    [("xlsx", XLSX_TYPE, b"PK"), ("pdf", "application/pdf", b"%PDF")],
)
def test_public_downloads_of_each_format(
    client, make_user, snapshot, fmt, content_type, magic, django_capture_on_commit_callbacks
):
    """The old address of a PDF or XLSX asks a worker for it (eager here), shows its page,
    and once it is ready sends to the stored file."""
    client.force_login(make_user(Role.ADMINISTRATOR))
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.get(_url(snapshot, fmt), {"public": "1"})
    assert asked.status_code == 302 and "/exports/" in asked["Location"]
    ready = client.get(_url(snapshot, fmt), {"public": "1"})
    assert ready.status_code == 302 and ready["Location"].endswith("/download")
    response = client.get(ready["Location"])
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="annual-figures-2023-24-v1-public.{fmt}"'
    )
    assert b"".join(response.streaming_content).startswith(magic)
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, object_id=str(snapshot.pk))
    assert event.changes["public"] is True and event.changes["format"] == fmt


def test_a_public_csv_download_is_suppressed(client, make_user, snapshot):
    client.force_login(make_user(Role.PANEL_MEMBER))
    rows = list(
        csv.DictReader(io.StringIO(client.get(_url(snapshot, "csv"), {"public": "1"}).text))
    )
    suicide = next(
        r
        for r in rows
        if r["table"] == "table_2_cause_of_death"
        and r["row"] == "Suicide"
        and r["column"] == "Male"
    )
    assert suicide["n"] == "c"


@pytest.mark.parametrize("role", [Role.PARTNERSHIP_LEAD, Role.LA_USER])
def test_other_roles_may_not_download(client, make_user, snapshot, role):
    client.force_login(make_user(role))
    assert client.get(_url(snapshot, "csv")).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_signed_out_users_are_sent_to_sign_in(client, snapshot):
    response = client.get(_url(snapshot, "csv"))
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_missing_version_a_failed_run_or_an_unknown_format_is_404(
    client, make_user, snapshot, monkeypatch
):
    client.force_login(make_user(Role.ADMINISTRATOR))
    assert client.get(_url(snapshot, "csv", version=99)).status_code == 404
    assert client.get(_url(snapshot, "docx")).status_code == 404
    failed = StatisticsSnapshot.objects.create(
        year=2023, version=2, status=StatisticsSnapshot.Status.FAILED, error="Boom"
    )
    assert client.get(_url(failed, "csv")).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
