"""How a stored table is laid out, written once for the statistics pages, the XLSX workbook and
the PDF document: which sub-columns each column shows (N, and a second figure: a percentage or
a statistic), the rows' figures in that order, and which rows are in bold. Pure functions of
the stored tables (analytics.engine's output); nothing is computed from records here.

A stored cell is {"n", "pct"} and, for a statistic (a rate, a mean, a length), "value": the
statistic itself, with `n` the number of records it is computed from. The second figure of a
cell is its statistic if it has one, else its percentage: the CSV's `pct` column holds the same
(analytics.exports).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .suppression import SUPPRESSED

ROW_KINDS_IN_BOLD = frozenset({"total", "subtotal"})
# Printed for a figure that is not available or not applicable: in the exports and on the
# pages (which say "not available" to a screen reader).
NOT_AVAILABLE = "x"
# What `x` and 0 mean, in every export and on the pages.
NOT_AVAILABLE_NOTE = (
    "x: not available (for example, no records for that year) or not applicable; 0 is a true zero."
)
COUNT_HEADER = "N"


def second_figure(cell: dict[str, Any]) -> Any:
    """The second figure of a cell: its statistic if it has one, else its percentage."""
    value = cell.get("value")
    return value if value is not None else cell.get("pct")


def figure_text(raw: Any, *, is_count: bool) -> str:
    """A figure as an export prints it: a count with thousands separators, a percentage or
    statistic as stored ("48.8"), `c` suppressed, `x` not available."""
    if raw is None:
        return NOT_AVAILABLE
    if raw == SUPPRESSED:
        return SUPPRESSED
    if is_count and isinstance(raw, int):
        return f"{raw:,}"
    return str(raw)


@dataclass(frozen=True)
class ColumnLayout:
    label: str
    is_total: bool
    show_n: bool
    # The second figure under a column: "%" for percentages, "Rate" or "Value" for statistics,
    # "% or value" when the column holds both (e.g. a share and a mean in one group).
    second: str | None

    @property
    def span(self) -> int:
        return int(self.show_n) + int(self.second is not None)

    @property
    def subheaders(self) -> tuple[str, ...]:
        """The sub-columns' headers, in order: ("N", "%"), ("N",), ("Rate",)…"""
        return ((COUNT_HEADER,) if self.show_n else ()) + (
            (self.second,) if self.second is not None else ()
        )


@dataclass(frozen=True)
class Figure:
    """One figure of a row, under one sub-column: a count (N) or a second figure."""

    value: Any
    is_count: bool

    @property
    def text(self) -> str:
        return figure_text(self.value, is_count=self.is_count)


@dataclass(frozen=True)
class RowLayout:
    label: str
    bold: bool
    cells: tuple[Figure, ...]


@dataclass(frozen=True)
class GroupLayout:
    label: str
    rows: tuple[RowLayout, ...]


@dataclass(frozen=True)
class TableLayout:
    table: dict[str, Any]
    columns: tuple[ColumnLayout, ...]
    groups: tuple[GroupLayout, ...]
    has_statistics: bool

    @property
    def id(self) -> str:
        return self.table["id"]

    @property
    def title(self) -> str:
        return self.table["title"]

    @property
    def chapter(self) -> str:
        """The heading of the part the table belongs to ("" for none, and in snapshots stored
        before chapters existed)."""
        return self.table.get("chapter") or ""

    @property
    def denominators(self) -> str:
        """The table's percentage rule (none for the regions and themes, whose columns say
        what each figure is)."""
        return self.table.get("denominators") or ""

    @property
    def notes(self) -> list[str]:
        return list(self.table.get("notes") or [])

    @property
    def missing_years(self) -> list[str]:
        """The years ("2022 to 2023") whose figures are `x` because the service holds no
        records for them (none in snapshots stored before missing years were marked)."""
        return list(self.table.get("missing_years") or [])

    @property
    def two_header_rows(self) -> bool:
        return any(c.span > 1 for c in self.columns)

    @property
    def width(self) -> int:
        """Data columns, for laying the chart beside the table or above it."""
        return sum(c.span for c in self.columns)

    @property
    def subheaders(self) -> list[str]:
        """Every data column's sub-header, left to right."""
        return [header for column in self.columns for header in column.subheaders]


def _second_label(column_label: str, has_pct: bool, has_value: bool) -> str | None:
    if has_pct and has_value:
        return "% or value"
    if has_pct:
        return "%"
    if has_value:
        return "Rate" if "rate" in column_label.lower() else "Value"
    return None


def _columns(table: dict[str, Any]) -> tuple[ColumnLayout, ...]:
    cells_by_column: list[list[dict]] = [[] for _ in table["columns"]]
    for group in table["groups"]:
        for row in group["rows"]:
            for j, c in enumerate(row["cells"]):
                cells_by_column[j].append(c)
    # A column keeps its sub-columns when a year has no figure for it (no records, no
    # population estimate), so that the same table reads the same way every year.
    crosstab = table.get("percent") in ("column", "row")
    table_has_value = any(c.get("value") is not None for cells in cells_by_column for c in cells)
    columns = []
    for column, cells in zip(table["columns"], cells_by_column, strict=True):
        has_pct = crosstab or any(c.get("pct") is not None for c in cells)
        has_value = (
            (crosstab and table_has_value)
            or "rate" in column["label"].lower()
            or any(c.get("value") is not None for c in cells)
        )
        # A year with no records (a missing cell) keeps its N, shown as x.
        show_n = any(c.get("n") is not None or c.get("missing") for c in cells)
        columns.append(
            ColumnLayout(
                label=str(column["label"]),
                is_total=column.get("is_total", False),
                show_n=show_n or not (has_pct or has_value),
                second=_second_label(column["label"], has_pct, has_value),
            )
        )
    return tuple(columns)


def _row(row: dict[str, Any], columns: tuple[ColumnLayout, ...]) -> RowLayout:
    figures: list[Figure] = []
    for column, c in zip(columns, row["cells"], strict=True):
        if column.show_n:
            figures.append(Figure(c.get("n"), is_count=True))
        if column.second is not None:
            figures.append(Figure(second_figure(c), is_count=False))
    return RowLayout(
        label=row["label"], bold=row.get("kind") in ROW_KINDS_IN_BOLD, cells=tuple(figures)
    )


def table_layout(table: dict[str, Any]) -> TableLayout:
    """The table with, per column, the sub-columns that have any figure in it, and per row its
    figures in that order: the one layout of the page, the XLSX sheet and the PDF."""
    columns = _columns(table)
    groups = tuple(
        GroupLayout(group["label"], tuple(_row(row, columns) for row in group["rows"]))
        for group in table["groups"]
    )
    return TableLayout(
        table=table,
        columns=columns,
        groups=groups,
        has_statistics=any(c.second in ("% or value", "Value") for c in columns),
    )
