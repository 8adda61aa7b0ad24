"""The annual figures, declared as data (DOMAIN.md §5; the Panel's annual report chapter 3 and
Appendix D). A table is one `TableSpec`: where its records come from, the row groups (a field and
its codes, or conditions), the column split and the percentage direction. `analytics.engine`
turns each declaration into a few GROUP BY / conditional-count queries; nothing here touches
the database.

Labels are the report's own wording. Title and column labels may hold `{fy}` ("2023 to 2024"),
`{fy_short}` ("2023/24"), `{prev_fy}`, `{prev_fy_short}` and `{year}` (2023), filled in for the
reporting year.

Record sets (`source`): "sin" submitted SINs by the reason notified; "review" submitted rapid
reviews by the incident type reviewed; "decision" the Panel's current decision on those
reviews; "theme" those reviews' learning themes. All are for incidents in the reporting year
(1 April - 31 March by incident date) unless a table spans the previous year too (`years`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from rapidreviews import codes as rr
from rapidreviews.timescales import RAPID_REVIEW_DEADLINE_WORKING_DAYS
from safeguarding.codes import EthnicGroup, Ethnicity, Reason, Sex

SIN = "sin"
REVIEW = "review"
DECISION = "decision"
THEME = "theme"

# A row's codes: every record of its group (a total row).
ALL = ("__all__",)

COUNT, MEAN, MIN, MAX, SUM = "count", "mean", "min", "max", "sum"


@dataclass(frozen=True)
class Column:
    """A column: the records it counts, within the table's records. `year_offset` pins it to a
    reporting year (-1 the previous one) in a table that spans two."""

    label: str
    q: Q = dataclasses.field(default_factory=Q)
    year_offset: int | None = None
    is_total: bool = False


@dataclass(frozen=True)
class Row:
    """A row. In a group with a `field`, it counts the records whose field is one of `codes`
    (summed; `ALL` for every record of the group). In a group without one, it counts the
    records matching `q` (all when None), or gives a statistic of `expr` over them."""

    label: str
    codes: tuple = ()
    kind: str = "cell"  # "cell", "subtotal" (e.g. "Total known"), "total"
    show_pct: bool = True
    q: Q | None = None
    stat: str = COUNT  # count, sum (n is the sum), mean, min, max (the statistic is `value`)
    expr: str | None = None  # a field or an annotation name (engine.ANNOTATIONS)


@dataclass(frozen=True)
class RowGroup:
    """Rows under one heading. With `field`, one GROUP BY query on that field (or annotation);
    without, one aggregate query with a conditional count per cell. `filter` narrows the
    group's records, and so the denominator of its column percentages."""

    label: str
    rows: tuple[Row, ...]
    field: str | None = None
    filter: Q = dataclasses.field(default_factory=Q)
    source: str | None = None  # defaults to the table's
    order: str = "declared"  # "desc": cell rows by their last column, largest first
    months: bool = False  # rows are the months of the table's years (field "month")


@dataclass(frozen=True)
class TableSpec:
    id: str
    title: str
    source: str
    groups: tuple[RowGroup, ...] = ()
    columns: tuple[Column, ...] = ()
    # "column": share of the column's records in the group; "row": share of the row's total
    # (the column marked is_total); "none".
    percent: str = "column"
    filter: Q = dataclasses.field(default_factory=Q)
    years: tuple[int, ...] = (0,)  # reporting-year offsets the records span
    kind: str = "crosstab"  # crosstab, regions, themes
    options: dict[str, Any] = dataclasses.field(default_factory=dict)
    notes: tuple[str, ...] = ()


# Helpers to declare rows and columns from code lists.


def split(field_name: str, choices, *, codes=None, total: str | None = "Total") -> tuple:
    labels = dict(choices)
    columns = [Column(str(labels[c]), Q(**{field_name: c})) for c in (codes or labels)]
    if total:
        columns.append(Column(total, is_total=True))
    return tuple(columns)


def code_rows(choices, codes=None) -> tuple[Row, ...]:
    labels = dict(choices)
    return tuple(Row(str(labels[c]), (c,)) for c in (codes or labels))


def yes_row(label: str = "Yes") -> Row:
    return Row(label, ("yes",))


def total_row(label: str = "Total", *, show_pct: bool = True) -> Row:
    return Row(label, ALL, kind="total", show_pct=show_pct)


