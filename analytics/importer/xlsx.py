"""Reading an uploaded workbook without letting it exhaust the server. A 1.4 KB workbook with
one cell at XFD1048576 once grew a worker to 22 GB: openpyxl, in its normal mode, builds every
cell of the range. Here the file is checked as a zip first (its uncompressed size, before
anything is inflated: a zip bomb is refused unopened), then opened read-only, its sheet's
declared size checked, and its rows read one at a time with both bounds given, so that no range
larger than the limits is ever walked and no more than a row is held. Anything openpyxl cannot
read is a message for the person who uploaded the file, never a 500."""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Iterator
from typing import IO, Any

from django.conf import settings
from openpyxl import load_workbook

logger = logging.getLogger(__name__)

# Encrypted (password-protected) workbooks and old .xls files are OLE2 compound files.
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_ZIP_ENTRIES = 1_000

NOT_A_WORKBOOK = "The file is not an Excel (.xlsx) workbook that can be read"
ENCRYPTED = (
    "The workbook is protected with a password, or is an old Excel (.xls) file: save it as an "
    "Excel (.xlsx) workbook without a password and upload it again"
)


class WorkbookRefused(ValueError):
    """The workbook cannot or will not be read; the message says why, for its uploader."""


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def _check_zip(file: IO[bytes]) -> None:
    """Refuse what is not a workbook, or would inflate past the limit, before openpyxl opens
    it (from the zip's directory: nothing is decompressed here)."""
    file.seek(0)
    if file.read(len(OLE2_SIGNATURE)) == OLE2_SIGNATURE:
        raise WorkbookRefused(ENCRYPTED)
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise WorkbookRefused(NOT_A_WORKBOOK) from exc
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" not in names and "[Content_Types].xml" not in names:
        raise WorkbookRefused(NOT_A_WORKBOOK)
    limit = settings.IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES
    if len(entries) > MAX_ZIP_ENTRIES or sum(entry.file_size for entry in entries) > limit:
        raise WorkbookRefused(
            f"The workbook is too large: unpacked it is more than {_megabytes(limit)}. Save "
            "only the sheet of records, or split it into smaller files"
        )
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise WorkbookRefused(ENCRYPTED)


def _too_many(what: str, limit: int) -> WorkbookRefused:
    return WorkbookRefused(
        f"The sheet has more than {limit:,} {what}: the most one import takes. Split the "
        "records into smaller files, or delete empty rows and columns after the records"
    )


def _check_size(sheet: Any, max_rows: int, max_columns: int) -> None:
    """The sheet's declared size (its <dimension ref="...">), where it gives one: at most
    `max_rows` records after the header row."""
    if sheet.max_row is not None and sheet.max_row > max_rows + 1:
        raise _too_many("rows", max_rows)
    if sheet.max_column is not None and sheet.max_column > max_columns:
        raise _too_many("columns", max_columns)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read(file: IO[bytes], max_rows: int, max_columns: int) -> Iterator[tuple[Any, ...]]:
    file.seek(0)
    workbook = load_workbook(file, read_only=True, data_only=True)
    try:
        if not workbook.worksheets:
            raise WorkbookRefused("The workbook has no sheets: put the records on its first sheet")
        sheet = workbook.worksheets[0]
        _check_size(sheet, max_rows, max_columns)
        # One more row and column than allowed, to see whether the sheet goes past them: the
        # declared size may be missing or wrong. `max_rows` records, after the header row.
        for number, cells in enumerate(
            sheet.iter_rows(
                min_row=1, max_row=max_rows + 2, max_col=max_columns + 1, values_only=True
            ),
            start=1,
        ):
            if number > max_rows + 1:
                raise _too_many("rows", max_rows)
            if len(cells) > max_columns and not _blank(cells[max_columns]):
                raise _too_many("columns", max_columns)
            yield tuple(cells[:max_columns])
    finally:
        workbook.close()


def xlsx_rows_declared(file: IO[bytes]) -> int | None:
    """The records (rows after the header) the first sheet says it has, from its declared
    size; None when it declares none or cannot be read (the import says why)."""
    try:
        _check_zip(file)
        file.seek(0)
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # the import reports an unreadable file; an estimate has nothing to say
        return None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        return max(sheet.max_row - 1, 0) if sheet is not None and sheet.max_row else None
    except Exception:
        return None
    finally:
        workbook.close()
        file.seek(0)


def read_xlsx(file: IO[bytes]) -> Iterator[tuple[Any, ...]]:
    """Every row of the workbook's first sheet, one at a time, as values (formulas' cached
    results). `file` is a seekable binary file."""
    _check_zip(file)
    try:
        yield from _read(file, settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_COLUMNS)
    except WorkbookRefused:
        raise
    except Exception as exc:
        # openpyxl raises whatever its XML and zip readers raise (KeyError, ParseError,
        # TypeError, ...) for a damaged file: all of them mean the same to the uploader.
        logger.info("Unreadable workbook refused: %r", exc)
        raise WorkbookRefused(NOT_A_WORKBOOK) from exc
