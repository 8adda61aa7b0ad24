"""Cohort definitions (analytics.cohort_definitions): every kind of condition checked, valid
and not; the (cohort, rest) they select on random records against a plain Python filter; the
three Appendix F spotlight cohorts against the appendix's own columns; and sampling,
reproducible from its seed."""

import random

import pytest
from django.db import transaction
from django.db.models import Q

from analytics import cohorts
from analytics.cohort_definitions import (
    BOOLEAN,
    CHOICE,
    FIELDS,
    FIELDS_BY_NAME,
    INTEGER,
    NOT_ANSWERED,
    THEME,
    DefinitionError,
    condition_text,
    definition_clean,
    definition_errors,
    definition_q,
    year_records_q,
)
from analytics.models import Cohort
from analytics.tables import appendix_f
from analytics.tables.common import HAS_MENTAL_HEALTH_CONDITION
from rapidreviews.models import RapidReview

from .test_engine import YEAR, make_records, reviews_of

# Every test asks for the database, so that pytest-django runs them before the transactional
# tests (the browser's), whose flush empties the spotlight cohorts' table.
pytestmark = pytest.mark.django_db

AGE_11_17 = {"field": "age_years", "min": 11, "max": 17}


def define(where, within=()) -> dict:
    return {"year": YEAR, "within": list(within), "where": list(where)}


# --- The catalogue -----------------------------------------------------------------------------


def test_the_catalogue_holds_every_coded_field_of_the_rapid_review():
    coded = {
        f.name
        for f in RapidReview._meta.get_fields()
        if getattr(f, "choices", None) and f.name not in {"status", "panel_stage"}
    }
    assert coded <= set(FIELDS_BY_NAME)
    assert FIELDS_BY_NAME["age_years"].kind == INTEGER
    assert FIELDS_BY_NAME["mental_health"].kind == CHOICE
    assert FIELDS_BY_NAME["theme_cross_boundary"].kind == THEME
    assert FIELDS_BY_NAME["submitted_on_time"].kind == BOOLEAN
    assert {"region", "notification_reason", "imd_decile", "child_looked_after_death"} <= set(
        FIELDS_BY_NAME
    )
    # Free text is never a condition.
    assert not {"summary_of_facts", "reflection", "lcspr_rationale"} & set(FIELDS_BY_NAME)
    assert ("not_recorded", "Not recorded") in FIELDS_BY_NAME["mental_health"].choices


# --- Checking definitions ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "condition, canonical",
    [
        (
            {"field": "mental_health", "codes": ["both", "diagnosed"]},
            {"field": "mental_health", "codes": ["diagnosed", "both"]},
        ),
        (
            {"field": "lgbtq", "codes": ["not_recorded", NOT_ANSWERED]},
            {"field": "lgbtq", "codes": ["not_recorded", NOT_ANSWERED]},
        ),
        ({"field": "age_years", "min": "11", "max": 17}, AGE_11_17),
        ({"field": "age_years", "max": 5}, {"field": "age_years", "max": 5}),
        (
            {"field": "submitted_on_time", "value": False},
            {"field": "submitted_on_time", "value": False},
        ),
        (
            {"field": "theme_curiosity", "codes": ["good_practice", "present"]},
            {"field": "theme_curiosity", "codes": ["present", "good_practice"]},
        ),
        ({"field": "region", "codes": ["london"]}, {"field": "region", "codes": ["london"]}),
        (
            {"any_of": [{"field": "cce", "codes": ["yes"]}, {"field": "imd_decile", "min": 1}]},
            {"any_of": [{"field": "cce", "codes": ["yes"]}, {"field": "imd_decile", "min": 1}]},
        ),
    ],
    ids=[
        "choice",
        "yes-no-not-recorded",
        "integer",
        "integer-one-bound",
        "boolean",
        "theme",
        "region",
        "any-of",
    ],
)
def test_a_valid_condition_of_every_kind_is_kept_in_canonical_form(condition, canonical):
    assert definition_clean(define([condition])) == define([canonical])


