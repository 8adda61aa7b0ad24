"""Appendix F's spotlight themes (report chapters 4-6): each cohort compared with the other
children of the same age. The engine's three tables against a straightforward computation on
random records, cell by cell, and the cohort definitions at their edges:

- Table A: a mental health condition - diagnosed, undiagnosed, both or unknown if diagnosed
  (4.5) - aged 11 to 17, against every other 11- to 17-year-old;
- Table B: aged 1 to 5 with a parent with a mental health condition (5.5), against every other
  1- to 5-year-old;
- Table C: extrafamilial harm - gang-related/youth violence, CCE, or sexual abuse/exploitation
  that is extrafamilial (or both) (6.4, 6.6) - aged 11 to 17, against every other 11- to
  17-year-old.
"""

import random
from collections.abc import Callable
from datetime import date
from xml.sax.saxutils import escape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from analytics.charts import chart_svg
from analytics.engine import compute_year, table_get
from rapidreviews import codes as rr
from rapidreviews.models import RapidReview
from safeguarding.codes import Reason

from ..notifications.factories import SubmittedNotificationFactory
from ..rapidreviews.factories import RapidReviewFactory
from .test_engine import (
    YEAR,
    age_group,
    assert_tables_equal,
    codes_of,
    flat,
    make_records,
    pct,
    reviews_of,
)

pytestmark = pytest.mark.django_db

Pred = Callable[[RapidReview], bool]

TABLE_A = "table_f_a_child_mental_health"
TABLE_B = "table_f_b_parent_mental_health"
TABLE_C = "table_f_c_extrafamilial_harm"

# --- The cohorts, written out independently of analytics.tables -------------------------------

CONDITION = {"diagnosed", "undiagnosed", "both", "unknown_if_diagnosed"}
YES_ABUSE = {"extrafamilial", "intrafamilial", "both", "context_unknown"}


def has_condition(r) -> bool:
    return r.mental_health in CONDITION


def parent_condition(r) -> bool:
    return r.parent_mental_health == "yes"


def gangs(r) -> bool:
    return r.gang_youth_violence == "yes"


def cce(r) -> bool:
    return r.cce == "yes"


def csae(r) -> bool:
    return r.sexual_abuse in ("extrafamilial", "both")


def extrafamilial(r) -> bool:
    return gangs(r) or cce(r) or csae(r)


def aged(low: int, high: int) -> Pred:
    return lambda r: r.age_years is not None and low <= r.age_years <= high


def every(r) -> bool:
    return True


def is_(field: str, *codes: str) -> Pred:
    return lambda r: getattr(r, field) in codes


def unknown(field: str) -> Pred:
    return is_(field, "unknown", "")


def young_parent_band(r) -> str:
    if r.parent_under_18 == "yes":
        return "under_18"
    if r.young_parent == "yes":
        return "18_24"
    if r.young_parent == "no":
        return "no"
    return "unknown"


def cross_boundary(r) -> bool:
    return any(t.theme == "cross_boundary" and t.present for t in r.themes.all())


AGE_LABELS = {
    "Under 1": "a. Under 1",
    "1-5": "b. 1 to 5",
    "6-10": "c. 6 to 10",
    "11-15": "d. 11 to 15",
    "16 and 17": "e. 16 to 17",
}

# A group: (label, the records it covers, [(row label, predicate, shows a percentage)]).
Group = tuple[str, Pred, list[tuple[str, Pred, bool]]]


def rows(*pairs, total: str = "Total", total_pct: bool = True) -> list:
    return [(label, pred, True) for label, pred in pairs] + [(total, every, total_pct)]


def expected_table(reviews, columns: dict[str, Pred], groups: list[Group]) -> dict:
    """{(group, row, column): (n, pct)}: column percentages within each column's records of
    the group."""
    out = {}
    for group, scope, group_rows in groups:
        for column, keep in columns.items():
            records = [r for r in reviews if scope(r) and keep(r)]
            for label, pred, show_pct in group_rows:
                n = sum(1 for r in records if pred(r))
                out[(group, label, column)] = (n, pct(n, len(records)) if show_pct else None)
    return out


