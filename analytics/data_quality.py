"""The data quality page's reading of a stored snapshot (issue 19, item 4): the partnerships
ranked by how much of one characteristic (or of all of them) they left unrecorded, from the
`data_quality_partnerships` table the engine computed (analytics.tables.data_quality). Pure
functions of the stored table: nothing is counted from records here, so the page costs the
same however many records the year has."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.text import slugify

PARTNERSHIPS_TABLE = "data_quality_partnerships"
CHARACTERISTICS_TABLE = "data_quality_characteristics"
FEEDBACK_TABLE = "panel_quality_feedback"


@dataclass(frozen=True)
class Characteristic:
    """A column of the partnerships table to sort by: its slug (the GET value) and label."""

    value: str
    label: str
    index: int


@dataclass(frozen=True)
class PartnershipLine:
    name: str
    reviews: Any
    n: Any  # the chosen characteristic's reviews (answers, for all) not recorded or unknown
    pct: Any
    all_pct: Any  # every characteristic's share, beside the chosen one


@dataclass(frozen=True)
class Ranking:
    characteristic: Characteristic
    choices: tuple[Characteristic, ...]
    is_all: bool
    lines: tuple[PartnershipLine, ...]  # worst first
    england: PartnershipLine | None


def characteristics(table: dict[str, Any]) -> tuple[Characteristic, ...]:
    """The columns one may sort by (every column but the reviews), the last being every
    characteristic together."""
    return tuple(
        Characteristic(slugify(column["label"]), column["label"], j)
        for j, column in enumerate(table["columns"])
        if not column.get("is_total")
    )


def _share(pct: Any) -> Decimal | None:
    try:
        return Decimal(str(pct)) if pct is not None else None
    except InvalidOperation:
        return None


def _line(row: dict[str, Any], index: int, all_index: int, total_index: int) -> PartnershipLine:
    chosen = row["cells"][index]
    return PartnershipLine(
        name=row["label"],
        reviews=row["cells"][total_index]["n"],
        n=chosen["n"],
        pct=chosen["pct"],
        all_pct=row["cells"][all_index]["pct"],
    )


def partnerships_ranked(table: dict[str, Any], *, characteristic: str = "") -> Ranking:
    """The table's partnerships, those that left the most of `characteristic` (a slug of
    `characteristics`; every characteristic together when blank or unknown) unrecorded
    first: by its share, then its count, then by name; a partnership without a share (none
    of its reviews were asked) last. England apart."""
    choices = characteristics(table)
    chosen = next((c for c in choices if c.value == characteristic), choices[-1])
    all_index = choices[-1].index
    total_index = next(j for j, c in enumerate(table["columns"]) if c.get("is_total"))
    rows = [row for group in table["groups"] for row in group["rows"]]
    lines = [
        _line(row, chosen.index, all_index, total_index)
        for row in rows
        if row.get("kind") == "cell"
    ]

    def worst_first(line: PartnershipLine):
        share = _share(line.pct)
        n = line.n if isinstance(line.n, int) else 0
        return (share is None, -(share or 0), -n, line.name.casefold())

    lines.sort(key=worst_first)
    england = next(
        (
            _line(row, chosen.index, all_index, total_index)
            for row in rows
            if row.get("kind") == "total"
        ),
        None,
    )
    return Ranking(
        characteristic=chosen,
        choices=choices,
        is_all=chosen.index == all_index,
        lines=tuple(lines),
        england=england,
    )
