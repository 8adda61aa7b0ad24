"""The nightly recomputation of the annual figures, stored in the database (django-celery-beat)
so that administrators can change it in the admin ("Periodic tasks"). Created only where
missing: a schedule an administrator changed is never put back."""

from django.db import migrations

TIME_ZONE = "Europe/London"

# name: (task, crontab fields, description)
SCHEDULES = {
    "Annual statistics": (
        "analytics.tasks.statistics_nightly_task",
        {"minute": "30", "hour": "2", "day_of_week": "*"},
        "Recomputes the annual figures of the current and the previous reporting year, each "
        "as a new snapshot version (a failed run leaves the previous snapshot in place).",
    ),
}


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, (task, crontab, description) in SCHEDULES.items():
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        schedule, _ = CrontabSchedule.objects.get_or_create(
            day_of_month="*", month_of_year="*", timezone=TIME_ZONE, **crontab
        )
        PeriodicTask.objects.create(name=name, task=task, description=description, crontab=schedule)


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=SCHEDULES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0002_snapshot_immutable"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
