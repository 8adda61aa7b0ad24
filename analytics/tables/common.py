"""Columns, rows and cohorts that several chapters' tables share. The ages and answers that
define a cohort come from the rapid review's rules (rapidreviews.rules), where the form asks
its questions by them, so that the figures count the children the questions were asked of."""

from __future__ import annotations

from django.db.models import Q

from rapidreviews import codes as rr
from rapidreviews import rules
from safeguarding.codes import EthnicGroup, Ethnicity, Reason, Sex

from .spec import Column, code_rows, split


def aged(years: range) -> Q:
    """The records whose child's age (whole years) is in `years`."""
    return Q(age_years__gte=years.start, age_years__lte=years.stop - 1)


def ages_text(years: range, *, joined: str = "to") -> str:
    """A range of ages as a note says it: "4 to 15", "16 and 17"."""
    return f"{years.start} {joined} {years.stop - 1}"


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
# The "Yes" answers of mental health (a condition, diagnosed or not), in the code list's order.
MENTAL_HEALTH_CONDITION_ORDERED = tuple(
    c for c in rr.MentalHealth if c in rules.MENTAL_HEALTH_CONDITION
)
# 4.5: "a 'mental health condition' where reviews report that the child has either a diagnosed
# or undiagnosed mental health condition, illness or need" (Table A's four "Yes" answers).
HAS_MENTAL_HEALTH_CONDITION = Q(mental_health__in=MENTAL_HEALTH_CONDITION_ORDERED)
# Children of school age (Chart 9, Table C: n=101): 4 to 15, leaving out those still at nursery.
SCHOOL_AGE_COHORT = aged(rules.SCHOOL_AGE) & ~Q(
    education_status__in=[rr.EducationStatus.NURSERY, ""]
)
# Asked whether they are NEET: 16 and 17.
AGED_16_17 = aged(rules.POST_16)
SCHOOL_AGE_NOTE = f"children aged {ages_text(rules.SCHOOL_AGE)}, leaving out those still at nursery"
NEET_AGE_NOTE = f"children aged {ages_text(rules.POST_16, joined='and')}"
# The IMD deciles of the 20% most deprived areas (Table A, Chart 8).
MOST_DEPRIVED_20_PERCENT = (1, 2)
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
