"""Write synthetic_2023_24.csv: 330 synthetic incidents (1 April 2023 – 31 March 2024 by
incident date), one row per incident, in the import format of issue 7 §6, whose tabulation
reproduces the Panel's published Table 2, Table 3, Table 4 and Appendix D Tables B, C and D
exactly (tests/analytics/published_2023_24.py; checked by
tests/analytics/test_synthetic_dataset.py).

Entirely synthetic: no names, no case details, nothing about any real child. Deterministic:
no clock, and every random choice comes from `random.Random(<fixed string seed>)`, whose
sequence does not depend on PYTHONHASHSEED. Standard library only; run it with any Python 3.11+:

    python tests/analytics/data/make_synthetic_2023_24.py

How it is built
---------------
1. The skeleton. Each record is a rapid review's child in focus: `incident_type` (as reviewed)
   × `sex` × `age_years`. AGE_PLAN gives the ages of each type × sex cell; it reproduces Table B's
   sex and age-group rows, Tables 2 and 3's column totals (deaths: 66 girls, 95 boys; serious
   harm: 81 girls, 79 boys; so the 9 `other`: 1 girl, 8 boys), Chart 6 (3.25: girls under 1 55,
   11-15 42, 16-17 18; boys under 1 63, 11-15 25, 16-17 55) and the mean ages of 3.24 to the
   printed decimal. Two 4-year-olds (one death, one serious harm) are at nursery: Table C
   counts "4- to 15-year-olds" without them (n=101, Chart 9).
2. Every other field is allotted per incident type (tables B-D and 4 cross a field with the
   incident type only) or per type × sex (tables 2 and 3), from the published counts: for each
   published row that is one code, the per-type counts are its Death and Serious harm n and
   Total minus both (the `other` incidents). Within a type, the records that get a code are
   chosen by a score (age, cause, a shared "involvement with services" score, seeded noise) so
   that the data is plausible: SUDI are infants, suicides teenagers, looked-after children
   have care orders, and so on. Records left over get `no` / `unknown` / `none`. Table 1's
   detailed ethnicities (3.28: 184 White British … 7 unknown) are reproduced as well.
3. The SIN around each review: SIN reason (3.9: 151 deaths, 155 serious harm, 24 other; 10
   reviewed deaths and 10 reviewed serious harms were notified as something else, 3.19),
   region counts and shares from Appendix D Table A, IMD decile known for 280 (3.33) with the
   20%-most-deprived shares of Table A, incident months from Chart 2 (21 … 39 a month), and
   dates valid under notifications/rules.py: date_aware >= incident_date, notified_at >=
   date_aware, about half within 5 working days (3.91), rr_submitted_at after notified_at,
   about half within 15 working days (3.92), panel_decided_at after rr_submitted_at; Panel
   agreement 81% / 10% / 9% (3.94-3.95).

How each published row maps to field values (row → field: codes)
-----------------------------------------------------------------
Table 2 rows → cause_of_death (deaths): the label of each CauseOfDeath code; "Total" = all
  deaths. One girl's death has `homicide_intrafamilial`, a cause the table does not print (its
  Female rows sum to 65 of 66: see KNOWN_MISPRINTS).
Table 3 rows → cause_of_harm (serious harm): the label of each CauseOfHarm code.
Table 4 (incident_type): "Yes – current open case" family_known_to_csc=current, "Yes – previous
  known" =previous, "Total known" = current|previous; CIN child_in_need at_time / previous,
  "Total CIN status" = either; CPP child_protection_plan on_plan / previous, "Total CPP
  status" = either; looked_after foster / other_residential / residential_home / previous,
  "Total Looked After status" = any of the four; care_order proceedings / emergency_interim /
  permanent / other / previous, "Total care order status" = any of the five; "Total
  incidents" = all records.
Table B: "Total" = all; Sex → sex; Age group → age_years grouped (0 | 1-5 | 6-10 | 11-15 |
  16-17, rapidreviews.codes.age_group); Ethnic group → ethnicity mapped to its group
  (safeguarding.codes.ETHNIC_GROUP_OF), "Unknown" = ethnicity unknown; Gender "Different to
  sex" = gender_differs yes; LGBTQ+ "Yes" = lgbtq yes; Mental health conditions "Yes –
  diagnosed/undiagnosed" = mental_health in {diagnosed, undiagnosed, both,
  unknown_if_diagnosed} (a condition: rapidreviews.rules.MENTAL_HEALTH_CONDITION; 3.60-3.62:
  71 with one or more conditions, 28 diagnosed of which 13 linked to the incident, 7 linked
  but unknown if diagnosed); Neurodiverse "Yes" = neurodivergent yes; Disability "Yes" =
  disability yes.
Table C: "Total 4- to 15-year-olds" = age 4-15 and education_status != nursery (101);
  Education status rows = education_status code (among those 101; 16- and 17-year-olds also
  have an education status, e.g. post16_eet, which the table does not count); Child missing
  school "Yes – regular absences/ poor attendance" / "Yes – other" = missing_education
  regular_absence / other among the same 101 (no child is `excluded`: the report prints no such
  row, and 37 + 11 = 48 = 3.55's 48% of school-age children); "Total 16- to 17-year-olds" =
  age 16-17; NEET "Yes" = neet yes (16-17 only); "All children" = all; SEND support "Yes" =
  send_support yes; EHC plan rows = ehc_plan in_place / previous / being_assessed; Speech and
  language rows = speech_language receiving / not_receiving / support_unknown; CAMHS rows =
  camhs waiting_list / open_case / previous / referral_made.
Table D: "Total" = all; Environment rows = neglect / housing_issues / financial_hardship /
  domestic_abuse / intergenerational_abuse yes; Physical abuse, Emotional abuse, Sexual
  abuse/exploitation rows "Yes – extrafamilial / intrafamilial / both / unknown" =
  physical_abuse / emotional_abuse / sexual_abuse extrafamilial / intrafamilial / both /
  context_unknown; Child on child abuse rows = child_on_child_abuse extrafamilial /
  intrafamilial; Victim/offender overlap "Yes" = victim_offender_overlap yes.

Blank cells: cause_of_death except for deaths, cause_of_harm except for serious harm,
education_status under 4, missing_education outside 4-15, neet outside 16-17,
mental_health_linked without a condition, imd_decile where unknown (rapidreviews/rules.py
visible_fields). abuse_or_neglect is `known` or `suspected` throughout: the import format has no
"looked-after child's death" column, so `not_suspected` (allowed only for that) is not used.
"""

from __future__ import annotations

import csv
import random
import sys
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
OUTPUT = HERE / "synthetic_2023_24.csv"
sys.path.insert(0, str(HERE.parent))

import published_2023_24 as published  # noqa: E402

DEATH, HARM, OTHER = "death", "serious_harm", "other"
TYPES = (DEATH, HARM, OTHER)
TYPE_COLUMN = {DEATH: "Death", HARM: "Serious harm"}
FEMALE, MALE = "female", "male"

THEMES = (
    "coordination",
    "curiosity",
    "risk_assessment",
    "voice_of_child",
    "escalation",
    "thresholds",
    "early_help",
    "race_ethnicity_culture",
    "education",
    "cross_boundary",
)

