"""Make the audit trail append-only in the database itself: UPDATE and DELETE on
safeguarding_auditevent are rejected by a trigger, whoever connects. (TRUNCATE needs the
table owner's privilege, which the application's database role should not have in production;
the test suite's flush between transactional tests relies on it.)"""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION safeguarding_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The audit trail is append-only: % is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER safeguarding_auditevent_no_update_delete
    BEFORE UPDATE OR DELETE ON safeguarding_auditevent
    FOR EACH ROW EXECUTE FUNCTION safeguarding_auditevent_append_only();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS safeguarding_auditevent_no_update_delete ON safeguarding_auditevent;
DROP FUNCTION IF EXISTS safeguarding_auditevent_append_only();
"""
SQLITE_UP = [
    """CREATE TRIGGER safeguarding_auditevent_no_update BEFORE UPDATE ON safeguarding_auditevent
       BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only: UPDATE is not allowed'); END;""",
    """CREATE TRIGGER safeguarding_auditevent_no_delete BEFORE DELETE ON safeguarding_auditevent
       BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only: DELETE is not allowed'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS safeguarding_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS safeguarding_auditevent_no_delete;",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        for statement in [statements] if isinstance(statements, str) else statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("safeguarding", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}),
        )
    ]
