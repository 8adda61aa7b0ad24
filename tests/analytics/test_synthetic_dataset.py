"""The synthetic 2023-24 dataset against the Panel's published tables: the oracle for the
statistics engine (issue 7, "Done when").

Plain Python over the CSV (csv module): no models are queried and no database is used. The
code lists are imported from rapidreviews/codes.py and safeguarding/codes.py, and rows are
matched to codes by the code lists' labels (the report's wording), independently of the
generator's own mapping. Every published n must equal the tabulation; every published pct not
listed in KNOWN_MISPRINTS must equal the tabulated n over the report's denominator, one
decimal, rounded half up.
"""

from __future__ import annotations

import csv
import functools
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from rapidreviews import codes
from rapidreviews.models import RapidReview
from safeguarding.codes import ETHNIC_GROUP_OF, EthnicGroup, Ethnicity, Reason, Sex
from safeguarding.workingdays import working_days_between

from . import published_2023_24 as published

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DATA = HERE / "data" / "synthetic_2023_24.csv"
GENERATOR = HERE / "data" / "make_synthetic_2023_24.py"

Row = dict[str, str]
Predicate = Callable[[Row], bool]

THEMES = [theme.value for theme in codes.LearningTheme]
HEADER = [
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
]

MENTAL_HEALTH_CONDITION = {"diagnosed", "undiagnosed", "both", "unknown_if_diagnosed"}


@functools.cache
def rows() -> tuple[Row, ...]:
    with open(DATA, newline="", encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh))


@functools.cache
def header() -> list[str]:
    with open(DATA, newline="", encoding="utf-8") as fh:
        return next(csv.reader(fh))


def age(row: Row) -> int:
    return int(row["age_years"])


# ---------------------------------------------------------------------------------------------
# Tabulation: each published row → a predicate over a CSV row, found by the code lists' labels.


def by_label(field: str, choices) -> Callable[[str], Predicate]:
    values = {str(label): str(value) for value, label in choices.choices}

    def predicate(label: str) -> Predicate:
        value = values[label]
        return lambda row: row[field] == value

    return predicate


def any_of(*predicates: Predicate) -> Predicate:
    return lambda row: any(p(row) for p in predicates)


def is_(field: str, *values: str) -> Predicate:
    return lambda row: row[field] in values