COLUMNS = (
    "local_authority",
    "incident_date",
    "date_aware",
    "notified_at",
    "reason",
    "abuse_or_neglect",
    "children_count",
    "imd_decile",
    "rr_submitted_at",
    "page_count",
    "lcspr_decision",
    "incident_type",
    "sex",
    "age_years",
    "gender_differs",
    "lgbtq",
    "disability",
    "neurodivergent",
    "ethnicity",
    "young_carer",
    "cause_of_death",
    "cause_of_harm",
    "family_known_to_csc",
    "child_in_need",
    "child_protection_plan",
    "looked_after",
    "care_order",
    "education_status",
    "missing_education",
    "neet",
    "send_support",
    "ehc_plan",
    "speech_language",
    "camhs",
    "youth_offending",
    "mental_health",
    "mental_health_linked",
    "young_parent",
    "parent_under_18",
    "parent_care_leaver",
    "parent_disability",
    "parent_mental_health",
    "parent_substance_misuse",
    "neglect",
    "housing_issues",
    "financial_hardship",
    "domestic_abuse",
    "intergenerational_abuse",
    "hidden_men",
    "gang_youth_violence",
    "cce",
    "victim_offender_overlap",
    "bullying",
    "online_harm",
    "repeat_missing",
    "physical_abuse",
    "emotional_abuse",
    "sexual_abuse",
    "child_on_child_abuse",
    *(f"theme_{code}" for code in THEMES),
    *(f"good_practice_{code}" for code in THEMES),
    "panel_decision",
    "panel_decided_at",
)


def _ages(*runs: tuple[int, int]) -> list[int]:
    """(age, how many) runs → a list of ages."""
    return [age for age, count in runs for _ in range(count)]


# Ages of each incident type × sex cell (step 1 of the module docstring).
AGE_PLAN: dict[tuple[str, str], list[int]] = {
    (DEATH, FEMALE): _ages(
        (0, 27),
        *((1, 2), (2, 2), (3, 2), (4, 2), (5, 1)),
        *((6, 1), (7, 1), (8, 1), (10, 1)),
        *((11, 1), (12, 2), (13, 3), (14, 4), (15, 6)),
        *((16, 7), (17, 3)),
    ),
    (DEATH, MALE): _ages(
        (0, 40),
        *((1, 4), (2, 4), (3, 4), (4, 1), (5, 1)),
        *((6, 1), (7, 1), (8, 1), (9, 1), (10, 1)),
        *((11, 1), (12, 1), (13, 1), (14, 3), (15, 3)),
        *((16, 16), (17, 11)),
    ),
    (HARM, FEMALE): _ages(
        (0, 28),
        *((1, 4), (2, 2), (3, 2), (4, 2), (5, 1)),
        *((6, 1), (7, 2), (8, 2), (9, 2), (10, 2)),
        *((11, 3), (12, 4), (13, 5), (14, 6), (15, 7)),
        *((16, 5), (17, 3)),
    ),
    (HARM, MALE): _ages(
        (0, 23),
        *((1, 4), (2, 3), (3, 2), (4, 1), (5, 1)),
        *((6, 2), (7, 1), (8, 2), (9, 3)),
        *((11, 2), (12, 2), (13, 3), (14, 3), (15, 5)),
        *((16, 14), (17, 8)),
    ),
    (OTHER, FEMALE): _ages((14, 1)),
    (OTHER, MALE): _ages((2, 1), (13, 1), (16, 3), (17, 3)),
}
NURSERY = {(DEATH, MALE): 1, (HARM, FEMALE): 1}  # 4-year-olds at nursery, per cell

# Likely causes in order of the typical age of the child: within a type × sex cell the
# youngest children get the first causes (SUDI, then homicide by a caregiver …).
DEATH_CAUSE_ORDER = (
    "sudi_sudc",
    "covert_homicide_caregiver",
    "overt_homicide_caregiver",
    "fatal_assault_intrafamilial",
    "extreme_neglect",
    "homicide_intrafamilial",
    "persistent_cruelty",
    "fabricated_induced_illness",
    "medical",
    "unclear",
    "accident_injury",
    "self_harm",
    "fatal_assault_extrafamilial",
    "risk_taking",
    "homicide_extrafamilial",
    "suicide",
)
HARM_CAUSE_ORDER = (
    "neglect",
    "fabricated_induced_illness",
    "persistent_cruelty",
    "assault_intrafamilial",
    "medical",
    "accident_injury",
    "emotional_abuse",
    "other_non_fatal",
    "unclear",
    "csa_intrafamilial",
    "risk_taking",
    "self_harm",
    "attempted_suicide",
    "assault_extrafamilial",
    "cse",
    "csa_extrafamilial",
    "cce",
)

# The one death whose cause Table 2 does not print (its Female rows sum to 65, Total 66).
UNPRINTED_DEATH_CAUSES = {(FEMALE, "homicide_intrafamilial"): 1}

# ----------------------------------------------------------------------------------------------
# Published rows → (field, code). Subtotal rows are derived and only checked.
TABLE_2_CODES = {
    "Unexplained SUDI/SUDC": "sudi_sudc",
    "Suicide": "suicide",
    "Child homicide – extrafamilial": "homicide_extrafamilial",
    "Medical": "medical",
    "Fatal assaults – intrafamilial": "fatal_assault_intrafamilial",
    "Unclear": "unclear",
    "Overt child homicide by primary caregiver": "overt_homicide_caregiver",
    "Death from extreme neglect": "extreme_neglect",
    "Accident/injury": "accident_injury",
    "Covert child homicide by primary caregiver": "covert_homicide_caregiver",
    "Fatal assaults – extrafamilial": "fatal_assault_extrafamilial",
    "Risk taking behaviour": "risk_taking",
}
TABLE_3_CODES = {
    "Non-fatal assaults – intrafamilial": "assault_intrafamilial",
    "Non-fatal neglect": "neglect",
    "Non-fatal assaults – extrafamilial": "assault_extrafamilial",
    "Child sexual abuse – intrafamilial": "csa_intrafamilial",
    "Child sexual abuse – extrafamilial": "csa_extrafamilial",
    "Other non-fatal incident": "other_non_fatal",
    "Severe, persistent child cruelty": "persistent_cruelty",
    "Child sexual exploitation": "cse",
    "Attempted suicide": "attempted_suicide",
    "Medical cause": "medical",
    "Unclear": "unclear",
    "Risk taking behaviour": "risk_taking",
    "Self-harm": "self_harm",
    "Accident/injury": "accident_injury",
    "Child criminal exploitation": "cce",
    "Fabricated/induced illness": "fabricated_induced_illness",
}
# (table id, group, row label) → (field, code) for rows split by incident type.
TYPE_ROWS: dict[tuple[str, str, str], tuple[str, str]] = {}


def _map(table: str, group: str, field: str, pairs: dict[str, str]) -> None:
    for label, code in pairs.items():
        TYPE_ROWS[(table, group, label)] = (field, code)