def incident_groups(scope: Pred, label: str = "Death and serious harm") -> list[Group]:
    death = [(str(lab), is_("cause_of_death", code)) for code, lab in rr.CauseOfDeath.choices]
    harm = [(str(lab), is_("cause_of_harm", code)) for code, lab in rr.CauseOfHarm.choices]
    return [
        (
            label,
            scope,
            rows(
                ("Death", is_("incident_type", Reason.DEATH)),
                ("Serious harm", is_("incident_type", Reason.SERIOUS_HARM)),
                ("Other", is_("incident_type", Reason.OTHER)),
            ),
        ),
        (
            "Likely cause of death",
            lambda r: scope(r) and r.incident_type == Reason.DEATH,
            rows(*death),
        ),
        (
            "Likely cause of serious harm",
            lambda r: scope(r) and r.incident_type == Reason.SERIOUS_HARM,
            rows(*harm),
        ),
    ]


AGE_GROUP = (
    "Age group (all ages)",
    every,
    rows(
        *(
            (AGE_LABELS[str(lab)], lambda r, lab=str(lab): age_group(r.age_years) == lab)
            for _, lab in rr.AgeGroup.choices
        )
    ),
)
CHILD_IN_NEED = rows(
    ("Yes – at time of the incident", is_("child_in_need", "at_time")),
    ("Yes – previously", is_("child_in_need", "previous")),
    ("No", is_("child_in_need", "no")),
    ("Unknown", unknown("child_in_need")),
)
CPP = rows(
    ("Yes – on CPP", is_("child_protection_plan", "on_plan")),
    ("Yes – previously on CPP", is_("child_protection_plan", "previous")),
    ("No", is_("child_protection_plan", "no")),
    ("Unknown", unknown("child_protection_plan")),
)
FAMILY_KNOWN = rows(
    ("Yes – current open case", is_("family_known_to_csc", "current")),
    ("Yes – previous known", is_("family_known_to_csc", "previous")),
    ("No", is_("family_known_to_csc", "no")),
    ("Unknown", unknown("family_known_to_csc")),
)
LOOKED_AFTER = {
    "foster": ("Yes – child in foster care", is_("looked_after", "foster")),
    "other": ("Yes – child in other residential setting", is_("looked_after", "other_residential")),
    "home": ("Yes – child in residential home", is_("looked_after", "residential_home")),
    "previous": ("No – previously looked after", is_("looked_after", "previous")),
    "no": ("No", is_("looked_after", "no")),
    "unknown": ("Unknown", unknown("looked_after")),
}
CSC_LABEL = "Family known to children’s social care"


def expected_a(reviews) -> dict:
    teen = aged(11, 17)
    groups: list[Group] = [
        (
            "Mental health condition(s) (all ages)",
            every,
            rows(
                ("Yes – diagnosed", is_("mental_health", "diagnosed")),
                ("Yes – undiagnosed", is_("mental_health", "undiagnosed")),
                ("Yes – both", is_("mental_health", "both")),
                ("Yes – unknown if diagnosed", is_("mental_health", "unknown_if_diagnosed")),
            ),
        ),
        AGE_GROUP,
        *incident_groups(teen),
        (
            "EHC plan",
            teen,
            rows(
                ("Yes – EHC plan in place", is_("ehc_plan", "in_place")),
                ("Child being assessed for EHC plan", is_("ehc_plan", "being_assessed")),
                ("Child previously on EHC plan", is_("ehc_plan", "previous")),
                ("No", is_("ehc_plan", "no")),
                ("Unknown", unknown("ehc_plan")),
            ),
        ),
        (
            "Child looked after",
            teen,
            rows(
                *(LOOKED_AFTER[k] for k in ("foster", "other", "home", "previous", "no", "unknown"))
            ),
        ),
        (CSC_LABEL, teen, FAMILY_KNOWN),
        (
            "Risk factors",
            teen,
            rows(
                ("Physical abuse", lambda r: r.physical_abuse in YES_ABUSE),
                ("Neglect", is_("neglect", "yes")),
                ("CSA/E", lambda r: r.sexual_abuse in YES_ABUSE),
                ("Domestic abuse", is_("domestic_abuse", "yes")),
                ("Emotional abuse", lambda r: r.emotional_abuse in YES_ABUSE),
                ("Bullying", is_("bullying", "yes")),
                total="Total incidents",
                total_pct=False,
            ),
        ),
    ]
    columns = {
        "Children with a mental health condition(s)": has_condition,
        "Children without a mental health condition(s)": lambda r: not has_condition(r),
    }
    return expected_table(reviews, columns, groups)


