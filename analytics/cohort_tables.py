"""A cohort of rapid reviews compared with the rest of the year on the annual tables (issue 18,
the cohort builder; Appendix F compares its three spotlight cohorts this way).

A cohort and "the rest" are Q objects over `RapidReview` (its fields, its relations, or an
annotation of `engine.ANNOTATIONS[REVIEW]`), saying nothing about the year: `compare` applies
the reporting year and the engine's usual record rules (submitted, not withdrawn, …) itself.
The rest is the caller's: Appendix F compares the children who meet a theme's criteria
(`where`) with the other children of the same age (`within`), so its cohort is
`within & where` and its rest `within & ~where` (`SPOTLIGHT_COHORTS`).

Each table is computed by the engine twice, once restricted to each (`engine.cohort_q`: a
review's SIN and its decision and themes go with it), so a table is still a few GROUP BY
queries, and the figures are the ordinary ones of fewer records: a cohort of every review
gives the ordinary table, and where the cohort and the rest split the year's reviews, their
counts add up to it. The two are shown side by side: each of the table's columns twice,
"<column> – cohort" then "<column> – rest" ("Cohort" and "Rest of the year" when the table has
one column), percentages within each.

Which tables (`COHORT_SPECS`): every table of the annual figures that counts rapid reviews, or
SINs, decisions and themes through them, in the report's order, with these changes:
- a table over two years shows the reporting year only (its previous-year columns would count
  another year's reviews, which the cohort was not drawn from);
- the timeliness table's line of withdrawn SINs is left out: withdrawn SINs belong to no cohort;
- Table 1 leaves out its 2021 Census column (a share of all children, not of a cohort);
- Appendix F's tables keep their rows and compare the cohort with the rest in place of their
  own columns (which are their spotlight cohort and its rest);
- Appendix D Table A gives the cohort's SINs by region (with their share of England's) and
  the shares of deaths, serious harm and the most deprived areas, in place of the population
  and the rates per 100,000 children, which a cohort of reviews has no population for; Chart 3,
  those rates only, is left out (NOT_COMPARED).

Public exports are suppressed (analytics.suppression) with one more rule: a cell of the cohort
and the same cell of the rest are suppressed together, since together they make the ordinary
table's cell, which is published.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q

from rapidreviews.models import RapidReview
from safeguarding.db_routers import replica_reads

from . import tables as t
from .engine import (
    COHORT_KINDS,
    REVIEW_PATH,
    cohort_q,
    compute_table,
    records_q,
    reporting_year,
    year_records,
)
from .exports import financial_year, suppression_rule, tables_csv, tables_xlsx
from .suppression import SUPPRESSED, is_small, suppress_table
from .tables import appendix_f
from .tables.common import HAS_MENTAL_HEALTH_CONDITION

COHORT, REST = "cohort", "rest"
ONE_COLUMN_LABELS = {COHORT: "Cohort", REST: "Rest of the year"}
PART_SUFFIX = {COHORT: " – cohort", REST: " – rest"}


# --- Appendix F's spotlight cohorts --------------------------------------------------------------


@dataclass(frozen=True)
class Spotlight:
    """An Appendix F theme as a cohort: the children who meet `where` within the comparison
    population `within`, against the others of `within`. `table_id`: its Appendix F table."""

    label: str
    table_id: str
    within: Q
    where: Q

    @property
    def cohort(self) -> Q:
        return self.within & self.where

    @property
    def rest(self) -> Q:
        return self.within & ~self.where


SPOTLIGHT_COHORTS: dict[str, Spotlight] = {
    "child_mental_health": Spotlight(
        "Children aged 11 to 17 with a mental health condition(s)",
        "table_f_a_child_mental_health",
        appendix_f.AGED_11_17,
        HAS_MENTAL_HEALTH_CONDITION,
    ),
    "parent_mental_health": Spotlight(
        "Children aged 1 to 5 with a parent with a mental health condition(s)",
        "table_f_b_parent_mental_health",
        appendix_f.AGED_1_5,
        appendix_f.PARENT_MENTAL_HEALTH,
    ),
    "extrafamilial_harm": Spotlight(
        "Children aged 11 to 17 who have experienced extrafamilial harm",
        "table_f_c_extrafamilial_harm",
        appendix_f.AGED_11_17,
        appendix_f.EXTRAFAMILIAL_HARM,
    ),
}


# --- The tables a cohort is compared on ----------------------------------------------------------

COMPARISON_NOTE = (
    "Each column is computed once for the cohort's rapid reviews (cohort) and once for the "
    "rest (rest), for the reporting year only; percentages are within each."
)
SIN_NOTE = (
    "A SIN counts with the cohort or the rest through its submitted rapid review; a SIN "
    "without one is in neither."
)
# The notes of an Appendix F table that define its columns (its spotlight cohort and the
# rest), which a comparison replaces with the cohort and the rest compared.
APPENDIX_F_COLUMN_NOTES = {
    "table_f_a_child_mental_health": 1,
    "table_f_b_parent_mental_health": 1,
    "table_f_c_extrafamilial_harm": 2,
}
# The notes of the tables a comparison changes, in place of their own.
COMPARISON_NOTES = {
    # Its line of withdrawn SINs is left out.
    "timeliness": ("Days from incident to notification are calendar days.",),
    # Counts and shares in place of the population and the rates.
    "table_a_regions": (
        "SINs: the year's SINs in the region, with their share of England's.",
        "The 20% most deprived share is of SINs with a known IMD decile.",
    ),
}
RATES_ONLY = (
    "rates per 100,000 of a region's whole child population only: a cohort of reviews has no "
    "population of its own (Table A gives the cohort's counts and shares by region instead)"
)


def _sources(spec: t.TableSpec) -> set[str]:
    return {spec.source, *(g.source for g in spec.groups if g.source)}


LCSPR_YEAR = (
    "LCSPRs are counted in the year the Panel considered them, not in the incident year a "
    "cohort is drawn from"
)


def not_compared_reason(spec: t.TableSpec) -> str | None:
    """Why the engine cannot compute the table for a cohort, or None when it can: its kind
    takes no cohort (engine.COHORT_KINDS), its records do not belong to a rapid review
    (engine.cohort_q: SINs, reviews, decisions and themes do), or it is rates only."""
    if spec.kind not in COHORT_KINDS:
        return f"a {spec.kind} table is not computed for a cohort"
    if t.LCSPR in _sources(spec):
        # An LCSPR belongs to a review, but is counted in the year the Panel considered it,
        # not in the incident year a cohort is drawn from: the two would not be comparable.
        return LCSPR_YEAR
    foreign = sorted(s for s in _sources(spec) if s != t.SIN and s not in REVIEW_PATH)
    if foreign:
        return f"its records ({', '.join(foreign)}) do not belong to a rapid review"
    if spec.options.get("columns") == "rates":
        return RATES_ONLY
    return None


def splittable(spec: t.TableSpec) -> bool:
    return not_compared_reason(spec) is None


def comparable(spec: t.TableSpec) -> t.TableSpec:
    """The table as a cohort is compared on it: the reporting year only, no withdrawn SINs'
    line, no census column. Idempotent."""
    columns = tuple(c for c in spec.columns if c.year_offset in (None, 0))
    groups = tuple(g for g in spec.groups if not g.withdrawn)
    options = {k: v for k, v in spec.options.items() if k != "census_column"}
    notes = COMPARISON_NOTES.get(spec.id, spec.notes)
    return dataclasses.replace(
        spec, years=(0,), columns=columns, groups=groups, options=options, notes=notes
    )


def _appendix_f_rows(spec: t.TableSpec) -> t.TableSpec:
    """An Appendix F table's rows, with one column: the cohort and the rest take the place of
    its spotlight cohort and the other children of the same age."""
    theme = spec.title.split(" – ")[0]
    return dataclasses.replace(
        spec,
        title=f"{theme} – the table's rows, {{fy}}",
        columns=(t.Column("Children"),),
        notes=spec.notes[APPENDIX_F_COLUMN_NOTES[spec.id] :],
    )


def _cohort_specs() -> tuple[t.TableSpec, ...]:
    specs = []
    for spec in t.TABLES:
        if not splittable(spec):
            continue  # NOT_COMPARED says why
        if spec.id in APPENDIX_F_COLUMN_NOTES:
            spec = _appendix_f_rows(spec)
        specs.append(comparable(spec))
    return tuple(specs)


COHORT_SPECS: tuple[t.TableSpec, ...] = _cohort_specs()
# The annual tables a cohort is not compared on, and why (Chart 3's rates).
NOT_COMPARED: dict[str, str] = {
    spec.id: reason for spec in t.TABLES if (reason := not_compared_reason(spec)) is not None
}
COHORT_SPECS_BY_ID: dict[str, t.TableSpec] = {spec.id: spec for spec in COHORT_SPECS}


# --- The comparison -------------------------------------------------------------------------------


def cohort_reviews(year: int, cohort: Q):
    """The rapid reviews of the reporting year that the figures count (engine.records_q) and
    that are in `cohort`: the cohort's size, and the cases to sample from and to list, exactly
    the reviews its figures are computed from. Not scoped to a reader: the caller checks that
    the user may see every case (Panel analysts)."""
    return RapidReview.objects.filter(records_q(t.REVIEW, year)).filter(cohort_q(t.REVIEW, cohort))


def _declared_order(spec: t.TableSpec) -> t.TableSpec:
    """The spec with every group's rows in their declared order, so that the cohort's and the
    rest's rows line up (`_side_by_side` orders them by both together)."""
    return dataclasses.replace(
        spec, groups=tuple(dataclasses.replace(g, order="declared") for g in spec.groups)
    )


