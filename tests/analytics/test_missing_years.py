"""Missing is not zero (issue 19, item 2): a year for which the service holds no records of a
table's kind is `x` (not available) in the snapshot, on the pages, in the CSV, XLSX and PDF and
in the charts (not drawn, with a note), while a year with records where none match stays 0;
the comparison with a year that has no figures shows `x`; suppression leaves `x` alone."""

import csv
import io
import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from analytics.charts import chart_svg
from analytics.engine import compute_table, compute_year, table_get
from analytics.exports import snapshot_csv, snapshot_pdf_html, snapshot_xlsx
from analytics.layout import NOT_AVAILABLE_NOTE, figure_text, table_layout
from analytics.services import statistics_compute
from analytics.suppression import SUPPRESSED, suppress_table
from analytics.tables import TABLES_BY_ID
from panel.models import Outcome
from rapidreviews.models import RapidReview
from safeguarding.codes import Reason, Role

from ..notifications.factories import SubmittedNotificationFactory
from ..panel.factories import PanelDecisionFactory
from ..rapidreviews.factories import RapidReviewFactory
from .test_pages import table_rows, text

pytestmark = pytest.mark.django_db

YEAR = 2023
PREVIOUS = "2022 to 2023"
MISSING = {"n": None, "pct": None, "missing": True}
# The tables over two years, the previous year's column first.
YEAR_TABLES = ("chart_1_reason", "chart_4_age_year", "timeliness", "panel_agreement")


def _reviewed(incident: date, reason: str = Reason.DEATH) -> None:
    """A submitted SIN with a submitted rapid review and a Panel decision."""
    sin = SubmittedNotificationFactory(incident_date=incident, date_aware=incident, reason=reason)
    review = RapidReviewFactory(
        notification=sin,
        status=RapidReview.Status.SUBMITTED,
        submitted_at=timezone.now(),
        working_days_taken=12,
        incident_type=reason,
        sex="male",
        age_years=16,
        cause_of_death="suicide" if reason == Reason.DEATH else "",
    )
    PanelDecisionFactory(review=review, outcome=Outcome.AGREE)


@pytest.fixture
def this_year_only():
    """Records in 2023 to 2024 only: the service holds nothing for 2022 to 2023."""
    for day in (1, 2, 3, 4, 5, 6):
        _reviewed(date(2023, 5, day))


@pytest.fixture
def figures(this_year_only):
    return compute_year(YEAR)


def _column(table: dict, j: int) -> list[dict]:
    return [row["cells"][j] for group in table["groups"] for row in group["rows"]]


def _missing_note(records: str = "records") -> str:
    return f"x: the service holds no {records} for {PREVIOUS}; this is not zero."


# --- The engine -------------------------------------------------------------------------------


@pytest.mark.parametrize("table_id", YEAR_TABLES)
def test_the_previous_year_without_records_is_missing_not_zero(figures, table_id):
    table = table_get(figures, table_id)
    assert all(c == MISSING for c in _column(table, 0))
    # This year has records: its figures are counts, 0 where none match.
    assert all(isinstance(c["n"], int) for c in _column(table, 1) if "value" not in c)
    assert table["missing_years"] == [PREVIOUS]
    assert any(note.startswith("x: the service holds no") for note in table["notes"])


def test_a_total_across_a_missing_year_is_missing_and_its_months_too(figures):
    months = table_get(figures, "chart_2_month")
    rows = months["groups"][0]["rows"]
    assert [row["label"] for row in rows[:1] + rows[12:13]] == ["April 2022", "April 2023"]
    assert all(c == MISSING for row in rows[:12] for c in row["cells"])
    assert rows[12]["cells"][0] == {"n": 0, "pct": None}  # none in April 2023: a true zero
    assert rows[13]["cells"][-1]["n"] == 6  # May 2023
    assert rows[-1]["label"] == "Total" and all(c == MISSING for c in rows[-1]["cells"])
    assert months["missing_years"] == [PREVIOUS]
    assert months["groups"][0]["denominators"] == [None] * len(months["columns"])


