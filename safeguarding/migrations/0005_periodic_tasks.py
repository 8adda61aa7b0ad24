"""The beat schedules the deadline engine runs on, stored in the database (django-celery-beat)
so that administrators can change them in the admin ("Periodic tasks"). Created only where
missing: a schedule an administrator changed is never put back."""

from django.db import migrations

TIME_ZONE = "Europe/London"

# name: (task, crontab fields or None, interval minutes or None, description)
SCHEDULES = {
    "Deadline sweep": (
        "safeguarding.tasks.deadline_sweep_task",
        {"minute": "0", "hour": "7,10,13,16", "day_of_week": "1-5"},
        None,
        "Sends the reminders and escalations due today (rapid reviews, extensions, LCSPRs, "
        "SINs), each once, and moves running due dates if the holiday calendar changed.",
    ),
    "Daily digest": (
        "safeguarding.tasks.daily_digest_task",
        {"minute": "30", "hour": "7", "day_of_week": "1-5"},
        None,
        "E-mails each person what needs their attention, on working days.",
    ),
    "E-mail outbox": (
        "safeguarding.tasks.email_outbox_flush_task",
        None,
        5,
        "Hands e-mails whose send task was lost back to the workers (never sends twice).",
    ),
}


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, (task, crontab, minutes, description) in SCHEDULES.items():
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        schedule = {}
        if crontab:
            schedule["crontab"], _ = CrontabSchedule.objects.get_or_create(
                day_of_month="*", month_of_year="*", timezone=TIME_ZONE, **crontab
            )
        else:
            schedule["interval"], _ = IntervalSchedule.objects.get_or_create(
                every=minutes, period="minutes"
            )
        PeriodicTask.objects.create(name=name, task=task, description=description, **schedule)


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=SCHEDULES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("safeguarding", "0004_reminders_and_one_off_holidays"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