PARENT_MISUSE = "Parent/relevant adult with addiction to or misusing alcohol/substances " + (
    "(including prescribed)"
)


def expected_b(reviews) -> dict:
    small = aged(1, 5)
    groups: list[Group] = [
        *incident_groups(small),
        ("Child in need", small, CHILD_IN_NEED),
        ("On child protection plan", small, CPP),
        (
            "Care order",
            small,
            rows(
                ("Yes – currently subject to care proceedings", is_("care_order", "proceedings")),
                ("Yes – interim care order", is_("care_order", "emergency_interim")),
                ("Yes – other order", is_("care_order", "other")),
                ("Yes – permanent care order", is_("care_order", "permanent")),
                ("Yes – previously subject to care order", is_("care_order", "previous")),
                ("No", is_("care_order", "no")),
                ("Unknown", unknown("care_order")),
            ),
        ),
        (CSC_LABEL, small, FAMILY_KNOWN),
        (
            "Young parents (under 25 years)",
            small,
            rows(
                *(
                    (label, lambda r, b=band: young_parent_band(r) == b)
                    for label, band in [
                        ("Yes – under 18", "under_18"),
                        ("Yes – 18 to 24", "18_24"),
                        ("No", "no"),
                        ("Unknown", "unknown"),
                    ]
                )
            ),
        ),
        (
            "Parent/relevant adult with addiction to or misusing alcohol/ substances "
            "(including prescribed)",
            small,
            rows(
                ("Yes – alcohol", is_("parent_substance_misuse", "alcohol")),
                ("Yes – substances", is_("parent_substance_misuse", "substances")),
                ("Yes – both", is_("parent_substance_misuse", "both")),
                ("No", is_("parent_substance_misuse", "no")),
                ("Unknown", unknown("parent_substance_misuse")),
            ),
        ),
        (
            "Parent/relevant adult with disability",
            small,
            rows(
                ("Yes", is_("parent_disability", "yes")),
                ("No", is_("parent_disability", "no")),
                ("Unknown/not recorded", unknown("parent_disability")),
            ),
        ),
        (
            "Risk factors",
            small,
            rows(
                ("Neglect", is_("neglect", "yes")),
                (PARENT_MISUSE, is_("parent_substance_misuse", "alcohol", "substances", "both")),
                ("Domestic abuse", is_("domestic_abuse", "yes")),
                ("Physical abuse", lambda r: r.physical_abuse in YES_ABUSE),
                ("Housing issues", is_("housing_issues", "yes")),
                ("Financial hardship", is_("financial_hardship", "yes")),
                ("Emotional abuse", lambda r: r.emotional_abuse in YES_ABUSE),
                ("CSA/E", lambda r: r.sexual_abuse in YES_ABUSE),
                total_pct=False,
            ),
        ),
    ]
    columns = {
        "Pre-school children with a parent with a mental health condition(s)": parent_condition,
        "Pre-school children without a parent with a mental health condition(s)": (
            lambda r: not parent_condition(r)
        ),
    }
    # Table B's records are the 1- to 5-year-olds only.
    return expected_table([r for r in reviews if small(r)], columns, groups)


