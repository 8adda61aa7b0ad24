"""Make statistics snapshots immutable in the database itself: UPDATE and DELETE on
analytics_statisticssnapshot are rejected by a trigger, whoever connects. Recomputing adds a
new version instead. (TRUNCATE, which the test suite's flush uses, is not affected.)"""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION analytics_statisticssnapshot_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Statistics snapshots are immutable: % is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER analytics_statisticssnapshot_no_update_delete
    BEFORE UPDATE OR DELETE ON analytics_statisticssnapshot
    FOR EACH ROW EXECUTE FUNCTION analytics_statisticssnapshot_immutable();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS analytics_statisticssnapshot_no_update_delete
    ON analytics_statisticssnapshot;
DROP FUNCTION IF EXISTS analytics_statisticssnapshot_immutable();
"""
SQLITE_UP = [
    """CREATE TRIGGER analytics_statisticssnapshot_no_update
       BEFORE UPDATE ON analytics_statisticssnapshot
       BEGIN SELECT RAISE(ABORT, 'Statistics snapshots are immutable: UPDATE is not allowed'); END;""",
    """CREATE TRIGGER analytics_statisticssnapshot_no_delete
       BEFORE DELETE ON analytics_statisticssnapshot
       BEGIN SELECT RAISE(ABORT, 'Statistics snapshots are immutable: DELETE is not allowed'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS analytics_statisticssnapshot_no_update;",
    "DROP TRIGGER IF EXISTS analytics_statisticssnapshot_no_delete;",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        for statement in [statements] if isinstance(statements, str) else statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("analytics", "0001_snapshots")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}),
        )
    ]