def test_the_regions_previous_rates_and_the_previous_total_of_sin_children(figures):
    regions = table_get(figures, "table_a_regions")
    assert all(c == MISSING for c in _column(regions, 1))  # rates of 2022/23
    assert all(c.get("missing") is None for c in _column(regions, 2))
    assert all(c == MISSING for c in _column(table_get(figures, "chart_3_regions"), 0))
    children = table_get(figures, "sin_children")
    assert all(c == MISSING for c in _column(children, len(children["columns"]) - 1))
    assert _column(children, 0)[0]["n"] == 6  # deaths this year


def test_the_tables_of_the_year_itself_have_no_missing_year(figures):
    for table_id in ("rr_incident_type", "table_2_cause_of_death", "mean_age"):
        table = table_get(figures, table_id)
        assert "missing_years" not in table
        assert not any(
            c.get("missing") for g in table["groups"] for r in g["rows"] for c in r["cells"]
        )
    assert table_get(figures, "rr_incident_type")["groups"][0]["rows"][1]["cells"][0]["n"] == 0


def test_a_year_with_records_of_another_kind_is_zero_where_nothing_matches(this_year_only):
    # 2022 to 2023: one SIN for serious harm, with no rapid review.
    SubmittedNotificationFactory(
        incident_date=date(2022, 6, 1), date_aware=date(2022, 6, 1), reason=Reason.SERIOUS_HARM
    )
    figures = compute_year(YEAR)
    reasons = table_get(figures, "chart_1_reason")
    assert "missing_years" not in reasons
    by_label = {row["label"]: row["cells"][0] for row in reasons["groups"][0]["rows"]}
    assert by_label["Death"] == {"n": 0, "pct": "0.0"}  # a true zero
    assert by_label["Serious harm"] == {"n": 1, "pct": "100.0"}
    # The reviews' table of 2022/23 has no reviews to count: x.
    ages = table_get(figures, "chart_4_age_year")
    assert all(c == MISSING for c in _column(ages, 0))
    assert ages["notes"][-1] == _missing_note("rapid reviews")
    # Timeliness: the SINs of 2022/23 are counted, its rapid reviews are x.
    timeliness = table_get(figures, "timeliness")
    sins, reviews = timeliness["groups"][0], timeliness["groups"][1]
    assert sins["rows"][-1]["cells"][0]["n"] == 1
    assert all(row["cells"][0] == MISSING for row in reviews["rows"])
    assert timeliness["missing_years"] == [PREVIOUS]
    assert timeliness["notes"][-1] == _missing_note("rapid reviews")
    assert table_get(figures, "panel_agreement")["notes"][-1] == _missing_note("Panel decisions")


def test_one_table_computed_alone_finds_its_missing_years(this_year_only):
    table = compute_table(TABLES_BY_ID["chart_1_reason"], YEAR)
    assert all(c == MISSING for c in _column(table, 0))


def test_a_year_with_no_records_at_all_is_missing_throughout():
    table = compute_year(YEAR, (TABLES_BY_ID["rr_incident_type"],))["tables"][0]
    assert all(c == MISSING for c in _column(table, 0))
    assert table["missing_years"] == ["2023 to 2024"]


# --- Layout, suppression --------------------------------------------------------------------------


def test_the_layout_keeps_the_missing_columns_count_as_x(figures):
    layout = table_layout(table_get(figures, "chart_1_reason"))
    assert [c.subheaders for c in layout.columns] == [("N", "%"), ("N", "%")]
    death = layout.groups[0].rows[0]
    assert [f.text for f in death.cells] == ["x", "x", "6", "100.0"]


