"""The engine's year copies (analytics.engine.year_records): on PostgreSQL a year's figures are
computed from temporary copies of the year's records, which must give the same figures as the
tables themselves, leave nothing behind, and be found through an index."""

from datetime import date
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analytics import engine
from analytics import tables as t
from notifications.models import Notification
from rapidreviews.models import RapidReview

from ..notifications.factories import DraftNotificationFactory
from .test_engine import YEAR, _sin, make_records

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="copies are PostgreSQL only"),
]


def _records() -> None:
    make_records(12, seed=11)
    # Records no figure of the year counts: another year, a draft.
    _sin(date(2020, 6, 1))
    _sin(date(2025, 6, 1))
    DraftNotificationFactory(incident_date=date(2023, 6, 1))


def _temporary_tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = ANY(current_schemas(true))"
            " AND schemaname LIKE 'pg_temp%%'"
        )
        return [row[0] for row in cursor.fetchall()]


def test_the_figures_from_the_copies_equal_those_from_the_tables():
    _records()
    with CaptureQueriesContext(connection) as queries:
        copied = engine.compute_year(YEAR)
    assert any("CREATE TEMPORARY TABLE" in q["sql"] for q in queries.captured_queries)
    with (
        mock.patch("analytics.engine._year_copies_possible", return_value=False),
        CaptureQueriesContext(connection) as queries,
    ):
        direct = engine.compute_year(YEAR)
    assert not any("CREATE TEMPORARY TABLE" in q["sql"] for q in queries.captured_queries)
    assert copied == direct
    assert copied["input_counts"]["sins"] > 0


def test_the_copies_hold_only_the_years_records_and_are_dropped_afterwards():
    _records()
    everything = Notification.objects.count()
    with engine.year_records(YEAR):
        assert set(_temporary_tables()) >= {
            Notification._meta.db_table,
            RapidReview._meta.db_table,
        }
        inside = Notification.objects.count()
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
    assert (
        inside
        == Notification.objects.filter(
            status=Notification.Status.SUBMITTED,
            incident_date__gte=date(YEAR - 1, 4, 1),
            incident_date__lte=date(YEAR + 1, 3, 31),
        ).count()
    )
    assert inside < everything
    assert _temporary_tables() == []
    assert Notification.objects.count() == everything


def test_a_failed_computation_leaves_no_copies():
    _records()
    everything = Notification.objects.count()
    with (
        mock.patch("analytics.engine.compute_table", side_effect=ValueError("bad declaration")),
        pytest.raises(ValueError),
    ):
        engine.compute_year(YEAR)
    assert _temporary_tables() == []
    assert Notification.objects.count() == everything


def test_only_the_tables_the_figures_read_are_copied():
    _records()
    table_2 = (t.TABLES_BY_ID["table_2_cause_of_death"],)
    with engine.year_records(YEAR, table_2, inputs=False):
        copied = set(_temporary_tables())
    assert copied == {Notification._meta.db_table, RapidReview._meta.db_table}
    with engine.year_records(YEAR):
        assert len(_temporary_tables()) == len(engine.YEAR_COPIES)


def test_the_years_sins_are_found_through_an_index():
    """Copying the year reads the year's SINs, not the whole table."""
    _records()
    start, end = date(YEAR - 1, 4, 1), date(YEAR + 1, 3, 31)
    (sql, params), *_ = engine._year_copy_statements(start, end, engine.YEAR_COPIES)
    select = sql.split(" AS ", 1)[1]
    with connection.cursor() as cursor:
        # The test database is tiny, and on a tiny table the planner's choice between indexes
        # turns on statistics nobody controls (CI once picked the status index). So ask only
        # whether the year's index can serve the query at all: inside this test's transaction,
        # which is rolled back, drop every other index that no constraint owns and forbid the
        # sequential scan. If the query no longer matched the index's condition, the plan
        # would fall back to a scan of the whole table.
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexname <> %s"
            " AND indexname NOT IN (SELECT conname FROM pg_constraint"
            " WHERE conrelid = %s::regclass)",
            [
                Notification._meta.db_table,
                "notification_statistics_year",
                Notification._meta.db_table,
            ],
        )
        for (index,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{index}"')
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {select}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = on")
    assert "notification_statistics_year" in plan
    assert "Seq Scan" not in plan
    assert "Filter" not in plan, plan
