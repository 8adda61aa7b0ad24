"""Exports of a statistics snapshot. CSV in a tidy layout: one line per cell, with the header
`table,group,row,column,n,pct`.

- `n` is the count; `pct` the percentage to one decimal place. For a statistic cell (a rate
  per 100,000, a mean, the shortest or longest) `n` is the number of records it is computed
  from and `pct` holds the statistic itself; the column or row label says which.
- `c`: suppressed (public exports only, analytics.suppression); `x`: not available or not
  applicable (no count, or no percentage, for that cell), for example every figure of a year
  for which the service holds no records (engine.mark_missing_years); 0 is a true zero.

XLSX: an "About" sheet, then one sheet per table laid out like the report: the title, the
columns with their N and % sub-headers (and a Rate or Value one for statistics), group headings
and total rows in bold; counts and percentages as numbers, `c` and `x` as text.

PDF: the "annual figures" document (WeasyPrint, templates/analytics/annual_figures_pdf.html):
a cover, then every table with its chart (analytics.charts, the same SVG as on the pages) and
its data.

The PDF and the XLSX are made once per snapshot, audience and layout version, then read from
storage (snapshot_file_stored); the pages have a worker make them (analytics.export_files).

A public export of any format is made from the suppressed tables (analytics.suppression), the
charts too, so that nothing in it reveals a suppressed count.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from safeguarding.audit import audit_log
from safeguarding.codes import PANEL_ORGANISATION_NAME
from safeguarding.exports import safe_row, safe_workbook
from safeguarding.models import AuditAction, User
from safeguarding.pdf import html_to_pdf

from .charts import chart_svg
from .layout import (
    NOT_AVAILABLE,
    NOT_AVAILABLE_NOTE,
    Figure,
    TableLayout,
    second_figure,
    table_layout,
)
from .models import StatisticsSnapshot
from .suppression import suppress_table

CSV_HEADER = ["table", "group", "row", "column", "n", "pct"]

# Told how far a long export has got: (steps done, steps in all, what it is doing now), e.g.
# (12, 32, "Drawing table 12 of 30"). The worker records it on the export's row
# (analytics.export_files); the command draws a progress bar with it.
Progress = Callable[[int, int, str], None]


def _no_progress(done: int, total: int, stage: str) -> None:
    return None


def _text(value: Any) -> Any:
    """A figure as written to the CSV: numbers stay numbers (safe_cell leaves them alone)."""
    return NOT_AVAILABLE if value is None else value


def tables_csv(tables: list[dict[str, Any]]) -> str:
    """Tables (as the engine gives them, suppressed or not) as tidy CSV, one line per cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(safe_row(CSV_HEADER))
    for table in tables:
        columns = [c["label"] for c in table["columns"]]
        for group in table["groups"]:
            for row in group["rows"]:
                for column, c in zip(columns, row["cells"], strict=True):
                    pct = second_figure(c)
                    writer.writerow(
                        safe_row(
                            [
                                table["id"],
                                group["label"],
                                row["label"],
                                column,
                                _text(c["n"]),
                                _text(pct),
                            ]
                        )
                    )
    return buffer.getvalue()


def snapshot_csv(snapshot: StatisticsSnapshot, *, public: bool, threshold: int) -> str:
    """The snapshot's tables as tidy CSV; `public` applies small-number suppression with
    `threshold` (counts from 1 to threshold - 1 are suppressed)."""
    return tables_csv(export_tables(snapshot, public=public, threshold=threshold))


# --- Shared by the XLSX and the PDF -------------------------------------------------------------

INPUT_COUNT_LABELS = {
    "sins": "Serious Incident Notifications",
    "sins_previous_year": "Serious Incident Notifications, previous year",
    "reviews": "Rapid reviews",
    "reviews_previous_year": "Rapid reviews, previous year",
    "decisions": "Panel decisions",
    "decisions_previous_year": "Panel decisions, previous year",
}


def financial_year(year: int) -> str:
    return f"{year} to {year + 1}"


def document_title(snapshot: StatisticsSnapshot) -> str:
    return f"Annual figures {financial_year(snapshot.year)}"


