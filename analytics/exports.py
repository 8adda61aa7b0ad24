"""Exports of a statistics snapshot. CSV in a tidy layout: one line per cell, with the header
`table,group,row,column,n,pct`.

- `n` is the count; `pct` the percentage to one decimal place. For a statistic cell (a rate
  per 100,000, a mean, the shortest or longest) `n` is the number of records it is computed
  from and `pct` holds the statistic itself; the column or row label says which.
- `c`: suppressed (public exports only, analytics.suppression); `x`: not available or not
  applicable (no count, or no percentage, for that cell); 0 is a true zero.

XLSX and PDF exports come in a later change.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from .models import StatisticsSnapshot
from .suppression import suppress_table

CSV_HEADER = ["table", "group", "row", "column", "n", "pct"]
NOT_AVAILABLE = "x"


def _text(value: Any) -> str:
    return NOT_AVAILABLE if value is None else str(value)


def snapshot_csv(snapshot: StatisticsSnapshot, *, public: bool, threshold: int) -> str:
    """The snapshot's tables as tidy CSV; `public` applies small-number suppression with
    `threshold` (counts from 1 to threshold - 1 are suppressed)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for table in snapshot.tables:
        if public:
            table = suppress_table(table, threshold)
        columns = [c["label"] for c in table["columns"]]
        for group in table["groups"]:
            for row in group["rows"]:
                for column, c in zip(columns, row["cells"], strict=True):
                    pct = c.get("pct") if c.get("pct") is not None else c.get("value")
                    writer.writerow(
                        [
                            table["id"],
                            group["label"],
                            row["label"],
                            column,
                            _text(c["n"]),
                            _text(pct),
                        ]
                    )
    return buffer.getvalue()
