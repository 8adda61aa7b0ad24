"""How a snapshot's tables are laid out on the statistics pages: which sub-columns each column
shows, and the year-on-year comparison of two snapshots. Pure functions of the stored tables
(analytics.engine's output); nothing is computed from records here.

A stored cell is {"n", "pct"} and, for a statistic (a rate, a mean, a length), "value": the
statistic itself, with `n` the number of records it is computed from (see analytics.exports).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

ROW_KINDS_IN_BOLD = frozenset({"total", "subtotal"})


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


@dataclass(frozen=True)
class TableLayout:
    table: dict[str, Any]
    columns: list[ColumnLayout]
    groups: list[dict[str, Any]]
    has_statistics: bool

    @property
    def id(self) -> str:
        return self.table["id"]

    @property
    def title(self) -> str:
        return self.table["title"]

    @property
    def two_header_rows(self) -> bool:
        return any(c.span > 1 for c in self.columns)

    @property
    def width(self) -> int:
        """Data columns, for laying the chart beside the table or above it."""
        return sum(c.span for c in self.columns)


def _second_label(column_label: str, has_pct: bool, has_value: bool) -> str | None:
    if has_pct and has_value:
        return "% or value"
    if has_pct:
        return "%"
    if has_value:
        return "Rate" if "rate" in column_label.lower() else "Value"
    return None


def _figure(cell: dict[str, Any]) -> str | None:
    """The second figure of a cell: its statistic if it has one, else its percentage."""
    value = cell.get("value")
    return value if value is not None else cell.get("pct")


def table_layout(table: dict[str, Any]) -> TableLayout:
    """The table with, per column, the sub-columns that have any figure in them."""
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
        show_n = any(c.get("n") is not None for c in cells)
        columns.append(
            ColumnLayout(
                label=column["label"],
                is_total=column.get("is_total", False),
                show_n=show_n or not (has_pct or has_value),
                second=_second_label(column["label"], has_pct, has_value),
            )
        )
    groups = []
    for group in table["groups"]:
        rows = []
        for row in group["rows"]:
            figures = []
            for column, c in zip(columns, row["cells"], strict=True):
                if column.show_n:
                    figures.append({"value": c.get("n"), "is_count": True})
                if column.second is not None:
                    figures.append({"value": _figure(c), "is_count": False})
            rows.append(
                {"label": row["label"], "bold": row["kind"] in ROW_KINDS_IN_BOLD, "cells": figures}
            )
        groups.append({"label": group["label"], "rows": rows})
    return TableLayout(
        table=table,
        columns=columns,
        groups=groups,
        has_statistics=any(c.second in ("% or value", "Value") for c in columns),
    )


# --- Year-on-year comparison -----------------------------------------------------------------


@dataclass(frozen=True)
class ComparedTable:
    id: str
    title: str
    previous_title: str | None
    # One line per (row, column): this year's and the previous year's n and figure, the change.
    groups: list[dict[str, Any]] = field(default_factory=list)
    several_columns: bool = False


def change(now: str | None, before: str | None) -> str | None:
    """The difference of two figures ("48.8" - "45.0" = "+3.8"); None if either is missing."""
    if now is None or before is None:
        return None
    try:
        difference = Decimal(now) - Decimal(before)
    except InvalidOperation:
        return None
    places = max(-Decimal(now).as_tuple().exponent, -Decimal(before).as_tuple().exponent, 0)
    text = f"{abs(difference):.{places}f}"
    if difference > 0:
        return f"+{text}"
    if difference < 0:
        return f"\N{MINUS SIGN}{text}"
    return text


def _previous_rows(group: dict | None, rows: list[dict]) -> list[dict | None]:
    """The previous year's row for each of this year's rows: by label, else (for rows whose
    label names a year or month, e.g. "April 2023") the row in the same place."""
    if group is None:
        return [None] * len(rows)
    by_label = {row["label"]: row for row in group["rows"]}
    labels_now = {row["label"] for row in rows}
    same_shape = len(group["rows"]) == len(rows)
    out = []
    for i, row in enumerate(rows):
        if row["label"] in by_label:
            out.append(by_label[row["label"]])
        elif same_shape and group["rows"][i]["label"] not in labels_now:
            out.append(group["rows"][i])
        else:
            out.append(None)
    return out


def _previous_group(previous: dict, index: int, label: str) -> dict | None:
    groups = previous["groups"]
    if index < len(groups) and groups[index]["label"] == label:
        return groups[index]
    return next((g for g in groups if g["label"] == label), None)


def table_compare(table: dict[str, Any], previous: dict[str, Any] | None) -> ComparedTable:
    """This year's table beside the previous year's. Columns are matched by position (the same
    declaration; a column labelled by year, "2023/24", is "2022/23" the year before)."""
    columns = table["columns"]
    previous_columns = previous["columns"] if previous else []
    groups = []
    for g, group in enumerate(table["groups"]):
        before_group = _previous_group(previous, g, group["label"]) if previous else None
        lines = []
        for row, before_row in zip(
            group["rows"], _previous_rows(before_group, group["rows"]), strict=True
        ):
            for j, column in enumerate(columns):
                now = row["cells"][j]
                before = (
                    before_row["cells"][j] if before_row and j < len(before_row["cells"]) else {}
                )
                is_value = now.get("value") is not None or before.get("value") is not None
                figure_now, figure_before = _figure(now), _figure(before)
                lines.append(
                    {
                        "row": row["label"],
                        "column": column["label"],
                        "previous_column": (
                            previous_columns[j]["label"] if j < len(previous_columns) else ""
                        ),
                        "bold": row["kind"] in ROW_KINDS_IN_BOLD,
                        "first_of_row": j == 0,
                        "figures": [
                            (now.get("n"), True),
                            (figure_now, False),
                            (before.get("n"), True),
                            (figure_before, False),
                        ],
                        "is_value": is_value,
                        "change": change(figure_now, figure_before),
                    }
                )
        groups.append({"label": group["label"], "lines": lines})
    return ComparedTable(
        id=table["id"],
        title=table["title"],
        previous_title=previous["title"] if previous else None,
        groups=groups,
        several_columns=len(columns) > 1,
    )


INPUT_LABELS = [
    ("sins", "Serious incident notifications"),
    ("reviews", "Rapid reviews"),
    ("decisions", "Panel decisions"),
]


def input_count_rows(counts: dict[str, int]) -> list[dict[str, Any]]:
    """The records a snapshot was computed from, this year and the previous one."""
    return [
        {"label": label, "n": counts.get(key), "previous": counts.get(f"{key}_previous_year")}
        for key, label in INPUT_LABELS
        if key in counts
    ]
