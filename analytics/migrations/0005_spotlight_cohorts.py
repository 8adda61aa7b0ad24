"""Appendix F's three spotlight themes as saved cohorts (reference data, in every install): the
definitions select the same reviews as analytics/tables/appendix_f.py's columns (tested in
tests/analytics/test_cohort_definitions.py). Written out here, not imported, so that this
migration stays as it was when it ran."""

from django.db import migrations

MENTAL_HEALTH_CONDITION = ["diagnosed", "undiagnosed", "both", "unknown_if_diagnosed"]

SPOTLIGHTS = [
    (
        "child_mental_health",
        "Child mental health: aged 11 to 17 with a mental health condition",
        "Appendix F Table A (report chapter 4): children aged 11 to 17 with a diagnosed or "
        "undiagnosed mental health condition, both, or one not known to be diagnosed, compared "
        "with the other children of the same age.",
        {
            "year": 2023,
            "within": [{"field": "age_years", "min": 11, "max": 17}],
            "where": [{"field": "mental_health", "codes": MENTAL_HEALTH_CONDITION}],
        },
    ),
    (
        "parent_mental_health",
        "Parental mental health: aged 1 to 5 with a parent with a mental health condition",
        "Appendix F Table B (report chapter 5): pre-school children aged 1 to 5 with a parent "
        "or relevant adult with a mental health condition, compared with the other children of "
        "the same age.",
        {
            "year": 2023,
            "within": [{"field": "age_years", "min": 1, "max": 5}],
            "where": [{"field": "parent_mental_health", "codes": ["yes"]}],
        },
    ),
    (
        "extrafamilial_harm",
        "Extrafamilial harm: aged 11 to 17",
        "Appendix F Table C (report chapter 6): children aged 11 to 17 who experienced "
        "gang-related or youth violence, child criminal exploitation, or sexual abuse or "
        "exploitation outside the family, compared with the other children of the same age.",
        {
            "year": 2023,
            "within": [{"field": "age_years", "min": 11, "max": 17}],
            "where": [
                {
                    "any_of": [
                        {"field": "gang_youth_violence", "codes": ["yes"]},
                        {"field": "cce", "codes": ["yes"]},
                        {"field": "sexual_abuse", "codes": ["extrafamilial", "both"]},
                    ]
                }
            ],
        },
    ),
]


def create(apps, schema_editor):
    Cohort = apps.get_model("analytics", "Cohort")
    for key, name, description, definition in SPOTLIGHTS:
        Cohort.objects.get_or_create(
            spotlight=key,
            defaults={"name": name, "description": description, "definition": definition},
        )


def remove(apps, schema_editor):
    apps.get_model("analytics", "Cohort").objects.filter(
        spotlight__in=[key for key, *_ in SPOTLIGHTS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("analytics", "0004_cohorts")]

    operations = [migrations.RunPython(create, remove)]
