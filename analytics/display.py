"""The statistics pages' year-on-year comparison of two snapshots, and the records a snapshot
was computed from. Pure functions of the stored tables (analytics.engine's output); how one
table is laid out (its sub-columns and figures) is analytics.layout's, shared with the exports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from .layout import ROW_KINDS_IN_BOLD, second_figure

# --- Year-on-year comparison -----------------------------------------------------------------


@dataclass(frozen=True)
class ComparedTable:
    id: str
    title: str
    previous_title: str | None
    # One line per (row, column): this year's and the previous year's n and figure, the change.
    groups: list[dict[str, Any]] = field(default_factory=list)
    several_columns: bool = False
    # Which figures are x because a year has no records (or no figures at all), if any.
    missing_note: str = ""


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


def missing_note(table: dict[str, Any], previous: dict[str, Any] | None) -> str:
    """The sentence under a comparison that says which years' figures are `x` because the
    service holds no records for them (marked by analytics.engine.mark_missing_years in
    either year's table)."""
    years = list(
        dict.fromkeys([*(previous or {}).get("missing_years", []), *table.get("missing_years", [])])
    )
    if not years:
        return ""
    return (
        f"x: the service holds no records for {' or '.join(sorted(years))}, so those figures "
        "are not available; this is not zero."
    )


def table_compare(table: dict[str, Any], previous: dict[str, Any] | None) -> ComparedTable:
    """This year's table beside the previous year's. Columns are matched by position (the same
    declaration; a column labelled by year, "2023/24", is "2022/23" the year before). With
    no previous table (no figures for the previous year), its figures are all `x`."""
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
                figure_now, figure_before = second_figure(now), second_figure(before)
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
        missing_note=missing_note(table, previous),
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
