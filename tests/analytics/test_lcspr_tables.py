"""The LCSPR figures (issue 18, item 2; analytics.tables.lcsprs) against a straightforward Python
computation on random LCSPRs: considered on random dates around the reporting year's bounds
(31 March, 1 April) or not yet, of SINs in several incident years, some withdrawn, with random
publication and notice dates, feedback answers (blanks too) and learning themes. Then the year
boundary by the date considered, suppression in the public export, the tables in the CSV, XLSX
and PDF, and an older snapshot without them."""

import csv
import io
import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from unittest import mock
from xml.etree import ElementTree

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from analytics import tables as t
from analytics.charts import chart_svg
from analytics.engine import compute_year, table_get
from analytics.exports import sheets_by_table, snapshot_csv, snapshot_pdf, snapshot_xlsx
from analytics.models import StatisticsSnapshot
from analytics.services import statistics_compute
from analytics.suppression import SUPPRESSED, suppress_table, table_lines
from lcsprs.models import Lcspr, LcsprLearningTheme
from lcsprs.timescales import lcspr_due_date
from notifications.models import AbuseOrNeglect, Notification, Withdrawal
from panel.models import Extent, Quality
from rapidreviews.codes import LearningTheme
from rapidreviews.models import RapidReview
from safeguarding.codes import Reason, RegionCode, Role
from safeguarding.models import LocalAuthority
from safeguarding.services import reference_data_load

from ..factories import AdministratorFactory, LaUserFactory
from ..lcsprs.factories import LcsprFactory
from ..notifications.factories import SubmittedNotificationFactory
from ..pdf import normalised, pdf_text
from ..rapidreviews.factories import RapidReviewFactory

pytestmark = pytest.mark.django_db

YEAR = 2023
THRESHOLD = 5
LCSPR_TABLES = [spec.id for spec in t.lcsprs.TABLES]
CONSIDERED = "LCSPRs considered"
# Dates the Panel considers LCSPRs on: the reporting year's bounds and either side of them,
# and any day of the year before, this one and the next.
BOUNDARY_DATES = [
    date(2023, 3, 31),
    date(2023, 4, 1),
    date(2024, 3, 31),
    date(2024, 4, 1),
]


def pct(n: int, d: int) -> str | None:
    if not d:
        return None
    value = Decimal(n) * 100 / Decimal(d)
    return str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def in_year(d: date | None, year: int = YEAR) -> bool:
    return d is not None and date(year, 4, 1) <= d <= date(year + 1, 3, 31)


# --- Random data -----------------------------------------------------------------------------


def _considered_on(rng: random.Random) -> date | None:
    roll = rng.random()
    if roll < 0.1:
        return None  # not considered yet
    if roll < 0.35:
        return rng.choice(BOUNDARY_DATES)
    return date(2022, 10, 1) + timedelta(days=rng.randrange(900))


def _sin(rng: random.Random, user, authorities) -> Notification:
    incident = date(2021, 4, 1) + timedelta(days=rng.randrange(1100))
    withdrawn = rng.random() < 0.1
    return SubmittedNotificationFactory(
        created_by=user,
        local_authority=rng.choice(authorities),
        incident_date=incident,
        date_aware=incident,
        reason=rng.choice(list(Reason)),
        withdrawal=rng.choice(Withdrawal.values) if withdrawn else "",
        withdrawal_reason="Synthetic reason." if withdrawn else "",
        withdrawn_at=timezone.now() if withdrawn else None,
        withdrawn_by=user if withdrawn else None,
    )


