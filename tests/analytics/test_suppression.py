"""Small-number suppression of public exports: no suppressed value can be recovered from the
totals published with it; 0 is never suppressed; the threshold is a setting."""

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.exports import snapshot_csv
from analytics.models import StatisticsSnapshot
from analytics.suppression import SUPPRESSED, suppress_grid, suppress_table, table_lines


def crosstab(body: list[list[int]]) -> dict:
    """An engine-shaped table: `body` rows plus a Total column and a Total row, one group,
    column percentages."""
    width = len(body[0])
    rows = [[*r, sum(r)] for r in body]
    rows.append([sum(r[j] for r in rows) for j in range(width + 1)])
    return {
        "id": "t",
        "percent": "column",
        "columns": [{"label": f"C{j}", "is_total": False} for j in range(width)]
        + [{"label": "Total", "is_total": True}],
        "groups": [
            {
                "label": "G",
                "denominators": rows[-1],
                "rows": [
                    {
                        "label": f"R{i}" if i < len(body) else "Total",
                        "kind": "cell" if i < len(body) else "total",
                        "cells": [{"n": n, "pct": "1.0"} for n in row],
                    }
                    for i, row in enumerate(rows)
                ],
            }
        ],
    }


bodies = st.integers(min_value=1, max_value=5).flatmap(
    lambda width: st.lists(
        st.lists(st.one_of(st.integers(0, 6), st.integers(0, 60)), min_size=width, max_size=width),
        min_size=1,
        max_size=6,
    )
)


def cells(table: dict) -> list[list[dict]]:
    return [row["cells"] for group in table["groups"] for row in group["rows"]]


@settings(max_examples=300, deadline=None)
@given(body=bodies, threshold=st.integers(min_value=1, max_value=10))
def test_no_suppressed_cell_can_be_recovered_from_row_or_column_totals(body, threshold):
    grid = cells(suppress_table(crosstab(body), threshold))
    lines = [list(row) for row in grid] + [list(col) for col in zip(*grid, strict=True)]
    for line in lines:
        hidden = [c for c in line if c["n"] == SUPPRESSED]
        # One suppressed cell in a line with its total would be total minus the rest.
        assert len(hidden) != 1, line
    for original_row, row in zip(crosstab(body)["groups"][0]["rows"], grid, strict=True):
        for original, c in zip(original_row["cells"], row, strict=True):
            n = original["n"]
            if 0 < n < threshold:
                assert c["n"] == SUPPRESSED and c["pct"] == SUPPRESSED
            if n == 0:
                assert c["n"] == 0  # a true zero is shown
            if c["n"] == SUPPRESSED:
                assert c["pct"] == SUPPRESSED


@settings(max_examples=200, deadline=None)
@given(body=bodies, threshold=st.integers(min_value=2, max_value=10))
def test_suppression_reaches_a_fixed_point_over_every_line(body, threshold):
    table = crosstab(body)
    values, lines = table_lines(table)
    hidden = suppress_grid(values, lines, threshold)
    for line in lines:
        present = [p for p in line if p in values]
        assert sum(1 for p in present if p in hidden) != 1 or not any(
            values[p] > 0 for p in present if p not in hidden
        )


def test_zero_is_a_true_zero_and_small_counts_take_a_complement():
    table = suppress_table(crosstab([[0, 3], [10, 20]]), threshold=5)
    grid = cells(table)
    assert grid[0][0]["n"] == 0
    assert grid[0][1]["n"] == SUPPRESSED
    # Row R0 is 0 + 3 = 3: its total goes too; column C1 is 3 + 20: the 20 goes too.
    assert grid[0][2]["n"] == SUPPRESSED
    assert grid[1][1]["n"] == SUPPRESSED


def test_threshold_setting_is_respected(settings):
    table = crosstab([[4, 5], [12, 30]])
    snapshot = StatisticsSnapshot(year=2023, version=1, tables=[table])

    def rows(text):
        return list(csv.DictReader(io.StringIO(text)))

    public_5 = rows(snapshot_csv(snapshot, public=True, threshold=5))
    public_6 = rows(snapshot_csv(snapshot, public=True, threshold=6))
    internal = rows(snapshot_csv(snapshot, public=False, threshold=5))

    def n(rows_, row, column):
        return next(r["n"] for r in rows_ if r["row"] == row and r["column"] == column)

    assert n(public_5, "R0", "C0") == "c"
    assert n(public_6, "R0", "C1") == "c"  # 5 is below a threshold of 6
    assert n(internal, "R0", "C0") == "4"  # internal exports do not suppress
    assert all(r["n"] != "c" for r in internal)


def test_csv_is_tidy_with_x_for_not_available():
    table = crosstab([[7, 8]])
    table["groups"][0]["rows"][0]["cells"][0]["pct"] = None
    snapshot = StatisticsSnapshot(year=2023, version=1, tables=[table])
    text = snapshot_csv(snapshot, public=False, threshold=5)
    lines = text.splitlines()
    assert lines[0] == "table,group,row,column,n,pct"
    assert "t,G,R0,C0,7,x" in lines
    assert len(lines) == 1 + 2 * 3


def test_row_percentages_are_suppressed_with_their_row_total():
    table = crosstab([[2, 30], [3, 40]])
    table["percent"] = "row"
    grid = cells(suppress_table(table, threshold=5))
    # 2 and 3 are suppressed; column C0's total (5) is the only complement... and R0's
    # percentages survive only if R0's total is shown.
    for row in grid:
        total_hidden = row[-1]["n"] == SUPPRESSED
        for c in row[:-1]:
            if total_hidden:
                assert c["pct"] == SUPPRESSED