def suppression_rule(*, public: bool, threshold: int) -> str:
    if not public:
        return (
            "None: internal export, not for publication. Every count is shown, however small. "
            f"{NOT_AVAILABLE_NOTE}"
        )
    return (
        f"c: a count from 1 to {threshold - 1} (below {threshold}) is suppressed, with its "
        "percentage; further cells are suppressed too (secondary suppression) so that no "
        f"suppressed count can be worked out from the totals. {NOT_AVAILABLE_NOTE}"
    )


def _computed_by(snapshot: StatisticsSnapshot, *, public: bool) -> str:
    # A public file names the organisation, not a member of staff.
    if public:
        return PANEL_ORGANISATION_NAME
    user = snapshot.computed_by
    if user is None:
        return "The nightly schedule (or a command)"
    return user.get_full_name() or user.get_username()


def _computed_at(snapshot: StatisticsSnapshot) -> str:
    at = timezone.localtime(snapshot.computed_at)
    return f"{at.day} {at:%B %Y} at {at:%H:%M}"


def about_lines(snapshot: StatisticsSnapshot, *, public: bool, threshold: int) -> list[tuple]:
    """(label, value) lines describing an export: the XLSX "About" sheet and the PDF cover."""
    start, end = f"1 April {snapshot.year}", f"31 March {snapshot.year + 1}"
    lines: list[tuple[str, Any]] = [
        (
            "Reporting year",
            f"{financial_year(snapshot.year)} ({start} to {end}, by incident date; LCSPRs by "
            "the date the Panel considered them)",
        ),
        ("Version", snapshot.version),
        ("Computed at", _computed_at(snapshot)),
        ("Computed by", _computed_by(snapshot, public=public)),
        (
            "Export",
            "Public: small numbers suppressed"
            if public
            else "Internal: not suppressed, not for publication",
        ),
        ("Suppression", suppression_rule(public=public, threshold=threshold)),
    ]
    for key, value in snapshot.input_counts.items():
        lines.append((f"Input: {INPUT_COUNT_LABELS.get(key, key)}", value))
    left_out = internal_only_titles(snapshot) if public else []
    if left_out:
        lines.append(
            (
                "Not in this export",
                f"Internal only, left out of public exports: {'; '.join(left_out)}.",
            )
        )
    return lines


def export_tables(
    snapshot: StatisticsSnapshot, *, public: bool, threshold: int
) -> list[dict[str, Any]]:
    """The snapshot's tables as an export shows them: suppressed when public, and without the
    internal-only tables (the data quality by partnership: `internal_only_titles`)."""
    if not public:
        return list(snapshot.tables)
    return [suppress_table(t, threshold) for t in snapshot.tables if not t.get("internal")]


def internal_only_titles(snapshot: StatisticsSnapshot) -> list[str]:
    """The titles of the snapshot's tables that a public export leaves out."""
    return [t["title"] for t in snapshot.tables if t.get("internal")]


def _decimal(raw: Any) -> Decimal | None:
    if isinstance(raw, bool) or not isinstance(raw, (int, str)):
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


# --- XLSX ---------------------------------------------------------------------------------------

SHEET_NAME_LENGTH = 31
BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="F3F2F1")
ABOUT_SHEET = "About"


# Characters Excel refuses in a sheet name.
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# A title's report reference "(3.91-3.92)" and its closing reporting year(s), which the
# workbook's About sheet already gives.
TITLE_REFERENCE = re.compile(r"\s*\([^()]*\d\.\d+[^()]*\)")
TITLE_YEARS = re.compile(
    r"(?:,\s*|\s+)(?:for\s+)?(?:(?:April\s+)?\d{4}(?:/\d{2}| to (?:March\s+)?\d{4})?"
    r"(?:,?\s+and\s+)?)+$"
)


def sheet_title(title: str) -> str:
    """A table's title made short enough for a sheet name: without its report reference in
    brackets and its closing years, Excel's forbidden characters replaced, cut at a word
    boundary to 31 characters."""
    text = TITLE_REFERENCE.sub("", title)
    text = TITLE_YEARS.sub("", text).strip()
    text = SHEET_NAME_FORBIDDEN.sub(" ", text)
    text = " ".join(text.split())
    if len(text) > SHEET_NAME_LENGTH:
        cut = text[: SHEET_NAME_LENGTH + 1].rsplit(" ", 1)[0]
        text = cut if len(cut) >= 10 else text[:SHEET_NAME_LENGTH]
    # Excel refuses an apostrophe at either end (it quotes sheet names with them).
    return text.rstrip(" ,.;-\N{EN DASH}").strip("'") or "Table"


