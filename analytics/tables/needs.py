"""Needs of the child and of the parents, risk factors and learning themes (report 3.42-3.89)."""

from __future__ import annotations

from django.db.models import Q

from rapidreviews import codes as rr

from .common import (
    AGED_16_17,
    EDUCATION_ROWS,
    MENTAL_HEALTH_CONDITION_ORDERED,
    NEET_AGE_NOTE,
    SCHOOL_AGE_COHORT,
    SCHOOL_AGE_NOTE,
    SEX_COLUMNS,
    TOTAL_INCLUDES_OTHER,
    TYPE_COLUMNS,
)
from .spec import (
    REVIEW,
    THEME,
    Row,
    RowGroup,
    TableSpec,
    code_rows,
    total_row,
    yes_codes,
    yes_group,
    yes_row,
)

ABUSE_TYPES = (
    ("physical_abuse", "Physical abuse", rr.AbuseContext.choices),
    ("emotional_abuse", "Emotional abuse", rr.AbuseContext.choices),
    ("sexual_abuse", "Sexual abuse/exploitation", rr.AbuseContext.choices),
    ("child_on_child_abuse", "Child on child abuse", rr.ChildOnChildAbuse.choices),
)


TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "chart_9_education",
        "Chart 9: Proportion breakdown of educational status of 4- to 15-year-olds at the time "
        "of the incident, {fy}",
        REVIEW,
        filter=SCHOOL_AGE_COHORT,
        groups=(
            RowGroup("Education status", EDUCATION_ROWS + (total_row(),), field="education_status"),
        ),
        columns=SEX_COLUMNS,
        notes=(f"{SCHOOL_AGE_NOTE.capitalize()}.",),
    ),
    TableSpec(
        "table_c_needs",
        "Table C: Needs of the child",
        REVIEW,
        groups=(
            RowGroup("", (total_row("Total 4- to 15-year-olds"),), filter=SCHOOL_AGE_COHORT),
            RowGroup(
                "Education status",
                EDUCATION_ROWS,
                field="education_status",
                filter=SCHOOL_AGE_COHORT,
            ),
            RowGroup(
                "Child missing school",
                code_rows(rr.MissingEducation.choices, yes_codes(rr.MissingEducation.choices)),
                field="missing_education",
                filter=SCHOOL_AGE_COHORT,
            ),
            RowGroup("", (total_row("Total 16- to 17-year-olds"),), filter=AGED_16_17),
            RowGroup(
                "Not in education, employment or training",
                (yes_row(),),
                field="neet",
                filter=AGED_16_17,
            ),
            RowGroup("", (total_row("All children", show_pct=False),)),
            yes_group("SEND support", "send_support"),
            RowGroup(
                "EHC plan",
                code_rows(rr.EhcPlan.choices, yes_codes(rr.EhcPlan.choices)),
                field="ehc_plan",
            ),
            RowGroup(
                "Speech and language support",
                code_rows(rr.SpeechLanguage.choices, yes_codes(rr.SpeechLanguage.choices)),
                field="speech_language",
            ),
            RowGroup(
                "CAMHS", code_rows(rr.Camhs.choices, yes_codes(rr.Camhs.choices)), field="camhs"
            ),
        ),
        columns=TYPE_COLUMNS,
        percent="row",
        notes=(
            TOTAL_INCLUDES_OTHER,
            f"Education status and missing school: {SCHOOL_AGE_NOTE}; NEET: {NEET_AGE_NOTE}.",
        ),
    ),
    TableSpec(
        "chart_10_mental_health",
        "Chart 10: Proportion of children recorded with one or more mental health conditions, {fy}",
        REVIEW,
        groups=(
            RowGroup(
                "Mental health condition",
                code_rows(rr.MentalHealth.choices)
                + (
                    Row(
                        "One or more mental health conditions",
                        MENTAL_HEALTH_CONDITION_ORDERED,
                        kind="subtotal",
                    ),
                    total_row(),
                ),
                field="mental_health",
            ),
            RowGroup(
                "Condition linked to the incident (children with a condition)",
                code_rows(rr.YesNoUnclear.choices) + (total_row(),),
                field="mental_health_linked",
                filter=Q(mental_health__in=MENTAL_HEALTH_CONDITION_ORDERED),
            ),
        ),
        columns=SEX_COLUMNS,
    ),
    TableSpec(
        "parents_needs",
        "Needs of the parents or relevant adults (3.66-3.73), {fy}",
        REVIEW,
        groups=(
            RowGroup(
                "Parent or relevant adult",
                (
                    Row("Young parent (under 25)", q=Q(young_parent="yes")),
                    Row("Parent under 18", q=Q(parent_under_18="yes")),
                    Row("Parent is a care leaver", q=Q(parent_care_leaver="yes")),
                    Row("Parent with a disability", q=Q(parent_disability="yes")),
                    Row("Parent with a mental health condition", q=Q(parent_mental_health="yes")),
                    Row(
                        "Alcohol and/or substance misuse",
                        q=Q(parent_substance_misuse__in=yes_codes(rr.SubstanceMisuse.choices)),
                    ),
                    Row("Total", kind="total"),
                ),
            ),
            RowGroup(
                "Alcohol and/or substance misuse",
                code_rows(rr.SubstanceMisuse.choices, yes_codes(rr.SubstanceMisuse.choices))
                + (Row("Total", yes_codes(rr.SubstanceMisuse.choices), kind="subtotal"),),
                field="parent_substance_misuse",
                filter=Q(parent_substance_misuse__in=yes_codes(rr.SubstanceMisuse.choices)),
            ),
        ),
        columns=TYPE_COLUMNS,
        notes=(TOTAL_INCLUDES_OTHER,),
    ),
    TableSpec(
        "table_d_risk_factors",
        "Table D: Risk factors",
        REVIEW,
        groups=(
            RowGroup("", (total_row(),)),
            RowGroup(
                "Environment",
                tuple(
                    Row(label, q=Q(**{name: "yes"}))
                    for name, label in rr.RISK_FACTORS
                    if name
                    in {
                        "neglect",
                        "housing_issues",
                        "financial_hardship",
                        "domestic_abuse",
                        "intergenerational_abuse",
                    }
                ),
            ),
            *(
                RowGroup(label, code_rows(choices, yes_codes(choices)), field=name)
                for name, label, choices in ABUSE_TYPES
            ),
            yes_group("Victim/offender overlap", "victim_offender_overlap"),
        ),
        columns=TYPE_COLUMNS,
        percent="row",
        notes=(TOTAL_INCLUDES_OTHER,),
    ),
    TableSpec(
        "chart_11_abuse_types",
        "Chart 11: Proportion of deaths and serious harm incidents by abuse type, {fy}",
        REVIEW,
        groups=(
            RowGroup(
                "Abuse type",
                tuple(
                    Row(label, q=Q(**{f"{name}__in": yes_codes(choices)}))
                    for name, label, choices in ABUSE_TYPES
                )
                + (Row("Total", kind="total", show_pct=False),),
            ),
            RowGroup(
                "Other risk factors",
                tuple(
                    Row(label, q=Q(**{name: "yes"}))
                    for name, label in rr.RISK_FACTORS
                    if name
                    not in {
                        "neglect",
                        "housing_issues",
                        "financial_hardship",
                        "domestic_abuse",
                        "intergenerational_abuse",
                    }
                ),
            ),
        ),
        columns=TYPE_COLUMNS,
        notes=(TOTAL_INCLUDES_OTHER,),
    ),
    TableSpec(
        "chart_12_learning_themes",
        "Chart 12: Proportion of incidents by learning and practice theme, {fy}",
        THEME,
        kind="themes",
        notes=(
            "Featured: share of all rapid reviews. Good practice identified: share of the "
            "reviews where the theme featured.",
        ),
    ),
)
