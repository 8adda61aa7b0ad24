"""Import of historic records (issue 7, point 6; DOMAIN.md §6): one row per incident, from a
CSV (UTF-8, with or without a byte order mark) or XLSX file, becomes a submitted SIN with its
child in focus, the partnership's submitted rapid review and the Panel's decision, so that
the Panel can load earlier years and other systems' data and count them with the rest.

The columns (`COLUMNS`, any order, each at most once): the SIN's `local_authority`
(ONS code or name), `incident_date`, `date_aware`, `notified_at`, `reason`, `abuse_or_neglect`,
`children_count`, `imd_decile`; the rapid review's `rr_submitted_at`, `page_count`,
`lcspr_decision`, every coded field of DOMAIN.md §4 under its `RapidReview` name (`sex` and
`age_years` are also the child in focus's on the SIN, so they are always needed), `theme_<code>`
and `good_practice_<code>` (yes/no) for each learning theme; then `panel_decision` and
`panel_decided_at`. Optional columns (`OPTIONAL_COLUMNS`, issues 16 and 19), which a file may
leave out (read as blank): the optional cross-cutting themes' `theme_<code>` and
`good_practice_<code>`; the SIN child's statutory answers `sin_ethnicity`, `sin_disability`,
`sin_child_in_need`, `sin_child_protection_plan`, `sin_looked_after`, `sin_care_order` (codes
or labels) and `sin_home_local_authority` (ONS code or name, not the notifying authority);
and where and how the incident happened, `incident_time` (14:30), `incident_location`,
`incident_local_authority` (ONS code or name, only for elsewhere_england),
`incident_place_outside_england`, `incident_setting`, `incident_setting_other`,
`agencies_involved` (codes or labels separated by commas), `police_involvement`,
`criminal_proceedings`, `media_interest`. Values are the DOMAIN.md codes or their labels, in
any case; dates are YYYY-MM-DD or DD/MM/YYYY (or date cells), and the three `…_at` columns may
have a time too (a date alone is midnight, UK time).

A blank cell means not applicable or not known (DOMAIN.md §6). A row whose rapid-review
columns are all blank has no review yet; one whose `panel_decision` is blank has no decision.
Otherwise each row is judged by the same rules as the forms (`notifications.rules`,
`rapidreviews.rules`) plus the cross-field checks a file needs (dates in order, codes valid,
a cause of death only for a death and required for one, questions asked only at the ages
they apply to), with DOMAIN.md §6's relaxations: a late SIN needs no reason (stored as not
given), and the review's LCSPR rationale, narrative and document, which no file holds, are
left blank. Every problem is reported at once as (row, column, value, reason), rows numbered
as a spreadsheet shows them (the header is row 1); a header with a missing required, unnamed or
repeated column is reported alone, since the rows cannot be read until it is right. A column
the import does not know is a warning (issue 19): it is ignored, and the rows are imported.

All or nothing, in one transaction; a dry run goes through the same writes and rolls them
back, so that it reports exactly what an import would do. The file is streamed: read a row at a
time (a CSV as it is decoded, an XLSX through openpyxl's read-only mode), each row judged once,
as it is read, and the valid ones written in chunks of `CHUNK_ROWS` with one bulk insert per
table; after the first problem nothing more is written, the rest of the file is still judged,
and everything is rolled back. The SINs' references, numbered in order of notification within
each year, are given at the end: one block per year reserved with one statement
(`notifications.services.reference_block`), so that the sequence is locked only briefly
before the import commits. Importing the same file again adds
nothing: see `import_key`. Rows already imported whose other values now differ are reported
as warnings (see `ImportResult.warnings`).
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import IO, Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from notifications.models import Notification
from notifications.services import reference_block, reference_format
from safeguarding.audit import audit_log
from safeguarding.calendars import england_calendar
from safeguarding.models import AuditAction, User

from .check import (
    authority_lookup,
    check_row,
    differences,
    header_problems,
    header_warnings,
    import_key,
    row_problems,
)
from .create import SYSTEM_USERNAME, records_create, records_import_system_user
from .parse import (
    COLUMNS,
    KEY_COLUMNS,
    OPTIONAL_COLUMNS,
    CellError,
    Row,
    RowProblem,
    blank,
    local_day,
    parse_date,
    parse_datetime,
    parse_row,
    parse_yes_no,
    read_cells,
    rows_estimate,
    shown,
)

# What views, commands and tests use; the rest is the package's own.
__all__ = [
    "COLUMNS",
    "OPTIONAL_COLUMNS",
    "SYSTEM_USERNAME",
    "CellError",
    "ImportProgress",
    "ImportResult",
    "RowProblem",
    "import_key",
    "parse_date",
    "parse_datetime",
    "parse_yes_no",
    "records_import",
    "records_import_system_user",
    "rows_estimate",
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


@dataclass(frozen=True)
class ImportProgress:
    """How far an import has gone, told to its `progress` callback every `PROGRESS_ROWS` rows
    and at each change of phase: `checking` while rows are read and judged (and, while none
    has a problem, written in chunks), `importing` once every row is judged and the last
    chunk, the references and the commit remain. `rows_imported` counts the records written so
    far (in the import's transaction, so nobody else sees them until it commits; in a dry run,
    those that would be)."""

    phase: str
    rows_checked: int
    rows_imported: int
    problems: int


Progress = Callable[[ImportProgress], None]
CHECKING, IMPORTING = "checking", "importing"


class _FileRejected(Exception):
    """The file cannot be imported: its problems, reported alone."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(problems)
        self.problems = problems


