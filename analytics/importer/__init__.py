"""Import of historic records (issue 7, point 6; DOMAIN.md §6): one row per incident, from a
CSV (UTF-8, with or without a byte order mark) or XLSX file, becomes a submitted SIN with its
child in focus, the partnership's submitted rapid review and the Panel's decision, so that
the Panel can load earlier years and other systems' data and count them with the rest.

The columns (`COLUMNS`, any order, each exactly once, nothing else): the SIN's
`local_authority` (ONS code or name), `incident_date`, `date_aware`, `notified_at`,
`reason`, `abuse_or_neglect`, `children_count`, `imd_decile`; the rapid review's
`rr_submitted_at`, `page_count`, `lcspr_decision`, every coded field of DOMAIN.md §4 under its
`RapidReview` name (`sex` and `age_years` are also the child in focus's on the SIN, so they
are always needed), `theme_<code>` and `good_practice_<code>` (yes/no) for each learning
theme; then `panel_decision` and `panel_decided_at`. Values are the DOMAIN.md codes or their
labels, in any case; dates are YYYY-MM-DD or DD/MM/YYYY (or date cells), and the three
`…_at` columns may have a time too (a date alone is midnight, UK time).

A blank cell means not applicable or not known (DOMAIN.md §6). A row whose rapid-review
columns are all blank has no review yet; one whose `panel_decision` is blank has no decision.
Otherwise each row is judged by the same rules as the forms (`notifications.rules`,
`rapidreviews.rules`) plus the cross-field checks a file needs (dates in order, codes valid,
a cause of death only for a death and required for one, questions asked only at the ages
they apply to), with DOMAIN.md §6's relaxations: a late SIN needs no reason (stored as not
given), and the review's LCSPR rationale, narrative and document, which no file holds, are
left blank. Every problem is reported at once as (row, column, value, reason), rows numbered
as a spreadsheet shows them (the header is row 1); a header with a missing, unknown or
repeated column is reported alone, since the rows cannot be read until it is right.

All or nothing, in one transaction; a dry run goes through the same writes and rolls them
back, so that it reports exactly what an import would do. Importing the same file again adds
nothing: see `import_key`. Rows already imported whose other values now differ are reported
as warnings (see `ImportResult.warnings`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.models import Notification
from panel.services import panel_stage_refresh
from rapidreviews.models import RapidReview
from safeguarding.audit import audit_log
from safeguarding.calendars import england_calendar
from safeguarding.models import AuditAction, User

from .check import (
    authority_lookup,
    check_row,
    differences,
    header_problems,
    import_key,
    row_problems,
)
from .create import SYSTEM_USERNAME, record_create, records_import_system_user
from .parse import (
    COLUMNS,
    KEY_COLUMNS,
    CellError,
    Row,
    RowProblem,
    blank,
    parse_date,
    parse_datetime,
    parse_row,
    parse_yes_no,
    read_cells,
    shown,
)

# What views, commands and tests use; the rest is the package's own.
__all__ = [
    "COLUMNS",
    "SYSTEM_USERNAME",
    "CellError",
    "ImportResult",
    "RowProblem",
    "import_key",
    "parse_date",
    "parse_datetime",
    "parse_yes_no",
    "records_import",
    "records_import_system_user",
]


@dataclass(frozen=True)
class ImportResult:
    """What an import did, or would do (`dry_run`). With `errors`, nothing was written."""

    filename: str
    dry_run: bool
    rows: int = 0
    added: int = 0
    already_imported: int = 0
    errors: list[RowProblem] = field(default_factory=list)
    # Rows already imported whose other values differ from the record: skipped, never applied
    # (the record may have been amended in the service since), and listed column by column.
    warnings: list[RowProblem] = field(default_factory=list)
    references: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _FileRejected(Exception):
    """The file cannot be imported: its problems, reported alone."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(problems)
        self.problems = problems


