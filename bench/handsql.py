"""Hand-written SQL computing the same counts as a representative set of the engine's tables
(bench.worker.HAND_TABLES) for one reporting year: the yardstick `compute_statistics` is
measured against. One statement: the year's reviews are selected once, with only the columns
the tables use (a materialised CTE), and each table is a GROUPING SETS over them, with its
totals."""

from __future__ import annotations

from django.db import connection

from analytics.engine import reporting_year
from analytics.tables import MENTAL_HEALTH_CONDITION_ORDERED
from notifications.models import Notification
from rapidreviews.models import RapidReview
from safeguarding.codes import ETHNIC_GROUP_OF

YEAR_REVIEWS = """
WITH yr AS MATERIALIZED (
    SELECT r.incident_type, r.sex, r.cause_of_death, r.cause_of_harm,
        r.family_known_to_csc, r.child_in_need, r.child_protection_plan, r.looked_after,
        r.care_order, r.gender_differs, r.lgbtq, r.mental_health, r.neurodivergent,
        r.disability, CASE WHEN r.age_years = 0 THEN 'under_1' WHEN r.age_years <= 5 THEN '1_5'
        WHEN r.age_years <= 10 THEN '6_10' WHEN r.age_years <= 15 THEN '11_15'
        WHEN r.age_years <= 17 THEN '16_17' END AS age_group,
        {ethnic_group} AS ethnic_group
    FROM {reviews} r JOIN {sins} n ON n.id = r.notification_id
    WHERE n.status = 'submitted' AND n.incident_date BETWEEN %(start)s AND %(end)s
      AND n.abuse_or_neglect <> 'not_suspected' AND r.status = 'submitted'
      AND n.withdrawal = ''
)
"""


def _ethnic_group_sql() -> str:
    whens = " ".join(
        f"WHEN r.ethnicity = '{code}' THEN '{group}'" for code, group in ETHNIC_GROUP_OF.items()
    )
    return f"CASE {whens} ELSE 'unknown' END"


def _by_fields(fields: list[tuple[str, str]], column: str, where: str = "TRUE") -> str:
    """Counts of each (field, value) by `column`, with column totals and the total."""
    values = ", ".join(f"('{name}', ({expr})::text)" for name, expr in fields)
    return (
        f"SELECT '{{table}}', f.name, f.value, yr.{column}, count(*) FROM yr "
        f"CROSS JOIN LATERAL (VALUES {values}) AS f(name, value) WHERE {where} "
        f"GROUP BY GROUPING SETS ((f.name, f.value, yr.{column}), (f.name, f.value), "
        f"(f.name, yr.{column}), (f.name))"
    )


def _queries() -> dict[str, str]:
    mental = ",".join(f"'{code}'" for code in MENTAL_HEALTH_CONDITION_ORDERED)
    return {
        "table_2_cause_of_death": _by_fields(
            [("cause_of_death", "cause_of_death")], "sex", "yr.incident_type = 'death'"
        ),
        "table_3_cause_of_harm": _by_fields(
            [("cause_of_harm", "cause_of_harm")], "sex", "yr.incident_type = 'serious_harm'"
        ),
        "table_4_csc": _by_fields(
            [
                (name, name)
                for name in (
                    "family_known_to_csc",
                    "child_in_need",
                    "child_protection_plan",
                    "looked_after",
                    "care_order",
                )
            ],
            "incident_type",
        ),
        "table_b_characteristics": _by_fields(
            [
                ("sex", "sex"),
                ("age_group", "age_group"),
                ("ethnic_group", "ethnic_group"),
                ("gender_differs", "gender_differs = 'yes'"),
                ("lgbtq", "lgbtq = 'yes'"),
                ("mental_health", f"mental_health IN ({mental})"),
                ("neurodivergent", "neurodivergent = 'yes'"),
                ("disability", "disability = 'yes'"),
            ],
            "incident_type",
        ),
        "chart_6_age_sex": _by_fields([("age_group", "age_group")], "sex"),
    }


def hand_tables(year: int) -> dict[str, list[tuple]]:
    """{table id: rows of (field, value, column value, count)} for the reporting year."""
    start, end = reporting_year(year)
    prefix = YEAR_REVIEWS.format(
        reviews=connection.ops.quote_name(RapidReview._meta.db_table),
        sins=connection.ops.quote_name(Notification._meta.db_table),
        ethnic_group=_ethnic_group_sql(),
    )
    statement = prefix + " UNION ALL ".join(
        f"({query.replace('{table}', table_id)})" for table_id, query in _queries().items()
    )
    out: dict[str, list[tuple]] = {table_id: [] for table_id in _queries()}
    with connection.cursor() as cursor:
        cursor.execute(statement, {"start": start, "end": end})
        for table_id, *row in cursor.fetchall():
            out[table_id].append(tuple(row))
    return out
