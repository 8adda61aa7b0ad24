"""Which spotlight themes a case falls within (rapidreviews.reflection.matching_themes): each
theme at its age boundaries and by each of its answers, and the Python reading of the Appendix F
cohorts equal to the database's on random records."""

import random

import pytest
from django.db.models import Q

from analytics.tables import appendix_f
from analytics.tables.common import HAS_MENTAL_HEALTH_CONDITION
from rapidreviews import codes as rr
from rapidreviews.codes import SpotlightTheme
from rapidreviews.models import RapidReview
from rapidreviews.reflection import THEME_COHORTS, matching_themes, q_matches

from .factories import RapidReviewFactory

CHILD_MH = SpotlightTheme.CHILD_MENTAL_HEALTH
PARENT_MH = SpotlightTheme.PARENT_MENTAL_HEALTH
EFH = SpotlightTheme.EXTRAFAMILIAL_HARM


def review(**answers) -> RapidReview:
    """An unsaved review with the given answers, every other coded answer blank: matching
    needs no database."""
    return RapidReview(**answers)


@pytest.mark.parametrize(
    ("age", "matches"),
    [(None, False), (10, False), (11, True), (15, True), (17, True)],
)
def test_child_mental_health_is_a_child_of_11_to_17_with_a_condition(age, matches):
    case = review(age_years=age, mental_health=rr.MentalHealth.DIAGNOSED)
    assert (CHILD_MH in matching_themes(case)) is matches


@pytest.mark.parametrize(
    ("answer", "matches"),
    [
        (rr.MentalHealth.DIAGNOSED, True),
        (rr.MentalHealth.UNDIAGNOSED, True),
        (rr.MentalHealth.BOTH, True),
        (rr.MentalHealth.UNKNOWN_IF_DIAGNOSED, True),
        (rr.MentalHealth.NONE, False),
        (rr.MentalHealth.NOT_RECORDED, False),
        ("", False),
    ],
)
def test_child_mental_health_counts_each_yes_answer_and_no_other(answer, matches):
    assert (CHILD_MH in matching_themes(review(age_years=14, mental_health=answer))) is matches


def test_a_child_of_18_is_refused_by_the_database_so_17_is_the_upper_edge():
    # The model allows ages 0 to 17 (rapid_review_age_0_to_17); an 18 can only be an unsaved
    # value, and it does not match either.
    assert matching_themes(review(age_years=18, mental_health=rr.MentalHealth.DIAGNOSED)) == []
    assert matching_themes(review(age_years=18, cce=rr.YesNoUnknown.YES)) == []


@pytest.mark.parametrize(
    ("age", "matches"),
    [(None, False), (0, False), (1, True), (3, True), (5, True), (6, False), (11, False)],
)
def test_parental_mental_health_is_a_child_of_1_to_5_with_a_parent_with_a_condition(age, matches):
    case = review(age_years=age, parent_mental_health=rr.YesNoUnknown.YES)
    assert (PARENT_MH in matching_themes(case)) is matches


@pytest.mark.parametrize(
    ("answer", "matches"),
    [
        (rr.YesNoUnknown.YES, True),
        (rr.YesNoUnknown.NO, False),
        (rr.YesNoUnknown.UNKNOWN, False),
        ("", False),
    ],
)
def test_parental_mental_health_needs_the_answer_yes(answer, matches):
    case = review(age_years=2, parent_mental_health=answer)
    assert (PARENT_MH in matching_themes(case)) is matches


@pytest.mark.parametrize(
    ("answers", "matches"),
    [
        ({"gang_youth_violence": "yes"}, True),
        ({"gang_youth_violence": "unknown"}, False),
        ({"gang_youth_violence": "no"}, False),
        ({"cce": "yes"}, True),
        ({"cce": "unknown"}, False),
        ({"cce": "no"}, False),
        ({"sexual_abuse": rr.AbuseContext.EXTRAFAMILIAL}, True),
        ({"sexual_abuse": rr.AbuseContext.BOTH}, True),
        ({"sexual_abuse": rr.AbuseContext.INTRAFAMILIAL}, False),
        ({"sexual_abuse": rr.AbuseContext.CONTEXT_UNKNOWN}, False),
        ({"sexual_abuse": rr.AbuseContext.NO}, False),
        ({"gang_youth_violence": "no", "cce": "yes", "sexual_abuse": "intrafamilial"}, True),
        ({}, False),
    ],
)
def test_extrafamilial_harm_is_any_of_its_three_components(answers, matches):
    assert (EFH in matching_themes(review(age_years=15, **answers))) is matches


