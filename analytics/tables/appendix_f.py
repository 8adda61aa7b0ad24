"""Appendix F: spotlight themes (report chapters 4-6, Appendix E "Quantitative analysis")."""

from __future__ import annotations

from django.db.models import Q

from rapidreviews import codes as rr
from safeguarding.codes import Reason

from .common import HAS_MENTAL_HEALTH_CONDITION
from .spec import REVIEW, Column, Row, RowGroup, TableSpec, code_rows, total_row, yes_codes

# Each theme compares the children who meet its criteria with the other children of the same
# age (Table E3): the cohorts are columns, and percentages are column percentages within each
# cohort. The cohorts, from the coded fields:
AGED_1_5 = Q(age_years__gte=1, age_years__lte=5)
AGED_11_15 = Q(age_years__gte=11, age_years__lte=15)
AGED_11_17 = Q(age_years__gte=11, age_years__lte=17)
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
