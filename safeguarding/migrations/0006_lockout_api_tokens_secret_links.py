"""Lockout and API tokens (issue 12): audit actions for lockouts, knox API tokens with a name,
second-factor failure counts, and password-reset links no longer stored in the e-mail log.

Two data steps: the links already in the log are blanked out, and the table of the old plain
text tokens (rest_framework.authtoken, no longer installed) is dropped, so none of them works
or can be read again."""

import re

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

RESET_LINK = re.compile(r"https?://\S+/password-reset/[^/\s]+/[^/\s]+/?")
PLACEHOLDER = "[password reset link removed]"


def redact_reset_links(apps, schema_editor):
    OutboundEmail = apps.get_model("safeguarding", "OutboundEmail")
    for email in OutboundEmail.objects.filter(body__contains="/password-reset/").iterator():
        body = RESET_LINK.sub(PLACEHOLDER, email.body)
        if body != email.body:
            OutboundEmail.objects.filter(pk=email.pk).update(body=body)


def drop_plain_tokens(apps, schema_editor):
    if "authtoken_token" in schema_editor.connection.introspection.table_names():
        schema_editor.execute("DROP TABLE authtoken_token")


class Migration(migrations.Migration):
    dependencies = [
        ("safeguarding", "0005_periodic_tasks"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundemail",
            name="secret_link",
            field=models.CharField(
                blank=True,
                choices=[("password_reset", "Password reset link")],
                help_text="A secret link put into the message when it is sent, never stored",
                max_length=30,
            ),
        ),
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                ("digest", models.CharField(max_length=128, primary_key=True, serialize=False)),
                ("token_key", models.CharField(db_index=True, max_length=25)),
                ("created", models.DateTimeField(auto_now_add=True)),
                ("expiry", models.DateTimeField(blank=True, null=True)),
                (
                    "name",
                    models.CharField(
                        help_text="What the token is for, e.g. the system", max_length=100
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="auth_token_set",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "API token",
                "ordering": ["-created"],
            },
        ),
        migrations.CreateModel(
            name="SecondFactorLock",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("failures", models.PositiveIntegerField(default=0)),
                ("last_failure_at", models.DateTimeField()),
                ("locked_until", models.DateTimeField(blank=True, null=True)),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="second_factor_lock",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.RunPython(redact_reset_links, migrations.RunPython.noop),
        migrations.RunPython(drop_plain_tokens, migrations.RunPython.noop),
    ]
