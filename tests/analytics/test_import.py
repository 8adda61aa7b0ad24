"""Import of historic records (analytics.importer, the import_records command and the upload
page): small synthetic files built here, as CSV and as XLSX."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from analytics.importer import (
    COLUMNS,
    SYSTEM_USERNAME,
    CellError,
    parse_date,
    parse_datetime,
    parse_yes_no,
    records_import,
)
from lcsprs.models import Lcspr
from notifications.models import Notification, NotificationChild, ReferenceSequence
from panel.models import PanelDecision
from rapidreviews.models import RapidReview, RapidReviewTheme
from safeguarding.codes import Role
from safeguarding.models import AuditEvent, User

LONDON = ZoneInfo("Europe/London")
URL = "/statistics/import/"


def row(**values) -> dict[str, object]:
    """A row with every column, blank unless given."""
    unknown = set(values) - set(COLUMNS)
    assert not unknown, unknown
    return {column: values.get(column, "") for column in COLUMNS}


def death_of_looked_after_child(authority: str) -> dict[str, object]:
    """A looked-after child's death, abuse or neglect not suspected, with a full review and
    the Panel's decision; the authority by name, in lower case."""
    return row(
        local_authority=authority.lower(),
        incident_date="2023-04-28",
        date_aware="2023-05-02",
        notified_at="2023-05-05 10:30",
        reason="death",
        abuse_or_neglect="not_suspected",
        children_count="1",
        imd_decile="2",
        rr_submitted_at="2023-05-26",
        page_count="12",
        lcspr_decision="no_lcspr",
        incident_type="death",
        sex="female",
        age_years="15",
        ethnicity="White British",  # a label, not the code
        gender_differs="no",
        lgbtq="not_recorded",
        disability="no",
        neurodivergent="yes",
        young_carer="no",
        cause_of_death="suicide",
        family_known_to_csc="current",
        child_in_need="previous",
        child_protection_plan="no",
        looked_after="foster",
        care_order="permanent",
        education_status="mainstream",
        missing_education="regular_absence",
        mental_health="diagnosed",
        mental_health_linked="yes",
        neglect="no",
        domestic_abuse="yes",
        physical_abuse="context_unknown",
        theme_coordination="yes",
        good_practice_coordination="yes",
        theme_curiosity="yes",
        theme_risk_assessment="no",
        theme_voice_of_child="NO",
        theme_escalation="yes",
        panel_decision="agree",
        panel_decided_at="16/06/2023",
    )


def serious_harm_notified_late(ons_code: str) -> dict[str, object]:
    """A serious harm notified 10 working days after the authority became aware, with a
    review deciding on an LCSPR and no Panel decision yet; labels in other cases."""
    return row(
        local_authority=ons_code,
        incident_date="01/06/2023",
        date_aware="01/06/2023",
        notified_at="2023-06-15",
        reason="Serious harm",
        abuse_or_neglect="SUSPECTED",
        children_count="2",
        rr_submitted_at="2023-07-20T09:00:00",
        page_count="30",
        lcspr_decision="LCSPR needed",
        incident_type="serious_harm",
        sex="male",
        age_years="16",
        cause_of_harm="child sexual exploitation",
        education_status="post16_eet",
        neet="no",
        camhs="open_case",
        sexual_abuse="Yes - extrafamilial",  # a hyphen for the label's en dash
        theme_voice_of_child="yes",
    )


def other_incident_without_review(ons_code: str) -> dict[str, object]:
    return row(
        local_authority=ons_code,
        incident_date="2023-09-01",
        date_aware="2023-09-04",
        notified_at="2023-09-05",
        reason="other",
        abuse_or_neglect="known",
        children_count="1",
        sex="male",
        age_years="3",
    )


def csv_file(rows: list[dict[str, object]], *, bom: bool = True) -> io.BytesIO:
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=list(rows[0]) if rows else list(COLUMNS))
    writer.writeheader()
    writer.writerows(rows)
    return io.BytesIO(text.getvalue().encode("utf-8-sig" if bom else "utf-8"))