def sheet_names(titles: list[str]) -> list[str]:
    """Excel's sheet names for tables with these titles (sheet_title): at most 31 characters,
    none of []:*?/\\, unique (case-insensitive: " (2)", " (3)"... within the 31), and none
    called "About"."""
    names: list[str] = []
    taken = {ABOUT_SHEET.lower()}
    for title in titles:
        base = sheet_title(title)
        name, n = base, 2
        while name.lower() in taken:
            suffix = f" ({n})"
            name = base[: SHEET_NAME_LENGTH - len(suffix)].rstrip() + suffix
            n += 1
        taken.add(name.lower())
        names.append(name)
    return names


def sheets_by_table(tables: list[dict[str, Any]]) -> dict[str, str]:
    """Each table's sheet name in a workbook of these tables (in this order), by table id."""
    names = sheet_names([t["title"] for t in tables])
    return {t["id"]: name for t, name in zip(tables, names, strict=True)}


def _number_format(raw: str) -> str:
    places = len(raw.partition(".")[2])
    return "0." + "0" * places if places else "0"


def _write_figure(cell, figure: Figure) -> None:
    raw = figure.value
    number = _decimal(raw)
    if number is None:
        cell.value = figure.text
        cell.alignment = Alignment(horizontal="right")
    elif figure.is_count and isinstance(raw, int):
        cell.value = raw
        cell.number_format = "#,##0"
    else:
        text = str(raw)
        cell.value = float(number) if "." in text else int(number)
        cell.number_format = _number_format(text)


def _sheet_header(sheet, layout: TableLayout, *, top: int, sub: int) -> int:
    """Two header rows: each column's label (merged across its sub-columns) over its N and %
    (or statistic) sub-headers. Returns the last column used."""
    sheet.cell(top, 1, "").fill = HEADER_FILL
    sheet.cell(sub, 1, "").fill = HEADER_FILL
    col = 2
    for column in layout.columns:
        first = col
        sheet.cell(top, col, column.label)
        for label in column.subheaders:
            header = sheet.cell(sub, col, label)
            header.font = BOLD
            header.alignment = Alignment(horizontal="right")
            sheet.cell(top, col).fill = HEADER_FILL
            header.fill = HEADER_FILL
            col += 1
        if col - 1 > first:
            sheet.merge_cells(start_row=top, start_column=first, end_row=top, end_column=col - 1)
        label_cell = sheet.cell(top, first)
        label_cell.font = BOLD
        label_cell.alignment = Alignment(horizontal="center", wrap_text=True)
    return col - 1


def _sheet_rows(sheet, layout: TableLayout, *, first_row: int) -> int:
    """Group headings and rows, totals in bold. Returns the next free row."""
    r = first_row
    for group in layout.groups:
        if group.label:
            sheet.cell(r, 1, group.label).font = BOLD
            r += 1
        for row in group.rows:
            label = sheet.cell(r, 1, row.label)
            label.alignment = Alignment(indent=1 if group.label else 0, wrap_text=True)
            for j, figure in enumerate(row.cells):
                cell = sheet.cell(r, 2 + j)
                _write_figure(cell, figure)
                if row.bold:
                    cell.font = BOLD
            if row.bold:
                label.font = BOLD
            r += 1
    return r


def _table_sheet(sheet, table: dict[str, Any], *, public: bool, threshold: int) -> None:
    layout = table_layout(table)
    sheet["A1"] = layout.title
    sheet["A1"].font = TITLE_FONT
    if layout.denominators:
        sheet["A2"] = layout.denominators
        sheet["A2"].font = Font(italic=True)
    top, sub = 4, 5
    last_column = _sheet_header(sheet, layout, top=top, sub=sub)
    r = _sheet_rows(sheet, layout, first_row=sub + 1) + 1
    notes = layout.notes
    if public:
        notes.append(suppression_rule(public=True, threshold=threshold))
    else:
        notes.append(NOT_AVAILABLE_NOTE)
    for note in notes:
        sheet.cell(r, 1, note).alignment = Alignment(wrap_text=False)
        r += 1
    labels = [row.label for group in layout.groups for row in group.rows]
    labels += [group.label for group in layout.groups]
    sheet.column_dimensions["A"].width = min(max((len(x) for x in labels), default=20) + 4, 60)
    for j in range(2, last_column + 1):
        sheet.column_dimensions[get_column_letter(j)].width = 12
    sheet.row_dimensions[top].height = 30
    sheet.freeze_panes = sheet.cell(sub + 1, 2)


