"""DfE and Ofsted viewers (issue 16, item 6): the two read-only roles, the record of each daily
digest of new SINs sent to them, and the digest's daily beat schedule."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

SCHEDULE_NAME = "DfE and Ofsted daily digest"
TIME_ZONE = "Europe/London"


def create_schedule(apps, schema_editor):
    """The daily digest of new SINs to DfE and Ofsted viewers, created only where missing,
    as in migration 0013."""
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=SCHEDULE_NAME).exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="7",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=TIME_ZONE,
    )
    PeriodicTask.objects.create(
        name=SCHEDULE_NAME,
        task="notifications.tasks.regulator_digest_task",
        crontab=crontab,
        description=(
            "E-mails each DfE and Ofsted viewer the SINs submitted since their last digest, "
            "once a day, and nothing when there are none."
        ),
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=SCHEDULE_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("safeguarding", "0014_user_last_verified_at"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="RegulatorDigest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sent_on", models.DateField()),
                ("since", models.DateTimeField()),
                ("until", models.DateTimeField()),
                ("references", models.JSONField(default=list, help_text="The SINs' references")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "ordering": ["-sent_on", "-id"],
            },
        ),
        migrations.RemoveConstraint(
            model_name="user",
            name="user_organisation_matches_role",
        ),
        migrations.AlterField(
            model_name="accountrequest",
            name="role",
            field=models.CharField(
                choices=[
                    ("la_user", "Local authority user"),
                    ("partnership_lead", "Partnership lead"),
                    ("panel_member", "Panel member"),
                    ("panel_secretariat", "Panel secretariat"),
                    ("administrator", "Administrator"),
                    ("dfe_viewer", "Department for Education viewer"),
                    ("ofsted_viewer", "Ofsted viewer"),
                ],
                max_length=30,
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="role",
            field=models.CharField(
                choices=[
                    ("la_user", "Local authority user"),
                    ("partnership_lead", "Partnership lead"),
                    ("panel_member", "Panel member"),
                    ("panel_secretariat", "Panel secretariat"),
                    ("administrator", "Administrator"),
                    ("dfe_viewer", "Department for Education viewer"),
                    ("ofsted_viewer", "Ofsted viewer"),
                ],
                max_length=30,
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("local_authority__isnull", False),
                        ("partnership__isnull", True),
                        ("role", "la_user"),
                    ),
                    models.Q(
                        ("local_authority__isnull", True),
                        ("partnership__isnull", False),
                        ("role", "partnership_lead"),
                    ),
                    models.Q(
                        ("local_authority__isnull", True),
                        ("partnership__isnull", True),
                        (
                            "role__in",
                            [
                                "administrator",
                                "dfe_viewer",
                                "ofsted_viewer",
                                "panel_member",
                                "panel_secretariat",
                            ],
                        ),
                    ),
                    _connector="OR",
                ),
                name="user_organisation_matches_role",
                violation_error_message="A local authority user needs a local authority, a partnership lead needs a partnership, and Panel roles, administrators and DfE and Ofsted viewers need neither.",
            ),
        ),
        migrations.AddField(
            model_name="regulatordigest",
            name="email",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="safeguarding.outboundemail",
            ),
        ),
        migrations.AddField(
            model_name="regulatordigest",
            name="recipient",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="regulator_digests",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddConstraint(
            model_name="regulatordigest",
            constraint=models.UniqueConstraint(
                fields=("recipient", "sent_on"), name="one_regulator_digest_a_day"
            ),
        ),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
