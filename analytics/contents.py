"""The contents of a snapshot, as the statistics pages list it: its tables grouped by the part
of the report they belong to, each with a headline figure, the report paragraphs it reproduces
and its neighbours. Pure functions of the stored tables (analytics.engine's output); nothing is
computed from records here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from . import tables as t

# The group of a table stored in a snapshot whose table the service no longer declares.
OTHER_TABLES = "Other tables"

# What a table's records are, for its headline ("330 rapid reviews").
SOURCE_NOUNS = {
    t.SIN: "SINs",
    t.REVIEW: "rapid reviews",
    t.DECISION: "Panel decisions",
    t.THEME: "rapid reviews",
    t.LCSPR: "LCSPRs",
}
RECORDS = "records"

# "(3.91-3.92)" or "(3.24)" in a title: the report paragraphs the table reproduces.
PARAGRAPHS = re.compile(r"\((\d+\.\d+)(?:\s*[-\N{EN DASH}]\s*(\d+\.\d+))?\)")
# "Chart 1:", "Table 2.", "Table A:", "Appendix F Table A:" at the start of a title.
FIGURE_NAME = re.compile(r"^((?:Appendix [A-Z] )?(?:Chart|Table) [0-9A-Z]+)[.:]")


def chapter_of(table: dict[str, Any]) -> str:
    """The part of the report the table belongs to: as stored with it, else as declared now,
    else "Other tables" (a snapshot's table the service no longer declares)."""
    if table.get("chapter"):
        return table["chapter"]
    spec = t.TABLES_BY_ID.get(table.get("id", ""))
    return spec.chapter if spec is not None and spec.chapter else OTHER_TABLES


def _noun(table: dict[str, Any], row_label: str) -> str:
    spec = t.TABLES_BY_ID.get(table.get("id", ""))
    records = SOURCE_NOUNS.get(spec.source, RECORDS) if spec is not None else RECORDS
    if row_label == "England":  # the regions' total: a place, not what is counted
        return f"{records} in England"
    if row_label and not row_label.lower().startswith("total"):
        # "Rapid reviews" -> "rapid reviews"; "SINs" stays as it is.
        return row_label[0].lower() + row_label[1:] if row_label[1:2].islower() else row_label
    return records


def _headline_column(table: dict[str, Any]) -> int:
    """The column of the headline: the Total, else this year's rate (the regions), else the
    last (this year, in a table that compares two)."""
    columns = table.get("columns") or []
    total = next((j for j, c in enumerate(columns) if c.get("is_total")), None)
    if total is not None:
        return total
    rates = [j for j, c in enumerate(columns) if "rate" in str(c.get("label", "")).lower()]
    return rates[-1] if rates else len(columns) - 1


def _figure(cell: dict[str, Any]) -> str:
    pct, value = cell.get("pct"), cell.get("value")
    if value is not None:
        return str(value)
    if pct is not None:
        return f"{pct}%" if pct not in ("c", "x") else str(pct)
    n = cell.get("n")
    return f"{n:,}" if isinstance(n, int) else str(n if n is not None else "x")


def headline(table: dict[str, Any]) -> str:
    """A table's headline figure with a short label: the count of its first total row under
    its Total (or this year's) column, e.g. "330 rapid reviews"; for a table without a total
    row, its first row's figure, e.g. "Physical abuse: 47.6%". "" when it has none."""
    j = _headline_column(table)
    if j < 0:
        return ""
    rows = [row for group in table.get("groups") or [] for row in group.get("rows") or []]
    for row in rows:
        if row.get("kind") != "total":
            continue
        # Its count under the headline column, else under the first (the learning themes'
        # reviews, whose good-practice column has no count).
        for k in (j, 0):
            n = row["cells"][k].get("n") if k < len(row["cells"]) else None
            if n is not None:
                count = f"{n:,}" if isinstance(n, int) else str(n)
                return f"{count} {_noun(table, row['label'])}"
    for row in rows:
        if j < len(row["cells"]) and any(
            row["cells"][j].get(k) is not None for k in ("n", "pct", "value")
        ):
            return f"{row['label']}: {_figure(row['cells'][j])}"
    return ""


def report_reference(table: dict[str, Any], year: int) -> str:
    """Where the table is in the annual report, from its title: "Annual Report 2023 to 2024,
    paragraphs 3.91 to 3.92", "..., Chart 1", "..., Appendix D Table A"; "" for a table of
    the service's own (the LCSPR figures)."""
    title = str(table.get("title", ""))
    report = f"Annual Report {year} to {year + 1}"
    found = PARAGRAPHS.search(title)
    if found and found.group(2):
        return f"{report}, paragraphs {found.group(1)} to {found.group(2)}"
    if found:
        return f"{report}, paragraph {found.group(1)}"
    named = FIGURE_NAME.match(title)
    if not named:
        return ""
    name = named.group(1)
    # The report's lettered tables (A to D) are Appendix D's; Appendix F names its own.
    if re.fullmatch(r"Table [A-D]", name):
        name = f"Appendix D {name}"
    return f"{report}, {name}"


@dataclass(frozen=True)
class TableEntry:
    id: str
    title: str
    headline: str
    number: int  # 1, 2, ... in the snapshot's order


@dataclass(frozen=True)
class ChapterEntry:
    title: str
    tables: tuple[TableEntry, ...]


def snapshot_contents(stored_tables: list[dict[str, Any]]) -> list[ChapterEntry]:
    """A snapshot's tables grouped by chapter, in the snapshot's order (a chapter's tables
    follow one another; any table no longer declared is listed under "Other tables", last)."""
    chapters: dict[str, list[TableEntry]] = {}
    for number, table in enumerate(stored_tables, start=1):
        entry = TableEntry(table["id"], table["title"], headline(table), number)
        chapters.setdefault(chapter_of(table), []).append(entry)
    other = chapters.pop(OTHER_TABLES, None)
    ordered = [ChapterEntry(title, tuple(entries)) for title, entries in chapters.items()]
    if other:
        ordered.append(ChapterEntry(OTHER_TABLES, tuple(other)))
    return ordered


@dataclass(frozen=True)
class Neighbours:
    previous: TableEntry | None
    next: TableEntry | None


def table_neighbours(stored_tables: list[dict[str, Any]], table_id: str) -> Neighbours:
    """The tables before and after `table_id` in the contents' order."""
    order = [e for chapter in snapshot_contents(stored_tables) for e in chapter.tables]
    ids = [e.id for e in order]
    i = ids.index(table_id)
    return Neighbours(order[i - 1] if i > 0 else None, order[i + 1] if i + 1 < len(order) else None)