@pytest.mark.parametrize(
    ("age", "matches"), [(None, False), (10, False), (11, True), (17, True), (0, False)]
)
def test_extrafamilial_harm_is_for_children_of_11_to_17(age, matches):
    case = review(age_years=age, gang_youth_violence="yes")
    assert (EFH in matching_themes(case)) is matches


def test_a_case_can_match_two_themes_in_the_reports_order():
    case = review(age_years=16, mental_health=rr.MentalHealth.BOTH, cce="yes")
    assert matching_themes(case) == [CHILD_MH, EFH]


def test_the_themes_are_the_appendix_f_cohorts_not_a_restatement():
    assert THEME_COHORTS == {
        CHILD_MH: appendix_f.AGED_11_17 & HAS_MENTAL_HEALTH_CONDITION,
        PARENT_MH: appendix_f.AGED_1_5 & appendix_f.PARENT_MENTAL_HEALTH,
        EFH: appendix_f.AGED_11_17 & appendix_f.EXTRAFAMILIAL_HARM,
    }


def test_q_matches_refuses_what_it_cannot_read_rather_than_guess():
    with pytest.raises(ValueError):
        q_matches(Q(notification__reason="death"), review())
    with pytest.raises(ValueError):
        q_matches(Q(summary_of_facts__icontains="x"), review())


# --- The Python reading against the database, on random records ---------------------------------

ALL_COHORTS = {
    **{f"theme {theme}": q for theme, q in THEME_COHORTS.items()},
    # The Appendix F columns and their complements, negations over nullable ages included.
    "with a condition": HAS_MENTAL_HEALTH_CONDITION,
    "without a condition": ~HAS_MENTAL_HEALTH_CONDITION,
    "parent without": ~appendix_f.PARENT_MENTAL_HEALTH,
    "not extrafamilial": ~appendix_f.EXTRAFAMILIAL_HARM,
    "not aged 11 to 17": ~appendix_f.AGED_11_17,
    "aged 1 to 5 or not extrafamilial": appendix_f.AGED_1_5 | ~appendix_f.EXTRAFAMILIAL_HARM,
}


def _codes(choices) -> list[str]:
    return [code for code, _ in choices] + [""]


@pytest.mark.django_db
def test_python_and_database_agree_on_every_theme_for_random_records():
    rng = random.Random(18)
    for _ in range(60):
        RapidReviewFactory(
            age_years=rng.choice([None, 0, 1, 5, 6, 10, 11, 15, 17, rng.randrange(18)]),
            mental_health=rng.choice(_codes(rr.MentalHealth.choices)),
            parent_mental_health=rng.choice(_codes(rr.YesNoUnknown.choices)),
            gang_youth_violence=rng.choice(_codes(rr.YesNoUnknown.choices)),
            cce=rng.choice(_codes(rr.YesNoUnknown.choices)),
            sexual_abuse=rng.choice(_codes(rr.AbuseContext.choices)),
        )
    reviews = list(RapidReview.objects.all())
    for name, cohort in ALL_COHORTS.items():
        in_database = set(RapidReview.objects.filter(cohort).values_list("pk", flat=True))
        in_python = {r.pk for r in reviews if q_matches(cohort, r)}
        assert in_python == in_database, name
    # Every theme is met by some record and missed by some, so the comparison means something.
    for theme in THEME_COHORTS:
        matched = [r for r in reviews if theme in matching_themes(r)]
        assert 0 < len(matched) < len(reviews), theme