def make_lcsprs(count: int, seed: int = 18) -> None:
    """`count` LCSPRs with random answers, each on its own submitted rapid review."""
    rng = random.Random(seed)
    user = LaUserFactory()
    authorities = list(LocalAuthority.objects.all())
    for _ in range(count):
        sin = _sin(rng, user, authorities)
        review = RapidReviewFactory(
            notification=sin,
            status=RapidReview.Status.SUBMITTED,
            submitted_at=timezone.now(),
            working_days_taken=10,
            submitted_on_time=True,
            incident_type=rng.choice(list(Reason)),
            lcspr_decision="lcspr",
            lcspr_rationale="Synthetic rationale.",
        )
        clock = sin.incident_date + timedelta(days=rng.randrange(10, 40))
        due = lcspr_due_date(clock)
        received = rng.choice([None, due - timedelta(days=rng.randrange(0, 60))])
        published = None
        planned = rng.choice([None, due + timedelta(days=rng.randrange(-30, 30))])
        if received is not None and rng.random() < 0.4:
            planned = received + timedelta(days=rng.choice([5, 6, 7, 8, 20]))
        if received is not None and rng.random() < 0.6:
            # Around the due date (the boundary included) and around 7 days' notice.
            published = rng.choice(
                [
                    due,
                    due - timedelta(days=1),
                    due + timedelta(days=1),
                    received + timedelta(days=rng.choice([0, 6, 7, 8, 30])),
                    received + timedelta(days=rng.choice([6, 7])),
                ]
            )
            published = max(published, received)
        if published is not None:
            status = Lcspr.Status.PUBLISHED
        elif received is not None:
            status = Lcspr.Status.FINAL_REPORT_SENT
        else:
            status = Lcspr.Status.IN_PROGRESS
        lcspr = LcsprFactory(
            rapid_review=review,
            status=status,
            clock_started_on=clock,
            due_date=due,
            final_report_received_on=received,
            planned_publication_date=planned,
            actual_publication_date=published,
            published_url="https://www.example.gov.uk/lcspr" if published else "",
            considered_on=_considered_on(rng),
            feedback_analysis_quality=rng.choice(["", *Quality.values]),
            feedback_lived_experience=rng.choice(["", *Quality.values]),
            feedback_race_ethnicity_culture=rng.choice(["", *Quality.values]),
            recommendations_smart=rng.choice(["", *Extent.values]),
            child_voice_heard=rng.choice(["", *Extent.values]),
        )
        for theme in rng.sample(LearningTheme.values, rng.choice([0, 1, 2, 3, 5])):
            LcsprLearningTheme.objects.create(lcspr=lcspr, theme=theme)


# --- The straightforward computation ---------------------------------------------------------


def considered(year: int = YEAR) -> list[Lcspr]:
    every = Lcspr.objects.select_related(
        "rapid_review__notification__local_authority__region"
    ).prefetch_related("learning_themes")
    out = []
    for lcspr in every:
        sin = lcspr.rapid_review.notification
        if (
            in_year(lcspr.considered_on, year)
            and sin.status == Notification.Status.SUBMITTED
            and sin.withdrawal == ""
            and sin.abuse_or_neglect != AbuseOrNeglect.NOT_SUSPECTED
            and lcspr.rapid_review.status == RapidReview.Status.SUBMITTED
        ):
            out.append(lcspr)
    return out


def flat(table: dict) -> dict[tuple[str, str, str], tuple]:
    columns = [c["label"] for c in table["columns"]]
    out = {}
    for group in table["groups"]:
        for row in group["rows"]:
            for column, c in zip(columns, row["cells"], strict=True):
                out[(group["label"], row["label"], column)] = (c["n"], c["pct"])
    return out


def one_column(group: str, rows: list[tuple[str, object]], records: list[Lcspr]) -> dict:
    """A Total column: each row's count of `records` matching its predicate, % of all."""
    out = {}
    for label, pred in rows:
        n = sum(1 for r in records if pred(r))
        out[(group, label, "Total")] = (n, pct(n, len(records)))
    out[(group, CONSIDERED, "Total")] = (len(records), pct(len(records), len(records)))
    return out


def publication(lcspr: Lcspr) -> date | None:
    return lcspr.actual_publication_date or lcspr.planned_publication_date


def notice(lcspr: Lcspr) -> int | None:
    if lcspr.final_report_received_on is None or publication(lcspr) is None:
        return None
    return (publication(lcspr) - lcspr.final_report_received_on).days


def region(lcspr: Lcspr) -> str:
    return lcspr.rapid_review.notification.local_authority.region.code


def expected_region(records: list[Lcspr]) -> dict:
    columns = {str(label): code for code, label in Reason.choices}
    out = {}
    for column, code in [*columns.items(), ("Total", None)]:
        of_column = [r for r in records if code is None or r.rapid_review.incident_type == code]
        for region_code, label in RegionCode.choices:
            n = sum(1 for r in of_column if region(r) == region_code)
            out[("Region", str(label), column)] = (n, pct(n, len(of_column)))
        out[("Region", "England", column)] = (len(of_column), pct(len(of_column), len(of_column)))
    return out