def yes_codes(choices) -> tuple[str, ...]:
    """The "Yes – …" answers of a code list (everything but no / unknown / not recorded)."""
    return tuple(c for c in dict(choices) if c not in {"no", "unknown", "not_recorded"})


SEX_COLUMNS = split("sex", Sex.choices, codes=[Sex.FEMALE, Sex.MALE])
TYPE_COLUMNS = split("incident_type", Reason.choices, codes=[Reason.DEATH, Reason.SERIOUS_HARM])
TYPE_COLUMNS_WITH_OTHER = split("incident_type", Reason.choices)
REASON_COLUMNS = split("reason", Reason.choices)
TOTAL_COLUMN = (Column("Total", is_total=True),)
YEAR_COLUMNS = (
    Column("{prev_fy_short}", year_offset=-1),
    Column("{fy_short}", year_offset=0),
)

AGE_GROUP_ROWS = code_rows(rr.AgeGroup.choices)
AGE_COLUMNS = (
    tuple(
        Column(label, Q(age_years__gte=low, age_years__lte=high))
        for label, low, high in [
            ("Under 1", 0, 0),
            ("1-5", 1, 5),
            ("6-10", 6, 10),
            ("11-15", 11, 15),
            ("16 and 17", 16, 17),
        ]
    )
    + TOTAL_COLUMN
)

ETHNIC_GROUP_ROWS = code_rows(EthnicGroup.choices)
KNOWN_ETHNICITY = ~Q(ethnicity__in=[Ethnicity.UNKNOWN, ""])
MENTAL_HEALTH_CONDITION = (
    rr.MentalHealth.DIAGNOSED,
    rr.MentalHealth.UNDIAGNOSED,
    rr.MentalHealth.BOTH,
    rr.MentalHealth.UNKNOWN_IF_DIAGNOSED,
)
# Children of school age (Chart 9, Table C: n=101): 4 to 15, leaving out those still at nursery.
SCHOOL_AGE = Q(age_years__gte=4, age_years__lte=15) & ~Q(
    education_status__in=[rr.EducationStatus.NURSERY, ""]
)
AGED_16_17 = Q(age_years__gte=16, age_years__lte=17)
EDUCATION_ROWS = code_rows(
    rr.EducationStatus.choices,
    codes=[
        rr.EducationStatus.MAINSTREAM,
        rr.EducationStatus.SEN_BEN,
        rr.EducationStatus.ALTERNATIVE_PROVISION,
        rr.EducationStatus.NOT_ENROLLED,
        rr.EducationStatus.ELECTIVE_HOME_EDUCATION,
        rr.EducationStatus.UNKNOWN,
    ],
)
TOTAL_INCLUDES_OTHER = "Total includes incidents recorded as 'other'."


def _csc_group(label: str, field_name: str, choices, subtotal: str) -> RowGroup:
    yes = yes_codes(choices)
    return RowGroup(
        label,
        code_rows(choices, yes) + (Row(subtotal, yes, kind="subtotal"),),
        field=field_name,
    )


def _yes_group(label: str, field_name: str, row_label: str = "Yes", codes=("yes",)) -> RowGroup:
    return RowGroup(label, (Row(row_label, tuple(codes)),), field=field_name)


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


ABUSE_TYPES = (
    ("physical_abuse", "Physical abuse", rr.AbuseContext.choices),
    ("emotional_abuse", "Emotional abuse", rr.AbuseContext.choices),
    ("sexual_abuse", "Sexual abuse/exploitation", rr.AbuseContext.choices),
    ("child_on_child_abuse", "Child on child abuse", rr.ChildOnChildAbuse.choices),
)