@pytest.mark.parametrize(
    "condition, message",
    [
        ({"field": "shoe_size", "codes": ["9"]}, "there is no field called 'shoe_size'"),
        ({"field": "mental_health", "codes": ["maybe"]}, "has no answer 'maybe'"),
        ({"field": "mental_health", "codes": []}, "select at least one answer"),
        ({"field": "age_years", "min": 15, "max": 11}, "must not be more than the highest"),
        ({"field": "age_years", "min": 19}, "must be between 0 and 17"),
        ({"field": "age_years", "min": "eleven"}, "must be a whole number"),
        ({"field": "age_years"}, "enter the lowest or the highest"),
        ({"field": "imd_decile", "max": 11}, "must be between 1 and 10"),
        ({"field": "submitted_on_time", "value": "yes"}, "must be yes or no"),
        ({"field": "theme_curiosity", "codes": ["absent"]}, "has no answer 'absent'"),
        ({"any_of": [{"field": "cce", "codes": ["yes"]}]}, "needs at least two conditions"),
        (
            {"any_of": [{"field": "cce", "codes": ["yes"]}, {"any_of": []}]},
            "cannot hold another 'any of'",
        ),
        ("age", "is not a condition"),
    ],
)
def test_each_bad_condition_has_its_own_message(condition, message):
    errors = definition_errors(define([condition]))
    assert len(errors) == 1
    assert "Cohort criteria, condition 1" in errors[0]
    assert message in errors[0]
    with pytest.raises(DefinitionError):
        definition_q(define([condition]))


def test_a_definition_needs_a_year_and_a_criterion():
    assert definition_errors({"year": 1999, "where": [{"field": "cce", "codes": ["yes"]}]}) == [
        "Choose the reporting year"
    ]
    assert definition_errors({"year": YEAR, "within": [AGE_11_17], "where": []}) == [
        "Add at least one cohort criterion: the cohort is compared with the rest"
    ]
    assert "no part called 'when'" in definition_errors(define([AGE_11_17]) | {"when": []})[0]
    assert definition_errors([]) == [
        "A cohort definition must be an object with a year and its conditions"
    ]


def test_conditions_in_words():
    assert condition_text(AGE_11_17) == "Age at the incident: 11 to 17"
    extrafamilial = definition_clean(Cohort.objects.get(spotlight="extrafamilial_harm").definition)[
        "where"
    ][0]
    assert condition_text(extrafamilial).startswith(
        "Any of: Gang-related and/or youth violence: Yes; or Child criminal exploitation: Yes"
    )


# --- What a definition selects ---------------------------------------------------------------