def expected_incident_type(records: list[Lcspr]) -> dict:
    rows = [
        (str(label), lambda r, code=code: r.rapid_review.incident_type == code)
        for code, label in Reason.choices
    ]
    return one_column("Incident type", rows, records)


def expected_timeliness(records: list[Lcspr]) -> dict:
    published = "Published within 6 months of the rapid review"
    received = "Final report received at least 7 days before publication"
    return one_column(
        published,
        [
            (
                "Published within 6 months",
                lambda r: (
                    r.actual_publication_date is not None
                    and r.actual_publication_date <= r.due_date
                ),
            ),
            (
                "Published later than 6 months",
                lambda r: (
                    r.actual_publication_date is not None and r.actual_publication_date > r.due_date
                ),
            ),
            ("Not yet published", lambda r: r.actual_publication_date is None),
        ],
        records,
    ) | one_column(
        received,
        [
            (
                "Received at least 7 days before publication",
                lambda r: notice(r) is not None and notice(r) >= 7,
            ),
            (
                "Received fewer than 7 days before publication",
                lambda r: notice(r) is not None and notice(r) < 7,
            ),
            ("Not known", lambda r: notice(r) is None),
        ],
        records,
    )


def expected_learning_themes(records: list[Lcspr]) -> dict:
    def themes(r: Lcspr) -> set[str]:
        return {theme.theme for theme in r.learning_themes.all()}

    rows = [
        (str(label), lambda r, code=code: code in themes(r))
        for code, label in LearningTheme.choices
    ]
    rows.append(("No learning theme recorded", lambda r: not themes(r)))
    return one_column("Learning and practice theme", rows, records)


QUESTIONS = {
    "feedback_analysis_quality": ("Thoroughness of analysis", Quality.choices),
    "feedback_lived_experience": ("The child's lived experience", Quality.choices),
    "feedback_race_ethnicity_culture": (
        "Consideration of race, ethnicity and culture",
        Quality.choices,
    ),
    "recommendations_smart": ("Recommendations are SMART", Extent.choices),
    "child_voice_heard": ("The child's voice was heard", Extent.choices),
}


def expected_quality(records: list[Lcspr]) -> dict:
    out = {}
    for name, (question, choices) in QUESTIONS.items():
        rows = [
            (str(label), lambda r, name=name, code=code: getattr(r, name) == code)
            for code, label in [*choices, ("", "Not recorded")]
        ]
        out |= one_column(question, rows, records)
    return out


EXPECTED = {
    "lcspr_region": expected_region,
    "lcspr_incident_type": expected_incident_type,
    "lcspr_timeliness": expected_timeliness,
    "lcspr_learning_themes": expected_learning_themes,
    "lcspr_quality": expected_quality,
}


def assert_tables_equal(actual: dict, expected: dict, table_id: str) -> None:
    assert actual.keys() == expected.keys(), table_id
    wrong = {key: (actual[key], expected[key]) for key in expected if actual[key] != expected[key]}
    assert not wrong, f"{table_id}: cells differ (engine, expected): {wrong}"


def assert_no_line_reveals(table: dict) -> None:
    """Suppressed for the public, no row, column or column within a group of `table` (of two
    cells or more) has exactly one suppressed cell, which the others would give away."""
    _, lines = table_lines(table)
    shown = suppress_table(table, THRESHOLD)
    grid = [[c["n"] for c in row["cells"]] for g in shown["groups"] for row in g["rows"]]
    for line in lines:
        if len(line) < 2:  # a row of a one-column table: nothing beside it to give it away
            continue
        hidden = [(i, j) for i, j in line if grid[i][j] == SUPPRESSED]
        assert len(hidden) != 1, f"{table['id']}: one suppressed cell in the line {line}"


@pytest.fixture
def figures() -> dict:
    make_lcsprs(100)
    return _figures()


def _figures() -> dict:
    records = considered()
    # The data reaches every case the rules distinguish.
    everyone = list(Lcspr.objects.select_related("rapid_review__notification"))
    assert any(
        r.rapid_review.notification.withdrawal and in_year(r.considered_on) for r in everyone
    )
    assert any(r.considered_on in BOUNDARY_DATES for r in records)
    assert any(r.considered_on in (date(2023, 3, 31), date(2024, 4, 1)) for r in everyone)
    assert any(
        in_year(r.considered_on) and not in_year(r.rapid_review.notification.incident_date)
        for r in records
    )
    assert any(r.actual_publication_date == r.due_date for r in records)
    assert any(notice(r) == 7 for r in records) and any(notice(r) == 6 for r in records)
    assert any(r.feedback_analysis_quality == "" for r in records)
    return {"records": records, "this": compute_year(YEAR)}