def expected_c(reviews) -> dict:
    teen = aged(11, 17)
    education = [
        ("Child enrolled at a mainstream school", "mainstream"),
        ("Child enrolled at a SEN/ BEN establishment", "sen_ben"),
        ("Child enrolled in alternative provision", "alternative_provision"),
        ("Child in 6th form, college or other EET (16- to 17-year-olds)", "post16_eet"),
        (
            "Child not enrolled at a school and not receiving an education",
            "not_enrolled_no_education",
        ),
        (
            "Child not enrolled at a school and receiving elective home education",
            "elective_home_education",
        ),
    ]
    groups: list[Group] = [
        (
            "Extrafamilial harm (all ages)",
            every,
            rows(
                ("Gang related/youth violence", gangs),
                ("Child criminal exploitation/county lines", cce),
                ("Extrafamilial CSA/E", csae),
            ),
        ),
        AGE_GROUP,
        ("Mental health", teen, rows(("Has mental health condition(s)", has_condition))),
        incident_groups(teen, "Death or serious harm")[0],
        (
            "Child's education status",
            teen,
            rows(
                *((label, is_("education_status", code)) for label, code in education),
                ("Unknown", unknown("education_status")),
            ),
        ),
        (
            "Child missing education (under 16 years old)",
            aged(11, 15),
            rows(
                ("No", is_("missing_education", "no")),
                ("Unknown", unknown("missing_education")),
                ("Yes – other", is_("missing_education", "other")),
                ("Yes – permanently excluded", is_("missing_education", "excluded")),
                (
                    "Yes – regular absences/ poor attendance",
                    is_("missing_education", "regular_absence"),
                ),
                total="Total (under 16s)",
            ),
        ),
        ("Child in need", teen, CHILD_IN_NEED),
        ("On child protection plan", teen, CPP),
        (
            "Child known to youth offending teams",
            teen,
            rows(
                ("Yes – at time of the incident", is_("youth_offending", "at_time")),
                ("Yes – previously", is_("youth_offending", "previous")),
                ("No", is_("youth_offending", "no")),
                ("Unknown", unknown("youth_offending")),
            ),
        ),
        (
            "Child looked after",
            teen,
            rows(
                *(LOOKED_AFTER[k] for k in ("no", "previous", "foster", "other", "home", "unknown"))
            ),
        ),
        (
            "Risk factors",
            teen,
            rows(
                ("Repeat missing child", is_("repeat_missing", "yes")),
                ("Physical abuse", lambda r: r.physical_abuse in YES_ABUSE),
                ("Victim/perpetrator overlap", is_("victim_offender_overlap", "yes")),
                ("Domestic abuse", is_("domestic_abuse", "yes")),
                ("CSA/E", lambda r: r.sexual_abuse in YES_ABUSE),
                total_pct=False,
            ),
        ),
        (
            "Learning and practice themes raised within the review",
            teen,
            rows(("Cross boundary issues", cross_boundary)),
        ),
    ]
    columns = {
        "Children who have experienced extrafamilial harm": extrafamilial,
        "Gangs": gangs,
        "CCE": cce,
        "CSA/E": csae,
        "Children who have not experienced extrafamilial harm": lambda r: not extrafamilial(r),
    }
    return expected_table(reviews, columns, groups)


# --- Random records -----------------------------------------------------------------------------


def add_spotlight_answers(seed: int) -> None:
    """make_records leaves the parents' answers, youth offending and the optional themes
    alone: give them random answers too, some not given (blank)."""
    rng = random.Random(seed)
    yes_no_unknown = [*codes_of(rr.YesNoUnknown.choices), ""]
    for review in RapidReview.objects.order_by("pk"):
        RapidReview.objects.filter(pk=review.pk).update(
            parent_mental_health=rng.choice(yes_no_unknown),
            young_parent=rng.choice(yes_no_unknown),
            parent_under_18=rng.choice(["no", "no", "yes", "unknown"]),
            parent_disability=rng.choice(yes_no_unknown),
            parent_substance_misuse=rng.choice([*codes_of(rr.SubstanceMisuse.choices), ""]),
            youth_offending=rng.choice([*codes_of(rr.YouthOffending.choices), ""]),
            ehc_plan=rng.choice([*codes_of(rr.EhcPlan.choices), ""]),
            # As many children without a condition as with one.
            mental_health=rng.choice([review.mental_health] * 2 + ["none", "not_recorded"]),
            # More 1- to 5-year-olds and teenagers than a uniform age would give.
            age_years=rng.choice([review.age_years, rng.randrange(0, 7), rng.randrange(10, 18)]),
        )
        if rng.random() < 0.7:
            review.themes.create(theme="cross_boundary", present=rng.random() < 0.4)


@pytest.fixture(scope="module")
def figures(django_db_setup, django_db_blocker):
    """120 random records across two years, computed once for the module (rolled back)."""
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            make_records(120, seed=23)
            add_spotlight_answers(seed=23)
            result = {"this": compute_year(YEAR), "reviews": reviews_of(YEAR)}
            transaction.set_rollback(True)
    return result


def test_the_random_records_fill_every_cohort(figures):
    reviews = figures["reviews"]
    assert sum(1 for r in reviews if aged(11, 17)(r) and has_condition(r)) >= 5
    assert sum(1 for r in reviews if aged(11, 17)(r) and not has_condition(r)) >= 5
    assert sum(1 for r in reviews if aged(1, 5)(r) and parent_condition(r)) >= 3
    assert sum(1 for r in reviews if aged(1, 5)(r) and not parent_condition(r)) >= 3
    assert sum(1 for r in reviews if aged(11, 17)(r) and extrafamilial(r)) >= 5
    assert sum(1 for r in reviews if aged(11, 17)(r) and not extrafamilial(r)) >= 3
    assert any(young_parent_band(r) == "under_18" for r in reviews if aged(1, 5)(r))
    assert any(cross_boundary(r) for r in reviews if aged(11, 17)(r))


