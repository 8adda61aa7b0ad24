from types import SimpleNamespace

import pytest

from rapidreviews import rules
from rapidreviews.codes import AgeGroup, age_group
from rapidreviews.sections import SECTION_BY_KEY

CAUSE = SECTION_BY_KEY["cause"]
NEEDS = SECTION_BY_KEY["needs"]


def answers(**values):
    return SimpleNamespace(
        **{"incident_type": "", "age_years": None, "mental_health": "", **values}
    )


@pytest.mark.parametrize(
    ("incident_type", "required"),
    [
        ("death", ("cause_of_death",)),
        ("serious_harm", ("cause_of_harm",)),
        ("other", ()),
    ],
)
def test_cause_is_required_by_incident_type(incident_type, required):
    assert rules.required_fields(CAUSE, answers(incident_type=incident_type)) == required


def test_cause_of_harm_is_not_asked_for_a_death():
    assert rules.visible_fields(CAUSE, answers(incident_type="death")) == ("cause_of_death",)


@pytest.mark.parametrize(
    ("age", "education", "missing", "neet"),
    [
        (2, False, False, False),
        (4, True, True, False),
        (15, True, True, False),
        (16, True, False, True),
        (17, True, False, True),
    ],
)
def test_education_questions_depend_on_age(age, education, missing, neet):
    visible = rules.visible_fields(NEEDS, answers(age_years=age))
    assert ("education_status" in visible) is education
    assert ("missing_education" in visible) is missing
    assert ("neet" in visible) is neet


def test_mental_health_link_is_asked_only_with_a_condition():
    assert "mental_health_linked" not in rules.visible_fields(NEEDS, answers(mental_health="none"))
    assert "mental_health_linked" in rules.visible_fields(NEEDS, answers(mental_health="diagnosed"))


def test_decision_needs_a_rationale():
    errors = rules.section_errors(
        SECTION_BY_KEY["decision"], {"lcspr_decision": "lcspr", "lcspr_rationale": " "}, None
    )
    assert errors == {"lcspr_rationale": ["Enter the rationale for the partnership's decision"]}


@pytest.mark.parametrize(
    ("age", "group"),
    [
        (0, AgeGroup.UNDER_1),
        (1, AgeGroup.AGE_1_5),
        (5, AgeGroup.AGE_1_5),
        (6, AgeGroup.AGE_6_10),
        (11, AgeGroup.AGE_11_15),
        (16, AgeGroup.AGE_16_17),
    ],
)
def test_age_groups_follow_the_report(age, group):
    assert age_group(age) == group
