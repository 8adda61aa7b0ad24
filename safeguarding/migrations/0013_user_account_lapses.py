"""Leavers (issue 15, item 3): when an account was last reactivated, the warning that it will
lapse (sent when, and the day it lapses), the warning's audit action, and the daily beat
schedule of the "Account lapses" task, created only where missing, as in migration 0005."""

from django.db import migrations, models

SCHEDULE_NAME = "Account lapses"
TIME_ZONE = "Europe/London"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=SCHEDULE_NAME).exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="6",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=TIME_ZONE,
    )
    PeriodicTask.objects.create(
        name=SCHEDULE_NAME,
        task="safeguarding.tasks.account_lapse_task",
        crontab=crontab,
        description=(
            "Warns each account not used for ACCOUNT_LAPSE_DAYS - ACCOUNT_LAPSE_WARNING_DAYS "
            "days, once, and deactivates those still unused on the day their warning gave."
        ),
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=SCHEDULE_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("safeguarding", "0012_email_domains_and_account_requests"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="reactivated_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="reactivated"
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="lapse_warned_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="warned of lapse"
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="lapses_on",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="lapses on"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("create", "Created"),
                    ("update", "Updated"),
                    ("delete", "Deleted"),
                    ("view", "Viewed"),
                    ("list", "Listed"),
                    ("export", "Exported"),
                    ("submit", "Submitted"),
                    ("login", "Signed in"),
                    ("logout", "Signed out"),
                    ("login_failed", "Failed sign-in"),
                    ("password_reset", "Password reset"),
                    ("reminder", "Reminder sent"),
                    ("retention_warning", "Retention warning sent"),
                    ("anonymise", "Anonymised"),
                    ("retention_purge", "Expired audit entries deleted"),
                    ("retention_run", "Retention schedule applied"),
                    ("locked_out", "Locked out"),
                    ("lockout_lifted", "Lockout lifted"),
                    ("second_factor_set_up", "Second factor set up"),
                    ("second_factor_verified", "Second factor verified"),
                    ("second_factor_failed", "Wrong second-factor code"),
                    ("recovery_code_used", "Recovery code used"),
                    ("recovery_codes_created", "Recovery codes created"),
                    ("second_factor_reset", "Second factor reset"),
                    ("invite", "Invited"),
                    ("invitation_accepted", "Invitation accepted"),
                    ("invitation_cancelled", "Invitation cancelled"),
                    ("deactivate", "Deactivated"),
                    ("reactivate", "Reactivated"),
                    ("lapse_warning", "Warned of deactivation when unused"),
                ],
                db_index=True,
                max_length=30,
            ),
        ),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
