"""The annual figures, declared as data (DOMAIN.md §5; the Panel's annual report chapter 3 and
Appendix D). A table is one `TableSpec`: where its records come from, the row groups (a field and
its codes, or conditions), the column split and the percentage direction. `analytics.engine`
turns each declaration into a few GROUP BY / conditional-count queries; nothing here touches
the database.

Labels are the report's own wording. Title and column labels may hold `{fy}` ("2023 to 2024"),
`{fy_short}` ("2023/24"), `{prev_fy}`, `{prev_fy_short}` and `{year}` (2023), filled in for the
reporting year.

Record sets (`source`): "sin" submitted SINs by the reason notified; "review" submitted rapid
reviews by the incident type reviewed; "decision" the Panel's current decision on those
reviews; "theme" those reviews' learning themes. All are for incidents in the reporting year
(1 April - 31 March by incident date) unless a table spans the previous year too (`years`).
"lcspr": the LCSPRs the Panel considered in the reporting year, by the date it considered them
(`Lcspr.considered_on`, DOMAIN.md §1), whatever the year of the incident.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

SIN = "sin"
REVIEW = "review"
DECISION = "decision"
THEME = "theme"
LCSPR = "lcspr"

# A row's codes: every record of its group (a total row).
ALL = ("__all__",)

COUNT, MEAN, MIN, MAX, SUM = "count", "mean", "min", "max", "sum"


@dataclass(frozen=True)
class Column:
    """A column: the records it counts, within the table's records. `year_offset` pins it to a
    reporting year (-1 the previous one) in a table that spans two."""

    label: str
    q: Q = dataclasses.field(default_factory=Q)
    year_offset: int | None = None
    is_total: bool = False


@dataclass(frozen=True)
class Row:
    """A row. In a group with a `field`, it counts the records whose field is one of `codes`
    (summed; `ALL` for every record of the group). In a group without one, it counts the
    records matching `q` (all when None), or gives a statistic of `expr` over them."""

    label: str
    codes: tuple = ()
    kind: str = "cell"  # "cell", "subtotal" (e.g. "Total known"), "total"
    show_pct: bool = True
    q: Q | None = None
    stat: str = COUNT  # count, sum (n is the sum), mean, min, max (the statistic is `value`)
    expr: str | None = None  # a field or an annotation name (engine.ANNOTATIONS)


@dataclass(frozen=True)
class RowGroup:
    """Rows under one heading. With `field`, one GROUP BY query on that field (or annotation);
    without, one aggregate query with a conditional count per cell. `filter` narrows the
    group's records, and so the denominator of its column percentages."""

    label: str
    rows: tuple[Row, ...]
    field: str | None = None
    filter: Q = dataclasses.field(default_factory=Q)
    source: str | None = None  # defaults to the table's
    order: str = "declared"  # "desc": cell rows by their last column, largest first
    months: bool = False  # rows are the months of the table's years (field "month")
    # The group counts the SINs marked withdrawn or not progressed, which every other figure
    # leaves out (engine.records_q), so that a table can reconcile with the records.
    withdrawn: bool = False


@dataclass(frozen=True)
class TableSpec:
    id: str
    title: str
    source: str
    groups: tuple[RowGroup, ...] = ()
    columns: tuple[Column, ...] = ()
    # "column": share of the column's records in the group; "row": share of the row's total
    # (the column marked is_total); "none".
    percent: str = "column"
    filter: Q = dataclasses.field(default_factory=Q)
    years: tuple[int, ...] = (0,)  # reporting-year offsets the records span
    kind: str = "crosstab"  # crosstab, regions, themes, partnerships, answers
    options: dict[str, Any] = dataclasses.field(default_factory=dict)
    notes: tuple[str, ...] = ()
    # The heading of the part of the pages and the PDF the table opens or belongs to (the
    # LCSPR figures, after the report's own tables); "" for none.
    chapter: str = ""
    # Internal only: shown to administrators and the Panel, left out of public exports (the
    # data quality by partnership names partnerships with a few reviews each).
    internal: bool = False


# Helpers to declare rows and columns from code lists.


def split(field_name: str, choices, *, codes=None, total: str | None = "Total") -> tuple:
    labels = dict(choices)
    columns = [Column(str(labels[c]), Q(**{field_name: c})) for c in (codes or labels)]
    if total:
        columns.append(Column(total, is_total=True))
    return tuple(columns)


def code_rows(choices, codes=None) -> tuple[Row, ...]:
    labels = dict(choices)
    return tuple(Row(str(labels[c]), (c,)) for c in (codes or labels))


def yes_row(label: str = "Yes") -> Row:
    return Row(label, ("yes",))


def total_row(label: str = "Total", *, show_pct: bool = True) -> Row:
    return Row(label, ALL, kind="total", show_pct=show_pct)


def yes_codes(choices) -> tuple[str, ...]:
    """The "Yes – …" answers of a code list (everything but no / unknown / not recorded)."""
    return tuple(c for c in dict(choices) if c not in {"no", "unknown", "not_recorded"})


def yes_group(label: str, field_name: str, row_label: str = "Yes", codes=("yes",)) -> RowGroup:
    """One row counting the "Yes" answers (or `codes`) of a field."""
    return RowGroup(label, (Row(row_label, tuple(codes)),), field=field_name)
