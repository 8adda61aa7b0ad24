"""Issue 16: import_records takes the optional columns of where and how the incident happened
(absent from older files), judged by the form's rules with an error per row and column."""

from __future__ import annotations

import csv
import io
from datetime import time

import pytest

from analytics.importer import COLUMNS, OPTIONAL_COLUMNS, records_import
from notifications.models import Notification

from .test_import import other_incident_without_review, problems

pytestmark = pytest.mark.django_db


def csv_of(rows: list[dict[str, object]], *, columns: list[str] | None = None) -> io.BytesIO:
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=columns or list(COLUMNS), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return io.BytesIO(text.getvalue().encode("utf-8"))


def run(rows, **kwargs):
    return records_import(
        file=csv_of(rows, **kwargs), filename="records.csv", by=None, dry_run=False
    )


def test_the_optional_columns_are_imported(leeds, bristol):
    row = other_incident_without_review(leeds.ons_code)
    row.update(
        incident_time="2:30pm",
        incident_location="Elsewhere in England",  # a label
        incident_local_authority="bristol",
        incident_setting="other",
        incident_setting_other="A caravan park",
        agencies_involved="Police; health",
        police_involvement="yes",
        criminal_proceedings="under_way",
        media_interest="unknown",
    )
    result = run([row])

    assert result.ok, result.errors
    notification = Notification.objects.get()
    assert notification.incident_time == time(14, 30)
    assert notification.incident_location == "elsewhere_england"
    assert notification.incident_local_authority == bristol
    assert notification.incident_setting_other == "A caravan park"
    assert notification.agencies_involved == "police,health"
    assert (
        notification.police_involvement,
        notification.criminal_proceedings,
        notification.media_interest,
    ) == ("yes", "under_way", "unknown")

    # The same file again: already imported, and no differences reported.
    again = run([row])
    assert again.ok and again.added == 0 and again.warnings == []


def test_a_file_without_the_optional_columns_imports(leeds):
    required = [column for column in COLUMNS if column not in OPTIONAL_COLUMNS]
    result = run([other_incident_without_review(leeds.ons_code)], columns=required)
    assert result.ok, result.errors
    assert Notification.objects.get().incident_location == ""


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"incident_location": "moon"}, "incident_location", "Enter one of: in_area"),
        ({"incident_setting": "garden"}, "incident_setting", "Enter one of: home"),
        ({"police_involvement": "maybe"}, "police_involvement", "Enter one of: yes, no"),
        ({"criminal_proceedings": "soon"}, "criminal_proceedings", "Enter one of: none"),
        ({"media_interest": "lots"}, "media_interest", "Enter one of: yes, no"),
        ({"agencies_involved": "police, army"}, "agencies_involved", "Enter agencies from"),
        ({"incident_time": "25:00"}, "incident_time", "Enter a time like 14:30"),
        (
            {"incident_location": "elsewhere_england"},
            "incident_local_authority",
            "Select the local authority where it happened",
        ),
        (
            {"incident_location": "elsewhere_england", "incident_local_authority": "Leeds"},
            "incident_local_authority",
            "Leeds is your own",
        ),
        (
            {"incident_location": "elsewhere_england", "incident_local_authority": "Atlantis"},
            "incident_local_authority",
            "Enter the ONS code or name of a local authority in England",
        ),
        (
            {"incident_location": "in_area", "incident_local_authority": "Bristol"},
            "incident_local_authority",
            "Leave it blank unless incident_location is elsewhere_england",
        ),
        (
            {"incident_location": "outside_england"},
            "incident_place_outside_england",
            "Enter where outside England it happened",
        ),
        ({"incident_setting": "other"}, "incident_setting_other", "Enter the setting"),
    ],
)
def test_a_bad_cell_is_an_error_on_its_row_and_column(leeds, cells, column, message):
    row = other_incident_without_review(leeds.ons_code)
    row.update(cells)
    result = run([row])

    assert not result.ok
    assert (2, column) in {(row, col) for row, col, _ in problems(result)}
    assert any(message in problem.reason for problem in result.errors if problem.column == column)
    assert not Notification.objects.exists()
