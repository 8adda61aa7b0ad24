"""The statistics engine: computes every declared table (analytics.tables) for a reporting year
in the database. Each row group is one query: a GROUP BY on the group's field with a
conditional `Count(filter=…)` per column, or one aggregate with a conditional count per cell.
Python loops only over the declared rows and columns, never over records, so the number of
queries does not grow with the data.

Percentages are rounded to one decimal place half up (ROUND_HALF_UP: 12.25 → 12.3), as the
report's spreadsheets show them, computed exactly from the integer counts (no floating point),
and returned as strings ("48.8"). Rates per 100,000 are given to two decimal places, as in
Appendix D Table A; means to one.

Which records count (DOMAIN.md §5; report 3.2, 3.5, 3.18):
- the reporting year is the financial year by incident date: `year` 2023 is 1 April 2023 to
  31 March 2024;
- SIN figures: submitted SINs, by the reason notified; drafts never count. Like the report,
  the figures cover incidents where abuse or neglect is known or suspected, so a looked-after
  child's death notified as "not suspected" is left out, and so is a SIN the Panel
  secretariat marked withdrawn or not progressed (issue 16; the timeliness table counts those
  on a line of their own, `RowGroup.withdrawn`, so the figures reconcile);
- rapid-review figures: submitted rapid reviews of those SINs, by the incident type reviewed;
- Panel figures: the current Panel decision on those reviews;
- LCSPR figures: the LCSPRs the Panel considered in the reporting year, by the date it
  considered them (DOMAIN.md §1), whatever the incident's year, of the same SINs (submitted,
  not withdrawn) and submitted rapid reviews.

Missing is not zero (README, "Missing is not zero"): a figure that counts records of a year
for which the service holds none of its kind (records_held: SINs, rapid reviews, decisions,
LCSPRs) is stored as not available, `x` (mark_missing_years), never as 0; a year with records
where none match stays 0.

At scale (README, "How the figures are computed at scale"): on PostgreSQL, `compute_year`
first copies the records the year can count (submitted SINs with an incident in the reporting
year or the one before, and those of the LCSPRs considered in those years; their children,
reviews, decisions and themes) into temporary tables named like the models' tables, which
shadow them for the rest of the computation (PostgreSQL searches the session's temporary
schema first). Every query below is the same ORM query, but
it reads the year's few thousand records instead of joining the whole tables again, so the
cost grows with the records in the year, not with the table; JIT compilation, which costs more
than these small queries, is switched off for the computation. The copies are a superset of
what any query selects (every filter still applies), so the figures are the same either way;
on SQLite, or a read-only connection (a replica), the queries read the tables directly.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from django.db import connections, router, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    JSONField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate, TruncMonth

from lcsprs.models import Lcspr, LcsprLearningTheme
from notifications.models import AbuseOrNeglect, Notification, NotificationChild
from panel.models import PanelDecision
from rapidreviews.codes import LearningTheme
from rapidreviews.models import RapidReview, RapidReviewTheme
from safeguarding.codes import ETHNIC_GROUP_OF, Reason, RegionCode
from safeguarding.db_routers import replica_reads
from safeguarding.models import CensusEthnicityShare, LocalAuthority, RegionPopulation

from . import tables as t

MONTHS = [date(2000, m, 1).strftime("%B") for m in range(1, 13)]

MODELS = {
    t.SIN: Notification,
    t.REVIEW: RapidReview,
    t.DECISION: PanelDecision,
    t.THEME: RapidReviewTheme,
    t.LCSPR: Lcspr,
}
# The path from each record set to its SIN.
SIN_PATH = {
    t.SIN: "",
    t.REVIEW: "notification__",
    t.DECISION: "review__notification__",
    t.THEME: "review__notification__",
    t.LCSPR: "rapid_review__notification__",
}
REVIEW_PATH = {t.REVIEW: "", t.DECISION: "review__", t.THEME: "review__", t.LCSPR: "rapid_review__"}
# The date that places a record in a reporting year: the incident's, except for LCSPRs.
YEAR_DATE = {t.LCSPR: "considered_on"}


def year_date(source: str) -> str:
    """The field whose date places a record of `source` in a reporting year."""
    return YEAR_DATE.get(source, f"{SIN_PATH[source]}incident_date")


def reporting_year(year: int) -> tuple[date, date]:
    """The financial year `year`: 1 April `year` to 31 March `year + 1`, by incident date."""
    return date(year, 4, 1), date(year + 1, 3, 31)


def records_q(
    source: str, year: int, years: tuple[int, ...] = (0,), *, withdrawn: bool = False
) -> Q:
    """The records of `source` counted for the reporting year (and the years offset from it).
    With `withdrawn`, instead the ones left out only because their SIN was marked withdrawn
    or not progressed."""
    path = SIN_PATH[source]
    start, _ = reporting_year(year + min(years))
    _, end = reporting_year(year + max(years))
    withdrawal = Q(**{f"{path}withdrawal": ""})
    dated = year_date(source)
    q = (
        Q(
            **{
                f"{path}status": Notification.Status.SUBMITTED,
                f"{dated}__gte": start,
                f"{dated}__lte": end,
            }
        )
        & ~Q(**{f"{path}abuse_or_neglect": AbuseOrNeglect.NOT_SUSPECTED})
        & (~withdrawal if withdrawn else withdrawal)
    )
    if source in REVIEW_PATH:
        q &= Q(**{f"{REVIEW_PATH[source]}status": RapidReview.Status.SUBMITTED})
    if source == t.DECISION:
        q &= Q(is_current=True)
    return q


@dataclass(frozen=True)
class Authorities:
    """A cohort of places rather than of rapid reviews (analytics.benchmarking): every record
    of any set whose SIN's local authority matches `q`, a Q over LocalAuthority (a
    partnership's authorities, a region's). Unlike a cohort of reviews, a SIN without a rapid
    review belongs too, so SIN figures count every SIN of the area."""

    q: Q


def cohort_q(source: str, cohort: Q | Authorities) -> Q:
    """The records of `source` that belong to a cohort of rapid reviews: `cohort` is a Q over
    RapidReview (its fields, its relations, or an annotation of ANNOTATIONS[REVIEW]). A SIN
    belongs through its submitted rapid review (a SIN without one belongs to no cohort); a
    decision or a theme through its review. The cohort is a subquery, so that a condition on
    a relation of the review (its themes, its SIN's authority) neither repeats nor mixes
    records, and `~` means "not in the cohort" whatever the relation. An `Authorities` cohort
    is the records of those local authorities, whatever their set."""
    if isinstance(cohort, Authorities):
        authorities = LocalAuthority.objects.filter(cohort.q).values("pk")
        return Q(**{f"{SIN_PATH[source]}local_authority__in": authorities})
    reviews = _annotated(RapidReview.objects.all(), t.REVIEW, _q_names(cohort)).filter(cohort)
    if source == t.SIN:
        submitted = reviews.filter(status=RapidReview.Status.SUBMITTED)
        return Q(pk__in=submitted.values("notification_id"))
    if source not in REVIEW_PATH:
        raise ValueError(f"The {source!r} records cannot be restricted to a cohort of reviews")
    return Q(**{f"{REVIEW_PATH[source]}pk__in": reviews.values("pk")})


def year_q(source: str, year: int) -> Q:
    start, end = reporting_year(year)
    field = year_date(source)
    return Q(**{f"{field}__gte": start, f"{field}__lte": end})


def _age_group() -> Case:
    bands = [("under_1", 0), ("1_5", 5), ("6_10", 10), ("11_15", 15), ("16_17", 17)]
    return Case(
        *(When(age_years__lte=high, then=Value(code)) for code, high in bands),
        default=Value(None),
        output_field=CharField(),
    )


def _ethnic_group() -> Case:
    by_group: dict[str, list[str]] = {}
    for code, group in ETHNIC_GROUP_OF.items():
        by_group.setdefault(str(group), []).append(code)
    return Case(
        *(When(ethnicity__in=codes, then=Value(group)) for group, codes in by_group.items()),
        default=Value("unknown"),
        output_field=CharField(),
    )


def _children_count() -> Coalesce:
    """Children per incident: the number given by an import, else the SIN's child rows."""
    rows = (
        NotificationChild.objects.filter(notification=OuterRef("pk"))
        .order_by()
        .values("notification")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(
        F("imported_children_count"), Subquery(rows, output_field=IntegerField()), Value(0)
    )


def _young_parent_age() -> Case:
    """Appendix F Table B's young parents: `under_18` when a parent is under 18, `18_24` when
    one is under 25 (and none under 18), `no`, else `unknown` (unknown or not given)."""
    return Case(
        When(parent_under_18="yes", then=Value("under_18")),
        When(young_parent="yes", then=Value("18_24")),
        When(young_parent="no", then=Value("no")),
        default=Value("unknown"),
        output_field=CharField(),
    )


def _theme_raised(theme: str):
    """Whether the review raised learning theme `theme` (Appendix F Table C's themes)."""
    return lambda: Exists(
        RapidReviewTheme.objects.filter(review=OuterRef("pk"), theme=theme, present=True)
    )


def _lcspr_theme(theme: str):
    """Whether the Panel identified learning theme `theme` in the LCSPR's final report."""
    return lambda: Exists(LcsprLearningTheme.objects.filter(lcspr=OuterRef("pk"), theme=theme))


def _lcspr_notice() -> ExpressionWrapper:
    """Days from the Panel receiving the final report to publication (actual, else planned);
    null until both are known (as Lcspr.panel_notice_days)."""
    publication = Coalesce("actual_publication_date", "planned_publication_date")
    return ExpressionWrapper(
        publication - F("final_report_received_on"), output_field=DurationField()
    )


# Derived fields a declaration may group by, filter on or take a statistic of, per record set.
ANNOTATIONS = {
    t.SIN: {
        "month": lambda: TruncMonth("incident_date"),
        "children_count": _children_count,
        "days_to_notify": lambda: ExpressionWrapper(
            TruncDate("notified_at") - F("incident_date"), output_field=DurationField()
        ),
    },
    t.REVIEW: {
        "age_group": _age_group,
        "ethnic_group": _ethnic_group,
        "young_parent_age": _young_parent_age,
        **{f"theme_{code}": _theme_raised(code) for code in LearningTheme.values},
    },
    t.DECISION: {},
    t.THEME: {},
    t.LCSPR: {
        "panel_notice": _lcspr_notice,
        "any_learning_theme": lambda: Exists(
            LcsprLearningTheme.objects.filter(lcspr=OuterRef("pk"))
        ),
        **{f"learning_theme_{code}": _lcspr_theme(code) for code in LearningTheme.values},
    },
}


# --- Formatting ------------------------------------------------------------------------------


def round_half_up(value: Fraction, places: int = 1) -> str:
    """`value` to `places` decimal places, halves rounded up (exact, no floating point)."""
    scale = 10**places
    sign = "-" if value < 0 else ""
    scaled = (abs(value) * scale * 2 + 1) // 2  # floor(x * scale + 1/2)
    whole, fraction = divmod(int(scaled), scale)
    return f"{sign}{whole}.{fraction:0{places}d}" if places else f"{sign}{whole}"


def percent(n: int | None, d: int | None) -> str | None:
    """n as a percentage of d to one decimal place; None when there is no denominator."""
    if n is None or not d:
        return None
    return round_half_up(Fraction(100 * n, d), 1)


def cell(n: int | None, pct: str | None = None, value: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"n": n, "pct": pct}
    if value is not None:
        out["value"] = value
    return out


@dataclass(frozen=True)
class Labels:
    year: int

    def fill(self, text: str) -> str:
        y = self.year
        return text.format(
            year=y,
            prev_year=y - 1,
            next_year=y + 1,
            fy=f"{y} to {y + 1}",
            fy_short=f"{y}/{(y + 1) % 100:02d}",
            prev_fy=f"{y - 1} to {y}",
            prev_fy_short=f"{y - 1}/{y % 100:02d}",
        )


# --- Cross-tabulations -----------------------------------------------------------------------


def _q_names(q: Q) -> set[str]:
    names = set()
    for child in q.children:
        if isinstance(child, Q):
            names |= _q_names(child)
        else:
            names.add(child[0].split("__")[0])
    return names


def _annotated(qs, source: str, names: set[str]):
    available = ANNOTATIONS[source]
    wanted = {name: available[name]() for name in sorted(names) if name in available}
    return qs.annotate(**wanted) if wanted else qs


def _only(q: Q | None) -> Q | None:
    """A filter for an aggregate: None when it would not filter anything."""
    return q if q else None


def _combine(*qs: Q | None) -> Q | None:
    result = Q()
    for q in qs:
        if q:
            result &= q
    return _only(result)


def _month_rows(spec: t.TableSpec, year: int) -> tuple[t.Row, ...]:
    rows = []
    for offset in sorted(spec.years):
        start, _ = reporting_year(year + offset)
        for i in range(12):
            month = date(
                start.year + (start.month + i - 1) // 12, (start.month + i - 1) % 12 + 1, 1
            )
            rows.append(t.Row(f"{MONTHS[month.month - 1]} {month.year}", (month,)))
    return tuple(rows) + (t.total_row(),)


def _stat_value(row: t.Row, total: Any, count: int) -> str | None:
    if row.stat == t.MEAN:
        if not count or total is None:
            return None
        if isinstance(total, timedelta):
            total = total.days
        return round_half_up(Fraction(total) / count, 1)
    if total is None:
        return None
    return str(total.days if isinstance(total, timedelta) else total)


def _group_cells(
    spec: t.TableSpec, group: t.RowGroup, year: int, columns, rows, cohort: Q | None = None
):
    """[(row, [n or (n, value) per column])] and the column denominators, in one query;
    `cohort` (a Q over RapidReview) restricts the records to a cohort's (cohort_q)."""
    source = group.source or spec.source
    qs = MODELS[source].objects.filter(
        records_q(source, year, spec.years, withdrawn=group.withdrawn)
    )
    if cohort is not None:
        qs = qs.filter(cohort_q(source, cohort))
    extra = spec.filter & group.filter
    names = _q_names(extra) | {group.field or ""} | {r.expr or "" for r in rows}
    for row in rows:
        names |= _q_names(row.q or Q())
    qs = _annotated(qs, source, names).filter(extra)
    column_qs = [
        _combine(c.q, None if c.year_offset is None else year_q(source, year + c.year_offset))
        for c in columns
    ]

    if group.field:
        buckets = (
            qs.order_by()
            .values(group.field)
            .annotate(**{f"c{j}": Count("pk", filter=q) for j, q in enumerate(column_qs)})
        )
        counts = {b[group.field]: [b[f"c{j}"] for j in range(len(columns))] for b in buckets}
        denominators = [sum(c[j] for c in counts.values()) for j in range(len(columns))]
        out = []
        for row in rows:
            if row.codes == t.ALL:
                out.append((row, list(denominators)))
            else:
                found = [counts.get(code, [0] * len(columns)) for code in row.codes]
                out.append((row, [sum(c[j] for c in found) for j in range(len(columns))]))
        return out, denominators

    aggregates: dict[str, Any] = {f"d{j}": Count("pk", filter=q) for j, q in enumerate(column_qs)}
    for i, row in enumerate(rows):
        for j, col_q in enumerate(column_qs):
            where = _combine(row.q, col_q)
            if row.stat == t.COUNT:
                aggregates[f"r{i}_{j}"] = Count("pk", filter=where)
            elif row.stat in (t.SUM, t.MEAN):
                aggregates[f"r{i}_{j}"] = Sum(row.expr, filter=where)
                aggregates[f"k{i}_{j}"] = Count(row.expr, filter=where)
            else:
                aggregate = Min if row.stat == t.MIN else Max
                aggregates[f"r{i}_{j}"] = aggregate(row.expr, filter=where)
                aggregates[f"k{i}_{j}"] = Count(row.expr, filter=where)
    result = qs.order_by().aggregate(**aggregates)
    denominators = [result[f"d{j}"] for j in range(len(columns))]
    out = []
    for i, row in enumerate(rows):
        values = []
        for j in range(len(columns)):
            if row.stat == t.COUNT:
                values.append(result[f"r{i}_{j}"])
            elif row.stat == t.SUM:
                values.append(result[f"r{i}_{j}"] or 0)
            else:
                count = result[f"k{i}_{j}"]
                values.append((count, _stat_value(row, result[f"r{i}_{j}"], count)))
        out.append((row, values))
    return out, denominators


def _crosstab(
    spec: t.TableSpec, year: int, labels: Labels, cohort: Q | None = None
) -> dict[str, Any]:
    columns = list(spec.columns)
    total_index = next((j for j, c in enumerate(columns) if c.is_total), None)
    groups_out = []
    for group in spec.groups:
        rows = _month_rows(spec, year) if group.months else group.rows
        raw, denominators = _group_cells(spec, group, year, columns, rows, cohort)
        if group.order == "desc":
            cells = [r for r in raw if r[0].kind == "cell"]
            cells.sort(key=lambda r: -r[1][-1])  # stable: ties keep the declared order
            raw = cells + [r for r in raw if r[0].kind != "cell"]
        rows_out = []
        for row, values in raw:
            row_cells = []
            for j, value in enumerate(values):
                if isinstance(value, tuple):  # a statistic: (records, value)
                    row_cells.append(cell(value[0], None, value[1]))
                    continue
                pct = None
                if row.show_pct and row.stat == t.COUNT:
                    if spec.percent == "column":
                        pct = percent(value, denominators[j])
                    elif spec.percent == "row" and total_index is not None:
                        pct = percent(value, values[total_index])
                row_cells.append(cell(value, pct))
            rows_out.append({"label": labels.fill(row.label), "kind": row.kind, "cells": row_cells})
        groups_out.append({"label": group.label, "denominators": denominators, "rows": rows_out})
    out_columns = [{"label": labels.fill(c.label), "is_total": c.is_total} for c in columns]
    if spec.options.get("census_column"):
        _add_census_column(spec, groups_out, out_columns)
    return {"columns": out_columns, "groups": groups_out}


def _add_census_column(spec: t.TableSpec, groups_out: list, out_columns: list) -> None:
    """Table 1's comparison: the Census 2021 share of children by ethnicity (one query)."""
    shares = {
        (s.is_group, s.code): s.percentage
        for s in CensusEthnicityShare.objects.order_by("census_year")
    }  # a later census overrides an earlier one
    out_columns.append({"label": spec.options["census_column"], "is_total": False})
    for group_spec, group_out in zip(spec.groups, groups_out, strict=True):
        for row_spec, row_out in zip(group_spec.rows, group_out["rows"], strict=True):
            if row_spec.codes == t.ALL:
                pct = "100.0" if shares else None
            elif row_spec.kind == "subtotal":
                share = shares.get((True, str(ETHNIC_GROUP_OF[row_spec.codes[0]])))
                pct = None if share is None else f"{share:.1f}"
            else:
                share = shares.get((False, row_spec.codes[0]))
                pct = None if share is None else f"{share:.1f}"
            row_out["cells"].append(cell(None, pct))


# --- Special tables --------------------------------------------------------------------------


def _region_counts(year: int, cohort: Q | None = None) -> dict[str, dict[str, int]]:
    """Per region code: the SINs of the previous and this year, and this year's deaths, serious
    harm, SINs with a known IMD decile and those in the 20% most deprived areas. With
    `cohort`, this year's SINs of the cohort (cohort_q) only."""
    this_year = year_q(t.SIN, year)
    if cohort is None:
        sins = Notification.objects.filter(records_q(t.SIN, year, (-1, 0)))
    else:
        sins = Notification.objects.filter(records_q(t.SIN, year), cohort_q(t.SIN, cohort))
    return {
        r["region"]: r
        for r in sins.order_by()
        .values(region=F("local_authority__region__code"))
        .annotate(
            previous=Count("pk", filter=year_q(t.SIN, year - 1)),
            sins=Count("pk", filter=this_year),
            deaths=Count("pk", filter=this_year & Q(reason=Reason.DEATH)),
            harm=Count("pk", filter=this_year & Q(reason=Reason.SERIOUS_HARM)),
            imd_known=Count("pk", filter=this_year & Q(imd_decile__isnull=False)),
            deprived=Count("pk", filter=this_year & Q(imd_decile__in=t.MOST_DEPRIVED_20_PERCENT)),
        )
    }


def _region_populations(year: int) -> dict[tuple[str, int], int]:
    """{(region code, year): children} for the previous and this year's first calendar year."""
    return {
        (code, y): children
        for code, y, children in RegionPopulation.objects.filter(
            year__in=[year - 1, year]
        ).values_list("region__code", "year", "children")
    }


def _regions(
    spec: t.TableSpec, year: int, labels: Labels, cohort: Q | None = None
) -> dict[str, Any]:
    """Appendix D Table A and Chart 3: SINs per 100,000 children by region (the year's
    mid-year estimate), deaths and serious harm shares, and the share in the 20% most deprived
    areas among SINs with a known IMD decile. One GROUP BY query and one for populations.
    For a cohort (Table A only), the year's SINs of the cohort by region (and their share of
    England's) in place of the population and the rates: a cohort has no population."""
    rates_only = spec.options.get("columns") == "rates"
    if cohort is not None:
        if rates_only:
            raise ValueError("Rates per 100,000 children cannot be restricted to a cohort")
        return _cohort_regions(year, labels, cohort)
    by_region = _region_counts(year)
    population = _region_populations(year)
    keys = ["previous", "sins", "deaths", "harm", "imd_known", "deprived"]
    empty = dict.fromkeys(keys, 0)
    lines = [(label, by_region.get(code, empty), code) for code, label in RegionCode.choices]
    england = {k: sum(line[1][k] for line in lines) for k in keys}

    def pop(code: str | None, y: int) -> int | None:
        if code is not None:
            return population.get((code, y))
        values = [population.get((c, y)) for c, _ in RegionCode.choices]
        return None if None in values else sum(values)

    def rate(n: int, children: int | None) -> str | None:
        return None if not children else round_half_up(Fraction(n * 100_000, children), 2)

    rows = []
    for label, r, code in [*lines, ("England", england, None)]:
        cells = [
            cell(r["previous"], None, rate(r["previous"], pop(code, year - 1))),
            cell(r["sins"], None, rate(r["sins"], pop(code, year))),
        ]
        if not rates_only:
            cells = [
                cell(pop(code, year)),
                *cells,
                cell(r["deaths"], percent(r["deaths"], r["sins"])),
                cell(r["harm"], percent(r["harm"], r["sins"])),
                cell(r["deprived"], percent(r["deprived"], r["imd_known"])),
            ]
        rows.append({"label": label, "kind": "total" if code is None else "cell", "cells": cells})
    column_labels = ["Rate per 100,000 pop. {prev_fy_short}", "Rate per 100,000 pop. {fy_short}"]
    if not rates_only:
        column_labels = [
            "Child population estimates mid-{year}",
            *column_labels,
            "% of region's SINs for deaths",
            "% of region's SINs for serious harm",
            "% of SINs for incidents occurring in region's 20% most deprived areas",
        ]
    return {
        "columns": [{"label": labels.fill(c), "is_total": False} for c in column_labels],
        "groups": [{"label": "Region", "denominators": None, "rows": rows}],
    }


def _cohort_regions(year: int, labels: Labels, cohort: Q) -> dict[str, Any]:
    """Table A's figures for a cohort's SINs: by region, the SINs (a share of England's), and
    the shares of deaths, serious harm and the 20% most deprived areas. One GROUP BY query."""
    by_region = _region_counts(year, cohort)
    keys = ["sins", "deaths", "harm", "imd_known", "deprived"]
    empty = dict.fromkeys(keys, 0)
    lines = [(label, by_region.get(code, empty), code) for code, label in RegionCode.choices]
    england = {k: sum(line[1][k] for line in lines) for k in keys}
    rows = [
        {
            "label": label,
            "kind": "total" if code is None else "cell",
            "cells": [
                cell(r["sins"], percent(r["sins"], england["sins"])),
                cell(r["deaths"], percent(r["deaths"], r["sins"])),
                cell(r["harm"], percent(r["harm"], r["sins"])),
                cell(r["deprived"], percent(r["deprived"], r["imd_known"])),
            ],
        }
        for label, r, code in [*lines, ("England", england, None)]
    ]
    column_labels = [
        "SINs {fy_short} (% of England's)",
        "% of region's SINs for deaths",
        "% of region's SINs for serious harm",
        "% of SINs for incidents occurring in region's 20% most deprived areas",
    ]
    return {
        "columns": [{"label": labels.fill(c), "is_total": False} for c in column_labels],
        "groups": [{"label": "Region", "denominators": None, "rows": rows}],
    }


def _themes(
    spec: t.TableSpec, year: int, labels: Labels, cohort: Q | None = None
) -> dict[str, Any]:
    """Chart 12: the share of reviews where each learning theme featured, and the share of
    those where good practice was identified too (of a cohort's reviews, with `cohort`)."""
    review_q, theme_q = records_q(t.REVIEW, year), records_q(t.THEME, year)
    if cohort is not None:
        review_q &= cohort_q(t.REVIEW, cohort)
        theme_q &= cohort_q(t.THEME, cohort)
    reviews = RapidReview.objects.filter(review_q).count()
    by_theme = {
        r["theme"]: r
        for r in RapidReviewTheme.objects.filter(theme_q)
        .order_by()
        .values("theme")
        .annotate(
            featured=Count("pk", filter=Q(present=True)),
            good=Count("pk", filter=Q(present=True, good_practice=True)),
        )
    }
    rows = []
    for code, label in LearningTheme.choices:
        r = by_theme.get(code, {"featured": 0, "good": 0})
        rows.append(
            {
                "label": str(label),
                "kind": "cell",
                "cells": [
                    cell(r["featured"], percent(r["featured"], reviews)),
                    cell(r["good"], percent(r["good"], r["featured"])),
                ],
            }
        )
    rows.append({"label": "Rapid reviews", "kind": "total", "cells": [cell(reviews), cell(None)]})
    return {
        "columns": [
            {"label": "Featured", "is_total": False},
            {"label": "Good practice identified", "is_total": False},
        ],
        "groups": [{"label": "Learning and practice theme", "denominators": None, "rows": rows}],
    }


# --- Data quality (issue 19; analytics.tables.data_quality) ------------------------------------


def _partnerships(spec: t.TableSpec, year: int, labels: Labels) -> dict[str, Any]:
    """One row per partnership that made a rapid review of the year (by name), then England:
    for each characteristic of `options["characteristics"]` the reviews where it was not
    recorded or unknown (a share of those it is asked of); every characteristic of
    `options["all"]` together (the answers missing, as a share of the answers asked for); and
    the reviews. One GROUP BY query with two conditional counts per characteristic."""
    named, every = spec.options["characteristics"], spec.options["all"]
    aggregates: dict[str, Any] = {"reviews": Count("pk")}
    for i, c in enumerate(every):
        aggregates[f"gap{i}"] = Count("pk", filter=c.applies & c.gap)
        aggregates[f"asked{i}"] = Count("pk", filter=c.applies) if c.applies else Count("pk")
    index = {c.field: i for i, c in enumerate(every)}
    lines = list(
        RapidReview.objects.filter(records_q(t.REVIEW, year), spec.filter)
        .order_by()
        .values(code=F("partnership__code"), name=F("partnership__name"))
        .annotate(**aggregates)
    )
    lines.sort(key=lambda line: (line["name"].casefold(), line["code"]))
    england = {key: sum(line[key] for line in lines) for key in aggregates}

    def cells(line: dict[str, Any]) -> list[dict[str, Any]]:
        out = []
        for c in named:
            i = index[c.field]
            out.append(cell(line[f"gap{i}"], percent(line[f"gap{i}"], line[f"asked{i}"])))
        gaps = sum(line[f"gap{i}"] for i in range(len(every)))
        asked = sum(line[f"asked{i}"] for i in range(len(every)))
        return [*out, cell(gaps, percent(gaps, asked)), cell(line["reviews"])]

    rows = [
        {"label": line["name"], "code": line["code"], "kind": "cell", "cells": cells(line)}
        for line in lines
    ]
    rows.append({"label": "England", "kind": "total", "cells": cells(england)})
    return {
        "percent": spec.percent,
        "denominators": DENOMINATOR_RULES[spec.percent],
        "columns": [{"label": labels.fill(c.label), "is_total": c.is_total} for c in spec.columns],
        "groups": [{"label": "Partnership", "denominators": None, "rows": rows}],
    }


def _answers(spec: t.TableSpec, year: int, labels: Labels) -> dict[str, Any]:
    """Rows the questions of `options["questions"]` (fields of the source's records, in
    headed groups), columns every answer of their scales, then blank answers ("Not
    recorded") and every record (the row percentages' total); an answer outside a question's
    scale is not applicable (n None). One aggregate query."""
    model = MODELS[spec.source]
    questions = [(heading, names) for heading, names in spec.options["questions"]]
    fields = [model._meta.get_field(name) for _, names in questions for name in names]
    answers: dict[str, str] = {}
    for field in fields:
        for code, label in field.choices:
            answers.setdefault(code, str(label))
    aggregates: dict[str, Any] = {"total": Count("pk")}
    for field in fields:
        for code in [*dict(field.choices), ""]:
            aggregates[f"{field.name}__{code}"] = Count("pk", filter=Q(**{field.name: code}))
    result = model.objects.filter(records_q(spec.source, year), spec.filter).aggregate(**aggregates)
    total = result["total"]
    groups = []
    for heading, names in questions:
        rows = []
        for name in names:
            field = model._meta.get_field(name)
            scale = dict(field.choices)
            row_cells = []
            for code in [*answers, ""]:
                n = result[f"{name}__{code}"] if code in scale or code == "" else None
                row_cells.append(cell(n, percent(n, total)))
            row_cells.append(cell(total))
            label = str(field.verbose_name)
            label = label[:1].upper() + label[1:]
            rows.append({"label": label, "kind": "cell", "cells": row_cells})
        groups.append({"label": heading, "denominators": None, "rows": rows})
    column_labels = [*answers.values(), spec.options.get("not_recorded", "Not recorded")]
    return {
        "percent": spec.percent,
        "denominators": DENOMINATOR_RULES[spec.percent],
        "columns": [
            *({"label": label, "is_total": False} for label in column_labels),
            {"label": spec.options.get("total", "Total"), "is_total": True},
        ],
        "groups": groups,
    }


KINDS = {
    "crosstab": _crosstab,
    "regions": _regions,
    "themes": _themes,
    "partnerships": _partnerships,
    "answers": _answers,
}
# The kinds whose figures can be computed for a cohort of rapid reviews (their functions take
# a `cohort`; the regions' rates per 100,000 children cannot be, only their counts and shares).
COHORT_KINDS = frozenset({"crosstab", "themes", "regions"})

DENOMINATOR_RULES = {
    "column": "Column percentages: each count as a share of the column's records in its row "
    "group (the group's total row where shown).",
    "row": "Row percentages: each count as a share of the row's Total.",
    "none": "Counts only.",
}


@replica_reads()
def compute_table(
    spec: t.TableSpec,
    year: int,
    *,
    cohort: Q | Authorities | None = None,
    held: set[tuple[str, int]] | None = None,
) -> dict[str, Any]:
    """One table for the reporting year; with `cohort` (a Q over RapidReview, or the
    Authorities of an area), of that cohort's records only (cohort_q; analytics.cohort_tables
    compares a cohort with the rest, analytics.benchmarking an area with its region).
    The kinds in COHORT_KINDS can be restricted to a cohort.

    Without a cohort, a figure of a year for which the service holds no records of its kind
    is not available, not zero (`mark_missing_years`): `held` is records_held's answer for
    the table's years (asked here when not given)."""
    labels = Labels(year)
    if cohort is None:
        body = KINDS[spec.kind](spec, year, labels)
    elif spec.kind in COHORT_KINDS:
        body = KINDS[spec.kind](spec, year, labels, cohort)
    else:
        raise ValueError(f"A {spec.kind} table cannot be restricted to a cohort")
    table = {
        "id": spec.id,
        "title": labels.fill(spec.title),
        "percent": spec.percent if spec.kind == "crosstab" else "mixed",
        # The special tables (regions, themes) mix counts, shares and rates: their columns
        # and notes say what each figure is.
        "denominators": DENOMINATOR_RULES.get(spec.percent, "") if spec.kind == "crosstab" else "",
        **body,
        "notes": list(spec.notes),
        # Only when set, so that the report's tables are stored as before.
        **({"chapter": spec.chapter} if spec.chapter else {}),
        # Left out of public exports (analytics.exports.export_tables).
        **({"internal": True} if spec.internal else {}),
    }
    if cohort is None:
        if held is None:
            held = records_held(year, (spec,))
        mark_missing_years(spec, year, table, held)
    return table


# --- Years with no records: missing is not zero --------------------------------------------------

# What the note of a table with a missing year calls each record set.
RECORD_NOUNS = {
    t.SIN: "SINs",
    t.REVIEW: "rapid reviews",
    t.DECISION: "Panel decisions",
    t.THEME: "rapid reviews",
    t.LCSPR: "LCSPRs considered by the Panel",
}


def financial_year_label(year: int) -> str:
    """ "2022 to 2023": how the pages and the notes name a reporting year."""
    return f"{year} to {year + 1}"


def _table_sources(spec: t.TableSpec) -> set[str]:
    """The record sets whose presence in a year decides whether the table's figures of that
    year are available: each row group's (a themes table's shares are of rapid reviews)."""
    if spec.kind == "themes":
        return {t.REVIEW}
    if spec.kind == "regions":
        return {t.SIN}
    return {group.source or spec.source for group in spec.groups} or {spec.source}


def records_held(year: int, specs: tuple[t.TableSpec, ...] = t.TABLES) -> set[tuple[str, int]]:
    """The (record set, reporting year) pairs, among those the tables span for `year`, for
    which the service holds records: submitted records of the year (withdrawn or not; drafts
    never count), whether or not any matches a figure. One query per record set, counting
    per year; the year's copies (year_records) make it cheap."""
    wanted: dict[str, set[int]] = {}
    for spec in specs:
        for source in _table_sources(spec):
            wanted.setdefault(source, set()).update(year + o for o in spec.years)
    held = set()
    for source, years in sorted(wanted.items()):
        first = min(years)
        offsets = tuple(y - first for y in sorted(years))
        q = records_q(source, first, offsets) | records_q(source, first, offsets, withdrawn=True)
        result = (
            MODELS[source]
            .objects.filter(q)
            .aggregate(**{f"y{y}": Count("pk", filter=year_q(source, y)) for y in sorted(years)})
        )
        held |= {(source, y) for y in years if result[f"y{y}"]}
    return held


def missing_cell() -> dict[str, Any]:
    """A figure of a year with no records: not available (`x`), which is not zero."""
    return {"n": None, "pct": None, "missing": True}


def missing_note(nouns: list[str], year: int) -> str:
    return (
        f"x: the service holds no {' or '.join(nouns)} for {financial_year_label(year)}; "
        "this is not zero."
    )


def _column_offsets(spec: t.TableSpec, year: int, table: dict[str, Any]) -> list[set[int]]:
    """The reporting-year offsets each stored column's figures come from (empty for a column
    that counts no records of the years, e.g. a population or a Census share)."""
    every = set(spec.years)
    if spec.kind == "crosstab":
        offsets = [every if c.year_offset is None else {c.year_offset} for c in spec.columns]
    elif spec.kind == "regions":
        offsets = [{-1}, {0}]
        if spec.options.get("columns") != "rates":
            offsets = [set(), *offsets, {0}, {0}, {0}]
    else:
        offsets = [every] * len(table["columns"])
    return offsets + [set()] * (len(table["columns"]) - len(offsets))


def _row_offsets(spec: t.TableSpec, year: int, group: t.RowGroup | None) -> list[set[int]] | None:
    """For a group whose rows are the months of the table's years, each row's year offset
    (every year for its total row); None for other groups (their rows span every year)."""
    if group is None or not group.months:
        return None
    # As _month_rows lays them out: twelve months a year, in order, then the total.
    offsets = [{o} for o in sorted(spec.years) for _ in range(12)]
    return [*offsets, set(spec.years)]


def mark_missing_years(
    spec: t.TableSpec, year: int, table: dict[str, Any], held: set[tuple[str, int]]
) -> None:
    """Every figure of `table` that counts records of a year for which the service holds none
    of its record set becomes not available (missing_cell: `x`), and so does a figure across
    years that includes such a year (a total over two years); a year that has records where
    none match stays 0. The table gets `missing_years` (the years' labels, in order), a note
    per year, and the column denominators of the missing figures become None. A table with
    no missing year is stored as before (snapshots taken before this have no marker)."""
    columns = _column_offsets(spec, year, table)
    groups = spec.groups if spec.kind == "crosstab" else ()
    sources = sorted(_table_sources(spec))
    missing: dict[int, set[str]] = {}
    for g, group_out in enumerate(table["groups"]):
        group = groups[g] if g < len(groups) else None
        source = (group.source or spec.source) if group is not None else sources[0]
        absent = {o for o in spec.years if (source, year + o) not in held}
        if not absent:
            continue
        rows = _row_offsets(spec, year, group)
        denominators = group_out.get("denominators")
        for j, offsets in enumerate(columns):
            if denominators and j < len(denominators) and offsets & absent:
                denominators[j] = None
        for i, row in enumerate(group_out["rows"]):
            for j, offsets in enumerate(columns):
                if rows is not None and offsets:
                    offsets = offsets & rows[i]
                gone = offsets & absent
                if gone:
                    row["cells"][j] = missing_cell()
                    for o in gone:
                        missing.setdefault(year + o, set()).add(RECORD_NOUNS[source])
    if not missing:
        return
    table["missing_years"] = [financial_year_label(y) for y in sorted(missing)]
    nouns_order = list(dict.fromkeys(RECORD_NOUNS.values()))
    table["notes"] = [
        *table["notes"],
        *(missing_note(sorted(missing[y], key=nouns_order.index), y) for y in sorted(missing)),
    ]


# What input_counts counts: these record sets, this year and the one before.
INPUT_SETS = (t.SIN, t.REVIEW, t.DECISION)
INPUT_YEARS = (-1, 0)


def input_counts(year: int) -> dict[str, int]:
    """How many records the figures were computed from, this year and the previous one."""
    counts = {}
    for key, source in [("sins", t.SIN), ("reviews", t.REVIEW), ("decisions", t.DECISION)]:
        result = (
            MODELS[source]
            .objects.filter(records_q(source, year, INPUT_YEARS))
            .aggregate(
                this=Count("pk", filter=year_q(source, year)),
                previous=Count("pk", filter=year_q(source, year - 1)),
            )
        )
        counts[key] = result["this"]
        counts[f"{key}_previous_year"] = result["previous"]
    return counts


# --- The year's records, copied once -----------------------------------------------------------


def _connection():
    """The connection the figures' queries read from (a database router may name a replica):
    temporary tables belong to one connection, so the copies are made on that one."""
    return connections[router.db_for_read(Notification) or "default"]


def _year_copies_possible() -> bool:
    """Temporary tables need PostgreSQL and a connection that may write (not a hot standby)."""
    connection = _connection()
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SHOW transaction_read_only")
        return cursor.fetchone()[0] == "off"


# The tables copied, in order: each copies the rows of the one it names (foreign key, copied
# table), is indexed on its keys (the queries' joins) and analysed on those and the columns
# every query filters on (records_q), so that the planner knows how many rows match; and the
# record sets whose figures read it.
YEAR_COPIES = (
    (
        Notification,
        None,
        ("id",),
        ("status", "incident_date", "abuse_or_neglect", "withdrawal"),
        None,
    ),
    (NotificationChild, ("notification_id", Notification), ("notification_id",), (), {t.SIN}),
    (
        RapidReview,
        ("notification_id", Notification),
        ("id", "notification_id"),
        ("status",),
        {t.REVIEW, t.DECISION, t.THEME},
    ),
    (PanelDecision, ("review_id", RapidReview), ("review_id",), ("is_current",), {t.DECISION}),
    (RapidReviewTheme, ("review_id", RapidReview), ("review_id",), ("theme",), {t.THEME}),
)


def _record_sets(specs: tuple[t.TableSpec, ...]) -> set[str]:
    """The record sets the tables read: their sources, and the themes when a review's
    learning theme (a `theme_…` annotation) is grouped or filtered on."""
    sets = set()
    for spec in specs:
        sets.add(spec.source)
        names = _q_names(spec.filter)
        for group in spec.groups:
            sets.add(group.source or spec.source)
            names |= _q_names(group.filter) | {group.field or ""}
            for row in group.rows:
                names |= _q_names(row.q or Q()) | {row.expr or ""}
        if any(name.startswith("theme_") for name in names):
            sets.add(t.THEME)
    return sets


def _counted_fields(model) -> list:
    """The columns a copy keeps: all but free text and JSON, which no figure reads (a
    declaration naming one fails loudly on the copy, rather than counting something else)."""
    return [f for f in model._meta.concrete_fields if not isinstance(f, TextField | JSONField)]


def _year_copy_statements(
    start: date, end: date, copies, *, lcsprs: bool = False
) -> list[tuple[str, list]]:
    """CREATE TEMPORARY TABLE … AS SELECT for each table copied, each from the one before it
    (the SINs by status and incident date, which the `notification_statistics_year` index
    finds; the rest by their foreign keys), then their keys' indexes and statistics.
    `lcsprs`: the SINs of the LCSPRs considered from `start` to `end` are copied too, whatever
    their incident date (an LCSPR is counted by the date the Panel considered it)."""
    connection = _connection()
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = qn(cursor.fetchone()[0])
    statements: list[tuple[str, list]] = []
    for model, parent, keys, filtered, _ in copies:
        table = qn(model._meta.db_table)
        columns = ", ".join(qn(f.column) for f in _counted_fields(model))
        select = f"SELECT {columns} FROM {schema}.{table}"  # noqa: S608 (names are ours)
        if parent is None:  # the SINs
            where = "status = %s AND incident_date BETWEEN %s AND %s"
            params = [Notification.Status.SUBMITTED, start, end]
        else:
            column, parent_model = parent
            parent_table = qn(parent_model._meta.db_table)
            where = f"{qn(column)} IN (SELECT id FROM pg_temp.{parent_table})"  # noqa: S608
            params = []
        statements.append((f"CREATE TEMPORARY TABLE {table} AS {select} WHERE {where}", params))
        if parent is None and lcsprs:
            statements.append(_lcspr_sins_statement(schema, table, select, start, end))
        statements += [(f"CREATE INDEX ON pg_temp.{table} ({qn(key)})", []) for key in keys]
        # Temporary tables are never auto-analysed: without statistics the planner guesses
        # one row and picks nested loops over thousands. Every column's would cost more than
        # the queries.
        analysed = ", ".join(qn(c) for c in (*keys, *filtered))
        statements.append((f"ANALYZE pg_temp.{table} ({analysed})", []))
    return statements


def _lcspr_sins_statement(schema: str, table: str, select: str, start: date, end: date):
    """INSERT into the SINs' copy those of the LCSPRs considered from `start` to `end` that
    it lacks (the `considered_on` index finds the LCSPRs)."""
    qn = _connection().ops.quote_name
    lcspr, review = qn(Lcspr._meta.db_table), qn(RapidReview._meta.db_table)
    lcsprs = (
        f"SELECT r.notification_id FROM {schema}.{review} r JOIN {schema}.{lcspr} l"  # noqa: S608
        " ON l.rapid_review_id = r.id WHERE l.considered_on BETWEEN %s AND %s"
    )
    sql = (
        f"INSERT INTO pg_temp.{table} {select} WHERE id IN ({lcsprs})"  # noqa: S608
        f" AND id NOT IN (SELECT id FROM pg_temp.{table})"
    )
    return sql, [start, end]


@contextlib.contextmanager
def year_records(
    year: int, specs: tuple[t.TableSpec, ...] = t.TABLES, *, inputs: bool = True
) -> Iterator[None]:
    """Within the block, on PostgreSQL, the models' tables hold only the records `year`'s
    tables can count (temporary copies shadowing them), with JIT off; dropped at the end
    (rolled back if the block fails). Elsewhere the block reads the tables themselves. A
    table the specs do not read is not copied (a query reading it still counts the same).
    `inputs`: the block also counts input_counts' records."""
    offsets = {offset for spec in specs for offset in spec.years} | {0}
    sets = _record_sets(specs)
    if inputs:
        offsets |= set(INPUT_YEARS)
        sets |= set(INPUT_SETS)
    start, _ = reporting_year(year + min(offsets))
    _, end = reporting_year(year + max(offsets))
    copies = [c for c in YEAR_COPIES if c[-1] is None or c[-1] & sets]
    connection = _connection()
    with transaction.atomic(using=connection.alias):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Planning with JIT costs about 2 s a query once the estimates pass its
                # threshold; these queries take milliseconds. Local to the transaction (to
                # the outermost one, when the computation runs inside another), and allowed
                # on a read-only replica, where no copies are made.
                cursor.execute("SELECT set_config('jit', 'off', true)")
                # Grouping the year's themes (ten a review) sorts more than the default 4 MB.
                cursor.execute("SELECT set_config('work_mem', '64MB', true)")
        if not _year_copies_possible():
            yield
            return
        with connection.cursor() as cursor:
            statements = _year_copy_statements(start, end, copies, lcsprs=t.LCSPR in sets)
            for sql, params in statements:
                cursor.execute(sql, params)
        yield
        # When the block fails, leaving the atomic block rolls the copies back with it.
        tables = ", ".join(
            f"pg_temp.{connection.ops.quote_name(m._meta.db_table)}" for m, *_ in copies
        )
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {tables}")


@replica_reads()
def compute_year(year: int, specs: tuple[t.TableSpec, ...] = t.TABLES) -> dict[str, Any]:
    """Every declared table for the reporting year `year` (1 April `year` - 31 March
    `year + 1`), JSON-serialisable: {"year", "period", "input_counts", "tables": [...]}."""
    start, end = reporting_year(year)
    with year_records(year, specs):
        held = records_held(year, specs)
        return {
            "year": year,
            "period": {"start": start.isoformat(), "end": end.isoformat()},
            "input_counts": input_counts(year),
            "tables": [compute_table(spec, year, held=held) for spec in specs],
        }


def table_get(result: dict[str, Any], table_id: str) -> dict[str, Any]:
    return next(table for table in result["tables"] if table["id"] == table_id)
