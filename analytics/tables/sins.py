"""Serious Incident Notifications (report 3.1-3.17): the SINs by reason for notification, month,
children per incident and region."""

from __future__ import annotations

from django.db.models import Q

from safeguarding.codes import Reason

from .common import REASON_COLUMNS, YEAR_COLUMNS
from .spec import SIN, SUM, Column, Row, RowGroup, TableSpec, code_rows, total_row

TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "chart_1_reason",
        "Chart 1: Proportion of incidents by reason for notification, {prev_fy} and {fy}",
        SIN,
        groups=(
            RowGroup(
                "Reason for notification",
                code_rows(Reason.choices) + (total_row(),),
                field="reason",
            ),
        ),
        columns=YEAR_COLUMNS,
        years=(-1, 0),
    ),
    TableSpec(
        "chart_2_month",
        "Chart 2: Number of SINs by reason for notification and month of incident, "
        "April {prev_year} to March {next_year}",
        SIN,
        groups=(RowGroup("Month of incident", (), field="month", months=True),),
        columns=REASON_COLUMNS,
        percent="none",
        years=(-1, 0),
    ),
    TableSpec(
        "sin_children",
        "Incidents with more than one child and children reported (3.12-3.13), {fy}",
        SIN,
        groups=(
            RowGroup(
                "",
                (
                    Row("Incidents", kind="total"),
                    Row("Incidents with more than one child", q=Q(children_count__gt=1)),
                    Row("Children reported", stat=SUM, expr="children_count", show_pct=False),
                ),
            ),
        ),
        columns=tuple(
            Column(c.label, c.q, year_offset=0, is_total=c.is_total) for c in REASON_COLUMNS
        )
        + (Column("Total {prev_fy_short}", year_offset=-1),),
        years=(-1, 0),
        notes=(
            "Children per incident: the children recorded on the SIN, or for imported records "
            "the number of children given.",
        ),
    ),
    TableSpec(
        "table_a_regions",
        "Table A: Regional figures",
        SIN,
        kind="regions",
        years=(-1, 0),
        options={"columns": "all"},
        notes=(
            "Rates per 100,000 children use the mid-year child population estimate of the "
            "reporting year's first calendar year.",
            "The 20% most deprived share is of SINs with a known IMD decile.",
        ),
    ),
    TableSpec(
        "chart_3_regions",
        "Chart 3: Rate of SIN submissions per 100,000 child population by region, for {prev_fy} "
        "and {fy}",
        SIN,
        kind="regions",
        years=(-1, 0),
        options={"columns": "rates"},
    ),
)
