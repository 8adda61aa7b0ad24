"""Leavers: when the person last completed a sign-in (passed the second factor), which is what
counts as using the account, not `last_login` (set after the password alone). Existing accounts
start from their last second-factor audit entry (a code, a recovery code or setting one up) or,
with none, their last sign-in."""

from django.db import migrations, models
from django.db.models import Max, OuterRef, Subquery

VERIFIED = ("second_factor_verified", "recovery_code_used", "second_factor_set_up")


def fill(apps, schema_editor):
    User = apps.get_model("safeguarding", "User")
    AuditEvent = apps.get_model("safeguarding", "AuditEvent")
    latest = (
        AuditEvent.objects.filter(actor=OuterRef("pk"), action__in=VERIFIED)
        .order_by()
        .values("actor")
        .annotate(last=Max("at"))
        .values("last")
    )
    User.objects.update(last_verified_at=Subquery(latest, output_field=models.DateTimeField()))
    User.objects.filter(last_verified_at__isnull=True).update(
        last_verified_at=models.F("last_login")
    )


class Migration(migrations.Migration):
    dependencies = [("safeguarding", "0013_user_account_lapses")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="last_verified_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="last complete sign-in"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