@pytest.mark.parametrize(
    ("table_id", "expected"), [(TABLE_A, expected_a), (TABLE_B, expected_b), (TABLE_C, expected_c)]
)
def test_appendix_f_tables_equal_a_straightforward_computation(figures, table_id, expected):
    table = table_get(figures["this"], table_id)
    assert table["percent"] == "column"
    assert_tables_equal(flat(table), expected(figures["reviews"]))


def test_appendix_f_tables_say_what_is_not_held(figures):
    notes = {t: " ".join(table_get(figures["this"], t)["notes"]) for t in (TABLE_A, TABLE_B)}
    assert "addiction to or misuse of alcohol/substances" in notes[TABLE_A]
    assert "early help" in notes[TABLE_B] and "single parent" in notes[TABLE_B]
    assert "undiagnosed" in " ".join(table_get(figures["this"], TABLE_C)["notes"])


def test_special_tables_do_not_claim_column_percentages(figures):
    for table_id in ("table_a_regions", "chart_3_regions", "chart_12_learning_themes"):
        table = table_get(figures["this"], table_id)
        assert table["percent"] == "mixed"
        assert table["denominators"] == ""
    assert table_get(figures["this"], TABLE_A)["denominators"].startswith("Column percentages")


# --- The cohorts at their edges -----------------------------------------------------------------

BASELINE = {
    "mental_health": "none",
    "parent_mental_health": "no",
    "gang_youth_violence": "no",
    "cce": "no",
    "sexual_abuse": "no",
    "physical_abuse": "no",
    "child_on_child_abuse": "no",
}


def child(age: int, **answers) -> RapidReview:
    """A submitted SIN in 2023/24 with a submitted rapid review of a child aged `age`."""
    sin = SubmittedNotificationFactory(
        incident_date=date(2023, 6, 1), date_aware=date(2023, 6, 1), reason=Reason.DEATH
    )
    return RapidReviewFactory(
        notification=sin,
        status=RapidReview.Status.SUBMITTED,
        submitted_at=timezone.now(),
        working_days_taken=10,
        incident_type=Reason.DEATH,
        sex="male",
        age_years=age,
        **{**BASELINE, **answers},
    )


def totals(table_id: str, group: str) -> dict[str, int]:
    """Each column's Total in `group` of a freshly computed table."""
    table = flat(table_get(compute_year(YEAR), table_id))
    return {
        column: n for (g, row, column), (n, _) in table.items() if g == group and row == "Total"
    }


def test_table_b_is_children_aged_1_to_5():
    for age in (0, 1, 5, 6):
        child(age, parent_mental_health="yes")
    child(1, parent_mental_health="no")
    child(5, parent_mental_health="unknown")
    child(3, parent_mental_health="")
    child(6, parent_mental_health="no")
    assert totals(TABLE_B, "Death and serious harm") == {
        "Pre-school children with a parent with a mental health condition(s)": 2,  # 1 and 5
        "Pre-school children without a parent with a mental health condition(s)": 3,
    }


def test_table_a_is_children_aged_11_to_17_with_any_condition():
    for code in CONDITION:
        child(11, mental_health=code)
    child(17, mental_health="diagnosed")
    child(10, mental_health="diagnosed")  # too young for the comparison
    child(11, mental_health="none")
    child(16, mental_health="not_recorded")  # none recorded: in the comparison group
    child(12, mental_health="")
    with_, without = (
        "Children with a mental health condition(s)",
        "Children without a mental health condition(s)",
    )
    assert totals(TABLE_A, "Death and serious harm") == {with_: 5, without: 3}
    # The all-ages groups count the 10-year-old too.
    assert totals(TABLE_A, "Mental health condition(s) (all ages)") == {with_: 6, without: 3}


