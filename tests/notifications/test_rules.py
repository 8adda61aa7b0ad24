from dataclasses import dataclass
from datetime import date

import pytest

from notifications import rules
from notifications.models import AbuseOrNeglect
from safeguarding.codes import Reason

TODAY = date(2024, 6, 10)


@dataclass
class Child:
    child_reference: str
    harm: str
    age_years: int | None = None
    date_of_birth: date | None = None


def test_incident_date_cannot_be_in_the_future():
    errors = rules.incident_errors(incident_date=date(2024, 6, 11), date_aware=None, today=TODAY)
    assert errors == {"incident_date": ["Date of the incident must be today or in the past"]}


def test_date_aware_cannot_be_before_the_incident():
    errors = rules.incident_errors(
        incident_date=date(2024, 6, 5), date_aware=date(2024, 6, 4), today=TODAY
    )
    assert errors["date_aware"] == [
        "Date the local authority became aware must be the same as or after the date of the "
        "incident"
    ]


def test_date_aware_cannot_be_after_today_so_submission_is_never_before_it():
    errors = rules.incident_errors(incident_date=None, date_aware=date(2024, 6, 11), today=TODAY)
    assert "date_aware" in errors


def test_valid_incident_dates_have_no_errors():
    assert rules.incident_errors(incident_date=TODAY, date_aware=TODAY, today=TODAY) == {}


@pytest.mark.parametrize(
    ("dob", "age", "field", "message"),
    [
        (None, None, "age_years", "Enter the child's date of birth or their age"),
        (None, 18, "age_years", "Age must be a whole number from 0 to 17"),
        (date(2024, 6, 20), None, "date_of_birth", "Date of birth must be today or in the past"),
        (
            date(2024, 6, 7),
            None,
            "date_of_birth",
            "Date of birth must be on or before the date of the incident",
        ),
        (
            date(2006, 1, 1),
            None,
            "date_of_birth",
            "The child was 18 on the date of the incident: a SIN is for children under 18",
        ),
        (
            date(2017, 6, 6),
            6,
            "age_years",
            "Age must match the date of birth: the child was 7 on the date of the incident",
        ),
    ],
)
def test_child_age_rules(dob, age, field, message):
    errors = rules.child_errors(
        date_of_birth=dob, age_years=age, incident_date=date(2024, 6, 6), today=TODAY
    )
    assert message in errors[field]


@pytest.mark.parametrize(
    ("dob", "age"),
    [(date(2017, 6, 6), 7), (date(2017, 6, 7), 6), (None, 0), (None, 17), (date(2024, 6, 6), 0)],
)
def test_consistent_ages_pass(dob, age):
    assert (
        rules.child_errors(
            date_of_birth=dob, age_years=age, incident_date=date(2024, 6, 6), today=TODAY
        )
        == {}
    )


def test_age_on_counts_birthdays():
    assert rules.age_on(date(2010, 2, 28), date(2024, 2, 27)) == 13
    assert rules.age_on(date(2010, 2, 28), date(2024, 2, 28)) == 14


@pytest.mark.parametrize(
    ("reason", "looked_after", "ok"),
    [
        (Reason.DEATH, True, True),
        (Reason.DEATH, False, False),
        (Reason.SERIOUS_HARM, True, False),
        (Reason.SERIOUS_HARM, False, False),
    ],
)
def test_not_suspected_only_for_a_looked_after_childs_death(reason, looked_after, ok):
    errors = rules.circumstances_errors(
        reason=reason,
        abuse_or_neglect=AbuseOrNeglect.NOT_SUSPECTED,
        child_looked_after_death=looked_after,
        placement_postcode="",
        imd_decile=None,
    )
    assert ("abuse_or_neglect" not in errors) is ok


@pytest.mark.parametrize("postcode", ["LS1 4AP", "SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH"])
def test_real_postcodes_pass(postcode):
    assert "placement_postcode" not in rules.circumstances_errors(
        reason="",
        abuse_or_neglect="",
        child_looked_after_death=None,
        placement_postcode=postcode,
        imd_decile=None,
    )


@pytest.mark.parametrize("postcode", ["LS1", "12345", "LS1 4A", "not a postcode"])
def test_malformed_postcodes_fail(postcode):
    errors = rules.circumstances_errors(
        reason="",
        abuse_or_neglect="",
        child_looked_after_death=None,
        placement_postcode=postcode,
        imd_decile=None,
    )
    assert errors["placement_postcode"] == ["Enter a real postcode, like LS1 4AP"]


@pytest.mark.parametrize(("decile", "ok"), [(1, True), (10, True), (0, False), (11, False)])
def test_imd_decile_is_1_to_10(decile, ok):
    errors = rules.circumstances_errors(
        reason="",
        abuse_or_neglect="",
        child_looked_after_death=None,
        placement_postcode="",
        imd_decile=decile,
    )
    assert ("imd_decile" not in errors) is ok


def test_child_in_focus_death_before_serious_harm_before_other():
    children = [
        Child("A", Reason.OTHER, age_years=16),
        Child("B", Reason.SERIOUS_HARM, age_years=12),
        Child("C", Reason.DEATH, age_years=1),
    ]
    assert rules.choose_child_in_focus(children, TODAY).child_reference == "C"


def test_child_in_focus_tie_goes_to_the_eldest():
    children = [
        Child("A", Reason.SERIOUS_HARM, age_years=3),
        Child("B", Reason.SERIOUS_HARM, date_of_birth=date(2012, 1, 1)),
        Child("C", Reason.SERIOUS_HARM, age_years=9),
        Child("D", Reason.OTHER, age_years=17),
    ]
    assert rules.choose_child_in_focus(children, TODAY).child_reference == "B"


def test_child_in_focus_twins_go_to_the_first_entered():
    children = [
        Child("A", Reason.DEATH, date_of_birth=date(2020, 1, 1)),
        Child("B", Reason.DEATH, date_of_birth=date(2020, 1, 1)),
    ]
    assert rules.choose_child_in_focus(children, TODAY).child_reference == "A"


def test_reason_must_be_some_childs_harm():
    errors = rules.reason_errors(reason=Reason.DEATH, harms=[Reason.SERIOUS_HARM])
    assert "No child is recorded with the harm 'Death'" in errors["reason"][0]
    assert rules.reason_errors(reason=Reason.DEATH, harms=[Reason.OTHER, Reason.DEATH]) == {}


def test_lateness_counts_working_days_across_a_bank_holiday():
    # Aware on Friday 24 May 2024; Monday 27 May is a bank holiday.
    aware = date(2024, 5, 24)
    assert rules.working_days_taken(aware, date(2024, 5, 31)) == 4
    assert not rules.is_late(aware, date(2024, 6, 3))  # day 5: on time
    assert rules.is_late(aware, date(2024, 6, 4))  # day 6: late
    errors = rules.lateness_errors(
        date_aware=aware, submitted_on=date(2024, 6, 4), lateness_reason=""
    )
    assert errors["lateness_reason"] == [
        "Enter why this notification is being sent 6 working days after the local authority "
        "became aware (the deadline is 5)"
    ]
    assert (
        rules.lateness_errors(
            date_aware=aware, submitted_on=date(2024, 6, 4), lateness_reason="Staff sickness"
        )
        == {}
    )
