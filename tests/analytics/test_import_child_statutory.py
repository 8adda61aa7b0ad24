"""Import of historic records with the SIN child's statutory answers (issue 16): optional
columns, checked like the others."""

from __future__ import annotations

import pytest

from analytics.importer import COLUMNS, OPTIONAL_COLUMNS, records_import
from notifications.models import Notification
from safeguarding.codes import Role

from .test_import import csv_file, death_of_looked_after_child, other_incident_without_review

pytestmark = pytest.mark.django_db

SIN_ANSWERS = {
    "sin_ethnicity": "Any other Asian background",  # a label, not the code
    "sin_disability": "not_recorded",
    "sin_child_in_need": "at_time",
    "sin_child_protection_plan": "Yes – on CPP",
    "sin_looked_after": "foster",
    "sin_care_order": "permanent",
    "sin_home_local_authority": "Bristol",
}


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMINISTRATOR)


def without_optional(row: dict) -> dict:
    return {column: value for column, value in row.items() if column not in OPTIONAL_COLUMNS}


def test_the_columns_are_optional(leeds, admin):
    row = without_optional(other_incident_without_review(leeds.ons_code))
    assert set(OPTIONAL_COLUMNS) <= set(COLUMNS) and not set(OPTIONAL_COLUMNS) & set(row)

    result = records_import(file=csv_file([row]), filename="h.csv", by=admin, dry_run=False)

    assert result.ok, result.errors
    child = Notification.objects.get().child_in_focus
    assert (child.ethnicity, child.care_order, child.home_local_authority) == ("", "", None)


def test_the_answers_are_imported_onto_the_sins_child(leeds, bristol, admin):
    rows = [{**death_of_looked_after_child(leeds.name), **SIN_ANSWERS}]

    result = records_import(file=csv_file(rows), filename="h.csv", by=admin, dry_run=False)

    assert result.ok, result.errors
    child = Notification.objects.get().child_in_focus
    assert child.ethnicity == "other_asian"
    assert child.disability == "not_recorded"
    assert (child.child_in_need, child.child_protection_plan) == ("at_time", "on_plan")
    assert (child.looked_after, child.care_order) == ("foster", "permanent")
    assert child.home_local_authority == bristol

    # The same file again adds nothing and finds no difference.
    again = records_import(file=csv_file(rows), filename="h.csv", by=admin, dry_run=False)
    assert again.ok and again.added == 0 and not again.warnings


def test_bad_answers_are_errors_on_their_row_and_column(leeds, admin):
    good = death_of_looked_after_child(leeds.name)
    rows = [
        {**good, **SIN_ANSWERS},  # row 2: fine
        {
            **good,
            "incident_date": "2023-04-27",
            "sin_ethnicity": "martian",
            "sin_disability": "perhaps",
            "sin_child_in_need": "always",
            "sin_child_protection_plan": "x",
            "sin_looked_after": "x",
            "sin_care_order": "x",
            "sin_home_local_authority": "Atlantis",
        },  # row 3
        {**good, "incident_date": "2023-04-26", "sin_home_local_authority": "E08000035"},  # row 4
    ]

    result = records_import(file=csv_file(rows), filename="h.csv", by=admin, dry_run=False)

    assert not result.ok
    found = {(p.row, p.column, p.value): p.reason for p in result.errors}
    expected = {
        (3, "sin_ethnicity", "martian"): "Enter one of: white_british",
        (3, "sin_disability", "perhaps"): "Enter one of: yes, no, not_recorded",
        (3, "sin_child_in_need", "always"): "Enter one of: at_time",
        (3, "sin_child_protection_plan", "x"): "Enter one of: on_plan",
        (3, "sin_looked_after", "x"): "Enter one of: foster",
        (3, "sin_care_order", "x"): "Enter one of: proceedings",
        (3, "sin_home_local_authority", "Atlantis"): "a local authority in England",
        (4, "sin_home_local_authority", "E08000035"): "different authority from the one notifying",
    }
    assert set(found) == set(expected), sorted(set(found) ^ set(expected))
    for where, reason in expected.items():
        assert reason in found[where], (where, found[where])
    assert not Notification.objects.exists()


def test_a_reimport_with_other_answers_is_a_warning(leeds, admin):
    row = {**death_of_looked_after_child(leeds.name), **SIN_ANSWERS}
    records_import(file=csv_file([row]), filename="h.csv", by=admin, dry_run=False)

    changed = {**row, "sin_ethnicity": "indian"}
    result = records_import(file=csv_file([changed]), filename="h.csv", by=admin, dry_run=False)

    assert result.ok and result.added == 0
    assert [(w.column, w.value) for w in result.warnings] == [("sin_ethnicity", "indian")]
    assert Notification.objects.get().child_in_focus.ethnicity == "other_asian"
