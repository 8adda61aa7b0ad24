"""Files of historic records of any size, for the importer's tests: the 330 synthetic incidents
(tests/analytics/data/synthetic_2023_24.csv) repeated in other local authorities and, after
every authority has had them, moved back a year at a time (52 weeks, so the days of the week
stay), so that every row is a different incident and every row is valid."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from analytics.importer.parse import KEY_COLUMNS  # the same incident is imported once

DATA = Path(__file__).parent / "data" / "synthetic_2023_24.csv"
DATE_COLUMNS = ("incident_date", "date_aware", "notified_at", "rr_submitted_at", "panel_decided_at")


def _moved(value: str, weeks: int) -> str:
    return (date.fromisoformat(value) - timedelta(weeks=weeks)).isoformat() if value else ""


def synthetic_rows(count: int, ons_codes: list[str]) -> Iterator[dict[str, str]]:
    """`count` different valid rows, in the import's columns."""
    with DATA.open(newline="", encoding="utf-8") as handle:
        base = list(csv.DictReader(handle))
    seen: set[tuple[str, ...]] = set()
    index = 0
    while len(seen) < count:
        copy, source = divmod(index, len(base))
        index += 1
        year_back, authority = divmod(copy, len(ons_codes))
        row = dict(base[source])
        if copy:
            row["local_authority"] = ons_codes[authority]
        for column in DATE_COLUMNS:
            row[column] = _moved(row[column], 52 * year_back)
        key = tuple(row[column] for column in KEY_COLUMNS)
        if key not in seen:  # two incidents alike but for their authority, now in one
            seen.add(key)
            yield row


def synthetic_csv(path: Path, count: int, ons_codes: list[str]) -> Path:
    """Write `count` rows to `path`, row by row."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = None
        for row in synthetic_rows(count, ons_codes):
            if writer is None:
                writer = csv.DictWriter(handle, fieldnames=list(row))
                writer.writeheader()
            writer.writerow(row)
    return path


def synthetic_csv_bytes(count: int, ons_codes: list[str]) -> io.BytesIO:
    text = io.StringIO(newline="")
    writer = None
    for row in synthetic_rows(count, ons_codes):
        if writer is None:
            writer = csv.DictWriter(text, fieldnames=list(row))
            writer.writeheader()
        writer.writerow(row)
    return io.BytesIO(text.getvalue().encode())