def test_suppression_leaves_x_alone_and_never_picks_it():
    table = {
        "id": "chart_1_reason",
        "percent": "column",
        "columns": [{"label": "2022/23"}, {"label": "2023/24"}],
        "groups": [
            {
                "label": "Reason",
                "denominators": [None, 13],
                "rows": [
                    {
                        "label": "Death",
                        "kind": "cell",
                        "cells": [dict(MISSING), {"n": 3, "pct": "23.1"}],
                    },
                    {
                        "label": "Harm",
                        "kind": "cell",
                        "cells": [dict(MISSING), {"n": 10, "pct": "76.9"}],
                    },
                    {
                        "label": "Total",
                        "kind": "total",
                        "cells": [dict(MISSING), {"n": 13, "pct": "100.0"}],
                    },
                ],
            }
        ],
        "missing_years": [PREVIOUS],
    }
    shown = suppress_table(table, 5)
    rows = shown["groups"][0]["rows"]
    assert [row["cells"][0] for row in rows] == [MISSING] * 3
    # The row "Death" has one `c` and an x: the x is not the "next smallest" to hide.
    assert rows[0]["cells"][1]["n"] == SUPPRESSED
    assert rows[1]["cells"][1]["n"] == SUPPRESSED  # secondary, down the column
    assert figure_text(rows[0]["cells"][0]["n"], is_count=True) == "x"
    assert shown["missing_years"] == [PREVIOUS]


# --- Charts -----------------------------------------------------------------------------------


def test_a_missing_year_is_not_drawn_and_the_chart_says_so(figures):
    svg = chart_svg(table_get(figures, "chart_1_reason"))
    note = f"No records for {PREVIOUS}: not drawn."
    assert f'class="chart-note">{note}</text>' in svg
    assert re.search(rf"<desc [^>]*>[^<]*{re.escape(note)}</desc>", svg)
    legend = re.search(r'<g class="legend">(.*?)</g>', svg).group(1)
    assert "2023/24" in legend and "2022/23" not in legend
    # One bar per reason, none for 2022/23, and no "x" drawn as a zero-width bar.
    bars = re.findall(r'<rect class="bar"[^>]*><title>([^<]*)</title>', svg)
    assert bars and all("2023/24" in title for title in bars)
    assert "2022/23" not in svg.split("</desc>", 1)[1]


def test_a_line_is_not_drawn_through_the_months_of_a_missing_year(figures):
    svg = chart_svg(table_get(figures, "chart_2_month"))
    points = re.findall(r'<circle class="point"[^>]*><title>([^<]*)</title>', svg)
    assert points and not any("2022," in p or p.startswith("January 2023") for p in points)
    assert any(p.startswith("April 2023,") for p in points)
    # Nor a category at 0: neither on the axis nor in the description.
    assert ">Apr 2022<" not in svg and "April 2022:" not in svg
    assert ">Apr 2023<" in svg
    assert f"No records for {PREVIOUS}: not drawn." in svg


def test_a_snapshot_stored_before_missing_years_were_marked_is_drawn_as_before(figures):
    table = table_get(figures, "chart_1_reason")
    old = {
        **table,
        "groups": [
            {
                **g,
                "rows": [
                    {**r, "cells": [{"n": None, "pct": None}, r["cells"][1]]} for r in g["rows"]
                ],
            }
            for g in table["groups"]
        ],
    }
    old.pop("missing_years")
    svg = chart_svg(old)
    assert "chart-note" not in svg
    assert "2022/23" in re.search(r'<g class="legend">(.*?)</g>', svg).group(1)


# --- Exports and pages ------------------------------------------------------------------------