def _interleave(ours: list, theirs: list) -> list:
    """[ours[0], theirs[0], ours[1], theirs[1], …]"""
    return [x for pair in zip(ours, theirs, strict=True) for x in pair]


def _side_by_side(
    spec: t.TableSpec, ours: dict[str, Any], theirs: dict[str, Any]
) -> dict[str, Any]:
    """One table of the cohort's and the rest's: each column twice, cohort then rest."""
    one = len(ours["columns"]) == 1
    columns = []
    for column in ours["columns"]:
        for part in (COHORT, REST):
            label = ONE_COLUMN_LABELS[part] if one else column["label"] + PART_SUFFIX[part]
            columns.append({"label": label, "is_total": column["is_total"], "part": part})
    # The declared groups' orders (a special kind, such as the themes, declares none).
    orders = [g.order for g in spec.groups] if spec.kind == "crosstab" else []
    groups = []
    for i, (group, other) in enumerate(zip(ours["groups"], theirs["groups"], strict=True)):
        rows = []
        for row, other_row in zip(group["rows"], other["rows"], strict=True):
            cells = _interleave(row["cells"], other_row["cells"])
            rows.append({**row, "cells": cells})
        if i < len(orders) and orders[i] == "desc":
            # As the ordinary table orders them: by the last column, cohort and rest together.
            cell_rows = [r for r in rows if r["kind"] == "cell"]
            cell_rows.sort(key=lambda r: -((r["cells"][-2]["n"] or 0) + (r["cells"][-1]["n"] or 0)))
            rows = cell_rows + [r for r in rows if r["kind"] != "cell"]
        denominators = None
        if group["denominators"] is not None:
            denominators = _interleave(group["denominators"], other["denominators"])
        groups.append({"label": group["label"], "denominators": denominators, "rows": rows})
    notes = [*ours["notes"], COMPARISON_NOTE]
    if spec.source == t.SIN or any(g.source == t.SIN for g in spec.groups):
        notes.append(SIN_NOTE)
    return {**ours, "columns": columns, "groups": groups, "notes": notes}