def test_table_c_is_children_aged_11_to_17():
    child(10, gang_youth_violence="yes")
    child(11, gang_youth_violence="yes")
    child(17, cce="yes")
    child(11)
    table = totals(TABLE_C, "Death or serious harm")
    assert table["Children who have experienced extrafamilial harm"] == 2
    assert table["Children who have not experienced extrafamilial harm"] == 1
    everyone = totals(TABLE_C, "Extrafamilial harm (all ages)")
    assert everyone["Children who have experienced extrafamilial harm"] == 3
    assert everyone["Gangs"] == 2 and everyone["CCE"] == 1 and everyone["CSA/E"] == 0


@pytest.mark.parametrize(
    ("answers", "in_cohort", "subtype"),
    [
        ({"gang_youth_violence": "yes"}, True, "Gangs"),
        ({"cce": "yes"}, True, "CCE"),
        ({"sexual_abuse": "extrafamilial"}, True, "CSA/E"),
        ({"sexual_abuse": "both"}, True, "CSA/E"),
        # Not extrafamilial harm as the report defines it (6.4-6.5):
        ({}, False, None),
        ({"gang_youth_violence": "unknown"}, False, None),
        ({"cce": "unknown"}, False, None),
        ({"sexual_abuse": "intrafamilial"}, False, None),
        ({"sexual_abuse": "context_unknown"}, False, None),
        ({"physical_abuse": "extrafamilial"}, False, None),
        ({"child_on_child_abuse": "extrafamilial"}, False, None),
    ],
)
def test_each_extrafamilial_harm_indicator_on_its_own(answers, in_cohort, subtype):
    child(14, **answers)
    table = totals(TABLE_C, "Mental health")
    assert table["Children who have experienced extrafamilial harm"] == int(in_cohort)
    assert table["Children who have not experienced extrafamilial harm"] == int(not in_cohort)
    for column in ("Gangs", "CCE", "CSA/E"):
        assert table[column] == int(column == subtype)


@pytest.mark.parametrize(
    ("young_parent", "under_18", "row"),
    [
        ("yes", "yes", "Yes – under 18"),
        ("no", "yes", "Yes – under 18"),
        ("yes", "no", "Yes – 18 to 24"),
        ("yes", "", "Yes – 18 to 24"),
        ("no", "no", "No"),
        ("unknown", "no", "Unknown"),
        ("", "", "Unknown"),
    ],
)
def test_young_parents_by_age_band(young_parent, under_18, row):
    child(3, parent_mental_health="yes", young_parent=young_parent, parent_under_18=under_18)
    table = flat(table_get(compute_year(YEAR), TABLE_B))
    column = "Pre-school children with a parent with a mental health condition(s)"
    counts = {
        r: n for (g, r, c), (n, _) in table.items() if g.startswith("Young parents") and c == column
    }
    expected = dict.fromkeys(["Yes – under 18", "Yes – 18 to 24", "No", "Unknown"], 0)
    assert counts == {**expected, row: 1, "Total": 1}


def test_the_cross_boundary_theme_counts_only_when_present():
    raised = child(12, cce="yes")
    raised.themes.create(theme="cross_boundary", present=True)
    not_raised = child(13, cce="yes")
    not_raised.themes.create(theme="cross_boundary", present=False)
    not_raised.themes.create(theme="coordination", present=True)
    child(14, cce="yes")
    table = flat(table_get(compute_year(YEAR), TABLE_C))
    group = "Learning and practice themes raised within the review"
    column = "Children who have experienced extrafamilial harm"
    assert table[(group, "Cross boundary issues", column)] == (1, "33.3")
    assert table[(group, "Total", column)] == (3, "100.0")


def test_the_queries_do_not_grow_with_the_records():
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            compute_year(YEAR)
        return len(captured)

    make_records(5, seed=3)
    few = queries()
    make_records(30, seed=4)
    add_spotlight_answers(seed=4)
    assert queries() == few


@pytest.mark.parametrize(("table_id", "series"), [(TABLE_A, 2), (TABLE_B, 2), (TABLE_C, 5)])
def test_the_chart_is_the_risk_factors_of_each_group_of_children(figures, table_id, series):
    table = table_get(figures["this"], table_id)
    risk_factors = next(g for g in table["groups"] if g["label"] == "Risk factors")
    cells = [row for row in risk_factors["rows"] if row["kind"] == "cell"]
    svg = chart_svg(table)
    assert svg is not None and 'data-chart="bars"' in svg
    assert svg.count('class="bar"') == len(cells) * series
    for row in cells:
        assert escape(row["label"]) in svg