_T4, _TB, _TC, _TD = (
    "table_4_csc",
    "table_b_characteristics",
    "table_c_needs",
    "table_d_risk_factors",
)
_map(
    _T4,
    "Family known to CSC",
    "family_known_to_csc",
    {"Yes – current open case": "current", "Yes – previous known": "previous"},
)
_map(
    _T4,
    "Child in need (CIN)",
    "child_in_need",
    {"Yes – at time of the incident": "at_time", "Yes – previously": "previous"},
)
_map(
    _T4,
    "Child protection plan (CPP)",
    "child_protection_plan",
    {"Yes – on CPP": "on_plan", "Yes – previously on CPP": "previous"},
)
_map(
    _T4,
    "Child looked after",
    "looked_after",
    {
        "Yes – child in foster care": "foster",
        "Yes – child in other residential setting": "other_residential",
        "Yes – child in residential home": "residential_home",
        "Previously looked after": "previous",
    },
)
_map(
    _T4,
    "Child subject to a care order",
    "care_order",
    {
        "Yes – currently subject to care proceedings": "proceedings",
        "Yes – emergency or interim protection order": "emergency_interim",
        "Yes – permanent care order": "permanent",
        "Yes – other order": "other",
        "Yes – previously subject to care order": "previous",
    },
)
_map(_TB, "Gender", "gender_differs", {"Different to sex": "yes"})
_map(_TB, "LGBTQ+", "lgbtq", {"Yes": "yes"})
_map(_TB, "Neurodiverse", "neurodivergent", {"Yes": "yes"})
_map(_TB, "Disability", "disability", {"Yes": "yes"})
_map(
    _TC,
    "Education status",
    "education_status",
    {
        "Child enrolled at a mainstream school": "mainstream",
        "Child enrolled at a SEN/ BEN establishment": "sen_ben",
        "Child enrolled in alternative provision": "alternative_provision",
        "Not enrolled at a school and not receiving an education": "not_enrolled_no_education",
        "Not enrolled at a school and receiving elective home education": (
            "elective_home_education"
        ),
        "Unknown": "unknown",
    },
)
_map(
    _TC,
    "Child missing school",
    "missing_education",
    {"Yes – regular absences/ poor attendance": "regular_absence", "Yes – other": "other"},
)
_map(_TC, "Not in education, employment or training", "neet", {"Yes": "yes"})
_map(_TC, "SEND support", "send_support", {"Yes": "yes"})
_map(
    _TC,
    "EHC plan",
    "ehc_plan",
    {
        "Yes – EHC plan in place": "in_place",
        "Child previously on EHC plan": "previous",
        "Child being assessed for EHC plan": "being_assessed",
    },
)
_map(
    _TC,
    "Speech and language support",
    "speech_language",
    {
        "Yes – receiving support": "receiving",
        "Yes – not receiving support": "not_receiving",
        "Yes – unknown if support being provided": "support_unknown",
    },
)
_map(
    _TC,
    "CAMHS",
    "camhs",
    {
        "Yes – on a waiting list": "waiting_list",
        "Yes – open case": "open_case",
        "Yes – previously": "previous",
        "Yes – referral made": "referral_made",
    },
)
for _field, _label in (
    ("neglect", "Neglect"),
    ("housing_issues", "Housing issues"),
    ("financial_hardship", "Financial hardship"),
    ("domestic_abuse", "Domestic abuse"),
    ("intergenerational_abuse", "History of intergenerational abuse"),
):
    TYPE_ROWS[(_TD, "Environment", _label)] = (_field, "yes")
_CONTEXT = {
    "Yes – extrafamilial": "extrafamilial",
    "Yes – intrafamilial": "intrafamilial",
    "Yes – both": "both",
    "Yes – unknown": "context_unknown",
}
_map(_TD, "Physical abuse", "physical_abuse", _CONTEXT)
_map(
    _TD,
    "Emotional abuse",
    "emotional_abuse",
    {k: v for k, v in _CONTEXT.items() if v != "context_unknown"},  # no "Yes – unknown" row
)
_map(_TD, "Sexual abuse/exploitation", "sexual_abuse", _CONTEXT)
_map(
    _TD,
    "Child on child abuse",
    "child_on_child_abuse",
    {"Yes – extrafamilial": "extrafamilial", "Yes – intrafamilial": "intrafamilial"},
)
_map(_TD, "Victim/offender overlap", "victim_offender_overlap", {"Yes": "yes"})

ETHNIC_GROUP_ROWS = {
    "White": ("white_british", "irish", "gypsy_irish_traveller", "other_white"),
    "Mixed/multiple ethnic groups": (
        "white_black_caribbean",
        "white_black_african",
        "white_asian",
        "other_mixed",
    ),
    "Asian/Asian British": ("indian", "pakistani", "bangladeshi", "chinese", "other_asian"),
    "Black/African/Caribbean/Black British": ("african", "caribbean", "other_black"),
    "Other ethnic group": ("arab", "other_ethnic"),
    "Unknown": ("unknown",),
}
# Table 1 (3.28): children in focus by detailed ethnicity (all incident types).
ETHNICITY_COUNTS = {
    "white_british": 184,
    "irish": 2,
    "gypsy_irish_traveller": 2,
    "other_white": 26,
    "white_black_caribbean": 21,
    "white_black_african": 9,
    "white_asian": 5,
    "other_mixed": 20,
    "indian": 3,
    "pakistani": 6,
    "bangladeshi": 1,
    "chinese": 3,
    "other_asian": 3,
    "african": 5,
    "caribbean": 6,
    "other_black": 21,
    "arab": 2,
    "other_ethnic": 4,
    "unknown": 7,
}


def type_counts(table_id: str, group: str, label: str) -> dict[str, int]:
    """A published row's n per incident type (`other` = Total - Death - Serious harm)."""
    row = published.TABLES[table_id].row(label, group)
    counts = {DEATH: row.cells["Death"].n, HARM: row.cells["Serious harm"].n}
    counts[OTHER] = row.cells["Total"].n - counts[DEATH] - counts[HARM]
    if counts[OTHER] < 0:
        raise ValueError(f"{table_id} {label}: negative 'other' count")
    return counts


def field_plan(field: str) -> dict[str, list[tuple[str, int]]]:
    """{incident type: [(code, n), …]} for a field, from every published row mapped to it."""
    plan: dict[str, list[tuple[str, int]]] = {t: [] for t in TYPES}
    for (table_id, group, label), (row_field, code) in TYPE_ROWS.items():
        if row_field == field:
            for incident_type, n in type_counts(table_id, group, label).items():
                plan[incident_type].append((code, n))
    if not any(plan.values()):
        raise KeyError(field)
    return plan


# ----------------------------------------------------------------------------------------------
# Working days (England): hard-coded bank holidays, so the generator needs no packages.
BANK_HOLIDAYS = {
    date(2023, 4, 7),
    date(2023, 4, 10),
    date(2023, 5, 1),
    date(2023, 5, 8),
    date(2023, 5, 29),
    date(2023, 8, 28),
    date(2023, 12, 25),
    date(2023, 12, 26),
    date(2024, 1, 1),
    date(2024, 3, 29),
    date(2024, 4, 1),
    date(2024, 5, 6),
    date(2024, 5, 27),
    date(2024, 8, 26),
    date(2024, 12, 25),
    date(2024, 12, 26),
}


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in BANK_HOLIDAYS


def add_working_days(start: date, n: int) -> date:
    day = start
    while n > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


# ----------------------------------------------------------------------------------------------
class Record(dict):
    """One incident: the CSV row being built, plus private attributes (keys starting "_")."""


def rng(name: str) -> random.Random:
    return random.Random(f"synthetic-2023-24/{name}")