def tables_xlsx(
    title: str,
    about: list[tuple],
    tables: list[dict[str, Any]],
    *,
    public: bool,
    threshold: int,
    progress: Progress = _no_progress,
) -> bytes:
    """A workbook: an "About" sheet (the title, then `about`'s (label, value) lines and the
    list of sheets with each table's title and id), then one sheet per table (named by its
    title, sheet_names) formatted like the report.
    The tables are written as given: suppress them first for a public file."""
    names = list(sheets_by_table(tables).values())
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = ABOUT_SHEET
    sheet["A1"] = title
    sheet["A1"].font = TITLE_FONT
    r = 3
    for label, value in about:
        sheet.cell(r, 1, label).font = BOLD
        sheet.cell(r, 2, value).alignment = Alignment(wrap_text=True, vertical="top")
        r += 1
    r += 1
    sheet.cell(r, 1, "Sheet").font = BOLD
    sheet.cell(r, 2, "Table").font = BOLD
    sheet.cell(r, 3, "Table id").font = BOLD
    for name, table in zip(names, tables, strict=True):
        r += 1
        quoted = name.replace("'", "''")
        sheet.cell(r, 1, name).hyperlink = f"#'{quoted}'!A1"
        sheet.cell(r, 2, table["title"])
        sheet.cell(r, 3, table["id"])
    sheet.column_dimensions["A"].width = 48
    sheet.column_dimensions["B"].width = 100
    sheet.column_dimensions["C"].width = 32
    total = len(tables) + 1
    for i, (name, table) in enumerate(zip(names, tables, strict=True), start=1):
        progress(i - 1, total, f"Writing table {i} of {len(tables)}")
        _table_sheet(workbook.create_sheet(name), table, public=public, threshold=threshold)
    progress(len(tables), total, "Saving the spreadsheet")
    safe_workbook(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def snapshot_xlsx(
    snapshot: StatisticsSnapshot,
    *,
    public: bool,
    threshold: int,
    progress: Progress = _no_progress,
) -> bytes:
    """The snapshot as a workbook: an "About" sheet, then one sheet per table (named by its
    title) formatted like the report; `public` applies small-number suppression."""
    return tables_xlsx(
        document_title(snapshot),
        about_lines(snapshot, public=public, threshold=threshold),
        export_tables(snapshot, public=public, threshold=threshold),
        public=public,
        threshold=threshold,
        progress=progress,
    )


# --- PDF ----------------------------------------------------------------------------------------


# More data columns than this print in a smaller type, to fit the page's width.
PDF_WIDE_TABLE = 8


def _pdf_table(table: dict[str, Any]) -> dict[str, Any]:
    layout = table_layout(table)
    return {"layout": layout, "chart": chart_svg(table), "wide": layout.width > PDF_WIDE_TABLE}


def snapshot_pdf_html(
    snapshot: StatisticsSnapshot,
    *,
    public: bool,
    threshold: int,
    progress: Progress = _no_progress,
) -> str:
    """The document as HTML; `progress` hears of each table drawn (the PDF's steps are one per
    table, then laying out the document: `pdf_steps`)."""
    tables = export_tables(snapshot, public=public, threshold=threshold)
    total = pdf_steps(snapshot)
    drawn = []
    for i, table in enumerate(tables, start=1):
        progress(i - 1, total, f"Drawing table {i} of {len(tables)}")
        drawn.append(_pdf_table(table))
    progress(len(tables), total, "Laying out the PDF")
    return render_to_string(
        "analytics/annual_figures_pdf.html",
        {
            "title": document_title(snapshot),
            "not_available_note": NOT_AVAILABLE_NOTE,
            "snapshot": snapshot,
            "public": public,
            "threshold": threshold,
            "about": about_lines(snapshot, public=public, threshold=threshold),
            "suppression_rule": suppression_rule(public=public, threshold=threshold),
            "tables": drawn,
        },
    )


def pdf_steps(snapshot: StatisticsSnapshot) -> int:
    """The PDF's progress steps: one per table drawn, then laying out the document."""
    return len(snapshot.tables) + 1


def snapshot_pdf(
    snapshot: StatisticsSnapshot,
    *,
    public: bool,
    threshold: int,
    progress: Progress = _no_progress,
) -> bytes:
    """The "annual figures" document: a cover, then every table with its chart, A4."""
    html = snapshot_pdf_html(snapshot, public=public, threshold=threshold, progress=progress)
    return html_to_pdf(html)


# --- Stored copies ------------------------------------------------------------------------------
# A PDF or XLSX of a snapshot is made once per audience (and threshold) and then read from
# storage (encrypted at rest, like every stored file): a snapshot never changes. The worker
# makes them for the pages (analytics.export_files); the command shares the same copies.

# Bump when the document's template or charts change, so that stored copies are made again.
PDF_VERSION = 4
# Bump when the workbook's layout (sheets, names, formats) changes, for the same reason.
XLSX_VERSION = 3
LAYOUT_VERSIONS = {"pdf": PDF_VERSION, "xlsx": XLSX_VERSION}
STORED_FORMATS = tuple(LAYOUT_VERSIONS)


def stored_export_name(
    snapshot: StatisticsSnapshot, *, fmt: str, public: bool, threshold: int
) -> str:
    """Where the snapshot's `fmt` file is kept, per audience (and threshold, for the public
    one) and layout version: internal and public copies never share a name."""
    kind = f"public-{threshold}" if public else "internal"
    computed = f"{snapshot.computed_at:%Y%m%dT%H%M%S%f}" if snapshot.computed_at else ""
    return (
        f"statistics/{snapshot.year}/v{snapshot.version}-{snapshot.pk}-{computed}/"
        f"annual-figures-{kind}-r{LAYOUT_VERSIONS[fmt]}.{fmt}"
    )


def stored_pdf_name(snapshot: StatisticsSnapshot, *, public: bool, threshold: int) -> str:
    """Where the snapshot's PDF is kept, per audience (and threshold, for the public one)."""
    return stored_export_name(snapshot, fmt="pdf", public=public, threshold=threshold)


def snapshot_file_render(
    snapshot: StatisticsSnapshot,
    *,
    fmt: str,
    public: bool,
    threshold: int,
    progress: Progress = _no_progress,
) -> bytes:
    """Make the snapshot's PDF or XLSX (not stored), telling `progress` as it goes."""
    if fmt == "pdf":
        return snapshot_pdf(snapshot, public=public, threshold=threshold, progress=progress)
    if fmt == "xlsx":
        return snapshot_xlsx(snapshot, public=public, threshold=threshold, progress=progress)
    raise ValueError(f"No stored copy of {fmt!r}: one of {', '.join(STORED_FORMATS)}")


def snapshot_file_stored(
    snapshot: StatisticsSnapshot,
    *,
    fmt: str,
    public: bool,
    threshold: int,
    progress: Progress = _no_progress,
) -> tuple[str, bool]:
    """The stored name of the snapshot's `fmt` file, made first if there is none yet. Returns
    (name, whether this call made it)."""
    name = stored_export_name(snapshot, fmt=fmt, public=public, threshold=threshold)
    if default_storage.exists(name):
        return name, False
    content = snapshot_file_render(
        snapshot, fmt=fmt, public=public, threshold=threshold, progress=progress
    )
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:  # two first copies at once: keep one
        default_storage.delete(saved)
    return name, True


def snapshot_pdf_stored(
    snapshot: StatisticsSnapshot,
    *,
    public: bool,
    threshold: int,
    progress: Progress = _no_progress,
) -> bytes:
    """The snapshot's PDF, laid out once (WeasyPrint takes seconds) and then served from
    storage."""
    name, _ = snapshot_file_stored(
        snapshot, fmt="pdf", public=public, threshold=threshold, progress=progress
    )
    with default_storage.open(name, "rb") as handle:
        return handle.read()


# --- Files to download --------------------------------------------------------------------------

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
FORMATS = tuple(CONTENT_TYPES)


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    content_type: str
    filename: str


def snapshot_filename(snapshot: StatisticsSnapshot, *, fmt: str, public: bool) -> str:
    """e.g. annual-figures-2023-24-v3-public.csv"""
    years = f"{snapshot.year}-{(snapshot.year + 1) % 100:02d}"
    kind = "public" if public else "internal"
    return f"annual-figures-{years}-v{snapshot.version}-{kind}.{fmt}"


def snapshot_export(
    *,
    snapshot: StatisticsSnapshot,
    fmt: str,
    public: bool,
    by: User | None,
    threshold: int | None = None,
    actor_username: str = "",
    progress: Progress = _no_progress,
) -> ExportFile:
    """A snapshot in one format (csv, xlsx, pdf), public (suppressed) or internal, recorded in
    the audit trail as an export by `by`, made in this process (the command; the pages make
    PDF and XLSX on a worker, analytics.export_files). The threshold defaults to the setting.
    The PDF and the XLSX are the stored copies the worker makes and serves too."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"Unknown export format {fmt!r}: one of {', '.join(FORMATS)}")
    if threshold is None:
        threshold = settings.STATISTICS_SUPPRESSION_THRESHOLD
    if fmt == "csv":
        content = snapshot_csv(snapshot, public=public, threshold=threshold).encode("utf-8")
    else:
        name, _ = snapshot_file_stored(
            snapshot, fmt=fmt, public=public, threshold=threshold, progress=progress
        )
        with default_storage.open(name, "rb") as handle:
            content = handle.read()
    kind = "public" if public else "internal"
    audit_log(
        actor=by,
        action=AuditAction.EXPORT,
        obj=snapshot,
        changes={"format": fmt, "public": public, "threshold": threshold if public else None},
        message=f"Exported {snapshot} as {kind} {fmt.upper()}",
        actor_username=actor_username,
    )
    return ExportFile(
        content=content,
        content_type=CONTENT_TYPES[fmt],
        filename=snapshot_filename(snapshot, fmt=fmt, public=public),
    )


# --- One table of a snapshot (its page's downloads) ---------------------------------------------

TABLE_FORMATS = ("csv", "xlsx")


def table_filename(snapshot: StatisticsSnapshot, table_id: str, *, fmt: str, public: bool) -> str:
    """e.g. annual-figures-2023-24-v3-timeliness-public.csv"""
    stem = snapshot_filename(snapshot, fmt=fmt, public=public).rsplit("-", 1)[0]
    kind = "public" if public else "internal"
    return f"{stem}-{table_id}-{kind}.{fmt}"


def table_export(
    *,
    snapshot: StatisticsSnapshot,
    table_id: str,
    fmt: str,
    public: bool,
    by: User | None,
    threshold: int | None = None,
) -> ExportFile:
    """One table of a snapshot as CSV (its lines of the tidy CSV) or XLSX (the About sheet and
    its sheet), public (suppressed) or internal, recorded in the audit trail as an export by
    `by`. KeyError if the snapshot has no such table."""
    if fmt not in TABLE_FORMATS:
        raise ValueError(f"Unknown table export format {fmt!r}: one of {', '.join(TABLE_FORMATS)}")
    table = snapshot.table(table_id)
    if table is None or (public and table.get("internal")):
        # An internal-only table is never in a public file (export_tables).
        raise KeyError(table_id)
    if threshold is None:
        threshold = settings.STATISTICS_SUPPRESSION_THRESHOLD
    shown = suppress_table(table, threshold) if public else table
    if fmt == "csv":
        content = tables_csv([shown]).encode("utf-8")
    else:
        content = tables_xlsx(
            f"{document_title(snapshot)}: {table['title']}",
            about_lines(snapshot, public=public, threshold=threshold),
            [shown],
            public=public,
            threshold=threshold,
        )
    kind = "public" if public else "internal"
    audit_log(
        actor=by,
        action=AuditAction.EXPORT,
        obj=snapshot,
        changes={
            "format": fmt,
            "public": public,
            "threshold": threshold if public else None,
            "table": table_id,
        },
        message=f"Exported {table_id} of {snapshot} as {kind} {fmt.upper()}",
    )
    return ExportFile(
        content=content,
        content_type=CONTENT_TYPES[fmt],
        filename=table_filename(snapshot, table_id, fmt=fmt, public=public),
    )