@pytest.fixture(scope="module")
def records(django_db_setup, django_db_blocker):
    """80 random records for the module, rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        make_records(80, seed=18)
        # Answers make_records leaves blank: Appendix F Table B's cohort needs them.
        rng = random.Random(18)
        for review in RapidReview.objects.order_by("pk"):
            review.parent_mental_health = rng.choice(["yes", "yes", "no", "unknown", ""])
            review.save(update_fields=["parent_mental_health"])
        in_year = {r.pk for r in reviews_of(YEAR)}
        reviews = (
            RapidReview.objects.filter(pk__in=in_year)
            .select_related("notification__local_authority__region")
            .prefetch_related("themes")
        )
        yield {r.pk: r for r in reviews}
        transaction.set_rollback(True)


def holds(review: RapidReview, condition: dict) -> bool:
    """A condition, written out in Python, independently of analytics.cohort_definitions."""
    if "any_of" in condition:
        return any(holds(review, inner) for inner in condition["any_of"])
    name = condition["field"]
    sin = review.notification
    if name.startswith("theme_"):
        theme = next((t for t in review.themes.all() if t.theme == name[6:]), None)
        if theme is None:
            return False
        return any(
            {
                "present": theme.present,
                "not_present": not theme.present,
                "good_practice": theme.good_practice,
            }[code]
            for code in condition["codes"]
        )
    value = {
        "region": lambda: sin.local_authority.region.code,
        "notification_reason": lambda: sin.reason,
        "imd_decile": lambda: sin.imd_decile,
        "child_looked_after_death": lambda: sin.child_looked_after_death,
    }.get(name, lambda: getattr(review, name))()
    if "codes" in condition:
        return value in ["" if c == NOT_ANSWERED else c for c in condition["codes"]]
    if "value" in condition:
        return value is condition["value"]
    if value is None:
        return False
    low, high = condition.get("min"), condition.get("max")
    return (low is None or value >= low) and (high is None or value <= high)


def random_condition(rng: random.Random, *, group: bool = True) -> dict:
    if group and rng.random() < 0.2:
        return {"any_of": [random_condition(rng, group=False) for _ in range(rng.choice([2, 3]))]}
    entry = rng.choice(FIELDS)
    if entry.kind in (CHOICE, THEME):
        codes = [code for code, _ in entry.choices]
        return {"field": entry.name, "codes": rng.sample(codes, rng.randint(1, len(codes)))}
    if entry.kind == INTEGER:
        low = rng.randint(entry.low, entry.high)
        return {"field": entry.name, "min": low, "max": rng.randint(low, entry.high)}
    return {"field": entry.name, "value": rng.choice([True, False])}


def selected(q: Q) -> set[int]:
    return set(RapidReview.objects.filter(year_records_q(YEAR) & q).values_list("pk", flat=True))


def test_definitions_select_what_a_plain_filter_selects(records):
    rng = random.Random(4)
    kinds_seen = set()
    for _ in range(60):
        within = [random_condition(rng) for _ in range(rng.choice([0, 0, 1]))]
        where = [random_condition(rng) for _ in range(rng.choice([1, 1, 2]))]
        definition = define(where, within)
        kinds_seen |= {FIELDS_BY_NAME[c["field"]].kind for c in within + where if "field" in c} | {
            "any_of" for c in within + where if "any_of" in c
        }
        cohort_q, rest_q = definition_q(definition)
        in_within = [r for r in records.values() if all(holds(r, c) for c in within)]
        expected_cohort = {r.pk for r in in_within if all(holds(r, c) for c in where)}
        expected_rest = {r.pk for r in in_within} - expected_cohort
        assert selected(cohort_q) == expected_cohort, definition
        assert selected(rest_q) == expected_rest, definition
    assert kinds_seen == {CHOICE, INTEGER, BOOLEAN, THEME, "any_of"}


def test_a_mental_health_condition_is_the_tables_one(records):
    cohort_q, rest_q = definition_q(
        define([{"field": "mental_health", "codes": cohorts_presets_mental_health()}])
    )
    assert selected(cohort_q) == selected(HAS_MENTAL_HEALTH_CONDITION)
    assert selected(rest_q) == selected(~HAS_MENTAL_HEALTH_CONDITION)


def cohorts_presets_mental_health() -> list[str]:
    from analytics.cohort_definitions import PRESETS

    return PRESETS["mental_health_condition"][1]["codes"]


@pytest.mark.parametrize(
    "spotlight, table, age",
    [
        ("child_mental_health", appendix_f.TABLES[0], appendix_f.AGED_11_17),
        ("parent_mental_health", appendix_f.TABLES[1], appendix_f.AGED_1_5),
        ("extrafamilial_harm", appendix_f.TABLES[2], appendix_f.AGED_11_17),
    ],
)
def test_the_spotlight_cohorts_are_appendix_fs_columns(records, spotlight, table, age):
    """Each saved spotlight cohort selects the children of Appendix F's first column, and its
    rest those of the last ("without"), among the children of the comparison age."""
    saved = Cohort.objects.get(spotlight=spotlight)
    cohort_q, rest_q = definition_q(saved.definition)
    with_column, without_column = table.columns[0], table.columns[-1]
    assert selected(cohort_q) == selected(age & with_column.q)
    assert selected(rest_q) == selected(age & without_column.q)
    assert selected(cohort_q) and selected(rest_q)  # the random data fills both


# --- Sampling --------------------------------------------------------------------------------


def test_a_sample_is_reproducible_from_its_seed(records):
    definition = define([{"field": "incident_type", "codes": ["death", "serious_harm"]}])
    first = cohorts.cohort_sample_ids(definition, seed=12345, size=10)
    again = cohorts.cohort_sample_ids(definition, seed=12345, size=10)
    other = cohorts.cohort_sample_ids(definition, seed=54321, size=10)
    assert first == again
    assert len(first) == 10 and len(set(first)) == 10
    assert other != first
    # As documented: random.Random(seed).sample over the cohort's ids in ascending order.
    ids = sorted(selected(definition_q(definition)[0]))
    assert first == random.Random(12345).sample(ids, 10)
    assert set(first) <= set(ids)


def test_a_sample_larger_than_the_cohort_is_the_whole_cohort(records):
    definition = define([{"field": "age_years", "min": 17, "max": 17}])
    ids = selected(definition_q(definition)[0])
    assert set(cohorts.cohort_sample_ids(definition, seed=1, size=500)) == ids


@pytest.mark.parametrize(
    "spotlight", ["child_mental_health", "parent_mental_health", "extrafamilial_harm"]
)
def test_the_saved_spotlights_compare_as_the_engines_spotlight_cohorts(records, spotlight):
    """The saved cohort's comparison is the engine's for Appendix F's cohort (the tables of
    analytics.cohort_tables, cohort and rest)."""
    from analytics.cohort_tables import SPOTLIGHT_COHORTS, compare

    saved = Cohort.objects.get(spotlight=spotlight)
    engine = SPOTLIGHT_COHORTS[spotlight]
    cohort_q, rest_q = definition_q(saved.definition)
    assert selected(cohort_q) == selected(engine.cohort)
    assert selected(rest_q) == selected(engine.rest)
    specs = tuple(s for s in appendix_f.TABLES if s.id == engine.table_id)
    assert cohorts.cohort_compare(saved.definition) | {"tables": None} == compare(
        YEAR, engine.cohort, engine.rest
    ) | {"tables": None}
    assert compare(YEAR, cohort_q, rest_q, specs=specs) == compare(
        YEAR, engine.cohort, engine.rest, specs=specs
    )