def xlsx_file(rows: list[list[object]]) -> io.BytesIO:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for cells in rows:
        sheet.append(cells)
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    return data


@pytest.fixture
def rows(leeds, bristol) -> list[dict[str, object]]:
    return [
        death_of_looked_after_child(leeds.name),
        serious_harm_notified_late(bristol.ons_code),
        other_incident_without_review(leeds.ons_code),
    ]


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMINISTRATOR)


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Notification,
            NotificationChild,
            RapidReview,
            RapidReviewTheme,
            PanelDecision,
            AuditEvent,
            ReferenceSequence,
            Lcspr,
            User,
        )
    }


def problems(result) -> set[tuple[int, str, str]]:
    return {(p.row, p.column, p.value) for p in result.errors}


# --- What an import creates -------------------------------------------------------------------


def assert_imported(leeds, bristol, admin) -> None:
    death, harm, other = (
        Notification.objects.get(incident_date=day)
        for day in (date(2023, 4, 28), date(2023, 6, 1), date(2023, 9, 1))
    )
    # SINs: submitted, imported, numbered in the year notified in order of notification.
    assert [n.reference for n in (death, harm, other)] == [
        "SIN-2023-000001",
        "SIN-2023-000002",
        "SIN-2023-000003",
    ]
    for notification in (death, harm, other):
        assert notification.status == Notification.Status.SUBMITTED
        assert notification.source == "import"
        assert len(notification.import_key) == 64
        assert notification.created_by == admin and notification.submitted_by == admin
        assert notification.lateness_reason == ""
    assert death.local_authority == leeds and harm.local_authority == bristol
    assert death.notified_at == datetime(2023, 5, 5, 10, 30, tzinfo=LONDON)
    assert (death.working_days_to_notify, death.notified_on_time) == (3, True)
    # 1 June 2023 to 15 June 2023: 10 working days, late, and no reason needed.
    assert (harm.working_days_to_notify, harm.notified_on_time) == (10, False)
    assert death.abuse_or_neglect == "not_suspected" and death.child_looked_after_death is True
    assert harm.abuse_or_neglect == "suspected" and harm.child_looked_after_death is False
    assert (death.imd_decile, death.imd_source, harm.imd_decile) == (2, "entered", None)
    assert (death.imported_children_count, harm.imported_children_count) == (1, 2)

    # One child in focus each, from the row.
    child = death.children.get()
    assert (child.child_reference, child.sex, child.age_years, child.harm) == (
        "Child A",
        "female",
        15,
        "death",
    )
    assert child.is_child_in_focus
    assert harm.children.get().harm == "serious_harm"

    # The review: submitted, its clock from the SIN, its coded answers.
    review = death.rapid_review
    assert review.status == RapidReview.Status.SUBMITTED
    assert review.partnership == leeds.partnership
    assert review.clock_started_on == date(2023, 5, 5)
    # 15 working days after Friday 5 May 2023, past two bank holidays (8 and 29 May).
    assert review.due_date == review.original_due_date == date(2023, 5, 30)
    assert review.submitted_at == datetime(2023, 5, 26, tzinfo=LONDON)
    assert (review.working_days_taken, review.submitted_on_time) == (14, True)
    assert review.document_page_count == 12
    assert review.lcspr_decision == "no_lcspr" and review.lcspr_rationale == ""
    assert (review.incident_type, review.sex, review.age_years) == ("death", "female", 15)
    assert review.ethnicity == "white_british"
    assert review.cause_of_death == "suicide" and review.cause_of_harm == ""
    assert (review.looked_after, review.mental_health_linked) == ("foster", "yes")
    assert review.physical_abuse == "context_unknown" and review.sexual_abuse == ""
    assert review.neet == ""  # blank: not applicable at 15
    assert review.not_recorded_accepted  # lgbtq not recorded
    assert review.submitted_by == admin
    themes = {t.theme: (t.present, t.good_practice) for t in review.themes.all()}
    assert themes == {
        "coordination": (True, True),
        "curiosity": (True, False),
        "risk_assessment": (False, False),
        "voice_of_child": (False, False),
        "escalation": (True, False),
    }
    decision = review.panel_decisions.get()
    assert (decision.outcome, decision.version, decision.is_current) == ("agree", 1, True)
    assert decision.decided_at == datetime(2023, 6, 16, tzinfo=LONDON)
    assert decision.decided_by == admin
    assert decision.analysis_quality == "" and decision.reasons == ""
    assert dict(decision.quality_rows())["Thoroughness of analysis"] == "Not recorded"

    late_review = harm.rapid_review
    assert late_review.cause_of_harm == "cse" and late_review.sexual_abuse == "extrafamilial"
    assert late_review.lcspr_decision == "lcspr"
    assert (late_review.submitted_on_time, late_review.neet) == (False, "no")
    assert not late_review.panel_decisions.exists()
    # Historic: no LCSPR is opened for the decision to hold one.
    assert not Lcspr.objects.exists()

    # No review for a row without one.
    assert not RapidReview.objects.filter(notification=other).exists()

    # One audit event for the import.
    event = AuditEvent.objects.get(message__startswith="Historic records imported")
    assert event.actor == admin
    assert event.changes == {
        "file": event.changes["file"],
        "rows": 3,
        "added": 3,
        "already_imported": 0,
        "differing": 0,
    }