def records_import(*, file: IO, filename: str, by: User | None, dry_run: bool) -> ImportResult:
    """Import historic records from a CSV or XLSX file (see the module's docstring for the
    columns and rules). Returns what was done; with `errors`, nothing was written. `by` is the
    person importing (None: the system account, `records_import_system_user`); one audit
    event records the import (who, the file's name, the counts). A dry run checks everything
    and makes the same writes, then rolls them all back."""
    result = ImportResult(filename=filename, dry_run=dry_run)
    try:
        rows = _checked_rows(file, filename)
    except _FileRejected as rejected:
        return _with(result, errors=rejected.problems)
    _mark_repeated_incidents(rows)
    result = _with(result, rows=len(rows), errors=row_problems(rows))
    if result.errors:
        return result

    existing = _already_imported(rows)
    warnings = [
        problem
        for row in rows
        if row.key in existing
        for problem in differences(row, existing[row.key])
    ]
    new_rows = sorted(
        (row for row in rows if row.key not in existing),
        key=lambda row: (row.values["notified_at"], row.number),
    )
    try:
        return _write(result, new_rows, warnings=warnings, by=by)
    except IntegrityError:
        # Another import of the same rows committed first: running this again skips them.
        return _with(
            result,
            errors=[
                RowProblem(
                    0,
                    "",
                    filename,
                    "Another import added some of these records at the same time: nothing was "
                    "imported from this file. Import it again to add the rest.",
                )
            ],
        )


def _checked_rows(file: IO, filename: str) -> list[Row]:
    """Every non-blank row of the file, parsed and judged; the file rejected as a whole when
    it cannot be read, is empty, or its header is wrong (the rows cannot be read until it is
    right)."""
    try:
        cells = read_cells(file, filename)
    except CellError as exc:
        raise _FileRejected([RowProblem(0, "", filename, str(exc))]) from exc
    if not cells:
        raise _FileRejected([RowProblem(1, "", "", "The file is empty")])
    header = [shown(name).replace("\ufeff", "").strip().lower() for name in cells[0]]
    while header and not header[-1]:
        header.pop()  # empty cells after the last column, as spreadsheets save them
    problems = header_problems(header)
    if problems:
        raise _FileRejected(problems)

    now = timezone.now()
    authorities = authority_lookup()
    rows: list[Row] = []
    for number, cells_of_row in enumerate(cells[1:], start=2):
        if all(blank(cell) for cell in cells_of_row):
            continue  # blank lines, e.g. at the end of a file saved from a spreadsheet
        raw = dict(zip(header, cells_of_row, strict=False))
        extra = [cell for cell in cells_of_row[len(header) :] if not blank(cell)]
        row = parse_row(number, raw)
        if extra:
            row.add("", "The row has more cells than the header has columns")
        check_row(row, authorities=authorities, now=now)
        rows.append(row)
    if not rows:
        raise _FileRejected([RowProblem(2, "", "", "The file has no rows after the header")])
    return rows


def _mark_repeated_incidents(rows: list[Row]) -> None:
    """Give each row whose identifying columns can be read its import key; a second row with
    the key of an earlier one is the same incident twice, a problem on the later row."""
    first_with_key: dict[str, Row] = {}
    for row in rows:
        if row.ok(*KEY_COLUMNS):
            row.key = import_key(row.values)
            earlier = first_with_key.setdefault(row.key, row)
            if earlier is not row:
                row.add(
                    "",
                    f"The same incident as row {earlier.number} (the same local authority, "
                    "dates, reason, sex and age): remove one of them",
                )


def _already_imported(rows: list[Row]) -> dict[str, Notification]:
    """The records imported before from any of these rows, by import key, with what
    `differences` compares."""
    return {
        notification.import_key: notification
        for notification in Notification.objects.filter(import_key__in=[row.key for row in rows])
        .select_related("local_authority", "rapid_review")
        .prefetch_related("children", "rapid_review__themes", "rapid_review__panel_decisions")
    }


def _write(
    result: ImportResult, new_rows: list[Row], *, warnings: list[RowProblem], by: User | None
) -> ImportResult:
    """Create the new rows' records and audit the import, in one transaction (rolled back for
    a dry run). Raises IntegrityError when another import added the same records first."""
    with transaction.atomic():
        actor = by or records_import_system_user()
        calendar = england_calendar()
        references = [record_create(row, by=actor, calendar=calendar).reference for row in new_rows]
        # Imported reviews and decisions were inserted directly: store their Panel stage.
        panel_stage_refresh(
            reviews=RapidReview.objects.filter(notification__reference__in=references)
        )
        result = _with(
            result,
            added=len(new_rows),
            already_imported=result.rows - len(new_rows),
            warnings=warnings,
            references=references,
        )
        audit_log(
            actor=actor,
            action=AuditAction.CREATE,
            changes={
                "file": result.filename,
                "rows": result.rows,
                "added": result.added,
                "already_imported": result.already_imported,
                "differing": len({problem.row for problem in warnings}),
            },
            message=f"Historic records imported from {result.filename}",
        )
        if result.dry_run:
            transaction.set_rollback(True)
    return result


def _with(result: ImportResult, **changes: Any) -> ImportResult:
    return replace(result, **changes)
