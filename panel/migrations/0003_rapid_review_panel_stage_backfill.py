"""Store every existing review's `panel_stage` (rapidreviews 0003 adds the field, "" for all):
what `panel.services.panel_stage_refresh` does, with the migration's models."""

from django.db import migrations
from django.db.models import Case, Exists, OuterRef, Q, Value, When


def _panel_stage_backfill(apps, schema_editor):
    RapidReview = apps.get_model("rapidreviews", "RapidReview")
    PanelDecision = apps.get_model("panel", "PanelDecision")
    ResponseLetter = apps.get_model("panel", "ResponseLetter")
    decided = PanelDecision.objects.filter(review=OuterRef("pk"))
    sent = ResponseLetter.objects.filter(review=OuterRef("pk"), status="sent")
    RapidReview.objects.update(
        panel_stage=Case(
            When(~Q(status="submitted"), then=Value("")),
            When(Exists(sent), then=Value("letter_sent")),
            When(Exists(decided), then=Value("decided")),
            default=Value("awaiting"),
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("panel", "0002_historic_decisions_blank_feedback"),
        ("rapidreviews", "0003_panel_stage_and_queue_indexes"),
    ]

    operations = [migrations.RunPython(_panel_stage_backfill, migrations.RunPython.noop)]