def test_csv_import_creates_sins_children_reviews_themes_and_decisions(rows, leeds, bristol, admin):
    result = records_import(file=csv_file(rows), filename="historic.csv", by=admin, dry_run=False)

    assert result.errors == []
    assert (result.rows, result.added, result.already_imported) == (3, 3, 0)
    assert result.references == ["SIN-2023-000001", "SIN-2023-000002", "SIN-2023-000003"]
    assert_imported(leeds, bristol, admin)
    assert AuditEvent.objects.get(message__startswith="Historic").changes["file"] == "historic.csv"


def test_csv_without_byte_order_mark(rows, admin):
    result = records_import(
        file=csv_file(rows, bom=False), filename="HISTORIC.CSV", by=admin, dry_run=False
    )
    assert result.ok and result.added == 3


def test_xlsx_import_with_date_cells_and_numbers(rows, leeds, bristol, admin):
    typed = {
        "incident_date": [date(2023, 4, 28), date(2023, 6, 1), date(2023, 9, 1)],
        "date_aware": [date(2023, 5, 2), date(2023, 6, 1), date(2023, 9, 4)],
        "notified_at": [datetime(2023, 5, 5, 10, 30), date(2023, 6, 15), date(2023, 9, 5)],
        "rr_submitted_at": [date(2023, 5, 26), datetime(2023, 7, 20, 9), None],
        "panel_decided_at": [datetime(2023, 6, 16), None, None],
        "age_years": [15, 16, 3],
        "children_count": [1, 2.0, 1],
        "imd_decile": [2, None, None],
        "page_count": [12, 30, None],
    }
    sheet = [[*COLUMNS, None]]  # an empty cell after the header, as spreadsheets leave
    for index, values in enumerate(rows):
        sheet.append([typed[c][index] if c in typed else (values[c] or None) for c in COLUMNS])
    sheet.append([None] * len(COLUMNS))  # a blank row at the end

    result = records_import(
        file=xlsx_file(sheet), filename="historic.xlsx", by=admin, dry_run=False
    )

    assert result.errors == []
    assert result.added == 3
    assert_imported(leeds, bristol, admin)