def test_each_lcspr_table_cell_by_cell(figures):
    # One test for the five tables: the random records take most of its time.
    for table_id in LCSPR_TABLES:
        table = table_get(figures["this"], table_id)
        assert_tables_equal(flat(table), EXPECTED[table_id](figures["records"]), table_id)
        # And public suppression leaves no suppressed cell recoverable from its lines.
        assert_no_line_reveals(table)


def test_the_tables_are_declared_and_labelled_for_the_year():
    table = table_get(compute_year(YEAR, t.lcsprs.TABLES), "lcspr_region")
    assert table["title"] == (
        "LCSPRs considered by the Panel by region and incident type, 2023 to 2024"
    )
    assert [c["label"] for c in table["columns"]] == ["Death", "Serious harm", "Other", "Total"]
    assert LCSPR_TABLES == [
        "lcspr_region",
        "lcspr_incident_type",
        "lcspr_timeliness",
        "lcspr_learning_themes",
        "lcspr_quality",
    ]
    # The LCSPRs' chapter follows the report's tables; only the data quality chapter (issue
    # 19) comes after it.
    ids = [spec.id for spec in t.TABLES]
    first = ids.index(LCSPR_TABLES[0])
    assert ids[first : first + len(LCSPR_TABLES)] == LCSPR_TABLES
    assert {spec.chapter for spec in t.TABLES[:first]}.isdisjoint({"Data quality"})
    assert {spec.chapter for spec in t.TABLES[first + len(LCSPR_TABLES) :]} == {"Data quality"}


def _lcspr(considered_on: date | None, incident: date = date(2020, 6, 1), **sin) -> Lcspr:
    notification = SubmittedNotificationFactory(incident_date=incident, date_aware=incident, **sin)
    review = RapidReviewFactory(
        notification=notification,
        status=RapidReview.Status.SUBMITTED,
        submitted_at=timezone.now(),
        working_days_taken=10,
        incident_type=notification.reason,
        lcspr_decision="lcspr",
    )
    return LcsprFactory(rapid_review=review, considered_on=considered_on)


def _considered_count(year: int) -> int:
    table = table_get(compute_year(year, t.lcsprs.TABLES), "lcspr_incident_type")
    return flat(table)[("Incident type", CONSIDERED, "Total")][0]


def test_the_year_is_by_the_date_considered_from_1_april_to_31_march():
    _lcspr(date(2023, 3, 31))  # 2022/23
    _lcspr(date(2023, 4, 1))  # 2023/24
    _lcspr(date(2024, 3, 31), incident=date(2024, 3, 1))  # 2023/24
    _lcspr(date(2024, 4, 1))  # 2024/25
    _lcspr(None)  # not considered yet: never counted
    assert _considered_count(2022) == 1
    assert _considered_count(2023) == 2
    assert _considered_count(2024) == 1
    # The incident's year plays no part: no LCSPR was considered in 2020 to 2021, which the
    # figures show as not available (x), not as 0 (issue 19, missing is not zero).
    assert _considered_count(2020) is None


def test_withdrawn_sins_lcsprs_are_left_out():
    user = LaUserFactory()
    _lcspr(date(2023, 6, 1))
    _lcspr(
        date(2023, 6, 1),
        withdrawal=Withdrawal.values[0],
        withdrawal_reason="Synthetic.",
        withdrawn_at=timezone.now(),
        withdrawn_by=user,
    )
    assert _considered_count(2023) == 1


def test_the_year_copies_hold_the_sins_of_lcsprs_of_any_incident_year():
    """On PostgreSQL the figures are computed from copies of the year's records: an LCSPR
    considered this year on an incident years ago must still be found (and the same figures
    come out as without the copies)."""
    for i in range(6):
        _lcspr(date(2023, 6, 1), incident=date(2019, 5, 1 + i))
    copied = compute_year(YEAR)
    with mock.patch("analytics.engine._year_copies_possible", return_value=False):
        direct = compute_year(YEAR)
    assert copied == direct
    assert (
        flat(table_get(copied, "lcspr_incident_type"))[("Incident type", CONSIDERED, "Total")][0]
        == 6
    )


# --- Suppression and exports -----------------------------------------------------------------