def build_skeleton() -> list[Record]:
    records: list[Record] = []
    for (incident_type, sex), ages in AGE_PLAN.items():
        nursery = NURSERY.get((incident_type, sex), 0)
        for age in ages:
            record = Record(incident_type=incident_type, sex=sex, age_years=age)
            record["_nursery"] = False
            if age == 4 and nursery:
                record["_nursery"] = True
                nursery -= 1
            record["_id"] = len(records)
            records.append(record)
    noise = rng("involvement")
    for record in records:
        # One shared score of the family's involvement with services: CSC statuses, neglect
        # and the family's other needs follow it, so that they go together as in 3.76.
        record["_involvement"] = noise.random()
    return records


def by_type(records, incident_type):
    return [r for r in records if r["incident_type"] == incident_type]


def allot(
    records: list[Record],
    field: str,
    plan: list[tuple[str, int]],
    *,
    score,
    rest,
    eligible=lambda r: True,
    blank_if_ineligible: bool = True,
) -> None:
    """Give the `plan` codes, in order, to the eligible records with the highest score; the
    other eligible records get `rest(record, i)`; ineligible ones a blank."""
    pool = [r for r in records if eligible(r)]
    needed = sum(n for _, n in plan)
    if needed > len(pool):
        raise ValueError(f"{field}: {needed} codes for {len(pool)} eligible records")
    pool.sort(key=lambda r: (-score(r), r["_id"]))
    codes = [code for code, n in plan for _ in range(n)]
    for i, record in enumerate(pool):
        record[field] = codes[i] if i < needed else rest(record, i - needed)
    if blank_if_ineligible:
        for record in records:
            if not eligible(record):
                record[field] = ""


def every(n: int, often: str, then: str):
    """rest(): `then` for every n-th leftover record, else `often`."""
    return lambda record, i: then if i % n == n - 1 else often


def assign_causes(records: list[Record]) -> None:
    t2, t3 = published.TABLES["table_2_cause_of_death"], published.TABLES["table_3_cause_of_harm"]
    for incident_type, table, mapping, order, field in (
        (DEATH, t2, TABLE_2_CODES, DEATH_CAUSE_ORDER, "cause_of_death"),
        (HARM, t3, TABLE_3_CODES, HARM_CAUSE_ORDER, "cause_of_harm"),
    ):
        for sex, column in ((FEMALE, "Female"), (MALE, "Male")):
            counts = Counter()
            for label, code in mapping.items():
                counts[code] = table.row(label).cells[column].n
            for (extra_sex, code), n in UNPRINTED_DEATH_CAUSES.items():
                if field == "cause_of_death" and extra_sex == sex:
                    counts[code] += n
            cell = sorted(
                (r for r in records if r["incident_type"] == incident_type and r["sex"] == sex),
                key=lambda r: (r["age_years"], r["_id"]),
            )
            if sum(counts.values()) != len(cell):
                raise ValueError(f"{field} {sex}: {sum(counts.values())} causes, {len(cell)}")
            causes = [code for code in order for _ in range(counts[code])]
            for record, cause in zip(cell, causes, strict=True):
                record[field] = cause
    for record in records:
        record.setdefault("cause_of_death", "")
        record.setdefault("cause_of_harm", "")


def assign_csc(records: list[Record]) -> None:
    """Table 4. Within a type, records in order of involvement: looked-after children first,
    then children on a plan, then children in need at the time; previous statuses overlap them
    or follow them; all of them in families known to CSC. The extra "previously CIN" records
    (extra_previous_cin) make 183 children in focus known as CIN, CPP or CLA in all (3.49:
    147 were not)."""
    extra_previous_cin = {DEATH: 20, HARM: 20, OTHER: 5}
    plans = {
        field: field_plan(field)
        for field in (
            "family_known_to_csc",
            "child_in_need",
            "child_protection_plan",
            "looked_after",
            "care_order",
        )
    }
    for incident_type in TYPES:
        group = sorted(
            by_type(records, incident_type), key=lambda r: (-r["_involvement"], r["_id"])
        )
        n = len(group)

        def plan(field, t=incident_type):
            return dict(plans[field][t])

        fam, cin, cpp, lac, order = (
            plan("family_known_to_csc"),
            plan("child_in_need"),
            plan("child_protection_plan"),
            plan("looked_after"),
            plan("care_order"),
        )
        lac_now = lac["foster"] + lac["other_residential"] + lac["residential_home"]
        lac_all = lac_now + lac["previous"]
        cpp_from, cin_from = lac_all, lac_all + cpp["on_plan"]
        core_end = cin_from + cin["at_time"]
        values = {field: [""] * n for field in plans}
        # Families known: current then previous, the rest no (1 in 6 unknown).
        fam_known = fam["current"] + fam["previous"]
        for i in range(n):
            if i < fam["current"]:
                values["family_known_to_csc"][i] = "current"
            elif i < fam_known:
                values["family_known_to_csc"][i] = "previous"
            else:
                values["family_known_to_csc"][i] = "unknown" if i % 6 == 5 else "no"
        # Looked after: the first lac_now (codes by age: youngest fostered), then previous.
        now = sorted(range(lac_now), key=lambda i: (group[i]["age_years"], group[i]["_id"]))
        codes = [
            code
            for code in ("foster", "other_residential", "residential_home")
            for _ in range(lac[code])
        ]
        for i, code in zip(now, codes, strict=True):
            values["looked_after"][i] = code
        for i in range(lac_now, lac_all):
            values["looked_after"][i] = "previous"
        # CPP: on plan after the looked-after block; previously on a plan: the looked-after
        # children first, then the children in need at the time.
        for i in range(cpp_from, cpp_from + cpp["on_plan"]):
            values["child_protection_plan"][i] = "on_plan"
        previous_cpp = list(range(min(cpp["previous"], lac_all)))
        previous_cpp += list(range(cin_from, cin_from + cpp["previous"] - len(previous_cpp)))
        for i in previous_cpp:
            values["child_protection_plan"][i] = "previous"
        # CIN: at the time after the plans; previously: EXTRA after the core, the rest among
        # the looked-after and plan children.
        for i in range(cin_from, core_end):
            values["child_in_need"][i] = "at_time"
        extra = extra_previous_cin[incident_type]
        previous_cin = list(range(core_end, core_end + extra))
        previous_cin += list(range(cin["previous"] - extra))
        for i in previous_cin:
            if values["child_in_need"][i]:
                raise ValueError(f"CIN overlap at {incident_type} {i}")
            values["child_in_need"][i] = "previous"
        if core_end + extra > fam_known:
            raise ValueError(f"{incident_type}: CSC statuses outside known families")
        # Care orders over the looked-after children and on.
        codes = [
            code
            for code in ("emergency_interim", "permanent", "proceedings", "other", "previous")
            for _ in range(order[code])
        ]
        for i, code in enumerate(codes):
            values["care_order"][i] = code
        for field in ("child_in_need", "child_protection_plan", "looked_after", "care_order"):
            for i in range(n):
                if not values[field][i]:
                    unknown = values["family_known_to_csc"][i] == "unknown"
                    values[field][i] = "unknown" if unknown else "no"
        for field, column in values.items():
            for record, value in zip(group, column, strict=True):
                record[field] = value