def table_predicates(table: published.Table) -> dict[tuple[str, str], Predicate]:
    """{(group, row label): predicate} for every published row of a table."""
    everyone: Predicate = lambda row: True  # noqa: E731
    result: dict[tuple[str, str], Predicate] = {}
    if table.id in ("table_2_cause_of_death", "table_3_cause_of_harm"):
        field, choices = (
            ("cause_of_death", codes.CauseOfDeath)
            if table.id == "table_2_cause_of_death"
            else ("cause_of_harm", codes.CauseOfHarm)
        )
        for row in table.rows:
            result[(row.group, row.label)] = (
                everyone if row.label == "Total" else by_label(field, choices)(row.label)
            )
        return result

    fields = {
        # table 4
        "Family known to CSC": ("family_known_to_csc", codes.FamilyKnownToCsc),
        "Child in need (CIN)": ("child_in_need", codes.ChildInNeed),
        "Child protection plan (CPP)": ("child_protection_plan", codes.ChildProtectionPlan),
        "Child looked after": ("looked_after", codes.LookedAfter),
        "Child subject to a care order": ("care_order", codes.CareOrder),
        # table C
        "Education status": ("education_status", codes.EducationStatus),
        "Child missing school": ("missing_education", codes.MissingEducation),
        "EHC plan": ("ehc_plan", codes.EhcPlan),
        "Speech and language support": ("speech_language", codes.SpeechLanguage),
        "CAMHS": ("camhs", codes.Camhs),
        # table D
        "Physical abuse": ("physical_abuse", codes.AbuseContext),
        "Emotional abuse": ("emotional_abuse", codes.AbuseContext),
        "Sexual abuse/exploitation": ("sexual_abuse", codes.AbuseContext),
        "Child on child abuse": ("child_on_child_abuse", codes.ChildOnChildAbuse),
    }
    yes_fields = {
        ("Gender", "Different to sex"): "gender_differs",
        ("LGBTQ+", "Yes"): "lgbtq",
        ("Neurodiverse", "Yes"): "neurodivergent",
        ("Disability", "Yes"): "disability",
        ("Not in education, employment or training", "Yes"): "neet",
        ("SEND support", "Yes"): "send_support",
        ("Victim/offender overlap", "Yes"): "victim_offender_overlap",
        **{("Environment", label): field for field, label in codes.RISK_FACTORS},
    }
    sexes = {str(label): str(value) for value, label in Sex.choices}
    age_groups = {str(group.label): group.value for group in codes.AgeGroup}
    ethnic_groups = {str(group.label): group.value for group in EthnicGroup}
    school_age: Predicate = lambda row: (  # noqa: E731
        4 <= age(row) <= 15 and row["education_status"] != "nursery"
    )
    specials: dict[str, Predicate] = {
        "Total": everyone,
        "Total incidents": everyone,
        "All children": everyone,
        "Total 4- to 15-year-olds": school_age,
        "Total 16- to 17-year-olds": lambda row: 16 <= age(row) <= 17,
    }
    for row in table.rows:
        group, label = row.group, row.label
        if label in specials:
            predicate = specials[label]
        elif (group, label) in yes_fields:
            predicate = is_(yes_fields[(group, label)], "yes")
        elif group == "Sex":
            predicate = is_("sex", sexes[label])
        elif group == "Age group":
            predicate = lambda r, g=age_groups[label]: codes.age_group(age(r)) == g  # noqa: E731
        elif group == "Ethnic group":
            if label == "Unknown":
                predicate = is_("ethnicity", Ethnicity.UNKNOWN)
            else:
                predicate = functools.partial(in_ethnic_group, ethnic_groups[label])
        elif group == "Mental health conditions":
            predicate = is_("mental_health", *MENTAL_HEALTH_CONDITION)
        elif label.startswith("Total "):
            # "Total known", "Total CIN status" …: any of the group's printed codes.
            parts = [
                table_predicates_for(fields[group], other.label)
                for other in table.rows
                if other.group == group and other is not row
            ]
            predicate = any_of(*parts)
        else:
            predicate = table_predicates_for(fields[group], label)
        if group in ("Education status", "Child missing school"):
            predicate = lambda r, p=predicate: school_age(r) and p(r)  # noqa: E731
        result[(group, label)] = predicate
    return result


def in_ethnic_group(group: str, row: Row) -> bool:
    return ETHNIC_GROUP_OF.get(row["ethnicity"]) == group


def table_predicates_for(field_choices, label: str) -> Predicate:
    field, choices = field_choices
    return by_label(field, choices)(label)


def column_predicate(table: published.Table, column: str) -> Predicate:
    if table.id == "table_2_cause_of_death":
        kind: Predicate = is_("incident_type", Reason.DEATH)
    elif table.id == "table_3_cause_of_harm":
        kind = is_("incident_type", Reason.SERIOUS_HARM)
    else:
        kind = lambda row: True  # noqa: E731
    split = {
        "Female": is_("sex", Sex.FEMALE),
        "Male": is_("sex", Sex.MALE),
        "Death": is_("incident_type", Reason.DEATH),
        "Serious harm": is_("incident_type", Reason.SERIOUS_HARM),
        "Total": lambda row: True,
    }[column]
    return lambda row: kind(row) and split(row)


def tabulate(table: published.Table) -> dict[tuple[str, str, str], int]:
    """{(group, row, column): n} over the CSV."""
    predicates = table_predicates(table)
    counts: dict[tuple[str, str, str], int] = {}
    for (group, label), predicate in predicates.items():
        for column in table.columns:
            in_column = column_predicate(table, column)
            counts[(group, label, column)] = sum(
                1 for row in rows() if in_column(row) and predicate(row)
            )
    return counts


def report_pct(n: int, denominator: int) -> str:
    if n == denominator:
        return "100"
    return str((Decimal(n) * 100 / denominator).quantize(Decimal("0.1"), ROUND_HALF_UP))


def tabulated_denominator(table, counts, row, column) -> int:
    if table.direction == "column":
        return sum(1 for r in rows() if column_predicate(table, column)(r))
    return counts[(row.group, row.label, "Total")]