# --- Reading cells ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-05-31", date(2023, 5, 31)),
        ("31/05/2023", date(2023, 5, 31)),
        ("1/6/2023", date(2023, 6, 1)),
        (datetime(2023, 5, 31), date(2023, 5, 31)),  # an XLSX date cell
        (date(2023, 5, 31), date(2023, 5, 31)),
    ],
)
def test_dates(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value", ["2023-02-30", "05/31/2023", "31 May 2023", "2023-5-31", datetime(2023, 5, 31, 9)]
)
def test_not_dates(value):
    with pytest.raises(CellError):
        parse_date(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-05-31", datetime(2023, 5, 31, tzinfo=LONDON)),
        ("2023-05-31 14:30", datetime(2023, 5, 31, 14, 30, tzinfo=LONDON)),
        ("2023-05-31T14:30:15", datetime(2023, 5, 31, 14, 30, 15, tzinfo=LONDON)),
        ("2023-05-31T13:30:00Z", datetime(2023, 5, 31, 14, 30, tzinfo=LONDON)),
        ("2023-12-01T14:30:00+00:00", datetime(2023, 12, 1, 14, 30, tzinfo=LONDON)),
        ("31/05/2023 09:05", datetime(2023, 5, 31, 9, 5, tzinfo=LONDON)),
        (datetime(2023, 5, 31, 9, 5), datetime(2023, 5, 31, 9, 5, tzinfo=LONDON)),
    ],
)
def test_datetimes_are_uk_time_unless_they_say(value, expected):
    assert parse_datetime(value) == expected


@pytest.mark.parametrize("value", ["2023-05-31 25:00", "31/05/2023 9am", "yesterday"])
def test_not_datetimes(value):
    with pytest.raises(CellError):
        parse_datetime(value)


@pytest.mark.parametrize(
    ("value", "expected"), [("Yes", True), ("no", False), ("Y", True), (True, True), (False, False)]
)
def test_yes_no(value, expected):
    assert parse_yes_no(value) is expected


# --- Errors -------------------------------------------------------------------------------


def test_every_error_is_reported_at_once_with_row_column_value_and_reason(leeds, admin):
    good = death_of_looked_after_child(leeds.name)
    bad_rows = [
        good,  # row 2: fine
        {**good, "local_authority": "Atlantis", "incident_date": "31/02/2023"},  # row 3
        {
            **good,
            "date_aware": "2023-04-01",  # before the incident
            "reason": "murder",
            "children_count": "0",
            "age_years": "18",
            "imd_decile": "11",
        },  # row 4
        {
            **good,
            "incident_date": "2023-04-27",
            "abuse_or_neglect": "not_suspected",
            "looked_after": "no",  # not a looked-after child's death
            "cause_of_death": "",  # required for a death
            "cause_of_harm": "neglect",  # only for a serious harm
            "neet": "yes",  # only at 16 or 17
            "theme_risk_assessment": "no",
            "good_practice_risk_assessment": "yes",  # good practice in a theme not featured
            "theme_escalation": "maybe",
        },  # row 5
        {
            **other_incident_without_review(leeds.ons_code),
            "notified_at": "2023-09-01",  # before the date aware
            "camhs": "open_case",  # a review answer without rr_submitted_at
        },  # row 6
        {
            **other_incident_without_review(leeds.ons_code),
            "incident_date": "2023-08-01",
            "panel_decision": "agree",  # no review to decide on
            "panel_decided_at": "2023-09-30",
        },  # row 7
        # Row 8: decided before the review was submitted.
        {**good, "incident_date": "2023-04-26", "panel_decided_at": "2023-05-01"},
        dict(good),  # row 9: the same incident as row 2
        {**good, "incident_date": "2099-01-01", "date_aware": "2099-01-02"},  # row 10: future
    ]
    before = counts()

    result = records_import(file=csv_file(bad_rows), filename="bad.csv", by=admin, dry_run=False)

    assert not result.ok
    found = {(p.row, p.column, p.value): p.reason for p in result.errors}
    expected = {
        (3, "local_authority", "Atlantis"): "ONS code or name of a local authority",
        (3, "incident_date", "31/02/2023"): "Enter a real date",
        (4, "date_aware", "2023-04-01"): "same as or after the date of the incident",
        (4, "reason", "murder"): "Enter one of: death, serious_harm, other",
        (4, "children_count", "0"): "from 1 to 999",
        (4, "age_years", "18"): "Age must be a whole number from 0 to 17",
        (4, "imd_decile", "11"): "IMD decile must be a whole number from 1 to 10",
        (5, "abuse_or_neglect", "not_suspected"): "death of a looked-after child",
        (5, "cause_of_death", ""): "Enter the likely cause of death",
        (5, "cause_of_harm", "neglect"): "only for an incident type of serious harm: leave it",
        (5, "neet", "yes"): "16 or 17",
        (5, "good_practice_risk_assessment", "yes"): "if it features in the review",
        (5, "theme_escalation", "maybe"): "Enter yes or no",
        (6, "notified_at", "2023-09-01"): "the local authority became aware",
        (6, "rr_submitted_at", ""): "Enter the date the rapid review was submitted",
        (6, "incident_type", ""): "Enter the incident type as reviewed",
        (7, "panel_decision", "agree"): "needs the rapid review",
        (8, "panel_decided_at", "2023-05-01"): "the rapid review's submission",
        (9, "", ""): "The same incident as row 2",
        (10, "incident_date", "2099-01-01"): "today or in the past",
        (10, "date_aware", "2099-01-02"): "today or in the past",
    }
    for where, reason in expected.items():
        assert where in found, (where, sorted(found))
        assert reason in found[where], (where, found[where])
    # Nothing else: in particular, nothing about row 2, and no knock-on errors from a cell
    # that could not be read.
    assert set(found) == set(expected), sorted(set(found) ^ set(expected))
    # Nothing written: not even the audit event.
    assert counts() == before