@replica_reads()
def compare(
    year: int, cohort: Q, rest: Q, *, specs: tuple[t.TableSpec, ...] | None = None
) -> dict[str, Any]:
    """The cohort and the rest (Q objects over RapidReview) side by side on each table of
    `specs` (COHORT_SPECS by default) for the reporting year `year`, JSON-serialisable:
    {"year", "period", "cohort_size", "rest_size", "tables": [...]}, the sizes being the
    year's rapid reviews in each. Two computations of each table, whatever the number of
    records."""
    specs = COHORT_SPECS if specs is None else tuple(comparable(s) for s in specs)
    for spec in specs:
        if reason := not_compared_reason(spec):
            raise ValueError(f"Table {spec.id} cannot be compared by cohort: {reason}")
    start, end = reporting_year(year)
    with year_records(year, specs, inputs=False):
        sizes = RapidReview.objects.filter(records_q(t.REVIEW, year)).aggregate(
            cohort=Count("pk", filter=cohort_q(t.REVIEW, cohort)),
            rest=Count("pk", filter=cohort_q(t.REVIEW, rest)),
        )
        tables = []
        for spec in specs:
            declared = _declared_order(spec)
            tables.append(
                _side_by_side(
                    spec,
                    compute_table(declared, year, cohort=cohort),
                    compute_table(declared, year, cohort=rest),
                )
            )
    return {
        "year": year,
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "cohort_size": sizes["cohort"],
        "rest_size": sizes["rest"],
        "tables": tables,
    }