def _few_lcsprs() -> None:
    """Seven LCSPRs considered in 2023/24: 5 deaths and 2 serious harm, all in one region."""
    authority = LocalAuthority.objects.filter(region__code=RegionCode.LONDON).first()
    for i in range(7):
        lcspr = _lcspr(
            date(2023, 6, 1 + i),
            reason=Reason.DEATH if i < 5 else Reason.SERIOUS_HARM,
            local_authority=authority,
        )
        Lcspr.objects.filter(pk=lcspr.pk).update(
            feedback_analysis_quality=Quality.GOOD if i < 6 else Quality.ADEQUATE
        )


def test_small_cells_are_suppressed_with_what_would_reveal_them():
    _few_lcsprs()
    figures = compute_year(YEAR, t.lcsprs.TABLES)
    types = suppress_table(table_get(figures, "lcspr_incident_type"), THRESHOLD)
    cells = flat(types)
    # 2 serious harm: suppressed; then the next smallest non-zero cell of the group (the 5
    # deaths), or the serious-harm count would be the total less the deaths.
    assert cells[("Incident type", "Serious harm", "Total")] == (SUPPRESSED, SUPPRESSED)
    assert cells[("Incident type", "Death", "Total")] == (SUPPRESSED, SUPPRESSED)
    assert cells[("Incident type", "Other", "Total")] == (0, "0.0")
    assert cells[("Incident type", CONSIDERED, "Total")] == (7, "100.0")

    quality = flat(suppress_table(table_get(figures, "lcspr_quality"), THRESHOLD))
    question = "Thoroughness of analysis"
    assert quality[(question, "Adequate", "Total")] == (SUPPRESSED, SUPPRESSED)
    assert quality[(question, "Good", "Total")] == (SUPPRESSED, SUPPRESSED)
    assert quality[(question, CONSIDERED, "Total")] == (7, "100.0")

    region = flat(suppress_table(table_get(figures, "lcspr_region"), THRESHOLD))
    assert region[("Region", "London", "Serious harm")][0] == SUPPRESSED
    # The row's total and the Serious harm column's total would give it away: each line
    # with one suppressed cell has another one suppressed.
    for table_id in LCSPR_TABLES:
        assert_no_line_reveals(table_get(figures, table_id))