TABLE_IDS = list(published.TABLES)


# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("table_id", TABLE_IDS)
def test_every_published_count(table_id):
    """Every printed n, including the printed totals listed as misprints for not equalling the
    sum of their printed parts (the dataset reproduces the printed total)."""
    table = published.TABLES[table_id]
    counts = tabulate(table)
    wrong = []
    for row in table.rows:
        for column in table.columns:
            got = counts[(row.group, row.label, column)]
            if got != row.cells[column].n:
                wrong.append(
                    f"{row.group} / {row.label} / {column}: {got} != {row.cells[column].n}"
                )
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("table_id", TABLE_IDS)
def test_every_published_percentage(table_id):
    table = published.TABLES[table_id]
    counts = tabulate(table)
    wrong, checked = [], 0
    for row in table.rows:
        for column in table.columns:
            printed = row.cells[column].pct
            entry = published.misprint(table.id, row.label, column, row.group)
            if printed is None or (entry and entry.field == "pct"):
                continue
            n = counts[(row.group, row.label, column)]
            got = report_pct(n, tabulated_denominator(table, counts, row, column))
            checked += 1
            if got != printed:
                wrong.append(f"{row.group} / {row.label} / {column}: {got} != {printed}")
    assert checked > 0
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("table_id", TABLE_IDS)
def test_misprints_reproduce_from_the_data_as_recomputed(table_id):
    """The dataset gives each misprinted cell its recomputed value (the engine will too)."""
    table = published.TABLES[table_id]
    counts = tabulate(table)
    for entry in published.KNOWN_MISPRINTS:
        if entry.table != table_id:
            continue
        row = table.row(entry.row, entry.group)
        if entry.field == "pct":
            n = counts[(row.group, row.label, entry.column)]
            got = report_pct(n, tabulated_denominator(table, counts, row, entry.column))
            assert got == entry.recomputed != entry.printed
        else:
            parts = sum(
                counts[(other.group, other.label, entry.column)]
                for other in table.rows
                if other.group == row.group and other is not row
            )
            assert str(parts) == entry.recomputed
            # … while the printed total itself is reproduced (see the misprint's explanation).
            assert counts[(row.group, row.label, entry.column)] == int(entry.printed)


def test_misprints_are_exactly_the_inconsistent_cells():
    """Recompute every printed pct from the printed n and the report's denominator, and every
    printed Total of Tables 2 and 3 and every subtotal of Table 4 from its parts: the cells that
    disagree are exactly KNOWN_MISPRINTS."""
    found = set()
    for table in published.TABLES.values():
        for row in table.rows:
            for column in table.columns:
                cell = row.cells[column]
                if cell.pct is None:
                    continue
                recomputed = report_pct(cell.n, table.denominator(row, column))
                if recomputed != cell.pct:
                    found.add((table.id, row.group, row.label, column, "pct", cell.pct, recomputed))
        sums = {
            "table_2_cause_of_death": ["Total"],
            "table_3_cause_of_harm": ["Total"],
            "table_4_csc": [
                r.label for r in table.rows if r.label.startswith("Total ") and r.group
            ],
        }.get(table.id, [])
        for label in sums:
            for row in (r for r in table.rows if r.label == label):
                for column in table.columns:
                    parts = sum(
                        other.cells[column].n
                        for other in table.rows
                        if other.group == row.group and other is not row
                    )
                    if parts != row.cells[column].n:
                        found.add(
                            (
                                table.id,
                                row.group,
                                row.label,
                                column,
                                "n",
                                str(row.cells[column].n),
                                str(parts),
                            )
                        )
    listed = {
        (m.table, m.group, m.row, m.column, m.field, m.printed, m.recomputed)
        for m in published.KNOWN_MISPRINTS
    }
    assert found == listed


def test_the_report_rounds_half_up():
    """58/160 = 36.25 is printed 36.3 (Table 4), 9/16 = 56.25 as 56.3 (Table B): half up, not
    to even, and the transcription's pct() agrees."""
    assert (
        published.TABLES["table_4_csc"].row("Yes – previous known").cells["Serious harm"].pct
        == "36.3"
    )
    assert str((Decimal(58) * 100 / 160).quantize(Decimal("0.1"), ROUND_HALF_EVEN)) == "36.2"
    assert report_pct(58, 160) == published.pct(58, 160) == "36.3"
    assert report_pct(9, 16) == "56.3"