# --- Exports --------------------------------------------------------------------------------------

PAIR_RULE = (
    "A cell of the cohort and the same cell of the rest are suppressed together, since "
    "together they make the published figure for the year."
)


def _pair_lines(table: dict[str, Any]) -> list[list[tuple[int, int]]]:
    """The lines a comparison adds to a table's own: each cell with its twin (the cohort's and
    the rest's, which add up to a published figure), and each row within each part (which
    adds up to the part's Total)."""
    parts: dict[Any, list[int]] = {}
    for j, column in enumerate(table["columns"]):
        parts.setdefault(column.get("part"), []).append(j)
    lines = []
    r = 0
    for group in table["groups"]:
        for _row in group["rows"]:
            for j in range(0, len(table["columns"]) - 1, 2):
                lines.append([(r, j), (r, j + 1)])
            lines += [[(r, j) for j in js] for js in parts.values()]
            r += 1
    return lines


def suppress_comparison(table: dict[str, Any], threshold: int) -> dict[str, Any]:
    """A comparison table with small counts, and what would reveal them, shown as `c`."""
    out = suppress_table(table, threshold, extra_lines=_pair_lines(table))
    out["notes"] = [*out.get("notes", []), PAIR_RULE]
    return out


def _threshold() -> int:
    return settings.STATISTICS_SUPPRESSION_THRESHOLD


def _export_tables(result: dict[str, Any], *, public: bool) -> list[dict[str, Any]]:
    threshold = _threshold()
    return [suppress_comparison(t, threshold) if public else t for t in result["tables"]]


def _sizes(result: dict[str, Any], *, public: bool) -> tuple[Any, Any]:
    """The cohort's and the rest's sizes as published: both `c` when either is small (the
    year's total is published, so one would give the other away)."""
    cohort, rest = result["cohort_size"], result["rest_size"]
    if public and (is_small(cohort, _threshold()) or is_small(rest, _threshold())):
        return SUPPRESSED, SUPPRESSED
    return cohort, rest


def _about(result: dict[str, Any], *, public: bool) -> list[tuple[str, Any]]:
    year = result["year"]
    cohort, rest = _sizes(result, public=public)
    lines: list[tuple[str, Any]] = [
        (
            "Reporting year",
            f"{financial_year(year)} (1 April {year} to 31 March {year + 1}, by incident date)",
        ),
    ]
    for key, label in (("cohort_name", "Cohort"), ("cohort_definition", "Cohort definition")):
        if result.get(key):
            lines.append((label, result[key]))
    lines += [
        ("Rapid reviews in the cohort", cohort),
        ("Rapid reviews in the rest", rest),
        (
            "Export",
            "Public: small numbers suppressed"
            if public
            else "Internal: not suppressed, not for publication",
        ),
        ("Suppression", suppression_rule(public=public, threshold=_threshold())),
    ]
    if public:
        lines.append(("Cohort and rest", PAIR_RULE))
    return lines


def comparison_title(result: dict[str, Any]) -> str:
    name = result.get("cohort_name") or "A cohort"
    return f"{name} compared with the rest, {financial_year(result['year'])}"


def comparison_csv(result: dict[str, Any], *, public: bool) -> bytes:
    """The comparison's tables as tidy CSV (analytics.exports' layout: one line per cell);
    `public` applies small-number suppression (STATISTICS_SUPPRESSION_THRESHOLD)."""
    return tables_csv(_export_tables(result, public=public)).encode("utf-8")


def comparison_xlsx(result: dict[str, Any], *, public: bool) -> bytes:
    """The comparison as a workbook: an "About" sheet (the year, the sizes, the suppression
    rule), then one sheet per table; `public` applies small-number suppression."""
    return tables_xlsx(
        comparison_title(result),
        _about(result, public=public),
        _export_tables(result, public=public),
        public=public,
        threshold=_threshold(),
    )
