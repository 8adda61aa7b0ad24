"""Quality of reviews (report 3.90-3.95): timeliness, length, and the Panel's view of the
partnerships' decisions."""

from __future__ import annotations

from django.db.models import Q

from notifications.timescales import SIN_DEADLINE_WORKING_DAYS
from rapidreviews import codes as rr
from rapidreviews.timescales import RAPID_REVIEW_DEADLINE_WORKING_DAYS

from .common import TOTAL_COLUMN, YEAR_COLUMNS
from .spec import (
    DECISION,
    MAX,
    MEAN,
    MIN,
    REVIEW,
    SIN,
    Row,
    RowGroup,
    TableSpec,
    code_rows,
    total_row,
)

TABLES: tuple[TableSpec, ...] = (
    # --- Quality of reviews (3.90-3.95) ------------------------------------------------------
    TableSpec(
        "timeliness",
        "Timeliness of SINs and rapid reviews (3.91-3.92)",
        SIN,
        groups=(
            RowGroup(
                "Serious Incident Notifications",
                (
                    Row(
                        f"Submitted within {SIN_DEADLINE_WORKING_DAYS} working days",
                        q=Q(working_days_to_notify__lte=SIN_DEADLINE_WORKING_DAYS),
                    ),
                    Row(
                        "Mean days from incident to notification",
                        stat=MEAN,
                        expr="days_to_notify",
                        show_pct=False,
                    ),
                    Row("Total SINs", kind="total", show_pct=False),
                ),
            ),
            RowGroup(
                "Rapid reviews",
                (
                    Row(
                        f"Submitted within {RAPID_REVIEW_DEADLINE_WORKING_DAYS} working days",
                        q=Q(working_days_taken__lte=RAPID_REVIEW_DEADLINE_WORKING_DAYS),
                    ),
                    Row(
                        "Mean working days from SIN to submission",
                        stat=MEAN,
                        expr="working_days_taken",
                        show_pct=False,
                    ),
                    Row("Total rapid reviews", kind="total", show_pct=False),
                ),
                source=REVIEW,
            ),
            # Issue 16: so that the SINs above reconcile with every SIN submitted.
            RowGroup(
                "Withdrawn or not progressed",
                (
                    Row(
                        "Withdrawn or not progressed (excluded above)",
                        kind="total",
                        show_pct=False,
                    ),
                ),
                withdrawn=True,
            ),
        ),
        columns=YEAR_COLUMNS,
        years=(-1, 0),
        notes=(
            "Days from incident to notification are calendar days.",
            "SINs the Panel secretariat marked withdrawn or not progressed are left out of "
            "every figure and counted on their own line.",
        ),
    ),
    TableSpec(
        "review_length",
        "Length of rapid reviews in pages (3.93), {fy}",
        REVIEW,
        groups=(
            RowGroup(
                "Pages",
                (
                    Row("Mean", stat=MEAN, expr="document_page_count"),
                    Row("Shortest", stat=MIN, expr="document_page_count"),
                    Row("Longest", stat=MAX, expr="document_page_count"),
                ),
            ),
        ),
        columns=TOTAL_COLUMN,
        percent="none",
        notes=("Reviews with a page count.",),
    ),
    TableSpec(
        "panel_agreement",
        "The Panel's view of the partnerships' decisions on an LCSPR (3.94-3.95)",
        DECISION,
        groups=(
            RowGroup(
                "Panel decision",
                (
                    Row("Agreed", ("agree",)),
                    Row("Did not agree", ("disagree",)),
                    Row("Unable to conclude", ("unable_to_conclude",)),
                    total_row(),
                ),
                field="outcome",
            ),
            RowGroup(
                "Did not agree, by the partnership's decision",
                code_rows(rr.LcsprDecision.choices) + (total_row(),),
                field="review__lcspr_decision",
                filter=Q(outcome="disagree"),
            ),
        ),
        columns=YEAR_COLUMNS,
        years=(-1, 0),
        notes=("The Panel's current decision on each submitted rapid review.",),
    ),
)
