"""The import_records command's progress bar (issue 19, item 1): tqdm on stderr when it is a
terminal, moved by the importer's progress callback; the summary is unchanged, and captured
or logged output holds no bar. Optional columns left out of a file are read as blank, and an
unknown column is a warning (item 6)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

import analytics.importer
from analytics.importer import OPTIONAL_COLUMNS, records_import
from notifications.models import Notification
from rapidreviews.models import RapidReviewTheme

from .test_import import csv_file, death_of_looked_after_child, other_incident_without_review

pytestmark = pytest.mark.django_db


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def path(tmp_path, leeds):
    rows = [death_of_looked_after_child(leeds.name), other_incident_without_review(leeds.ons_code)]
    made = tmp_path / "historic.csv"
    made.write_bytes(csv_file(rows).getvalue())
    return made


def test_the_command_shows_a_progress_bar_on_a_terminal(path, monkeypatch):
    monkeypatch.setattr(analytics.importer, "PROGRESS_ROWS", 1)
    out, err = io.StringIO(), Terminal()

    call_command("import_records", str(path), stdout=out, stderr=err)

    assert out.getvalue().strip() == (
        "Added 2 record(s); 0 already imported (2 row(s) in historic.csv)."
    )
    bar = err.getvalue()
    assert "2/2" in bar and "rows" in bar and "2 written" in bar
    assert Notification.objects.count() == 2


def test_captured_output_has_no_bar_and_no_progress_can_be_asked(path):
    err = io.StringIO()
    call_command("import_records", str(path), "--dry-run", stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == ""

    terminal = Terminal()
    call_command(
        "import_records", str(path), "--no-progress", stdout=io.StringIO(), stderr=terminal
    )
    assert terminal.getvalue() == ""
    assert Notification.objects.count() == 2


def test_progress_is_told_every_chunk_of_rows_not_every_row(leeds, monkeypatch):
    from .import_data import synthetic_csv_bytes

    monkeypatch.setattr(analytics.importer, "PROGRESS_ROWS", 5)
    told: list[analytics.importer.ImportProgress] = []

    result = records_import(
        file=synthetic_csv_bytes(12, [leeds.ons_code]),
        filename="twelve.csv",
        by=None,
        dry_run=True,
        progress=told.append,
    )

    assert result.ok, result.errors[:3]
    # At the start, after rows 5 and 10, every row read, before saving and once saved.
    assert [(p.phase, p.rows_checked, p.rows_imported) for p in told] == [
        ("checking", 0, 0),
        ("checking", 5, 0),
        ("checking", 10, 0),
        ("checking", 12, 0),
        ("importing", 12, 0),
        ("importing", 12, 12),
    ]


def test_optional_columns_left_out_are_blank_and_an_unknown_column_is_a_warning(leeds, admin):
    row = death_of_looked_after_child(leeds.name)
    row["theme_thresholds"] = "yes"  # an optional cross-cutting theme, present in this file
    kept = {c: v for c, v in row.items() if c not in OPTIONAL_COLUMNS or c == "theme_thresholds"}
    kept["legacy_id"] = "A-123"

    result = records_import(file=csv_file([kept]), filename="old.csv", by=admin, dry_run=False)

    assert result.ok, result.errors
    assert [(w.column, w.reason) for w in result.warnings] == [
        ("legacy_id", "Unknown column legacy_id: it was ignored")
    ]
    notification = Notification.objects.get()
    assert notification.incident_location == "" and notification.media_interest == ""
    themes = set(RapidReviewTheme.objects.filter(present=True).values_list("theme", flat=True))
    assert "thresholds" in themes and "early_help" not in themes


def test_the_cross_cutting_themes_are_optional_and_the_core_ones_are_not():
    assert {"theme_early_help", "good_practice_cross_boundary"} <= set(OPTIONAL_COLUMNS)
    assert "theme_coordination" not in OPTIONAL_COLUMNS
    assert len(set(analytics.importer.COLUMNS)) == len(analytics.importer.COLUMNS)


@pytest.fixture
def admin(make_user):
    from safeguarding.codes import Role

    return make_user(Role.ADMINISTRATOR)
