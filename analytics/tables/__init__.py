"""The annual figures, declared as data (DOMAIN.md §5; the Panel's annual report chapter 3 and
Appendix D), one module per chapter of the report:

- `spec`: the declarations' vocabulary (`TableSpec`, `RowGroup`, `Row`, `Column`) and helpers;
- `common`: columns, rows and cohorts several chapters share (ages and answers from
  rapidreviews.rules);
- `sins`: Serious Incident Notifications; `children`: the child in focus; `needs`: needs of
  the child and the parents, risk factors, learning themes; `quality`: quality of reviews;
  `appendix_f`: the spotlight themes; `lcsprs`: the LCSPRs the Panel considered in the year
  (issue 18), a chapter of their own after the report's tables; `data_quality`: how often
  characteristics went unrecorded, nationally and by partnership, and the Panel's quality
  feedback (issue 19), the last chapter.

`TABLES` is every table in the report's order, the order of a snapshot and of its exports.
"""

from __future__ import annotations

import dataclasses

from . import appendix_f, children, data_quality, lcsprs, needs, quality, sins
from .common import (
    AGE_COLUMNS,
    AGE_GROUP_ROWS,
    AGED_16_17,
    EDUCATION_ROWS,
    HAS_MENTAL_HEALTH_CONDITION,
    KNOWN_ETHNICITY,
    MENTAL_HEALTH_CONDITION_ORDERED,
    MOST_DEPRIVED_20_PERCENT,
    SCHOOL_AGE_COHORT,
    SEX_COLUMNS,
    TYPE_COLUMNS,
    YEAR_COLUMNS,
)
from .spec import (
    ALL,
    COUNT,
    DECISION,
    LCSPR,
    MAX,
    MEAN,
    MIN,
    REVIEW,
    SIN,
    SUM,
    THEME,
    Column,
    Row,
    RowGroup,
    TableSpec,
    code_rows,
    split,
    total_row,
    yes_codes,
    yes_row,
)


def _in_chapter(chapter: str, tables: tuple[TableSpec, ...]) -> tuple[TableSpec, ...]:
    """The module's tables under the heading of their part of the report (the pages' contents
    and the PDF group tables by it), unless a table names its own."""
    return tuple(t if t.chapter else dataclasses.replace(t, chapter=chapter) for t in tables)


# The parts of the report's chapter 3 and its appendices, one module each.
CHAPTERS = {
    "sins": "Serious Incident Notifications",
    "children": "Rapid reviews: the child, deaths, serious harm and children's social care",
    "needs": "Needs of the child and the parents, risk factors and learning themes",
    "quality": "Timeliness and quality of reviews",
    "appendix_f": "Spotlight themes (Appendix F)",
}

TABLES: tuple[TableSpec, ...] = (
    *_in_chapter(CHAPTERS["sins"], sins.TABLES),
    *_in_chapter(CHAPTERS["children"], children.TABLES),
    *_in_chapter(CHAPTERS["needs"], needs.TABLES),
    *_in_chapter(CHAPTERS["quality"], quality.TABLES),
    *_in_chapter(CHAPTERS["appendix_f"], appendix_f.TABLES),
    *lcsprs.TABLES,
    *data_quality.TABLES,
)

TABLES_BY_ID: dict[str, TableSpec] = {table.id: table for table in TABLES}

__all__ = [
    "AGE_COLUMNS",
    "AGE_GROUP_ROWS",
    "AGED_16_17",
    "ALL",
    "CHAPTERS",
    "COUNT",
    "DECISION",
    "EDUCATION_ROWS",
    "HAS_MENTAL_HEALTH_CONDITION",
    "KNOWN_ETHNICITY",
    "LCSPR",
    "MAX",
    "MEAN",
    "MENTAL_HEALTH_CONDITION_ORDERED",
    "MIN",
    "MOST_DEPRIVED_20_PERCENT",
    "REVIEW",
    "SCHOOL_AGE_COHORT",
    "SEX_COLUMNS",
    "SIN",
    "SUM",
    "TABLES",
    "TABLES_BY_ID",
    "THEME",
    "TYPE_COLUMNS",
    "YEAR_COLUMNS",
    "Column",
    "Row",
    "RowGroup",
    "TableSpec",
    "code_rows",
    "split",
    "total_row",
    "yes_codes",
    "yes_row",
]