# Valid rows written at once: one bulk insert a table per chunk.
CHUNK_ROWS = 1_000
# Progress is told this often (rows checked): a callback's cost is nothing per row.
PROGRESS_ROWS = 1_000
PREFIX = "SIN"
# References set by one UPDATE.
REFERENCES_AT_ONCE = 5_000


def records_import(
    *,
    file: IO,
    filename: str,
    by: User | None,
    dry_run: bool,
    progress: Progress | None = None,
) -> ImportResult:
    """Import historic records from a CSV or XLSX file (see the module's docstring for the
    columns and rules). Returns what was done; with `errors`, nothing was written. `by` is the
    person importing (None: the system account, `records_import_system_user`); one audit
    event records the import (who, the file's name, the counts). A dry run checks everything
    and makes the same writes, then rolls them all back. `progress`, if given, is told how far
    the import has gone (`ImportProgress`) every `PROGRESS_ROWS` rows: it runs inside the
    import's transaction, so it must report through something else than this database
    connection (the web's jobs use the cache, the command a progress bar)."""
    result = ImportResult(filename=filename, dry_run=dry_run)
    run = _Run(by=by, progress=progress)
    try:
        with transaction.atomic():
            _read_rows(file, filename, run)
            if run.problems:
                raise _RowsRejected
            run.tell(IMPORTING)
            references = run.finish()
            run.tell(IMPORTING)  # every record written
            result = _with(
                result,
                rows=run.rows,
                added=len(references),
                already_imported=run.rows - len(references),
                warnings=[*run.header_warnings, *run.warnings],
                references=references,
            )
            audit_log(
                actor=run.actor(),
                action=AuditAction.CREATE,
                changes={
                    "file": result.filename,
                    "rows": result.rows,
                    "added": result.added,
                    "already_imported": result.already_imported,
                    "differing": len({problem.row for problem in result.warnings}),
                },
                message=f"Historic records imported from {result.filename}",
            )
            if result.dry_run:
                transaction.set_rollback(True)
    except _FileRejected as rejected:
        return _with(result, errors=rejected.problems, warnings=run.header_warnings)
    except _RowsRejected:
        return _with(result, rows=run.rows, errors=run.problems, warnings=run.header_warnings)
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
    return result


class _RowsRejected(Exception):
    """Some rows have problems (`_Run.problems`): nothing is imported."""


def _read_rows(file: IO, filename: str, run: _Run) -> None:
    """Every non-blank row of the file, parsed, judged and handed to the run as it is read;
    the file rejected as a whole when it cannot be read, is empty, or its header is wrong (the
    rows cannot be read until it is right)."""
    cells = read_cells(file, filename)
    try:
        first = next(cells, None)
        if first is None:
            raise _FileRejected([RowProblem(1, "", "", "The file is empty")])
        header = [shown(name).replace("\ufeff", "").strip().lower() for name in first]
        while header and not header[-1]:
            header.pop()  # empty cells after the last column, as spreadsheets save them
        run.header_warnings = header_warnings(header)
        problems = header_problems(header)
        if problems:
            for _ in cells:
                pass  # a file that cannot be read is reported first, and alone
            raise _FileRejected(problems)
        run.tell(CHECKING)
        for number, cells_of_row in enumerate(cells, start=2):
            if all(blank(cell) for cell in cells_of_row):
                continue  # blank lines, e.g. at the end of a file saved from a spreadsheet
            raw = dict(zip(header, cells_of_row, strict=False))
            extra = [cell for cell in cells_of_row[len(header) :] if not blank(cell)]
            row = parse_row(number, raw)
            if extra:
                row.add("", "The row has more cells than the header has columns")
            run.take(row)
        run.tell(CHECKING)  # every row read
    except CellError as exc:
        raise _FileRejected([RowProblem(0, "", filename, str(exc))]) from exc
    finally:
        cells.close()
    if not run.rows:
        raise _FileRejected([RowProblem(2, "", "", "The file has no rows after the header")])