@pytest.fixture(scope="module")
def snapshot(django_db_setup, django_db_blocker) -> StatisticsSnapshot:
    """Computed once for the module (each test's own writes are rolled back after it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        reference_data_load()
        _few_lcsprs()
        yield statistics_compute(year=YEAR, by=AdministratorFactory())
        transaction.set_rollback(True)


def test_three_lcspr_tables_have_a_chart(snapshot):
    for table_id in ["lcspr_incident_type", "lcspr_timeliness", "lcspr_learning_themes"]:
        svg = chart_svg(suppress_table(snapshot.table(table_id), THRESHOLD))
        root = ElementTree.fromstring(svg)  # noqa: S314 - our own output
        assert root.get("role") == "img"
        assert (
            root.find("{http://www.w3.org/2000/svg}title").text == snapshot.table(table_id)["title"]
        )
    assert chart_svg(snapshot.table("lcspr_region")) is None


def test_the_public_csv_suppresses_small_lcspr_cells(snapshot):
    rows = list(csv.DictReader(io.StringIO(snapshot_csv(snapshot, public=True, threshold=5))))
    ours = [r for r in rows if r["table"] in LCSPR_TABLES]
    assert {r["table"] for r in ours} == set(LCSPR_TABLES)
    cell = next(
        r
        for r in ours
        if (r["table"], r["row"], r["column"]) == ("lcspr_incident_type", "Serious harm", "Total")
    )
    assert (cell["n"], cell["pct"]) == (SUPPRESSED, SUPPRESSED)
    internal = csv.DictReader(io.StringIO(snapshot_csv(snapshot, public=False, threshold=5)))
    cell = next(
        r
        for r in internal
        if (r["table"], r["row"], r["column"]) == ("lcspr_incident_type", "Serious harm", "Total")
    )
    assert (cell["n"], cell["pct"]) == ("2", "28.6")


def test_the_xlsx_has_a_sheet_per_lcspr_table(snapshot):
    book = load_workbook(io.BytesIO(snapshot_xlsx(snapshot, public=True, threshold=THRESHOLD)))
    names = sheets_by_table(snapshot.tables)
    for table_id in LCSPR_TABLES:
        assert names[table_id] in book.sheetnames
    sheet = book[names["lcspr_incident_type"]]
    assert sheet["A1"].value == "LCSPRs considered by the Panel by incident type, 2023 to 2024"
    row = next(list(r) for r in sheet.iter_rows() if r[0].value == "Serious harm")
    assert [c.value for c in row[1:3]] == [SUPPRESSED, SUPPRESSED]


def test_the_pdf_has_the_lcspr_tables(snapshot):
    text = pdf_text(snapshot_pdf(snapshot, public=True, threshold=THRESHOLD))
    for title in [
        "LCSPRs considered by the Panel by region and incident type, 2023 to 2024",
        "Timeliness of LCSPRs considered by the Panel, 2023 to 2024",
        "Learning themes identified in LCSPRs considered by the Panel, 2023 to 2024",
        "Quality of the final reports of LCSPRs considered by the Panel, 2023 to 2024",
        "Final report received at least 7 days before publication",
        "The child's voice was heard",
        "LCSPRs by the date the Panel considered them",
    ]:
        assert normalised(title) in text


def _page(client: Client, year: int) -> str:
    response = client.get(reverse("analytics:statistics-year", args=[year]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_statistics_page_shows_the_lcspr_tables(client, make_user, snapshot):
    client.force_login(make_user(Role.ADMINISTRATOR))
    page = _page(client, YEAR)
    for table_id in LCSPR_TABLES:
        assert f"/tables/{table_id}/" in page
    assert "Timeliness of LCSPRs considered by the Panel, 2023 to 2024" in page
    # A chapter of their own in the contents, headed once, after the report's tables.
    assert page.count("LCSPRs considered by the Panel</h3>") == 1
    heading = page.index("LCSPRs considered by the Panel</h3>")
    assert page.index("/tables/table_2_cause_of_death/") < heading
    assert heading < page.index("/tables/lcspr_region/")
    table_page = client.get(reverse("analytics:statistics-table", args=[YEAR, "lcspr_region"]))
    assert 'id="lcspr_region-table"' in table_page.content.decode()


def test_an_older_snapshot_without_lcspr_tables_still_displays_and_exports(
    client, make_user, snapshot, django_capture_on_commit_callbacks
):
    # A snapshot stored before the LCSPR tables existed: the same, less those tables, as the
    # year's latest version.
    older = StatisticsSnapshot.objects.create(
        year=YEAR,
        version=snapshot.version + 1,
        status=StatisticsSnapshot.Status.SUCCEEDED,
        input_counts=snapshot.input_counts,
        tables=[table for table in snapshot.tables if table["id"] not in LCSPR_TABLES],
    )
    client.force_login(make_user(Role.ADMINISTRATOR))
    page = _page(client, YEAR)
    assert "/tables/lcspr_region/" not in page
    assert "LCSPRs considered by the Panel</h3>" not in page
    assert "/tables/table_2_cause_of_death/" in page
    url = reverse("analytics:statistics-table", args=[YEAR, "lcspr_region"])
    assert client.get(url).status_code == 404
    url = reverse("analytics:snapshot-download", args=[YEAR, older.version, "csv"])
    assert client.get(url, {"public": "1"}).status_code == 200
    # The XLSX is made on the worker (eager here), then downloaded from storage.
    url = reverse("analytics:snapshot-download", args=[YEAR, older.version, "xlsx"])
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url, {"public": "1"})
    ready = client.get(url, {"public": "1"})
    assert ready.status_code == 302 and ready["Location"].endswith("/download")
    assert client.get(ready["Location"]).status_code == 200
    assert "lcspr_" not in snapshot_csv(older, public=True, threshold=THRESHOLD)


def test_the_comparison_with_a_previous_year_stored_without_lcspr_tables(
    client, make_user, snapshot
):
    StatisticsSnapshot.objects.create(
        year=YEAR - 1,
        version=1,
        status=StatisticsSnapshot.Status.SUCCEEDED,
        input_counts=snapshot.input_counts,
        tables=[table for table in snapshot.tables if table["id"] not in LCSPR_TABLES],
    )
    client.force_login(make_user(Role.PANEL_MEMBER))
    response = client.get(reverse("analytics:statistics-compare", args=[YEAR]))
    assert response.status_code == 200
    assert "Timeliness of LCSPRs considered by the Panel, 2023 to 2024" in response.content.decode()