def test_header_with_missing_and_repeated_columns_is_refused(admin):
    header = [c for c in COLUMNS if c != "imd_decile"] + ["notes", "reason"]
    data = io.BytesIO((",".join(header) + "\n").encode())

    result = records_import(file=data, filename="x.csv", by=admin, dry_run=False)

    assert problems(result) == {
        (1, "reason", "reason"),
        (1, "imd_decile", ""),
    }
    # An unknown column is a warning (issue 19, item 6), reported with the refusal.
    assert [(p.row, p.column, p.reason) for p in result.warnings] == [
        (1, "notes", "Unknown column notes: it was ignored")
    ]
    reasons = {p.column: p.reason for p in result.errors}
    assert "more than once" in reasons["reason"]
    assert "no column with this name" in reasons["imd_decile"]


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"a,b\n", "records.txt", "must be a CSV or Excel (.xlsx) file"),
        (b"\xff\xfe\x00bad", "records.csv", "saved as UTF-8"),
        (b"not a zip", "records.xlsx", "not an Excel (.xlsx) workbook"),
        (b"", "records.csv", "The file is empty"),
    ],
)
def test_unreadable_files_are_refused(admin, content, filename, message):
    result = records_import(file=io.BytesIO(content), filename=filename, by=admin, dry_run=False)
    assert len(result.errors) == 1 and message in result.errors[0].reason


def test_a_file_with_only_a_header_has_no_rows(admin):
    result = records_import(file=csv_file([]), filename="x.csv", by=admin, dry_run=False)
    assert [p.reason for p in result.errors] == ["The file has no rows after the header"]


# --- Idempotency and dry runs ---------------------------------------------------------------


def test_importing_the_same_file_twice_adds_nothing(rows, admin):
    first = records_import(file=csv_file(rows), filename="h.csv", by=admin, dry_run=False)
    after_first = counts()

    again = records_import(file=csv_file(rows), filename="h.csv", by=admin, dry_run=False)

    assert (first.added, again.added, again.already_imported) == (3, 0, 3)
    assert again.warnings == []
    assert {**counts(), "AuditEvent": after_first["AuditEvent"]} == after_first
    assert AuditEvent.objects.filter(message__startswith="Historic records").count() == 2


