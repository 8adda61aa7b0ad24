"""Benchmarking (issue 19, item 5): an area's figures beside its region's and England's.

Who may benchmark which area is decided here, once (`benchmark_areas_for`,
`benchmark_area_for`), as `safeguarding.scoping` decides whose records someone sees: a
partnership lead their partnership (the local authorities it covers now), a local authority
user their authority; the Panel and administrators any partnership or authority of England;
nobody else (the DfE's and Ofsted's viewers read SINs, not a partnership's figures). An area
the user may not benchmark is a 404, as a record out of scope is.

The figures are a few tables where comparing places makes sense (`BENCHMARK_TABLES`): the
timeliness of SINs and rapid reviews, SINs by reason, rapid reviews by incident type, the age
of the child in focus and the involvement of children's social care. Each shows the reporting
year's column of the report's table (its Total, or the year's) for the area, for its region
(computed by the statistics engine for their local authorities, `engine.Authorities`) and for
England as published: the year's latest snapshot, the figures the statistics pages show.

Small numbers are suppressed in each of the three columns (analytics.suppression, with the
public threshold, whoever reads the page), as the public exports are. The area is part of its
region, so the region's column minus the area's is the rest of the region, which must not
reveal a small number either (`_region_reveals`): where the rest of the region is from 1 to
threshold - 1, or the area's cell is suppressed and the rest is below the threshold (the
region's figure would give the area's away), the region's cell is suppressed too, with its
percentage, and then whatever in the region's column would let it be worked out from a total
(secondary suppression over the region's column, `suppress_table(force=...)`). England's
column is the published figures, suppressed on their own.

Caching: an area's and a region's figures are computed once per snapshot of the year (the key
names the snapshot's id, version and time of computation), so a new version (the nightly
recompute, or an administrator's) refreshes them, and a page view costs a cache read. A
region's figures are shared by every area in it; England's are read from the snapshot itself.
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.http import Http404

from safeguarding import policy
from safeguarding.audit import audit_log
from safeguarding.codes import Role
from safeguarding.models import AuditAction, LocalAuthority, Partnership, Region, User

from . import engine
from . import tables as t
from .exports import CONTENT_TYPES, ExportFile, tables_csv
from .models import StatisticsSnapshot
from .suppression import SUPPRESSED, suppress_table

PARTNERSHIP, AUTHORITY = "partnership", "authority"
ENGLAND = "England"
# Bump when the tables or their layout change, so that cached figures are computed again.
BENCHMARK_VERSION = 2
CACHE_SECONDS = 30 * 24 * 3600


@dataclass(frozen=True)
class BenchmarkTable:
    """A table of the report benchmarked: its id (analytics.tables) and the title the
    benchmarking page gives it (the year's column only)."""

    id: str
    title: str


BENCHMARK_TABLES: tuple[BenchmarkTable, ...] = (
    BenchmarkTable("timeliness", "Timeliness of SINs and rapid reviews, {fy}"),
    BenchmarkTable("chart_1_reason", "SINs by reason for notification, {fy}"),
    BenchmarkTable("rr_incident_type", "Rapid reviews by incident type, {fy}"),
    BenchmarkTable("chart_4_age_year", "Rapid reviews by age group of the child in focus, {fy}"),
    BenchmarkTable(
        "table_4_csc", "Rapid reviews by the child's contact with children's social care, {fy}"
    ),
)


@dataclass(frozen=True)
class Area:
    """A place someone benchmarks: a partnership or a local authority, and its region."""

    kind: str  # PARTNERSHIP or AUTHORITY
    obj: Partnership | LocalAuthority
    region: Region | None

    @property
    def key(self) -> str:
        """How a URL names the area: "partnership:<code>" or "authority:<ONS code>"."""
        code = self.obj.code if self.kind == PARTNERSHIP else self.obj.ons_code
        return f"{self.kind}:{code}"

    @property
    def name(self) -> str:
        return self.obj.name

    @property
    def authorities(self) -> Q:
        """Its local authorities, as a filter on LocalAuthority: a partnership's are those it
        covers now (an authority that moved counts with its new partnership)."""
        if self.kind == PARTNERSHIP:
            return Q(partnership=self.obj.pk)
        return Q(pk=self.obj.pk)


def _region_of_partnership(partnership: Partnership) -> Region | None:
    """The region of the partnership's authorities; for one spanning regions, the region of
    most of them (on a tie, the first by name)."""
    regions = Counter(
        LocalAuthority.objects.filter(partnership=partnership).values_list("region", flat=True)
    )
    if not regions:
        return None
    by_id = Region.objects.in_bulk(regions)
    return min(by_id.values(), key=lambda r: (-regions[r.pk], r.name))


def _partnership_area(partnership: Partnership) -> Area:
    return Area(PARTNERSHIP, partnership, _region_of_partnership(partnership))


def _authority_area(authority: LocalAuthority) -> Area:
    return Area(AUTHORITY, authority, authority.region)


def picks_any_area(user: User) -> bool:
    """The Panel and administrators choose any area of England."""
    return policy.can_benchmark(user) and policy.can_read_statistics(user)


def benchmark_areas_for(user: User) -> list[tuple[str, list[tuple[str, str]]]]:
    """The areas the user may choose from, as select groups: [(heading, [(key, name)])]. The
    Panel and administrators: every partnership and every authority; anyone else: their own
    (no choice to make)."""
    if not picks_any_area(user):
        own = benchmark_area_for(user)
        return [("", [(own.key, own.name)])] if own else []
    partnerships = Partnership.objects.order_by("name").values_list("code", "name")
    authorities = LocalAuthority.objects.order_by("name").values_list("ons_code", "name")
    return [
        ("Partnerships", [(f"{PARTNERSHIP}:{code}", name) for code, name in partnerships]),
        ("Local authorities", [(f"{AUTHORITY}:{code}", name) for code, name in authorities]),
    ]


def _area_get(key: str) -> Area:
    kind, _, code = key.partition(":")
    if kind == PARTNERSHIP:
        partnership = Partnership.objects.filter(code=code).first()
        if partnership is not None:
            return _partnership_area(partnership)
    elif kind == AUTHORITY:
        authority = LocalAuthority.objects.select_related("region").filter(ons_code=code).first()
        if authority is not None:
            return _authority_area(authority)
    raise Http404("No such area")


def benchmark_area_for(user: User, key: str = "") -> Area | None:
    """The area `user` benchmarks: the one `key` names, or without a key their own (a
    partnership lead's partnership, a local authority user's authority; None for the Panel
    and administrators, who choose one). Http404 for an area the user may not benchmark, as
    for a record out of scope; nobody but those `policy.can_benchmark` allows has an area."""
    if not policy.can_benchmark(user):
        if key:
            raise Http404("No such area")
        return None
    if picks_any_area(user):
        return _area_get(key) if key else None
    if user.role == Role.PARTNERSHIP_LEAD:
        own = _partnership_area(user.partnership)
    elif user.role == Role.LA_USER:
        own = _authority_area(user.local_authority)
    else:  # pragma: no cover - can_benchmark allows no one else
        raise Http404("No such area")
    if key and key != own.key:
        raise Http404("No such area")
    return own


# --- The figures -----------------------------------------------------------------------------


def benchmark_years() -> list[int]:
    """The reporting years with figures to benchmark against (a succeeded snapshot), newest
    first."""
    return sorted(
        set(
            StatisticsSnapshot.objects.filter(status=StatisticsSnapshot.Status.SUCCEEDED)
            .order_by()
            .values_list("year", flat=True)
            .distinct()
        ),
        reverse=True,
    )


def _column_index(spec: t.TableSpec) -> int:
    """The reporting year's column of a table: its Total, else the year's own, else its
    last."""
    for j, column in enumerate(spec.columns):
        if column.is_total:
            return j
    for j, column in enumerate(spec.columns):
        if column.year_offset == 0:
            return j
    return len(spec.columns) - 1


def _one_column(table: dict[str, Any] | None, j: int) -> dict[str, Any] | None:
    """The table with only its column `j` (the cells, the group denominators)."""
    if table is None or j >= len(table["columns"]):
        return None
    out = copy.deepcopy(table)
    out["columns"] = [table["columns"][j]]
    for group in out["groups"]:
        denominators = group.get("denominators")
        group["denominators"] = [denominators[j]] if denominators else None
        for row in group["rows"]:
            row["cells"] = [row["cells"][j]]
    return out


def _compute_columns(year: int, authorities: Q) -> dict[str, dict[str, Any]]:
    """The benchmarked tables for the records of `authorities`, each as its year's column."""
    specs = tuple(t.TABLES_BY_ID[b.id] for b in BENCHMARK_TABLES)
    columns = {}
    with engine.year_records(year, specs, inputs=False):
        # The years for which England holds records: a year with none is not available (x)
        # in every place, as in England's column; a place with no matching records where
        # England has some shows a true 0.
        held = engine.records_held(year, specs)
        for spec in specs:
            table = engine.compute_table(spec, year, cohort=engine.Authorities(authorities))
            engine.mark_missing_years(spec, year, table, held)
            columns[spec.id] = _one_column(table, _column_index(spec))
    return columns


def _cache_key(snapshot: StatisticsSnapshot, place: str) -> str:
    computed = snapshot.computed_at.isoformat() if snapshot.computed_at else ""
    return (
        f"analytics:benchmark:{BENCHMARK_VERSION}:{snapshot.pk}:{snapshot.year}:"
        f"{snapshot.version}:{computed}:{place}"
    )


def _columns_cached(
    snapshot: StatisticsSnapshot, place: str, authorities: Q
) -> dict[str, dict[str, Any]]:
    key = _cache_key(snapshot, place)
    columns = cache.get(key)
    if columns is None:
        columns = _compute_columns(snapshot.year, authorities)
        cache.set(key, columns, CACHE_SECONDS)
    return columns


def _cells(table: dict[str, Any] | None, group_label: str, row_label: str) -> dict[str, Any]:
    """The row's one cell in a one-column table, found by its group's and its own label (a
    snapshot computed before a table changed may lack it: not available)."""
    for group in (table or {}).get("groups", []):
        if group["label"] != group_label:
            continue
        for row in group["rows"]:
            if row["label"] == row_label:
                return row["cells"][0]
    return engine.cell(None)


def _region_reveals(
    area: dict[str, Any],
    area_shown: dict[str, Any],
    region: dict[str, Any],
    threshold: int,
) -> set[tuple[int, int]]:
    """The cells of the region's one-column table (by flat row index, column 0) that, shown
    beside the area's, would reveal a small number: the rest of the region (region - area)
    from 1 to threshold - 1, or an area's suppressed cell (the rest below the threshold)."""
    force = set()
    r = 0
    for group in region["groups"]:
        for row in group["rows"]:
            region_n = row["cells"][0].get("n")
            area_n = _cells(area, group["label"], row["label"]).get("n")
            if isinstance(region_n, int) and isinstance(area_n, int):
                rest = region_n - area_n
                shown_n = _cells(area_shown, group["label"], row["label"]).get("n")
                area_hidden = shown_n == SUPPRESSED
                if 0 < rest < threshold or (area_hidden and 0 <= rest < threshold):
                    force.add((r, 0))
            r += 1
    return force


def _side_by_side(
    bench: BenchmarkTable,
    year: int,
    columns: list[tuple[str, dict[str, Any] | None]],
    threshold: int,
) -> dict[str, Any]:
    """One benchmarked table in the engine's shape (analytics.layout lays it out, the CSV
    export writes it): rows the table's, a column per place (the area, its region if any,
    England), each suppressed, the region's also where it would reveal the rest of the
    region or the area's suppressed figures (see the module)."""
    shown = [
        (label, suppress_table(table, threshold) if table is not None else None)
        for label, table in columns
    ]
    if len(columns) == 3 and columns[0][1] is not None and columns[1][1] is not None:
        area, region = columns[0][1], columns[1][1]
        force = _region_reveals(area, shown[0][1], region, threshold)
        shown[1] = (columns[1][0], suppress_table(region, threshold, force=force))
    spec = t.TABLES_BY_ID[bench.id]
    structure = next((table for _, table in shown if table is not None), None)
    if structure is None:  # no place has the table (a snapshot older than it, and no area)
        structure = {"groups": [], "percent": "none", "denominators": ""}
    groups = []
    for group in structure["groups"]:
        rows = [
            {
                "label": row["label"],
                "kind": row["kind"],
                "cells": [_cells(table, group["label"], row["label"]) for _, table in shown],
            }
            for row in group["rows"]
        ]
        groups.append({"label": group["label"], "denominators": None, "rows": rows})
    return {
        "id": bench.id,
        "title": engine.Labels(year).fill(bench.title),
        "percent": structure.get("percent", "none"),
        "denominators": structure.get("denominators", ""),
        "columns": [{"label": label, "is_total": False} for label, _ in shown],
        "groups": groups,
        "notes": list(spec.notes),
    }


@dataclass(frozen=True)
class Benchmark:
    area: Area
    snapshot: StatisticsSnapshot
    region_name: str
    tables: list[dict[str, Any]]  # suppressed, one column per place


def benchmark_figures(*, area: Area, snapshot: StatisticsSnapshot) -> Benchmark:
    """The benchmarked tables of the snapshot's year for `area`: the area, its region and
    England (the snapshot's own figures), small numbers suppressed in each. The area's and
    the region's figures are computed once per snapshot (cached, see the module)."""
    threshold = settings.STATISTICS_SUPPRESSION_THRESHOLD
    area_columns = _columns_cached(snapshot, area.key, area.authorities)
    region = area.region
    region_columns = (
        _columns_cached(snapshot, f"region:{region.code}", Q(region=region.pk))
        if region is not None
        else {}
    )
    tables = []
    for bench in BENCHMARK_TABLES:
        spec = t.TABLES_BY_ID[bench.id]
        england = _one_column(snapshot.table(bench.id), _column_index(spec))
        places = [(area.name, area_columns.get(bench.id))]
        if region is not None:
            places.append((region.name, region_columns.get(bench.id)))
        places.append((ENGLAND, england))
        tables.append(_side_by_side(bench, snapshot.year, places, threshold))
    return Benchmark(
        area=area,
        snapshot=snapshot,
        region_name=region.name if region else "",
        tables=tables,
    )


def benchmark_filename(benchmark: Benchmark) -> str:
    """e.g. benchmarking-2023-24-partnership-leeds.csv"""
    year = benchmark.snapshot.year
    kind, _, code = benchmark.area.key.partition(":")
    return f"benchmarking-{year}-{(year + 1) % 100:02d}-{kind}-{code.lower()}.csv"


def benchmark_export(*, benchmark: Benchmark, by: User) -> ExportFile:
    """What the page shows as tidy CSV (analytics.exports.tables_csv: one line per cell, `c`
    suppressed, `x` not available), recorded in the audit trail as an export of the area's
    figures by `by`."""
    content = tables_csv(benchmark.tables).encode("utf-8")
    snapshot = benchmark.snapshot
    audit_log(
        actor=by,
        action=AuditAction.EXPORT,
        obj=benchmark.area.obj,
        changes={
            "format": "csv",
            "benchmarking": benchmark.area.key,
            "year": snapshot.year,
            "version": snapshot.version,
            "threshold": settings.STATISTICS_SUPPRESSION_THRESHOLD,
        },
        message=f"Exported the benchmarking figures of {benchmark.area.name} for "
        f"{snapshot.year} to {snapshot.year + 1} as CSV",
    )
    return ExportFile(
        content=content,
        content_type=CONTENT_TYPES["csv"],
        filename=benchmark_filename(benchmark),
    )