def assign_characteristics(records: list[Record]) -> None:
    noise = rng("characteristics")
    for record in records:
        record["_n1"], record["_n2"], record["_n3"] = (noise.random() for _ in range(3))
    for incident_type in TYPES:
        group = by_type(records, incident_type)

        def rest_characteristic(record, i):
            # Older children's reviews sometimes do not record the characteristic (3.26, 3.97).
            return "not_recorded" if record["age_years"] >= 10 and i % 5 == 0 else "no"

        # Gender different to sex: 3.26: seven aged 15 or 16, one 14, one 11 (non-binary).
        gd_ages = {DEATH: {15: 3, 16: 2, 14: 1}, HARM: {15: 1, 16: 1, 11: 1}, OTHER: {}}[
            incident_type
        ]
        wanted = Counter(gd_ages)
        chosen = set()
        for record in sorted(group, key=lambda r: (r["_n1"], r["_id"])):
            if wanted[record["age_years"]] > 0:
                wanted[record["age_years"]] -= 1
                chosen.add(record["_id"])
        expected = dict(field_plan("gender_differs")[incident_type]).get("yes", 0)
        if len(chosen) != expected:
            raise ValueError(f"gender_differs {incident_type}: {len(chosen)} != {expected}")
        allot(
            group,
            "gender_differs",
            field_plan("gender_differs")[incident_type],
            score=lambda r, c=chosen: r["_id"] in c,
            rest=rest_characteristic,
        )
        # LGBTQ+: 11, all aged 10 or over (3.27: 8% of those 10+), 7 of them the 9 above.
        # 3.27: seven of the 11 also have a gender different to their sex.
        both = {DEATH: 5, HARM: 2, OTHER: 0}[incident_type]
        gd_lgbtq = set(sorted(chosen)[:both])
        allot(
            group,
            "lgbtq",
            field_plan("lgbtq")[incident_type],
            score=lambda r, c=gd_lgbtq: (
                (5 if r["_id"] in c else -5 if r["gender_differs"] == "yes" else 0)
                + (1 if r["age_years"] >= 13 else 0)
                + r["_n2"]
                - (5 if r["age_years"] < 10 else 0)
            ),
            rest=rest_characteristic,
        )
        # Neurodivergent: more boys (3.63), half of them 16-17.
        allot(
            group,
            "neurodivergent",
            field_plan("neurodivergent")[incident_type],
            score=lambda r: (
                (r["age_years"] >= 16) * 0.45
                + (r["age_years"] >= 6) * 0.8
                + (r["sex"] == MALE) * 0.35
                + 2.5 * r["_n3"]
                - (r["age_years"] < 2) * 3
            ),
            rest=rest_characteristic,
        )
        allot(
            group,
            "disability",
            field_plan("disability")[incident_type],
            score=lambda r: (r["neurodivergent"] == "yes") * 0.5 + r["_n1"],
            rest=rest_characteristic,
        )
    assign_ethnicity(records)
    carers = sorted((r for r in records if r["age_years"] >= 9), key=lambda r: (r["_n2"], r["_id"]))
    for record in records:
        record["young_carer"] = "no"
    for i, record in enumerate(carers[:12]):  # 3.50: 12, five recognised by the LA
        record["young_carer"] = "recognised" if i < 5 else "reported"


def assign_ethnicity(records: list[Record]) -> None:
    """Table B's ethnic groups per type, and Table 1's detailed categories overall; Black
    children in focus older, white children younger (Chart 7, 3.32)."""
    tb = "table_b_characteristics"
    remaining = Counter(ETHNICITY_COUNTS)
    noise = rng("ethnicity")
    leaning = {
        "Black/African/Caribbean/Black British": 0.4,
        "Other ethnic group": 0.4,
        "Asian/Asian British": 0.2,
        "Mixed/multiple ethnic groups": 0.1,
        "Unknown": 0.0,
    }
    for incident_type in TYPES:
        free = sorted(by_type(records, incident_type), key=lambda r: r["_id"])
        for label, lean in leaning.items():
            n = type_counts(tb, "Ethnic group", label)[incident_type]
            free.sort(key=lambda r, w=lean: (-(w * r["age_years"] / 17 + noise.random()), r["_id"]))
            for record in free[:n]:
                record["_group"] = label
            free = free[n:]
        n_white = type_counts(tb, "Ethnic group", "White")[incident_type]
        if len(free) != n_white:
            raise ValueError(f"ethnic groups of {incident_type} do not add up")
        for record in free:
            record["_group"] = "White"
    for label, codes in ETHNIC_GROUP_ROWS.items():
        members = sorted((r for r in records if r["_group"] == label), key=lambda r: r["_id"])
        pool = [code for code in codes for _ in range(remaining[code])]
        if len(pool) != len(members):
            raise ValueError(f"Table 1 and Table B disagree on {label}")
        random.Random(f"ethnicity/{label}").shuffle(pool)
        for record, code in zip(members, pool, strict=True):
            record["ethnicity"] = code


def assign_needs(records: list[Record]) -> None:
    noise = rng("needs")
    for record in records:
        record["_m"] = noise.random()
    age = lambda r: r["age_years"]  # noqa: E731
    for incident_type in TYPES:
        group = by_type(records, incident_type)
        school = [r for r in group if 4 <= age(r) <= 15]
        counted = [r for r in school if not r["_nursery"]]
        for record in school:
            if record["_nursery"]:
                record["education_status"] = "nursery"
        # Education status of the 4- to 15-year-olds (Table C): older children more often out
        # of mainstream school.
        allot(
            counted,
            "education_status",
            [(c, n) for c, n in field_plan("education_status")[incident_type]],
            score=lambda r: 0,
            rest=lambda r, i: "",
        )
        ordered = sorted(counted, key=lambda r: (age(r) + 6 * r["_m"], r["_id"]))
        statuses = sorted((r["education_status"] for r in counted), key=_education_rank)
        for record, status in zip(ordered, statuses, strict=True):
            record["education_status"] = status
        # Missing school (4-15 incl. nursery, who are never "missing"): regular absence mostly
        # from mainstream school (3.55), "other" for the children not enrolled.
        allot(
            school,
            "missing_education",
            field_plan("missing_education")[incident_type],
            score=lambda r: (
                -9
                if r["_nursery"]
                else {
                    "mainstream": 2,
                    "alternative_provision": 2,
                    "sen_ben": 1,
                    "not_enrolled_no_education": 1,
                    "elective_home_education": 1,
                }.get(r["education_status"], 0)
                + r["_m"]
            ),
            rest=every(9, "no", "unknown"),
        )
        for record in group:
            if not 4 <= age(record) <= 15:
                record["missing_education"] = ""
        # 16 and 17: NEET (mostly boys, extrafamilial harm: 3.56), education status to match.
        older = [r for r in group if age(r) >= 16]
        allot(
            older,
            "neet",
            field_plan("neet")[incident_type],
            score=lambda r: (
                (r["sex"] == MALE) * 1.5
                + (
                    r["cause_of_harm"] == "assault_extrafamilial"
                    or r["cause_of_death"]
                    in {"homicide_extrafamilial", "fatal_assault_extrafamilial"}
                )
                * 1.5
                + r["_m"]
            ),
            rest=every(8, "no", "unknown"),
        )
        for record in older:
            record["education_status"] = {
                "yes": "not_enrolled_no_education",
                "unknown": "unknown",
            }.get(record["neet"], "post16_eet")
        for record in group:
            if age(record) < 4:
                record["education_status"] = ""
            if age(record) < 16:
                record["neet"] = ""
        # SEND, EHC plans, speech and language, CAMHS: all ages, in line with age and needs.
        allot(
            group,
            "send_support",
            field_plan("send_support")[incident_type],
            score=lambda r: (age(r) >= 4) * 1.0 + (age(r) >= 1) * 1.0 + r["_m"],
            rest=every(7, "no", "unknown"),
        )
        allot(
            group,
            "ehc_plan",
            field_plan("ehc_plan")[incident_type],
            score=lambda r: (
                (age(r) >= 11) * 1.0
                + (age(r) >= 2) * 2.0
                + (r["neurodivergent"] == "yes") * 0.8
                + (r["education_status"] == "sen_ben") * 2
                + r["_n3"]
            ),
            rest=every(7, "no", "unknown"),
        )
        allot(
            group,
            "speech_language",
            field_plan("speech_language")[incident_type],
            score=lambda r: (1 <= age(r) <= 10) * 0.6 + (age(r) >= 1) * 2.0 + 2 * r["_n2"],
            rest=every(7, "no", "unknown"),
        )


