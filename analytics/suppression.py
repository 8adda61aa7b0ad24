"""Small-number suppression for public exports of the annual figures, following the
Department for Education's conventions for these statistics (DOMAIN.md §5):

- primary: a count from 1 to threshold - 1 (STATISTICS_SUPPRESSION_THRESHOLD, 5 by default,
  so counts 1 to 4) is shown as `c`, and so is its percentage. 0 is a true zero and is shown;
- secondary: no suppressed cell may be recoverable from the totals published with it. Within a
  table, each line - a row across the columns, a column down the whole table, and a column
  within one row group (whose subtotal and total rows count as totals) - that has exactly one
  suppressed cell gets its next smallest non-zero cell suppressed too (a total where nothing
  else is left), repeated until nothing changes;
- a percentage is suppressed with its count, and also when its denominator is: the row's
  Total cell (row percentages) or a total row of its column (column percentages), or a
  denominator below the threshold.

Cells with no count (n None: `x`, not available) take no part.

A table that shows two parts side by side (a cohort and the rest, analytics.cohort_tables)
marks each column with its `part`; a row percentage's denominator is then its own part's
Total column, and the caller adds the lines that tie the parts together (`extra_lines`).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

SUPPRESSED = "c"

Position = tuple[int, int]


def is_small(n: Any, threshold: int) -> bool:
    return isinstance(n, int) and 0 < n < threshold


def suppress_grid(
    values: dict[Position, int],
    lines: Iterable[Iterable[Position]],
    threshold: int,
    *,
    force: Iterable[Position] = (),
) -> set[Position]:
    """The cells to suppress: primary (1 to threshold - 1, and the cells in `force`, which
    something outside the table would reveal) and secondary, to a fixed point.
    `values` holds every cell with a count; `lines` are the sets of cells that add up to (or
    are published alongside) a total, each including its total cell."""
    lines = [[p for p in line if p in values] for line in lines]
    suppressed = {p for p, n in values.items() if is_small(n, threshold)}
    suppressed |= {p for p in force if p in values}
    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden = [p for p in line if p in suppressed]
            if len(hidden) != 1:
                continue
            candidates = [p for p in line if p not in suppressed and values[p] > 0]
            if not candidates:
                continue
            # The next smallest cell; on a tie, the first in the line.
            suppressed.add(min(candidates, key=lambda p: values[p]))
            changed = True
    return suppressed


def table_lines(table: dict[str, Any]) -> tuple[dict[Position, int], list[list[Position]]]:
    """A table's cells with a count, by (flat row index, column index), and its lines."""
    values: dict[Position, int] = {}
    lines: list[list[Position]] = []
    r = 0
    width = len(table["columns"])
    group_rows: list[list[int]] = []
    for group in table["groups"]:
        indexes = []
        for row in group["rows"]:
            for j, c in enumerate(row["cells"]):
                if isinstance(c.get("n"), int):
                    values[(r, j)] = c["n"]
            lines.append([(r, j) for j in range(width)])
            indexes.append(r)
            r += 1
        group_rows.append(indexes)
    for j in range(width):
        lines.append([(i, j) for i in range(r)])
        for indexes in group_rows:
            lines.append([(i, j) for i in indexes])
    return values, lines


def suppress_table(
    table: dict[str, Any],
    threshold: int,
    *,
    extra_lines: Iterable[Iterable[Position]] = (),
    force: Iterable[Position] = (),
) -> dict[str, Any]:
    """A copy of an engine table with small counts and what would reveal them shown as `c`.
    `extra_lines`: further lines (cells published together with a total) to protect;
    `force`: cells to suppress as if small (what another published table would reveal), with
    whatever would reveal them in turn."""
    values, lines = table_lines(table)
    hidden = suppress_grid(values, [*lines, *extra_lines], threshold, force=force)
    out = copy.deepcopy(table)
    # Per part (None when the table has one), its Total column: the first marked.
    total_columns: dict[Any, int] = {}
    for j, c in enumerate(table["columns"]):
        if c.get("is_total"):
            total_columns.setdefault(c.get("part"), j)
    flat = [row for group in out["groups"] for row in group["rows"]]
    total_rows = [i for i, row in enumerate(flat) if row.get("kind") == "total"]
    r = 0
    for group in out["groups"]:
        denominators = group.get("denominators") or []
        for row in group["rows"]:
            for j, c in enumerate(row["cells"]):
                if (r, j) in hidden:
                    c["n"] = SUPPRESSED
                    c["pct"] = None if c.get("pct") is None else SUPPRESSED
                    if c.get("value") is not None:
                        c["value"] = SUPPRESSED
                    continue
                if c.get("pct") is None:
                    continue
                if table.get("percent") == "row":
                    total_column = total_columns.get(table["columns"][j].get("part"))
                    denominator_hidden = total_column is not None and (r, total_column) in hidden
                elif table.get("percent") == "column":
                    denominator = denominators[j] if j < len(denominators) else None
                    denominator_hidden = is_small(denominator, threshold) or any(
                        (i, j) in hidden for i in total_rows
                    )
                else:
                    denominator_hidden = False
                if denominator_hidden:
                    c["pct"] = SUPPRESSED
            r += 1
    return out
