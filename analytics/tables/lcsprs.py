"""LCSPRs considered by the Panel (issue 18): the Local Child Safeguarding Practice Reviews the
Panel considered in the reporting year, counted by the date it considered them (DOMAIN.md §1),
by region and incident type, their timeliness, the learning themes the Panel identified in them
and its view of the quality of their final reports.

The record set is `LCSPR` (engine.records_q): every LCSPR with `considered_on` in the reporting
year, of a submitted SIN not marked withdrawn or not progressed and a submitted rapid review,
whatever the year of the incident.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F, Q

from lcsprs.models import Lcspr
from lcsprs.timescales import PANEL_NOTICE_DAYS
from rapidreviews.codes import LearningTheme
from safeguarding.codes import Reason, RegionCode

from .common import TOTAL_COLUMN
from .spec import LCSPR, Row, RowGroup, TableSpec, code_rows, split, total_row

CHAPTER = "LCSPRs considered by the Panel"
CONSIDERED = "LCSPRs considered"
CONSIDERED_NOTE = (
    "LCSPRs the Panel considered in the reporting year, by the date it considered them, "
    "whatever the year of the incident; those of SINs marked withdrawn or not progressed are "
    "left out."
)
REGION = "rapid_review__notification__local_authority__region__code"
INCIDENT_TYPE = "rapid_review__incident_type"

NOT_RECORDED = "Not recorded"


def _quality_group(field_name: str) -> RowGroup:
    """One quality question on the final report (Lcspr.FEEDBACK_QUALITY_FIELDS): its answers,
    in the code list's order (the Quality or Extent scale), and the blanks."""
    field = Lcspr._meta.get_field(field_name)
    label = str(field.verbose_name)
    return RowGroup(
        label[:1].upper() + label[1:],
        code_rows(field.choices) + (Row(NOT_RECORDED, ("",)), total_row(CONSIDERED)),
        field=field_name,
    )


NOTICE = timedelta(days=PANEL_NOTICE_DAYS)

TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "lcspr_region",
        "LCSPRs considered by the Panel by region and incident type, {fy}",
        LCSPR,
        chapter=CHAPTER,
        groups=(
            RowGroup(
                "Region",
                code_rows(RegionCode.choices) + (total_row("England"),),
                field=REGION,
            ),
        ),
        columns=split(INCIDENT_TYPE, Reason.choices),
        notes=(
            CONSIDERED_NOTE,
            "Region of the local authority of the case; incident type as the rapid review "
            "recorded it.",
        ),
    ),
    TableSpec(
        "lcspr_incident_type",
        "LCSPRs considered by the Panel by incident type, {fy}",
        LCSPR,
        chapter=CHAPTER,
        groups=(
            RowGroup(
                "Incident type",
                code_rows(Reason.choices) + (total_row(CONSIDERED),),
                field=INCIDENT_TYPE,
            ),
        ),
        columns=TOTAL_COLUMN,
        notes=(CONSIDERED_NOTE,),
    ),
    TableSpec(
        "lcspr_timeliness",
        "Timeliness of LCSPRs considered by the Panel, {fy}",
        LCSPR,
        chapter=CHAPTER,
        groups=(
            RowGroup(
                "Published within 6 months of the rapid review",
                (
                    Row(
                        "Published within 6 months",
                        q=Q(actual_publication_date__lte=F("due_date")),
                    ),
                    Row(
                        "Published later than 6 months",
                        q=Q(actual_publication_date__gt=F("due_date")),
                    ),
                    Row("Not yet published", q=Q(actual_publication_date__isnull=True)),
                    Row(CONSIDERED, kind="total"),
                ),
            ),
            RowGroup(
                f"Final report received at least {PANEL_NOTICE_DAYS} days before publication",
                (
                    Row(
                        f"Received at least {PANEL_NOTICE_DAYS} days before publication",
                        q=Q(panel_notice__gte=NOTICE),
                    ),
                    Row(
                        f"Received fewer than {PANEL_NOTICE_DAYS} days before publication",
                        q=Q(panel_notice__lt=NOTICE),
                    ),
                    Row("Not known", q=Q(panel_notice__isnull=True)),
                    Row(CONSIDERED, kind="total"),
                ),
            ),
        ),
        columns=TOTAL_COLUMN,
        notes=(
            CONSIDERED_NOTE,
            "Within 6 months: published on or before the LCSPR's due date, 6 calendar months "
            "after the rapid review was submitted. Not yet published: no publication date when "
            "the figures were computed.",
            "Notice: days from the Panel receiving the final report to publication (the "
            "publication date, or else the planned one). Not known: the date the Panel "
            "received the report or any publication date is not recorded.",
        ),
    ),
    TableSpec(
        "lcspr_learning_themes",
        "Learning themes identified in LCSPRs considered by the Panel, {fy}",
        LCSPR,
        chapter=CHAPTER,
        groups=(
            RowGroup(
                "Learning and practice theme",
                tuple(
                    Row(str(label), q=Q(**{f"learning_theme_{code}": True}))
                    for code, label in LearningTheme.choices
                )
                + (
                    Row("No learning theme recorded", q=Q(any_learning_theme=False)),
                    Row(CONSIDERED, kind="total"),
                ),
            ),
        ),
        columns=TOTAL_COLUMN,
        notes=(
            CONSIDERED_NOTE,
            "Percentages are of the LCSPRs considered: an LCSPR may have several themes, so "
            "they add up to more than 100.",
        ),
    ),
    TableSpec(
        "lcspr_quality",
        "Quality of the final reports of LCSPRs considered by the Panel, {fy}",
        LCSPR,
        chapter=CHAPTER,
        groups=tuple(_quality_group(name) for name in Lcspr.FEEDBACK_QUALITY_FIELDS),
        columns=TOTAL_COLUMN,
        notes=(
            CONSIDERED_NOTE,
            "The Panel's feedback on each final report. Not recorded: the question was not "
            "answered.",
        ),
    ),
)