def _education_rank(status: str) -> int:
    return (
        "mainstream",
        "sen_ben",
        "unknown",
        "elective_home_education",
        "alternative_provision",
        "not_enrolled_no_education",
    ).index(status)


MENTAL_HEALTH_PLAN = {
    # Conditions, in order of score (suicides and self-harm first): (mental_health,
    # mental_health_linked, how many). The rest of a type's conditions are `undiagnosed`.
    DEATH: (
        ("diagnosed", "yes", 8),
        ("both", "yes", 1),
        ("unknown_if_diagnosed", "yes", 5),
        ("diagnosed", "no", 4),
        ("both", "unclear", 1),
    ),
    HARM: (
        ("diagnosed", "yes", 4),
        ("unknown_if_diagnosed", "yes", 2),
        ("diagnosed", "no", 8),
        ("both", "no", 1),
    ),
    OTHER: (("diagnosed", "no", 1),),
}


def assign_mental_health(records: list[Record]) -> None:
    """Table B's "Yes – diagnosed/undiagnosed" (a condition) per type; 3.62: 28 diagnosed (3
    of them with undiagnosed conditions as well: `both`), 13 of these linked to the incident; 7
    more linked where unknown if diagnosed; of the 20 linked, 14 are deaths, all by suicide;
    3.61: more girls, more older children."""
    noise = rng("mental-health")
    counts = type_counts(
        "table_b_characteristics", "Mental health conditions", "Yes – diagnosed/undiagnosed"
    )
    for incident_type in TYPES:
        group = by_type(records, incident_type)

        def score(r):
            return (
                (r["cause_of_death"] == "suicide") * 10
                + (r["cause_of_harm"] in {"attempted_suicide", "self_harm"}) * 10
                + (r["age_years"] >= 11) * 1.2
                + (r["age_years"] >= 16) * 0.3
                + (r["sex"] == FEMALE) * 0.25
                + noise.random()
                - (r["age_years"] < 6) * 5
            )

        scored = sorted(group, key=lambda r: (-score(r), r["_id"]))
        n_condition = counts[incident_type]
        kinds = [
            (mh, linked) for mh, linked, n in MENTAL_HEALTH_PLAN[incident_type] for _ in range(n)
        ]
        kinds += [
            ("undiagnosed", "unclear" if i % 4 == 3 else "no")
            for i in range(n_condition - len(kinds))
        ]
        for record, (condition, linked) in zip(scored[:n_condition], kinds, strict=True):
            record["mental_health"] = condition
            record["mental_health_linked"] = linked
        for i, record in enumerate(scored[n_condition:]):
            record["mental_health"] = (
                "not_recorded" if record["age_years"] >= 11 and i % 6 == 0 else "none"
            )
            record["mental_health_linked"] = ""


def assign_camhs_and_youth(records: list[Record]) -> None:
    noise = rng("camhs")
    for incident_type in TYPES:
        group = by_type(records, incident_type)
        allot(
            group,
            "camhs",
            field_plan("camhs")[incident_type],
            score=lambda r: (
                (r["mental_health"] in {"diagnosed", "both", "undiagnosed", "unknown_if_diagnosed"})
                * 2
                + (r["age_years"] >= 11) * 1.5
                + (r["neurodivergent"] == "yes")
                + (r["age_years"] >= 5)
                + noise.random()
            ),
            rest=every(8, "no", "unknown"),
        )
    # Youth offending (3.65): 39, 26 at the time and 13 previously, mostly boys aged 16-17.
    scored = sorted(
        records,
        key=lambda r: (
            -(
                (r["age_years"] >= 16) * 2
                + (r["age_years"] >= 12) * 1
                + (r["sex"] == MALE) * 1.5
                + (r["incident_type"] == OTHER) * 2
                + noise.random()
            ),
            r["_id"],
        ),
    )
    for i, record in enumerate(scored):
        if record["age_years"] < 10:
            record["youth_offending"] = "no"
        elif i < 39:
            record["youth_offending"] = "at_time" if i % 3 != 2 else "previous"
        else:
            record["youth_offending"] = "unknown" if i % 10 == 0 else "no"


def assign_parents(records: list[Record]) -> None:
    """3.66-3.73 (not in the six tables): young parents 56 (17%), 7 of them under 18; care
    leavers 13; parental disability 37 deaths + 45 serious harm; parental mental health 90 + 82
    + 3 (53%); substance misuse 71 + 67 + 3 (43%: 72 substances, 41 both, 28 alcohol), going with
    parental mental health (3.72) and with SUDI (3.73)."""
    noise = rng("parents")
    for record in records:
        record["_p"] = noise.random()
    young = sorted(records, key=lambda r: (r["age_years"] + 8 * r["_p"], r["_id"]))
    for i, record in enumerate(young):
        record["young_parent"] = "yes" if i < 56 else ("unknown" if i % 9 == 0 else "no")
        record["parent_under_18"] = "yes" if i < 7 else ("unknown" if i % 9 == 0 else "no")
    for i, record in enumerate(sorted(records, key=lambda r: (-r["_involvement"], r["_id"]))):
        record["parent_care_leaver"] = "yes" if i % 25 == 3 else "no"
    for incident_type, disability, mh, misuse in (
        (DEATH, 37, 90, 71),
        (HARM, 45, 82, 67),
        (OTHER, 0, 3, 3),
    ):
        group = by_type(records, incident_type)
        allot(
            group,
            "parent_disability",
            [("yes", disability)],
            score=lambda r: noise.random(),
            rest=every(10, "no", "unknown"),
        )
        allot(
            group,
            "parent_mental_health",
            [("yes", mh)],
            score=lambda r: r["_involvement"] + noise.random(),
            rest=every(10, "no", "unknown"),
        )
        allot(
            group,
            "parent_substance_misuse",
            [("misuse", misuse)],
            score=lambda r: (
                (r["parent_mental_health"] == "yes") * 1.0
                + (r["cause_of_death"] == "sudi_sudc") * 1.2
                + noise.random()
            ),
            rest=every(10, "no", "unknown"),
        )
    kinds = ["substances"] * 72 + ["both"] * 41 + ["alcohol"] * 28
    random.Random("parents/misuse").shuffle(kinds)
    misusing = [r for r in records if r["parent_substance_misuse"] == "misuse"]
    for record, kind in zip(misusing, kinds, strict=True):
        record["parent_substance_misuse"] = kind