def test_a_row_already_imported_with_other_values_is_a_warning_and_changes_nothing(rows, admin):
    records_import(file=csv_file(rows), filename="h.csv", by=admin, dry_run=False)
    # The same incidents (same key), other answers: and one new incident.
    changed = [
        {**rows[0], "panel_decision": "disagree", "theme_curiosity": "no"},
        rows[1],
        rows[2],
        {**rows[2], "incident_date": "2023-09-02"},
    ]

    result = records_import(file=csv_file(changed), filename="h2.csv", by=admin, dry_run=False)

    assert result.ok
    assert (result.added, result.already_imported) == (1, 3)
    assert {(w.row, w.column, w.value) for w in result.warnings} == {
        (2, "panel_decision", "disagree"),
        (2, "theme_curiosity", "no"),
    }
    assert all("SIN-2023-000001" in w.reason for w in result.warnings)
    assert PanelDecision.objects.get().outcome == "agree"  # not changed


def test_dry_run_writes_nothing(rows):
    before = counts()

    result = records_import(file=csv_file(rows), filename="h.csv", by=None, dry_run=True)

    assert result.ok and result.dry_run
    assert (result.added, result.already_imported) == (3, 0)
    assert counts() == before
    assert not User.objects.filter(username=SYSTEM_USERNAME).exists()


# --- The command --------------------------------------------------------------------------


def test_command_imports_and_reports_counts(rows, tmp_path):
    path = tmp_path / "historic.csv"
    path.write_bytes(csv_file(rows).getvalue())
    out = io.StringIO()

    call_command("import_records", str(path), stdout=out)
    call_command("import_records", str(path), stdout=out)

    assert "Added 3 record(s); 0 already imported (3 row(s) in historic.csv)." in out.getvalue()
    assert "Added 0 record(s); 3 already imported" in out.getvalue()
    system = User.objects.get(username=SYSTEM_USERNAME)
    assert not system.is_active and not system.has_usable_password()
    assert set(Notification.objects.values_list("created_by", flat=True)) == {system.pk}


def test_command_dry_run_and_by(rows, tmp_path, admin):
    path = tmp_path / "historic.csv"
    path.write_bytes(csv_file(rows).getvalue())
    out = io.StringIO()

    call_command("import_records", str(path), "--dry-run", "--by", admin.username, stdout=out)

    assert "Would add 3 record(s)" in out.getvalue() and "nothing was imported" in out.getvalue()
    assert not Notification.objects.exists()
    call_command("import_records", str(path), "--by", admin.username, stdout=io.StringIO())
    assert set(Notification.objects.values_list("created_by", flat=True)) == {admin.pk}


def test_command_lists_every_error_and_fails(rows, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_file([rows[0], {**rows[1], "reason": "x", "age_years": "20"}]).getvalue())
    err = io.StringIO()

    with pytest.raises(CommandError, match="Nothing imported: 2 problem"):
        call_command("import_records", str(path), stderr=err, stdout=io.StringIO())

    lines = err.getvalue().splitlines()
    assert any(line.startswith("Row 3, column reason (value “x”): Enter one of") for line in lines)
    assert any(line.startswith("Row 3, column age_years (value “20”): Age must") for line in lines)
    assert not Notification.objects.exists()


@pytest.mark.parametrize("by", ["nobody", "la-user"])
def test_command_refuses_an_unknown_or_non_administrator_user(rows, tmp_path, make_user, by):
    make_user(Role.LA_USER, username="la-user")
    path = tmp_path / "historic.csv"
    path.write_bytes(csv_file(rows).getvalue())
    with pytest.raises(CommandError):
        call_command("import_records", str(path), "--by", by)
    assert not Notification.objects.exists()


def test_command_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_records", str(tmp_path / "missing.csv"))


# --- The page -----------------------------------------------------------------------------