# --- Appendix F: spotlight themes (report chapters 4-6, Appendix E "Quantitative analysis") --
# Each theme compares the children who meet its criteria with the other children of the same
# age (Table E3): the cohorts are columns, and percentages are column percentages within each
# cohort. The cohorts, from the coded fields:
AGED_1_5 = Q(age_years__gte=1, age_years__lte=5)
AGED_11_15 = Q(age_years__gte=11, age_years__lte=15)
AGED_11_17 = Q(age_years__gte=11, age_years__lte=17)
# 4.5: "a 'mental health condition' where reviews report that the child has either a diagnosed
# or undiagnosed mental health condition, illness or need" (Table A's four "Yes" answers).
HAS_MENTAL_HEALTH_CONDITION = Q(mental_health__in=MENTAL_HEALTH_CONDITION)
# 5.5: "a parent or relevant adult recorded as having either a diagnosed or undiagnosed mental
# health condition".
PARENT_MENTAL_HEALTH = Q(parent_mental_health=rr.YesNoUnknown.YES)
# 6.4 and 6.6: youth or gang-related violence, child criminal exploitation, and CSA/E
# perpetrated by a person(s) outside the family, or a combination (Table C's three types).
GANG_YOUTH_VIOLENCE = Q(gang_youth_violence=rr.YesNoUnknown.YES)
CHILD_CRIMINAL_EXPLOITATION = Q(cce=rr.YesNoUnknown.YES)
EXTRAFAMILIAL_CSAE = Q(sexual_abuse__in=[rr.AbuseContext.EXTRAFAMILIAL, rr.AbuseContext.BOTH])
EXTRAFAMILIAL_HARM = GANG_YOUTH_VIOLENCE | CHILD_CRIMINAL_EXPLOITATION | EXTRAFAMILIAL_CSAE

# An answer not given counts with "Unknown", so that each group's rows add up to its Total.
UNKNOWN_CODES = ("unknown", "")
APPENDIX_F_AGE_GROUP_ROWS = (
    Row("a. Under 1", (rr.AgeGroup.UNDER_1,)),
    Row("b. 1 to 5", (rr.AgeGroup.AGE_1_5,)),
    Row("c. 6 to 10", (rr.AgeGroup.AGE_6_10,)),
    Row("d. 11 to 15", (rr.AgeGroup.AGE_11_15,)),
    Row("e. 16 to 17", (rr.AgeGroup.AGE_16_17,)),
    total_row(),
)
YES_ABUSE = yes_codes(rr.AbuseContext.choices)


def _f_group(label: str, field_name: str, rows, *, where: Q = AGED_11_17) -> RowGroup:
    """Appendix F rows in the report's order and words: (label, codes) pairs, then Total.
    `where` narrows the records: by default the comparison age, 11 to 17."""
    return RowGroup(
        label,
        tuple(Row(row_label, tuple(codes)) for row_label, codes in rows) + (total_row(),),
        field=field_name,
        filter=where,
    )


def _f_incident_groups(age: Q) -> tuple[RowGroup, ...]:
    """Death and serious harm, and the likely causes among each (shares of the cohort's deaths
    and of its serious harm incidents). "Other" is shown, as in Tables A and C, so that the
    rows add up to the Total."""
    types = [
        ("Death", (Reason.DEATH,)),
        ("Serious harm", (Reason.SERIOUS_HARM,)),
        ("Other", (Reason.OTHER,)),
    ]
    return (
        _f_group("Death and serious harm", "incident_type", types, where=age),
        RowGroup(
            "Likely cause of death",
            code_rows(rr.CauseOfDeath.choices) + (total_row(),),
            field="cause_of_death",
            filter=age & Q(incident_type=Reason.DEATH),
        ),
        RowGroup(
            "Likely cause of serious harm",
            code_rows(rr.CauseOfHarm.choices) + (total_row(),),
            field="cause_of_harm",
            filter=age & Q(incident_type=Reason.SERIOUS_HARM),
        ),
    )


def _f_risk_factors(rows, *, total: str = "Total", age: Q = AGED_11_17) -> RowGroup:
    """Yes/no characteristics, each a share of the group's children (they overlap)."""
    return RowGroup(
        "Risk factors",
        tuple(Row(label, q=q) for label, q in rows) + (total_row(total, show_pct=False),),
        filter=age,
    )


