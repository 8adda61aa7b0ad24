"""The retention schedule (issue 12, item 6): its audit actions; the one exception to the
append-only audit trail (a DELETE is allowed inside a transaction that has set
`safeguarding.audit_retention` to 'on', which only `safeguarding.retention` does, for entries
older than RETENTION_AUDIT_YEARS; UPDATE stays refused); and its nightly beat schedule,
created only where missing, as in migration 0005."""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION safeguarding_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND coalesce(current_setting('safeguarding.audit_retention', true), '') = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'The audit trail is append-only: % is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""
POSTGRES_DOWN = """
CREATE OR REPLACE FUNCTION safeguarding_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The audit trail is append-only: % is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""

SCHEDULE_NAME = "Retention schedule"
TIME_ZONE = "Europe/London"


def _run(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=SCHEDULE_NAME).exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="2",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=TIME_ZONE,
    )
    PeriodicTask.objects.create(
        name=SCHEDULE_NAME,
        task="safeguarding.tasks.retention_apply_task",
        crontab=crontab,
        description=(
            "Warns about abandoned drafts, deletes them when due, anonymises closed cases past "
            "their retention period and deletes expired audit entries, each once, audited."
        ),
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=SCHEDULE_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("safeguarding", "0007_sessions_user_session_epoch"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(_run(POSTGRES_UP), _run(POSTGRES_DOWN)),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
