"""The child in focus of the rapid reviews (report 3.18-3.41): incident type, age, sex,
ethnicity, deprivation, likely cause, contact with children's social care and characteristics."""

from __future__ import annotations

from django.db.models import Q

from rapidreviews import codes as rr
from safeguarding.codes import EthnicGroup, Ethnicity, Reason, Sex

from .common import (
    AGE_COLUMNS,
    AGE_GROUP_ROWS,
    ETHNIC_GROUP_ROWS,
    KNOWN_ETHNICITY,
    MENTAL_HEALTH_CONDITION_ORDERED,
    MOST_DEPRIVED_20_PERCENT,
    SEX_COLUMNS,
    TOTAL_COLUMN,
    TOTAL_INCLUDES_OTHER,
    TYPE_COLUMNS,
    TYPE_COLUMNS_WITH_OTHER,
    YEAR_COLUMNS,
)
from .spec import (
    MEAN,
    REVIEW,
    Column,
    Row,
    RowGroup,
    TableSpec,
    code_rows,
    total_row,
    yes_codes,
    yes_group,
)


def _csc_group(label: str, field_name: str, choices, subtotal: str) -> RowGroup:
    yes = yes_codes(choices)
    return RowGroup(
        label,
        code_rows(choices, yes) + (Row(subtotal, yes, kind="subtotal"),),
        field=field_name,
    )


def _ethnicity_groups() -> tuple[RowGroup, ...]:
    from safeguarding.codes import ETHNIC_GROUP_OF

    groups = []
    for group_code, group_label in EthnicGroup.choices:
        members = tuple(code for code, g in ETHNIC_GROUP_OF.items() if g == group_code)
        groups.append(
            RowGroup(
                str(group_label),
                (Row(str(group_label), members, kind="subtotal"),)
                + code_rows(Ethnicity.choices, members),
                field="ethnicity",
                filter=KNOWN_ETHNICITY,
            )
        )
    groups.append(
        RowGroup("", (total_row("Total known"),), field="ethnicity", filter=KNOWN_ETHNICITY)
    )
    return tuple(groups)