def upload(rows, name: str = "historic.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_file(rows).getvalue(), content_type="text/csv")


@pytest.fixture
def post_import(client, django_capture_on_commit_callbacks):
    """Upload on the page: the import runs on the worker (eagerly here, once the upload has
    committed) and the upload leads to the import's page, returned with the POST's response."""

    def post(data):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(URL, data)
        assert response.status_code == 302, response.status_code
        return response, client.get(response["Location"])

    return post


def test_url_is_in_the_analytics_namespace():
    assert reverse("analytics:records-import") == URL


def test_administrator_uploads_a_file(client, admin, rows, post_import):
    client.force_login(admin)
    assert client.get(URL).status_code == 200

    response, page = post_import({"file": upload(rows)})

    assert response["Location"].startswith(URL) and response["Location"] != URL
    assert "Imported historic.csv: 3 record(s) added, 0 already imported." in page.content.decode()
    assert "historic.csv" in client.get(URL).content.decode()  # in the recent imports
    assert Notification.objects.filter(created_by=admin).count() == 3


@pytest.mark.parametrize(
    "role", [Role.LA_USER, Role.PARTNERSHIP_LEAD, Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT]
)
def test_others_are_refused(client, make_user, rows, role):
    client.force_login(make_user(role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"file": upload(rows)}).status_code == 403
    assert not Notification.objects.exists()


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_errors_are_in_the_error_summary_and_listed_in_a_table(client, admin, rows, post_import):
    client.force_login(admin)
    bad = [rows[0], {**rows[1], "reason": "murder"}, {**rows[2], "sex": "unknown"}]

    _, response = post_import({"file": upload(bad)})

    assert response.status_code == 200
    page = response.content.decode()
    summary = page.split('class="govuk-error-summary"')[1].split("<h1")[0]
    assert "The file has 2 problems: nothing was imported" in summary
    assert "Row 3, column reason: Enter one of: death, serious_harm, other" in summary
    assert "Row 4, column sex: Enter one of: male, female" in summary
    table = page.split('id="import-problems"')[1]
    assert "<code>reason</code>" in table and "murder" in table
    assert "<title>Error:" in page
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select a CSV or XLSX file"),
        (
            {"file": SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")},
            "The selected file must be a CSV or XLSX file",
        ),
    ],
)
def test_the_file_field_says_what_is_wrong(client, admin, data, message):
    client.force_login(admin)

    response = client.post(URL, data)

    assert response.status_code == 200
    page = response.content.decode()
    assert f'<a href="#id_file">{message}</a>' in page  # in the summary, to the field
    assert "govuk-error-message" in page and "govuk-file-upload--error" in page


def test_check_without_importing(client, admin, rows, post_import):
    client.force_login(admin)
    before = counts()

    _, response = post_import({"file": upload(rows), "dry_run": "on"})

    assert response.status_code == 200
    assert (
        "historic.csv is ready to import: 3 record(s) would be added" in response.content.decode()
    )
    # Nothing imported (the upload itself is in the audit trail).
    after = counts()
    assert after.pop("AuditEvent") == before.pop("AuditEvent") + 1
    assert after == before


def test_page_lists_differences_in_rows_already_imported(client, admin, rows, post_import):
    client.force_login(admin)
    post_import({"file": upload(rows)})

    _, response = post_import({"file": upload([{**rows[0], "page_count": "13"}])})

    assert response.status_code == 200
    page = response.content.decode()
    assert "0 record(s) added, 1 already imported" in page
    assert "import-warnings" in page and "where this is 12" in page


# --- Scoping ------------------------------------------------------------------------------


def test_imported_review_is_visible_to_its_partnership_only(client, make_user, rows, leeds, admin):
    records_import(file=csv_file(rows), filename="h.csv", by=admin, dry_run=False)
    review = RapidReview.objects.get(partnership=leeds.partnership)
    url = reverse("rapidreviews:review-detail", args=[review.pk])

    client.force_login(make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership))
    page = client.get(url)
    assert page.status_code == 200 and "SIN-2023-000001" in page.content.decode()

    client.force_login(make_user(Role.PARTNERSHIP_LEAD))  # another partnership
    assert client.get(url).status_code == 404

    client.force_login(make_user(Role.PANEL_MEMBER))
    assert client.get(url).status_code == 200