CHILD_IN_NEED_F = (
    ("Yes – at time of the incident", (rr.ChildInNeed.AT_TIME,)),
    ("Yes – previously", (rr.ChildInNeed.PREVIOUS,)),
    ("No", ("no",)),
    ("Unknown", UNKNOWN_CODES),
)
CPP_F = (
    ("Yes – on CPP", (rr.ChildProtectionPlan.ON_PLAN,)),
    ("Yes – previously on CPP", (rr.ChildProtectionPlan.PREVIOUS,)),
    ("No", ("no",)),
    ("Unknown", UNKNOWN_CODES),
)
FAMILY_KNOWN_F = (
    ("Yes – current open case", (rr.FamilyKnownToCsc.CURRENT,)),
    ("Yes – previous known", (rr.FamilyKnownToCsc.PREVIOUS,)),
    ("No", ("no",)),
    ("Unknown", UNKNOWN_CODES),
)
LOOKED_AFTER_F = {
    "foster": ("Yes – child in foster care", (rr.LookedAfter.FOSTER,)),
    "other_residential": (
        "Yes – child in other residential setting",
        (rr.LookedAfter.OTHER_RESIDENTIAL,),
    ),
    "residential_home": ("Yes – child in residential home", (rr.LookedAfter.RESIDENTIAL_HOME,)),
    "previous": ("No – previously looked after", (rr.LookedAfter.PREVIOUS,)),
    "no": ("No", ("no",)),
    "unknown": ("Unknown", UNKNOWN_CODES),
}
COHORT_NOTE = (
    "Column percentages within each group of children (the group's Total); causes of death "
    "and of serious harm as shares of the group's deaths and serious harm incidents."
)
NOT_GIVEN_NOTE = "Unknown includes answers not given."