def assign_risks(records: list[Record]) -> None:
    noise = rng("risks")
    for record in records:
        record["_r"] = noise.random()
    extrafamilial_causes = {
        "homicide_extrafamilial",
        "fatal_assault_extrafamilial",
        "assault_extrafamilial",
        "cce",
        "cse",
        "csa_extrafamilial",
        "risk_taking",
    }
    intrafamilial_physical = {
        "fatal_assault_intrafamilial",
        "overt_homicide_caregiver",
        "covert_homicide_caregiver",
        "homicide_intrafamilial",
        "assault_intrafamilial",
        "persistent_cruelty",
    }

    def cause(r):
        return r["cause_of_death"] or r["cause_of_harm"]

    def teen(r):
        return r["age_years"] >= 12

    for incident_type in TYPES:
        group = by_type(records, incident_type)
        # Environment: neglect in families known to CSC (3.76: all but 10).
        for field, weight in (
            ("neglect", 2.0),
            ("housing_issues", 0.8),
            ("financial_hardship", 0.8),
            ("domestic_abuse", 1.0),
            ("intergenerational_abuse", 1.0),
        ):
            allot(
                group,
                field,
                field_plan(field)[incident_type],
                score=lambda r, w=weight, f=field: (
                    w * r["_involvement"]
                    + (f == "neglect")
                    * (
                        (r["family_known_to_csc"] in {"current", "previous"}) * 3
                        + (cause(r) in {"extreme_neglect", "neglect"}) * 5
                    )
                    + (f in {"housing_issues", "financial_hardship"})
                    * (r.get("neglect") == "yes")
                    * 0.6
                    + (f == "intergenerational_abuse") * (r.get("domestic_abuse") == "yes") * 0.3
                    + noise.random()
                ),
                rest=every(9, "no", "unknown"),
            )
        allot(
            group,
            "physical_abuse",
            field_plan("physical_abuse")[incident_type],
            score=lambda r: (
                (cause(r) in intrafamilial_physical) * 3
                + (cause(r) in extrafamilial_causes) * 3
                + r["_involvement"]
                + noise.random()
            ),
            rest=every(9, "no", "unknown"),
        )
        # The abuse contexts follow the cause: re-deal the yes-codes so that extrafamilial
        # ones go to extrafamilial causes.
        _redeal(
            group,
            "physical_abuse",
            lambda r: (cause(r) in extrafamilial_causes) * 2 + teen(r) + r["_r"],
        )
        allot(
            group,
            "emotional_abuse",
            field_plan("emotional_abuse")[incident_type],
            score=lambda r: (r["domestic_abuse"] == "yes") + r["_involvement"] + noise.random(),
            rest=every(9, "no", "unknown"),
        )
        _redeal(group, "emotional_abuse", lambda r: teen(r) * 2 + r["_r"])
        allot(
            group,
            "sexual_abuse",
            field_plan("sexual_abuse")[incident_type],
            score=lambda r: (
                (cause(r) in {"csa_intrafamilial", "csa_extrafamilial", "cse"}) * 5
                + (r["age_years"] >= 8) * 1.5
                + (r["sex"] == FEMALE) * 1
                + noise.random()
            ),
            rest=every(9, "no", "unknown"),
        )
        _redeal(
            group,
            "sexual_abuse",
            lambda r: (
                (cause(r) in {"csa_extrafamilial", "cse"}) * 3
                - (cause(r) == "csa_intrafamilial") * 3
                + teen(r)
                + r["_r"]
            ),
        )
        allot(
            group,
            "child_on_child_abuse",
            field_plan("child_on_child_abuse")[incident_type],
            score=lambda r: (
                teen(r) * 3
                + (r["age_years"] >= 6)
                + (cause(r) in extrafamilial_causes) * 1.5
                + noise.random()
            ),
            rest=every(9, "no", "unknown"),
        )
        allot(
            group,
            "victim_offender_overlap",
            field_plan("victim_offender_overlap")[incident_type],
            score=lambda r: (
                (r["age_years"] >= 13) * 3
                + (r["youth_offending"] in {"at_time", "previous"}) * 3
                + (r["sex"] == MALE)
                + noise.random()
            ),
            rest=every(9, "no", "unknown"),
        )
    # Not in the six tables: 3.80, 3.83 (gang/youth violence 43, CCE 43, 35 both).
    ordered = sorted(
        records,
        key=lambda r: (
            -(
                (r["age_years"] >= 13) * 3
                + (r["victim_offender_overlap"] == "yes") * 2
                + (cause(r) in extrafamilial_causes) * 2
                + r["_r"]
            ),
            r["_id"],
        ),
    )
    for i, record in enumerate(ordered):
        record["gang_youth_violence"] = "yes" if i < 43 else "no"
        record["cce"] = "yes" if i < 35 or 43 <= i < 51 else "no"
        record["online_harm"] = "yes" if i % 4 == 1 and i < 120 else "no"
        record["bullying"] = "yes" if i % 5 == 2 and i < 150 else "no"
        record["repeat_missing"] = "yes" if i < 60 and i % 3 != 0 else "no"
        if record["age_years"] < 1:
            record["cce"] = record["gang_youth_violence"] = "no"
            record["online_harm"] = record["bullying"] = record["repeat_missing"] = "no"
    for record in records:
        hidden = record["domestic_abuse"] == "yes" and record["_r"] < 0.28
        hidden = hidden or (record["intergenerational_abuse"] == "yes" and record["_r"] > 0.85)
        record["hidden_men"] = "yes" if hidden else ("unknown" if record["_r"] > 0.95 else "no")


def _redeal(group, field, extrafamilial_score) -> None:
    """Keep the field's yes-codes (the counts) but give the extrafamilial ones to the records
    that score highest and the intrafamilial ones to the lowest."""
    holders = [r for r in group if r[field] not in {"no", "unknown", ""}]
    holders.sort(key=lambda r: (-extrafamilial_score(r), r["_id"]))
    rank = {"extrafamilial": 0, "both": 1, "context_unknown": 2, "intrafamilial": 3}
    codes = sorted((r[field] for r in holders), key=lambda c: rank[c])
    for record, code in zip(holders, codes, strict=True):
        record[field] = code


def assign_themes(records: list[Record]) -> None:
    """3.85-3.89: co-ordination 81%, curiosity 66%, risk assessment 62%, voice of the child
    47%, escalation 47%; good practice within 14% of co-ordination and some of the others."""
    shares = {
        "coordination": 267,
        "curiosity": 218,
        "risk_assessment": 205,
        "voice_of_child": 155,
        "escalation": 155,
        "thresholds": 60,
        "early_help": 45,
        "race_ethnicity_culture": 30,
        "education": 40,
        "cross_boundary": 25,
    }
    good = {
        "coordination": 37,
        "curiosity": 30,
        "risk_assessment": 25,
        "voice_of_child": 28,
        "escalation": 20,
        "thresholds": 5,
        "early_help": 8,
        "race_ethnicity_culture": 3,
        "education": 6,
        "cross_boundary": 2,
    }
    for code, n in shares.items():
        ordered = list(records)
        random.Random(f"themes/{code}").shuffle(ordered)
        for i, record in enumerate(ordered):
            record[f"theme_{code}"] = "yes" if i < n else "no"
            record[f"good_practice_{code}"] = "yes" if i < good[code] else "no"


