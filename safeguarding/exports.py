"""Exports that a spreadsheet cannot be made to run: a text cell starting with `=`, `+`, `-`,
`@`, a tab or a carriage return would be read by Excel or LibreOffice as a formula (OWASP's
"CSV injection"), so it is prefixed with a single quote. Numbers stay numbers (a negative
number is a number, not a formula), and so does text that is only a number. Every CSV and XLSX
the service writes goes through `safe_cell` (CSV rows) or `safe_workbook` (a whole workbook)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """The value, with text that a spreadsheet would run as a formula made inert."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return f"'{value}"
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]


def safe_workbook(workbook: Any) -> Any:
    """Every text cell of an openpyxl workbook made inert (openpyxl itself stores text that
    starts with `=` as a formula)."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    safe = safe_cell(cell.value)
                    if safe is not cell.value:
                        cell.value = safe
                        cell.data_type = "s"
    return workbook