TABLES: tuple[TableSpec, ...] = (
    # --- Rapid reviews (incident type as reviewed) -------------------------------------------
    TableSpec(
        "rr_incident_type",
        "Rapid reviews by incident type (3.19), {fy}",
        REVIEW,
        groups=(
            RowGroup(
                "Incident type", code_rows(Reason.choices) + (total_row(),), field="incident_type"
            ),
        ),
        columns=TOTAL_COLUMN,
    ),
    TableSpec(
        "chart_4_age_year",
        "Chart 4: Proportion of incidents by age group for {prev_fy} and {fy}",
        REVIEW,
        groups=(RowGroup("Age group", AGE_GROUP_ROWS + (total_row(),), field="age_group"),),
        columns=YEAR_COLUMNS,
        years=(-1, 0),
    ),
    TableSpec(
        "chart_5_age_type",
        "Chart 5: Proportion of incidents by age group and incident type, {fy}",
        REVIEW,
        groups=(RowGroup("Age group", AGE_GROUP_ROWS + (total_row(),), field="age_group"),),
        columns=TYPE_COLUMNS_WITH_OTHER,
        percent="row",
    ),
    TableSpec(
        "mean_age",
        "Mean age of the child in focus by incident type and sex (3.24), {fy}",
        REVIEW,
        groups=(
            RowGroup(
                "Mean age (years)",
                (
                    Row("Death", q=Q(incident_type=Reason.DEATH), stat=MEAN, expr="age_years"),
                    Row(
                        "Serious harm",
                        q=Q(incident_type=Reason.SERIOUS_HARM),
                        stat=MEAN,
                        expr="age_years",
                    ),
                    Row("All incidents", stat=MEAN, expr="age_years", kind="total"),
                ),
            ),
        ),
        columns=SEX_COLUMNS,
        percent="none",
    ),
    TableSpec(
        "chart_6_age_sex",
        "Chart 6: Number of incidents by age group and sex, {fy}",
        REVIEW,
        groups=(RowGroup("Age group", AGE_GROUP_ROWS + (total_row(),), field="age_group"),),
        columns=SEX_COLUMNS,
    ),
    TableSpec(
        "table_1_ethnicity",
        "Table 1. Ethnicity breakdown of children in focus {fy} (where ethnicity is known) "
        "compared to the 2021 Census figures for England",
        REVIEW,
        groups=_ethnicity_groups(),
        columns=(Column("{fy_short}"),),
        options={"census_column": "2021 Census"},
        notes=("2021 Census: Office for National Statistics, children aged 0 to 17.",),
    ),
    TableSpec(
        "chart_7_ethnicity_age",
        "Chart 7: Breakdown of ethnic group by age group, {fy}",
        REVIEW,
        groups=(
            RowGroup(
                "Ethnic group",
                ETHNIC_GROUP_ROWS + (total_row("Total known"),),
                field="ethnic_group",
                filter=KNOWN_ETHNICITY,
            ),
        ),
        columns=AGE_COLUMNS,
        percent="row",
    ),
    TableSpec(
        "chart_8_imd_age",
        "Chart 8: Proportion of incidents by age group and index of multiple deprivation (IMD) "
        "decile (where known), {fy}",
        REVIEW,
        groups=(
            RowGroup(
                "IMD decile",
                (
                    Row("1 (most deprived 10%)", (1,)),
                    *(Row(str(d), (d,)) for d in range(2, 10)),
                    Row("10 (least deprived 10%)", (10,)),
                    Row("20% most deprived areas", MOST_DEPRIVED_20_PERCENT, kind="subtotal"),
                    Row("50% most deprived areas", (1, 2, 3, 4, 5), kind="subtotal"),
                    total_row("Total known"),
                ),
                field="notification__imd_decile",
                filter=Q(notification__imd_decile__isnull=False),
            ),
        ),
        columns=AGE_COLUMNS,
    ),
    TableSpec(
        "table_2_cause_of_death",
        "Table 2. Number and proportion of fatal incidents by likely cause of death and sex of "
        "the child, {fy}",
        REVIEW,
        filter=Q(incident_type=Reason.DEATH),
        groups=(
            RowGroup(
                "Likely cause of death",
                code_rows(rr.CauseOfDeath.choices) + (total_row(),),
                field="cause_of_death",
                order="desc",
            ),
        ),
        columns=SEX_COLUMNS,
    ),
    TableSpec(
        "table_3_cause_of_harm",
        "Table 3. Number and proportion of serious harm incidents by likely cause of harm and "
        "sex of the child, {fy}",
        REVIEW,
        filter=Q(incident_type=Reason.SERIOUS_HARM),
        groups=(
            RowGroup(
                "Likely cause of harm",
                code_rows(rr.CauseOfHarm.choices) + (total_row(),),
                field="cause_of_harm",
                order="desc",
            ),
        ),
        columns=SEX_COLUMNS,
    ),
    TableSpec(
        "table_4_csc",
        "Table 4. Number and proportion of incidents by type of incident and contact with CSC, "
        "{fy}",
        REVIEW,
        groups=(
            _csc_group(
                "Family known to CSC",
                "family_known_to_csc",
                rr.FamilyKnownToCsc.choices,
                "Total known",
            ),
            _csc_group(
                "Child in need (CIN)", "child_in_need", rr.ChildInNeed.choices, "Total CIN status"
            ),
            _csc_group(
                "Child protection plan (CPP)",
                "child_protection_plan",
                rr.ChildProtectionPlan.choices,
                "Total CPP status",
            ),
            _csc_group(
                "Child looked after",
                "looked_after",
                rr.LookedAfter.choices,
                "Total Looked After status",
            ),
            _csc_group(
                "Child subject to a care order",
                "care_order",
                rr.CareOrder.choices,
                "Total care order status",
            ),
            RowGroup("", (total_row("Total incidents", show_pct=False),)),
        ),
        columns=TYPE_COLUMNS,
        notes=(TOTAL_INCLUDES_OTHER,),
    ),
    TableSpec(
        "table_b_characteristics",
        "Table B: Characteristics of the child",
        REVIEW,
        groups=(
            RowGroup("", (total_row(),)),
            RowGroup("Sex", code_rows(Sex.choices), field="sex"),
            RowGroup("Age group", AGE_GROUP_ROWS, field="age_group"),
            RowGroup(
                "Ethnic group",
                ETHNIC_GROUP_ROWS + (Row("Unknown", ("unknown",)),),
                field="ethnic_group",
            ),
            yes_group("Gender", "gender_differs", "Different to sex"),
            yes_group("LGBTQ+", "lgbtq"),
            yes_group(
                "Mental health conditions",
                "mental_health",
                "Yes – diagnosed/undiagnosed",
                MENTAL_HEALTH_CONDITION_ORDERED,
            ),
            yes_group("Neurodiverse", "neurodivergent"),
            yes_group("Disability", "disability"),
        ),
        columns=TYPE_COLUMNS,
        percent="row",
        notes=(TOTAL_INCLUDES_OTHER,),
    ),
)