# ----------------------------------------------------------------------------------------------
# The SIN: reason, region, IMD, dates, children; the review's process; the Panel's decision.
# Appendix D Table A: SINs per region (rate × population), of which deaths / serious harm
# (the rest `other`), and IMD known / in the 20% most deprived areas (deciles 1-2).
REGIONS = {
    "east_of_england": (21, 12, 7, 16, 4),
    "east_midlands": (24, 11, 13, 23, 9),
    "london": (77, 31, 37, 63, 18),
    "north_east": (15, 11, 4, 10, 4),
    "north_west": (56, 20, 33, 43, 27),
    "south_east": (40, 18, 17, 33, 9),
    "south_west": (30, 14, 15, 27, 9),
    "west_midlands": (43, 22, 18, 42, 23),
    "yorkshire_and_the_humber": (24, 12, 11, 23, 14),
}
# Chart 2 / 3.11: incidents per month, April 2023 … March 2024 (21 in March … 39 in June).
MONTHS = (27, 30, 39, 28, 26, 27, 28, 27, 25, 26, 26, 21)


def assign_sin(records: list[Record]) -> None:
    noise = rng("sin")
    # SIN reason (3.9, 3.19): 151 deaths, 155 serious harm, 24 other.
    deaths = sorted(by_type(records, DEATH), key=lambda r: (r["_r"], r["_id"]))
    harms = sorted(by_type(records, HARM), key=lambda r: (r["_r"], r["_id"]))
    for i, record in enumerate(deaths):
        record["reason"] = "serious_harm" if i < 5 else ("other" if i < 10 else DEATH)
    for i, record in enumerate(harms):
        record["reason"] = "other" if i < 10 else HARM
    for record in by_type(records, OTHER):
        record["reason"] = OTHER
    # Regions by SIN reason.
    las = defaultdict(list)
    with open(ROOT / "safeguarding" / "reference" / "local_authorities.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            las[row["region"]].append(row["ons_code"])
    by_reason = {
        reason: sorted(
            (r for r in records if r["reason"] == reason), key=lambda r: (r["_p"], r["_id"])
        )
        for reason in TYPES
    }
    for region, (total, n_death, n_harm, known, deprived) in REGIONS.items():
        mine = []
        for reason, n in ((DEATH, n_death), (HARM, n_harm), (OTHER, total - n_death - n_harm)):
            mine += by_reason[reason][:n]
            by_reason[reason] = by_reason[reason][n:]
        mine.sort(key=lambda r: r["_id"])
        random.Random(f"sin/{region}").shuffle(mine)
        codes = las[region]
        for i, record in enumerate(mine):
            record["local_authority"] = codes[(i * 7) % len(codes)]
            if i < deprived:
                record["imd_decile"] = 1 + i % 2
            elif i < known:
                # 3.33: 74% in the 50% most deprived areas overall.
                record["imd_decile"] = (3, 4, 5, 6, 3, 4, 7, 5, 8, 3, 9, 10, 4, 6)[i % 14]
            else:
                record["imd_decile"] = ""
    if any(by_reason.values()):
        raise ValueError("regions do not add up to the SINs")
    # Incident dates: MONTHS per month, in a shuffled order of records.
    ordered = sorted(records, key=lambda r: r["_id"])
    random.Random("sin/dates").shuffle(ordered)
    start = 0
    for month_index, n in enumerate(MONTHS):
        year, month = (2023, 4 + month_index) if month_index < 9 else (2024, month_index - 8)
        first = date(year, month, 1)
        days = ((date(year + (month == 12), month % 12 + 1, 1)) - first).days
        for j, record in enumerate(ordered[start : start + n]):
            record["_incident"] = first + timedelta(days=(j * days) // n + (j * 7) % 3)
            if record["_incident"].month != month:
                record["_incident"] = first + timedelta(days=days - 1)
        start += n
    for i, record in enumerate(ordered):
        incident = record["_incident"]
        # The LA learns of most incidents within days; a few much later (3.91: retrospective).
        aware_lag = (0, 0, 0, 1, 0, 2, 0, 1, 3, 0, 0, 6, 0, 1, 0, 21, 0, 0, 2, 25)[i % 20]
        aware = incident + timedelta(days=aware_lag)
        # 3.91: about half notified within 5 working days.
        lag = (1, 2, 3, 4, 5, 1, 3, 5, 2, 4, 7, 9, 9, 6, 11, 8, 14, 10, 20, 11)[
            (i * 3 + int(noise.random() * 3)) % 20
        ]
        notified = add_working_days(aware, lag)
        # 3.92: about half of the rapid reviews within 15 working days; mean about 20.
        rr_lag = (12, 14, 15, 10, 13, 15, 11, 14, 16, 18, 20, 23, 28, 30, 40, 50, 19, 21, 15, 9)[
            (i * 7) % 20
        ]
        submitted = add_working_days(notified, rr_lag)
        decided = add_working_days(submitted, 10 + (i * 11) % 25)
        record["incident_date"] = incident.isoformat()
        record["date_aware"] = aware.isoformat()
        record["notified_at"] = notified.isoformat()
        record["rr_submitted_at"] = submitted.isoformat()
        record["panel_decided_at"] = decided.isoformat()
        record["abuse_or_neglect"] = "suspected" if i % 5 in (1, 3) else "known"
        # 3.93: 13 pages on average, shortest 3, longest 33.
        record["page_count"] = (3, 33)[i] if i < 2 else 6 + (i * 13) % 15
    # 3.12-3.13: 22% of incidents with more than one child (73), 485 children in all; six
    # with five or more.
    multi = sorted(records, key=lambda r: (r["_n3"], r["_id"]))[:73]
    sizes = [5, 5, 6, 6, 7, 8] + [4] * 8 + [3] * 41 + [2] * 18
    for record in records:
        record["children_count"] = 1
    for record, size in zip(multi, sizes, strict=True):
        record["children_count"] = size
    # Panel decisions (3.94-3.95): agree 267, unable to conclude 33, disagree 30 (23 of them
    # where the partnership decided no LCSPR was needed).
    ordered = sorted(records, key=lambda r: (r["_n2"], r["_id"]))
    for i, record in enumerate(ordered):
        if i < 30:
            record["panel_decision"] = "disagree"
            record["lcspr_decision"] = "no_lcspr" if i < 23 else "lcspr"
        else:
            record["panel_decision"] = "unable_to_conclude" if i < 63 else "agree"
            record["lcspr_decision"] = "lcspr" if i % 3 == 0 else "no_lcspr"


def build() -> list[Record]:
    records = build_skeleton()
    assign_causes(records)
    assign_csc(records)
    assign_characteristics(records)
    assign_needs(records)
    assign_mental_health(records)
    assign_camhs_and_youth(records)
    assign_parents(records)
    assign_risks(records)
    assign_themes(records)
    assign_sin(records)
    return sorted(records, key=lambda r: (r["incident_date"], r["_id"]))


def write(records: list[Record], path: Path = OUTPUT) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for record in records:
            writer.writerow({column: record[column] for column in COLUMNS})


def main(argv: list[str]) -> None:
    """Write the CSV (to the path given as the only argument, else OUTPUT)."""
    path = Path(argv[0]) if argv else OUTPUT
    records = build()
    write(records, path)
    print(f"wrote {len(records)} incidents to {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