def test_denominators_and_other_incidents():
    counts = Counter(row["incident_type"] for row in rows())
    assert counts == published.INCIDENTS
    assert published.OTHER_INCIDENTS == 9 == counts["other"]
    assert len(rows()) == published.TOTAL_INCIDENTS == 330
    for table_id in ("table_2_cause_of_death", "table_3_cause_of_harm", "table_4_csc"):
        table = published.TABLES[table_id]
        for column, denominator in table.denominators.items():
            assert sum(1 for r in rows() if column_predicate(table, column)(r)) == denominator
    for table_id in ("table_4_csc", "table_b_characteristics", "table_c_needs"):
        table = published.TABLES[table_id]
        counts_by_row = tabulate(table)
        for row in table.rows:
            other = sum(
                1
                for r in rows()
                if r["incident_type"] == Reason.OTHER
                and table_predicates(table)[(row.group, row.label)](r)
            )
            assert (
                other
                == published.other_count(table, row)
                == (
                    counts_by_row[(row.group, row.label, "Total")]
                    - counts_by_row[(row.group, row.label, "Death")]
                    - counts_by_row[(row.group, row.label, "Serious harm")]
                )
            )


# ---------------------------------------------------------------------------------------------
def test_header_is_the_import_format():
    assert header() == HEADER
    coded_fields = {
        field.name
        for field in RapidReview._meta.get_fields()
        # The status and the Panel's stage are the service's own, not answers a file carries.
        if getattr(field, "choices", None) and field.name not in ("status", "panel_stage")
    }
    assert coded_fields <= set(HEADER), coded_fields - set(HEADER)
    assert all(len(row) == len(HEADER) and None not in row for row in rows())


def _choices(enum) -> set[str]:
    return {str(value) for value in enum.values}


ALLOWED: dict[str, set[str]] = {
    "reason": _choices(Reason),
    "incident_type": _choices(Reason),
    "abuse_or_neglect": {"known", "suspected", "not_suspected"},
    "lcspr_decision": _choices(codes.LcsprDecision),
    "sex": _choices(Sex),
    "gender_differs": _choices(codes.YesNoNotRecorded),
    "lgbtq": _choices(codes.YesNoNotRecorded),
    "disability": _choices(codes.YesNoNotRecorded),
    "neurodivergent": _choices(codes.YesNoNotRecorded),
    "ethnicity": _choices(Ethnicity),
    "young_carer": _choices(codes.YoungCarer),
    "cause_of_death": _choices(codes.CauseOfDeath),
    "cause_of_harm": _choices(codes.CauseOfHarm),
    "family_known_to_csc": _choices(codes.FamilyKnownToCsc),
    "child_in_need": _choices(codes.ChildInNeed),
    "child_protection_plan": _choices(codes.ChildProtectionPlan),
    "looked_after": _choices(codes.LookedAfter),
    "care_order": _choices(codes.CareOrder),
    "education_status": _choices(codes.EducationStatus),
    "missing_education": _choices(codes.MissingEducation),
    "neet": _choices(codes.YesNoUnknown),
    "send_support": _choices(codes.YesNoUnknown),
    "ehc_plan": _choices(codes.EhcPlan),
    "speech_language": _choices(codes.SpeechLanguage),
    "camhs": _choices(codes.Camhs),
    "youth_offending": _choices(codes.YouthOffending),
    "mental_health": _choices(codes.MentalHealth),
    "mental_health_linked": _choices(codes.YesNoUnclear),
    "parent_substance_misuse": _choices(codes.SubstanceMisuse),
    "physical_abuse": _choices(codes.AbuseContext),
    "emotional_abuse": _choices(codes.AbuseContext),
    "sexual_abuse": _choices(codes.AbuseContext),
    "child_on_child_abuse": _choices(codes.ChildOnChildAbuse),
    "panel_decision": {"agree", "disagree", "unable_to_conclude"},
    **{
        field: _choices(codes.YesNoUnknown)
        for field in (
            "young_parent",
            "parent_under_18",
            "parent_care_leaver",
            "parent_disability",
            "parent_mental_health",
            *(code for code, _ in codes.RISK_FACTORS),
        )
    },
    **{f"theme_{code}": {"yes", "no"} for code in THEMES},
    **{f"good_practice_{code}": {"yes", "no"} for code in THEMES},
}


