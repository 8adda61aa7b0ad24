"""What the flush ending each transactional test (live server, real Celery worker) puts back.

Django's TransactionTestCase empties every table after the test, then emits `post_migrate`,
which makes the content types and permissions again (about 150 queries, under new ids), and
the next test's `reference_data` fixture loads the regions, authorities and partnerships again
(about 330 queries). Here the rows of those tables, as they are once the test database is
migrated and the reference data loaded (the baseline), are kept aside in a schema of their own
in the same test database and put back after each flush instead, in seven statements: the same
rows (the same ids too, so cached content types stay right) as the signal and the loader make.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.management.commands import flush
from django.db import connections, transaction

SCHEMA = "test_baseline"

_restorers: dict[str, "Baseline"] = {}
_emit_post_migrate_signal = flush.emit_post_migrate_signal


class Baseline:
    """Some tables of one database, copied into SCHEMA."""

    def __init__(self, alias: str) -> None:
        self.alias = alias
        self.columns: dict[str, str] = {}

    def save(self, tables: list[str]) -> None:
        connection = connections[self.alias]
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {quote(SCHEMA)} CASCADE")
            cursor.execute(f"CREATE SCHEMA {quote(SCHEMA)}")
            cursor.execute(
                "SELECT table_name, string_agg(quote_ident(column_name), ', ' "
                "ORDER BY ordinal_position) FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND is_generated = 'NEVER' "
                "GROUP BY table_name"
            )
            columns = dict(cursor.fetchall())
            for table in tables:
                cursor.execute(
                    f"CREATE TABLE {quote(SCHEMA)}.{quote(table)} AS "  # noqa: S608 (introspected)
                    f"SELECT {columns[table]} FROM {quote(table)}"
                )
                self.columns[table] = columns[table]

    def restore(self) -> None:
        """Put the saved rows back into the (just emptied) tables. The id sequences are not
        reset by the flush, so they are already past the saved ids."""
        connection = connections[self.alias]
        quote = connection.ops.quote_name
        with transaction.atomic(using=self.alias), connection.cursor() as cursor:
            for table, columns in self.columns.items():
                cursor.execute(
                    f"INSERT INTO {quote(table)} ({columns}) "  # noqa: S608 (introspected)
                    f"SELECT {columns} FROM {quote(SCHEMA)}.{quote(table)}"
                )
        ContentType.objects.clear_cache()


def _restore_instead_of_post_migrate(verbosity, interactive, db, **kwargs) -> None:
    baseline = _restorers.get(db)
    if baseline is None:
        _emit_post_migrate_signal(verbosity, interactive, db, **kwargs)
    else:
        baseline.restore()


def _baseline_tables() -> list[str]:
    """The tables `post_migrate` fills (content types, permissions) and those
    `reference_data_load` fills; not the rows data migrations add (spotlight cohorts, beat
    schedules, reflective questions), which a flush leaves empty as before."""
    from django.contrib.auth.models import Permission

    from safeguarding.models import (
        CensusEthnicityShare,
        LocalAuthority,
        Partnership,
        Region,
        RegionPopulation,
    )

    models = [ContentType, Permission, Region, RegionPopulation, Partnership, LocalAuthority]
    return [model._meta.db_table for model in [*models, CensusEthnicityShare]]


def install(alias: str = "default") -> Baseline:
    """Save the baseline of `alias` now and, from now on, restore it where `flush` would emit
    `post_migrate` for that database (what every transactional test's teardown does)."""
    baseline = Baseline(alias)
    baseline.save(_baseline_tables())
    _restorers[alias] = baseline
    flush.emit_post_migrate_signal = _restore_instead_of_post_migrate
    return baseline