TABLES: tuple[TableSpec, ...] = (
    # --- Serious Incident Notifications (SIN reason) ---------------------------------------
    TableSpec(
        "chart_1_reason",
        "Chart 1: Proportion of incidents by reason for notification, {prev_fy} and {fy}",
        SIN,
        groups=(
            RowGroup(
                "Reason for notification",
                code_rows(Reason.choices) + (total_row(),),
                field="reason",
            ),
        ),
        columns=YEAR_COLUMNS,
        years=(-1, 0),
    ),
    TableSpec(
        "chart_2_month",
        "Chart 2: Number of SINs by reason for notification and month of incident, "
        "April {prev_year} to March {next_year}",
        SIN,
        groups=(RowGroup("Month of incident", (), field="month", months=True),),
        columns=REASON_COLUMNS,
        percent="none",
        years=(-1, 0),
    ),
    TableSpec(
        "sin_children",
        "Incidents with more than one child and children reported (3.12-3.13), {fy}",
        SIN,
        groups=(
            RowGroup(
                "",
                (
                    Row("Incidents", kind="total"),
                    Row("Incidents with more than one child", q=Q(children_count__gt=1)),
                    Row("Children reported", stat=SUM, expr="children_count", show_pct=False),
                ),
            ),
        ),
        columns=tuple(
            Column(c.label, c.q, year_offset=0, is_total=c.is_total) for c in REASON_COLUMNS
        )
        + (Column("Total {prev_fy_short}", year_offset=-1),),
        years=(-1, 0),
        notes=(
            "Children per incident: the children recorded on the SIN, or for imported records "
            "the number of children given.",
        ),
    ),
    TableSpec(
        "table_a_regions",
        "Table A: Regional figures",
        SIN,
        kind="regions",
        years=(-1, 0),
        options={"columns": "all"},
        notes=(
            "Rates per 100,000 children use the mid-year child population estimate of the "
            "reporting year's first calendar year.",
            "The 20% most deprived share is of SINs with a known IMD decile.",
        ),
    ),
    TableSpec(
        "chart_3_regions",
        "Chart 3: Rate of SIN submissions per 100,000 child population by region, for {prev_fy} "
        "and {fy}",
        SIN,
        kind="regions",
        years=(-1, 0),
        options={"columns": "rates"},
    ),
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
                    Row("20% most deprived areas", (1, 2), kind="subtotal"),
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
            _yes_group("Gender", "gender_differs", "Different to sex"),
            _yes_group("LGBTQ+", "lgbtq"),
            _yes_group(
                "Mental health conditions",
                "mental_health",
                "Yes – diagnosed/undiagnosed",
                MENTAL_HEALTH_CONDITION,
            ),
            _yes_group("Neurodiverse", "neurodivergent"),
            _yes_group("Disability", "disability"),
        ),
        columns=TYPE_COLUMNS,
        percent="row",
        notes=(TOTAL_INCLUDES_OTHER,),
    ),
    TableSpec(
        "chart_9_education",
        "Chart 9: Proportion breakdown of educational status of 4- to 15-year-olds at the time "
        "of the incident, {fy}",
        REVIEW,
        filter=SCHOOL_AGE,
        groups=(
            RowGroup("Education status", EDUCATION_ROWS + (total_row(),), field="education_status"),
        ),
        columns=SEX_COLUMNS,
        notes=("Children aged 4 to 15, leaving out those still at nursery.",),
    ),
    TableSpec(
        "table_c_needs",
        "Table C: Needs of the child",
        REVIEW,
        groups=(
            RowGroup("", (total_row("Total 4- to 15-year-olds"),), filter=SCHOOL_AGE),
            RowGroup(
                "Education status", EDUCATION_ROWS, field="education_status", filter=SCHOOL_AGE
            ),
            RowGroup(
                "Child missing school",
                code_rows(rr.MissingEducation.choices, yes_codes(rr.MissingEducation.choices)),
                field="missing_education",
                filter=SCHOOL_AGE,
            ),
            RowGroup("", (total_row("Total 16- to 17-year-olds"),), filter=AGED_16_17),
            RowGroup(
                "Not in education, employment or training",
                (yes_row(),),
                field="neet",
                filter=AGED_16_17,
            ),
            RowGroup("", (total_row("All children", show_pct=False),)),
            _yes_group("SEND support", "send_support"),
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
            "Education status and missing school: children aged 4 to 15, leaving out those "
            "still at nursery; NEET: children aged 16 and 17.",
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
                        MENTAL_HEALTH_CONDITION,
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
                filter=Q(mental_health__in=MENTAL_HEALTH_CONDITION),
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
            _yes_group("Victim/offender overlap", "victim_offender_overlap"),
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
    # --- Quality of reviews (3.90-3.95) ------------------------------------------------------
    TableSpec(
        "timeliness",
        "Timeliness of SINs and rapid reviews (3.91-3.92)",
        SIN,
        groups=(
            RowGroup(
                "Serious Incident Notifications",
                (
                    Row("Submitted within 5 working days", q=Q(working_days_to_notify__lte=5)),
                    Row(
                        "Mean days from incident to notification",
                        stat=MEAN,
                        expr="days_to_notify",
                        show_pct=False,
                    ),
                    Row("Total SINs", kind="total", show_pct=False),
                ),
            ),
            RowGroup(
                "Rapid reviews",
                (
                    Row(
                        f"Submitted within {RAPID_REVIEW_DEADLINE_WORKING_DAYS} working days",
                        q=Q(working_days_taken__lte=RAPID_REVIEW_DEADLINE_WORKING_DAYS),
                    ),
                    Row(
                        "Mean working days from SIN to submission",
                        stat=MEAN,
                        expr="working_days_taken",
                        show_pct=False,
                    ),
                    Row("Total rapid reviews", kind="total", show_pct=False),
                ),
                source=REVIEW,
            ),
        ),
        columns=YEAR_COLUMNS,
        years=(-1, 0),
        notes=("Days from incident to notification are calendar days.",),
    ),
    TableSpec(
        "review_length",
        "Length of rapid reviews in pages (3.93), {fy}",
        REVIEW,
        groups=(
            RowGroup(
                "Pages",
                (
                    Row("Mean", stat=MEAN, expr="document_page_count"),
                    Row("Shortest", stat=MIN, expr="document_page_count"),
                    Row("Longest", stat=MAX, expr="document_page_count"),
                ),
            ),
        ),
        columns=TOTAL_COLUMN,
        percent="none",
        notes=("Reviews with a page count.",),
    ),
    TableSpec(
        "panel_agreement",
        "The Panel's view of the partnerships' decisions on an LCSPR (3.94-3.95)",
        DECISION,
        groups=(
            RowGroup(
                "Panel decision",
                (
                    Row("Agreed", ("agree",)),
                    Row("Did not agree", ("disagree",)),
                    Row("Unable to conclude", ("unable_to_conclude",)),
                    total_row(),
                ),
                field="outcome",
            ),
            RowGroup(
                "Did not agree, by the partnership's decision",
                code_rows(rr.LcsprDecision.choices) + (total_row(),),
                field="review__lcspr_decision",
                filter=Q(outcome="disagree"),
            ),
        ),
        columns=YEAR_COLUMNS,
        years=(-1, 0),
        notes=("The Panel's current decision on each submitted rapid review.",),
    ),
    # --- Appendix F: spotlight themes rapid review figures (chapters 4-6) ----------------------
    TableSpec(
        "table_f_a_child_mental_health",
        "Appendix F Table A: Child mental health – children aged 11 to 17 with a mental health "
        "condition(s) compared with children of the same age without, {fy}",
        REVIEW,
        groups=(
            RowGroup(
                "Mental health condition(s) (all ages)",
                (
                    Row("Yes – diagnosed", (rr.MentalHealth.DIAGNOSED,)),
                    Row("Yes – undiagnosed", (rr.MentalHealth.UNDIAGNOSED,)),
                    Row("Yes – both", (rr.MentalHealth.BOTH,)),
                    Row("Yes – unknown if diagnosed", (rr.MentalHealth.UNKNOWN_IF_DIAGNOSED,)),
                    total_row(),
                ),
                field="mental_health",
            ),
            RowGroup("Age group (all ages)", APPENDIX_F_AGE_GROUP_ROWS, field="age_group"),
            *_f_incident_groups(AGED_11_17),
            _f_group(
                "EHC plan",
                "ehc_plan",
                [
                    ("Yes – EHC plan in place", (rr.EhcPlan.IN_PLACE,)),
                    ("Child being assessed for EHC plan", (rr.EhcPlan.BEING_ASSESSED,)),
                    ("Child previously on EHC plan", (rr.EhcPlan.PREVIOUS,)),
                    ("No", ("no",)),
                    ("Unknown", UNKNOWN_CODES),
                ],
            ),
            _f_group(
                "Child looked after",
                "looked_after",
                [
                    LOOKED_AFTER_F[code]
                    for code in (
                        "foster",
                        "other_residential",
                        "residential_home",
                        "previous",
                        "no",
                        "unknown",
                    )
                ],
            ),
            _f_group(
                "Family known to children’s social care", "family_known_to_csc", FAMILY_KNOWN_F
            ),
            _f_risk_factors(
                [
                    ("Physical abuse", Q(physical_abuse__in=YES_ABUSE)),
                    ("Neglect", Q(neglect="yes")),
                    ("CSA/E", Q(sexual_abuse__in=YES_ABUSE)),
                    ("Domestic abuse", Q(domestic_abuse="yes")),
                    ("Emotional abuse", Q(emotional_abuse__in=YES_ABUSE)),
                    ("Bullying", Q(bullying="yes")),
                ],
                total="Total incidents",
            ),
        ),
        columns=(
            Column("Children with a mental health condition(s)", HAS_MENTAL_HEALTH_CONDITION),
            Column("Children without a mental health condition(s)", ~HAS_MENTAL_HEALTH_CONDITION),
        ),
        notes=(
            "With a mental health condition(s): the child has a diagnosed or undiagnosed "
            "condition, both, or one not known to be diagnosed (report 4.5). Without: every "
            "other child, including those with none recorded (4.7, Table E3).",
            "The first two groups are children of all ages; the rest compare children aged 11 "
            "to 17 (Making comparisons, chapter 4).",
            COHORT_NOTE,
            NOT_GIVEN_NOTE,
            "Not held by the service, so not shown: the child's own addiction to or misuse of "
            "alcohol/substances (a risk factor in the report's table).",
        ),
    ),
    TableSpec(
        "table_f_b_parent_mental_health",
        "Appendix F Table B: Parental mental health of pre-school children – children aged 1 to "
        "5 with a parent with a mental health condition(s) compared with children of the same "
        "age without, {fy}",
        REVIEW,
        filter=AGED_1_5,
        groups=(
            *_f_incident_groups(AGED_1_5),
            _f_group("Child in need", "child_in_need", CHILD_IN_NEED_F, where=AGED_1_5),
            _f_group("On child protection plan", "child_protection_plan", CPP_F, where=AGED_1_5),
            _f_group(
                "Care order",
                "care_order",
                [
                    (
                        "Yes – currently subject to care proceedings",
                        (rr.CareOrder.PROCEEDINGS,),
                    ),
                    ("Yes – interim care order", (rr.CareOrder.EMERGENCY_INTERIM,)),
                    ("Yes – other order", (rr.CareOrder.OTHER,)),
                    ("Yes – permanent care order", (rr.CareOrder.PERMANENT,)),
                    ("Yes – previously subject to care order", (rr.CareOrder.PREVIOUS,)),
                    ("No", ("no",)),
                    ("Unknown", UNKNOWN_CODES),
                ],
                where=AGED_1_5,
            ),
            _f_group(
                "Family known to children’s social care",
                "family_known_to_csc",
                FAMILY_KNOWN_F,
                where=AGED_1_5,
            ),
            _f_group(
                "Young parents (under 25 years)",
                "young_parent_age",
                [
                    ("Yes – under 18", ("under_18",)),
                    ("Yes – 18 to 24", ("18_24",)),
                    ("No", ("no",)),
                    ("Unknown", ("unknown",)),
                ],
                where=AGED_1_5,
            ),
            _f_group(
                "Parent/relevant adult with addiction to or misusing alcohol/ substances "
                "(including prescribed)",
                "parent_substance_misuse",
                [
                    ("Yes – alcohol", (rr.SubstanceMisuse.ALCOHOL,)),
                    ("Yes – substances", (rr.SubstanceMisuse.SUBSTANCES,)),
                    ("Yes – both", (rr.SubstanceMisuse.BOTH,)),
                    ("No", ("no",)),
                    ("Unknown", UNKNOWN_CODES),
                ],
                where=AGED_1_5,
            ),
            _f_group(
                "Parent/relevant adult with disability",
                "parent_disability",
                [("Yes", ("yes",)), ("No", ("no",)), ("Unknown/not recorded", UNKNOWN_CODES)],
                where=AGED_1_5,
            ),
            _f_risk_factors(
                [
                    ("Neglect", Q(neglect="yes")),
                    (
                        "Parent/relevant adult with addiction to or misusing alcohol/substances "
                        "(including prescribed)",
                        Q(parent_substance_misuse__in=yes_codes(rr.SubstanceMisuse.choices)),
                    ),
                    ("Domestic abuse", Q(domestic_abuse="yes")),
                    ("Physical abuse", Q(physical_abuse__in=YES_ABUSE)),
                    ("Housing issues", Q(housing_issues="yes")),
                    ("Financial hardship", Q(financial_hardship="yes")),
                    ("Emotional abuse", Q(emotional_abuse__in=YES_ABUSE)),
                    ("CSA/E", Q(sexual_abuse__in=YES_ABUSE)),
                ],
                age=AGED_1_5,
            ),
        ),
        columns=(
            Column(
                "Pre-school children with a parent with a mental health condition(s)",
                PARENT_MENTAL_HEALTH,
            ),
            Column(
                "Pre-school children without a parent with a mental health condition(s)",
                ~PARENT_MENTAL_HEALTH,
            ),
        ),
        notes=(
            "Children aged 1 to 5 with a parent or relevant adult recorded as having a "
            "diagnosed or undiagnosed mental health condition (report 5.5), compared with every "
            "other child aged 1 to 5 (answer no, unknown or not given).",
            COHORT_NOTE,
            NOT_GIVEN_NOTE,
            "Young parents: Yes – under 18 when a parent is under 18; Yes – 18 to 24 when a "
            "parent is under 25 but none is under 18.",
            "Yes – interim care order counts the service's 'emergency or interim protection "
            "order'.",
            "Not held by the service, so not shown: family known to early help/intervention; "
            "single parent/'invisible' (absent) parent; a special guardianship order as a care "
            "order of its own.",
        ),
    ),
    TableSpec(
        "table_f_c_extrafamilial_harm",
        "Appendix F Table C: Extrafamilial harm – children aged 11 to 17 who have experienced "
        "extrafamilial harm compared with children of the same age who have not, {fy}",
        REVIEW,
        groups=(
            RowGroup(
                "Extrafamilial harm (all ages)",
                (
                    Row("Gang related/youth violence", q=GANG_YOUTH_VIOLENCE),
                    Row("Child criminal exploitation/county lines", q=CHILD_CRIMINAL_EXPLOITATION),
                    Row("Extrafamilial CSA/E", q=EXTRAFAMILIAL_CSAE),
                    total_row(),
                ),
            ),
            RowGroup("Age group (all ages)", APPENDIX_F_AGE_GROUP_ROWS, field="age_group"),
            RowGroup(
                "Mental health",
                (Row("Has mental health condition(s)", q=HAS_MENTAL_HEALTH_CONDITION), total_row()),
                filter=AGED_11_17,
            ),
            _f_group(
                "Death or serious harm",
                "incident_type",
                [
                    ("Death", (Reason.DEATH,)),
                    ("Serious harm", (Reason.SERIOUS_HARM,)),
                    ("Other", (Reason.OTHER,)),
                ],
            ),
            _f_group(
                "Child's education status",
                "education_status",
                [
                    ("Child enrolled at a mainstream school", (rr.EducationStatus.MAINSTREAM,)),
                    ("Child enrolled at a SEN/ BEN establishment", (rr.EducationStatus.SEN_BEN,)),
                    (
                        "Child enrolled in alternative provision",
                        (rr.EducationStatus.ALTERNATIVE_PROVISION,),
                    ),
                    (
                        "Child in 6th form, college or other EET (16- to 17-year-olds)",
                        (rr.EducationStatus.POST16_EET,),
                    ),
                    (
                        "Child not enrolled at a school and not receiving an education",
                        (rr.EducationStatus.NOT_ENROLLED,),
                    ),
                    (
                        "Child not enrolled at a school and receiving elective home education",
                        (rr.EducationStatus.ELECTIVE_HOME_EDUCATION,),
                    ),
                    ("Unknown", UNKNOWN_CODES),
                ],
            ),
            RowGroup(
                "Child missing education (under 16 years old)",
                (
                    Row("No", ("no",)),
                    Row("Unknown", UNKNOWN_CODES),
                    Row("Yes – other", (rr.MissingEducation.OTHER,)),
                    Row("Yes – permanently excluded", (rr.MissingEducation.EXCLUDED,)),
                    Row(
                        "Yes – regular absences/ poor attendance",
                        (rr.MissingEducation.REGULAR_ABSENCE,),
                    ),
                    total_row("Total (under 16s)"),
                ),
                field="missing_education",
                filter=AGED_11_15,
            ),
            _f_group("Child in need", "child_in_need", CHILD_IN_NEED_F),
            _f_group("On child protection plan", "child_protection_plan", CPP_F),
            _f_group(
                "Child known to youth offending teams",
                "youth_offending",
                [
                    ("Yes – at time of the incident", (rr.YouthOffending.AT_TIME,)),
                    ("Yes – previously", (rr.YouthOffending.PREVIOUS,)),
                    ("No", ("no",)),
                    ("Unknown", UNKNOWN_CODES),
                ],
            ),
            _f_group(
                "Child looked after",
                "looked_after",
                [
                    LOOKED_AFTER_F[code]
                    for code in (
                        "no",
                        "previous",
                        "foster",
                        "other_residential",
                        "residential_home",
                        "unknown",
                    )
                ],
            ),
            _f_risk_factors(
                [
                    ("Repeat missing child", Q(repeat_missing="yes")),
                    ("Physical abuse", Q(physical_abuse__in=YES_ABUSE)),
                    ("Victim/perpetrator overlap", Q(victim_offender_overlap="yes")),
                    ("Domestic abuse", Q(domestic_abuse="yes")),
                    ("CSA/E", Q(sexual_abuse__in=YES_ABUSE)),
                ]
            ),
            RowGroup(
                "Learning and practice themes raised within the review",
                (Row("Cross boundary issues", q=Q(theme_cross_boundary=True)), total_row()),
                filter=AGED_11_17,
            ),
        ),
        columns=(
            Column("Children who have experienced extrafamilial harm", EXTRAFAMILIAL_HARM),
            Column("Gangs", GANG_YOUTH_VIOLENCE),
            Column("CCE", CHILD_CRIMINAL_EXPLOITATION),
            Column("CSA/E", EXTRAFAMILIAL_CSAE),
            Column("Children who have not experienced extrafamilial harm", ~EXTRAFAMILIAL_HARM),
        ),
        notes=(
            "Extrafamilial harm (report 6.4, 6.6): gang-related and/or youth violence, child "
            "criminal exploitation, or sexual abuse/exploitation recorded as extrafamilial "
            "(or both intra- and extrafamilial), alone or combined. Not experienced: every "
            "other child of the same age.",
            "Gangs, CCE and CSA/E: the children who experienced each type of extrafamilial "
            "harm; a child may be in more than one.",
            "The first two groups are children of all ages; the rest compare children aged 11 "
            "to 17 (Making comparisons, chapter 6), and missing education those aged 11 to 15.",
            COHORT_NOTE,
            NOT_GIVEN_NOTE,
            "Not held by the service, so not shown: the theme 'Service response to undiagnosed "
            "mental health of the child' (from the qualitative review of the reports).",
        ),
    ),
)

TABLES_BY_ID: dict[str, TableSpec] = {table.id: table for table in TABLES}