def applies(field: str, row: Row) -> bool:
    """Whether a question applies (must be answered) or must be blank (rapidreviews/rules.py
    visible_fields / required_fields, and DOMAIN.md §6)."""
    years = age(row)
    return {
        "cause_of_death": row["incident_type"] == Reason.DEATH,
        "cause_of_harm": row["incident_type"] == Reason.SERIOUS_HARM,
        "education_status": 4 <= years <= 17,
        "missing_education": 4 <= years <= 15,
        "neet": 16 <= years <= 17,
        "mental_health_linked": row["mental_health"] in MENTAL_HEALTH_CONDITION,
    }.get(field, True)


def test_every_row_has_only_valid_codes():
    problems = []
    for number, row in enumerate(rows(), start=2):
        for field, allowed in ALLOWED.items():
            value = row[field]
            if applies(field, row):
                if value not in allowed:
                    problems.append(f"line {number}: {field}={value!r}")
            elif value != "":
                problems.append(f"line {number}: {field}={value!r} should be blank")
        for theme in THEMES:
            if row[f"good_practice_{theme}"] == "yes" and row[f"theme_{theme}"] != "yes":
                problems.append(f"line {number}: good practice without theme {theme}")
    assert not problems, "\n".join(problems[:50])


def test_every_row_is_valid_under_the_service_rules():
    with open(ROOT / "safeguarding" / "reference" / "local_authorities.csv", newline="") as fh:
        authorities = {row["ons_code"] for row in csv.DictReader(fh)}
    problems = []
    for number, row in enumerate(rows(), start=2):
        incident, aware, notified, submitted, decided = (
            date.fromisoformat(row[field])
            for field in (
                "incident_date",
                "date_aware",
                "notified_at",
                "rr_submitted_at",
                "panel_decided_at",
            )
        )
        checks = {
            "incident date in 2023-24": date(2023, 4, 1) <= incident <= date(2024, 3, 31),
            "date_aware >= incident_date": aware >= incident,
            "notified_at >= date_aware": notified >= aware,
            "rr_submitted_at > notified_at": submitted > notified,
            "panel_decided_at >= rr_submitted_at": decided >= submitted,
            "age 0-17": 0 <= age(row) <= 17,
            "local authority": row["local_authority"] in authorities,
            "imd decile": row["imd_decile"] == "" or 1 <= int(row["imd_decile"]) <= 10,
            "children": int(row["children_count"]) >= 1,
            "pages": int(row["page_count"]) >= 1,
            # Only a looked-after child's death may be notified with abuse not suspected.
            "abuse or neglect": row["abuse_or_neglect"] != "not_suspected"
            or (
                row["reason"] == Reason.DEATH
                and row["looked_after"] in {"foster", "other_residential", "residential_home"}
            ),
        }
        problems += [f"line {number}: {name}" for name, ok in checks.items() if not ok]
    assert not problems, "\n".join(problems[:50])


def test_timeliness_is_plausible():
    """Mostly notified within 5 working days and reviews mostly within 15 (3.91-3.92: 51%
    and 52%)."""
    notified = [
        working_days_between(
            date.fromisoformat(r["date_aware"]), date.fromisoformat(r["notified_at"])
        )
        for r in rows()
    ]
    reviewed = [
        working_days_between(
            date.fromisoformat(r["notified_at"]), date.fromisoformat(r["rr_submitted_at"])
        )
        for r in rows()
    ]
    assert 0.45 <= sum(d <= 5 for d in notified) / len(notified) <= 0.65
    assert 0.45 <= sum(d <= 15 for d in reviewed) / len(reviewed) <= 0.65


def test_generator_is_deterministic(tmp_path):
    """Two runs with different hash seeds write the committed file byte for byte."""
    outputs = []
    for seed in ("0", "12345"):
        out = tmp_path / f"run-{seed}.csv"
        subprocess.run(
            [sys.executable, str(GENERATOR), str(out)],
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == DATA.read_bytes()