@pytest.fixture
def analyst(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    return client


@pytest.fixture
def snapshot(this_year_only):
    return statistics_compute(year=YEAR, by=None)


@pytest.mark.parametrize("public", [False, True])
def test_the_csv_has_x_for_the_missing_year(snapshot, public):
    lines = list(csv.DictReader(io.StringIO(snapshot_csv(snapshot, public=public, threshold=5))))
    previous = [
        line for line in lines if line["table"] == "chart_1_reason" and line["column"] == "2022/23"
    ]
    assert previous and all((line["n"], line["pct"]) == ("x", "x") for line in previous)
    this_year = [
        line for line in lines if line["table"] == "chart_1_reason" and line["column"] == "2023/24"
    ]
    assert [line["n"] for line in this_year if line["row"] == "Serious harm"] == ["0"]


def test_the_xlsx_has_x_as_text_and_the_note(snapshot):
    book = load_workbook(io.BytesIO(snapshot_xlsx(snapshot, public=False, threshold=5)))
    index = [t["id"] for t in snapshot.tables].index("chart_1_reason")
    sheet = book.worksheets[1 + index]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    death = next(row for row in rows if row[0] == "Death")
    assert death[1:5] == ["x", "x", 6, 100.0]
    texts = [row[0] for row in rows if row[0]]
    assert _missing_note() in texts or any("holds no" in str(t) for t in texts)
    assert NOT_AVAILABLE_NOTE in texts
    about = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
    assert any(NOT_AVAILABLE_NOTE in str(row[1]) for row in about)


def test_the_pdf_has_x_the_note_and_the_chart_without_the_year(snapshot):
    html = snapshot_pdf_html(snapshot, public=True, threshold=5)
    section = html.split('id="chart_1_reason"', 1)[1].split("</section>", 1)[0]
    assert re.search(r"<td class=\"figure\">x</td>", section)
    assert _missing_note("SINs") in section
    assert f"No records for {PREVIOUS}: not drawn." in section
    assert NOT_AVAILABLE_NOTE in html


def test_the_year_page_shows_x_and_says_why(analyst, snapshot):
    # Each table has its own page (issue 19, item 3).
    response = analyst.get(reverse("analytics:statistics-table", args=[YEAR, "chart_1_reason"]))
    html = response.content.decode()
    rows = table_rows(html, "chart_1_reason-table")
    death = next(row for row in rows if row[0] == "Death")
    assert death[1:] == ["not available", "not available", "6", "100.0"]
    assert '<span aria-hidden="true">x</span>' in html
    page = text(response)
    assert _missing_note("SINs") in page
    assert NOT_AVAILABLE_NOTE in page
    assert f"No records for {PREVIOUS}: not drawn." in page


def test_the_comparison_without_previous_figures_shows_x(analyst, snapshot):
    response = analyst.get(reverse("analytics:statistics-compare", args=[YEAR]))
    html, page = response.content.decode(), text(response)
    assert (
        f"There are no figures for {PREVIOUS} to compare with, so every {PREVIOUS} figure "
        "below is x (not available), not 0." in page
    )
    rows = table_rows(html, "rr_incident_type-compare")
    death = next(row for row in rows if row[0] == "Death")
    assert death[1:] == ["6", "100.0", "not available", "not available", "no change to show"]
    assert 'id="rr_incident_type-compare"' in html
    # A table whose own previous-year column is missing says which year.
    section = html.split('id="chart_1_reason"', 1)[1].split('class="govuk-accordion__section"', 1)[
        0
    ]
    assert f"x: the service holds no records for {PREVIOUS}" in section


def test_the_comparison_with_previous_figures_shows_their_missing_cells_as_x(analyst):
    _reviewed(date(2022, 6, 1))  # 2022/23 has records, 2021/22 none
    for day in (1, 2):
        _reviewed(date(2023, 5, day))
    statistics_compute(year=2022, by=None)
    statistics_compute(year=YEAR, by=None)
    response = analyst.get(reverse("analytics:statistics-compare", args=[YEAR]))
    rows = table_rows(response.content.decode(), "chart_1_reason-compare")
    # This year's 2022/23 column has figures; the year before's 2021/22 column is x.
    death = [row for row in rows if row[0] == "Death"]
    assert death[0][2:] == ["1", "100.0", "not available", "not available", "no change to show"]
    assert "x: the service holds no records for 2021 to 2022" in text(response)