class _Run:
    """One import as its rows go by: each row judged (`take`), the valid ones written in chunks
    while no row has a problem, and the references given at the end (`finish`). What it keeps
    for the whole file is small: each row's import key (to find the same incident twice) and,
    for each record written, its id and when it was notified (to number it)."""

    def __init__(self, *, by: User | None, progress: Progress | None = None) -> None:
        self.by = by
        self.progress = progress
        self.header_warnings: list[RowProblem] = []
        self.imported = 0
        self._actor: User | None = None
        self.now = timezone.now()
        self.authorities = authority_lookup()
        self.calendar = england_calendar()
        self.rows = 0
        self.problems: list[RowProblem] = []
        self.warnings: list[RowProblem] = []
        self.first_row_with_key: dict[str, int] = {}
        self.pending: list[Row] = []
        # {year notified: [(notified_at, row number, notification id)]}
        self.written: dict[int, list[tuple[datetime, int, int]]] = defaultdict(list)
        # Unique, within the 20 characters of a reference, until the real one is given.
        self.placeholder = f"~{secrets.token_hex(4)}-"

    def actor(self) -> User:
        if self._actor is None:
            self._actor = self.by or records_import_system_user()
        return self._actor

    def tell(self, phase: str) -> None:
        if self.progress is not None:
            self.progress(
                ImportProgress(
                    phase=phase,
                    rows_checked=self.rows,
                    rows_imported=self.imported,
                    problems=len(self.problems),
                )
            )

    def take(self, row: Row) -> None:
        self.rows += 1
        if self.progress is not None and self.rows % PROGRESS_ROWS == 0:
            self.tell(CHECKING)
        check_row(row, authorities=self.authorities, now=self.now)
        self._mark_repeated(row)
        if row.errors:
            self.problems += row_problems([row])
            self.pending.clear()  # nothing more is written: the import will be refused
        elif not self.problems:
            self.pending.append(row)
            if len(self.pending) >= CHUNK_ROWS:
                self._write_pending()

    def _mark_repeated(self, row: Row) -> None:
        """Give the row its import key when its identifying columns can be read; a row with
        the key of an earlier one is the same incident twice, a problem on the later row."""
        if not row.ok(*KEY_COLUMNS):
            return
        row.key = import_key(row.values)
        earlier = self.first_row_with_key.setdefault(row.key, row.number)
        if earlier != row.number:
            row.add(
                "",
                f"The same incident as row {earlier} (the same local authority, dates, "
                "reason, sex and age): remove one of them",
            )

    def _write_pending(self) -> None:
        """The pending rows not imported before, written; the others compared with their
        records (differences are warnings)."""
        rows, self.pending = self.pending, []
        if not rows:
            return
        existing = _already_imported(rows)
        self.warnings += [
            problem
            for row in rows
            if row.key in existing
            for problem in differences(row, existing[row.key])
        ]
        new_rows = [row for row in rows if row.key not in existing]
        if not new_rows:
            return
        notification_ids = records_create(
            new_rows,
            references=[f"{self.placeholder}{row.number}" for row in new_rows],
            by=self.actor(),
            calendar=self.calendar,
        )
        self.imported += len(notification_ids)
        for row, pk in zip(new_rows, notification_ids, strict=True):
            notified_at = row.values["notified_at"]
            year = local_day(notified_at).year
            self.written[year].append((notified_at, row.number, pk))

    def finish(self) -> list[str]:
        """Write the last chunk and give every record written its reference: numbered in
        order of notification (then of rows) within the year notified, from one block of
        numbers a year. Returns the references in that order."""
        self._write_pending()
        references: list[str] = []
        for year in sorted(self.written):
            written = sorted(self.written[year])
            first = reference_block(PREFIX, year, len(written))
            given = [
                (pk, reference_format(PREFIX, year, first + index))
                for index, (_, _, pk) in enumerate(written)
            ]
            _references_set(given)
            references += [reference for _, reference in given]
        return references


def _references_set(given: list[tuple[int, str]]) -> None:
    """Set each record's reference: one UPDATE a chunk (from arrays on PostgreSQL)."""
    for start in range(0, len(given), REFERENCES_AT_ONCE):
        chunk = given[start : start + REFERENCES_AT_ONCE]
        if connection.vendor == "postgresql":
            table = connection.ops.quote_name(Notification._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET reference = given.reference "  # noqa: S608 (names are ours)
                    "FROM unnest(%s::bigint[], %s::text[]) AS given(id, reference) "
                    f"WHERE {table}.id = given.id",
                    [[pk for pk, _ in chunk], [reference for _, reference in chunk]],
                )
        else:
            Notification.objects.bulk_update(
                [Notification(pk=pk, reference=reference) for pk, reference in chunk],
                ["reference"],
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


def _with(result: ImportResult, **changes: Any) -> ImportResult:
    return replace(result, **changes)
