"""Server-side SVG charts: well-formed, accessible, one bar per row, escaped, deterministic,
and nothing drawn for a suppressed value."""

import copy
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.utils import timezone

from analytics.charts import CHARTS, PAGE_WIDTH, PLOT_LEFT, PLOT_RIGHT, chart_svg
from analytics.services import statistics_compute
from analytics.suppression import suppress_table
from rapidreviews.models import RapidReview

from ..notifications.factories import SubmittedNotificationFactory
from ..rapidreviews.factories import RapidReviewFactory

SVG = "{http://www.w3.org/2000/svg}"


def crosstab(table_id: str, body: dict[str, list[int]], columns=("Female", "Male")) -> dict:
    """An engine-shaped table: rows of counts with column percentages, a Total column and row."""
    rows = {label: [*counts, sum(counts)] for label, counts in body.items()}
    totals = [sum(r[j] for r in rows.values()) for j in range(len(columns) + 1)]

    def pct(n: int, d: int) -> str:
        return f"{100 * n / d:.1f}" if d else None

    return {
        "id": table_id,
        "title": f"Title of {table_id}",
        "percent": "column",
        "columns": [{"label": c, "is_total": False} for c in columns]
        + [{"label": "Total", "is_total": True}],
        "groups": [
            {
                "label": "Group",
                "denominators": totals,
                "rows": [
                    {
                        "label": label,
                        "kind": "cell",
                        "cells": [{"n": n, "pct": pct(n, totals[j])} for j, n in enumerate(r)],
                    }
                    for label, r in rows.items()
                ]
                + [
                    {
                        "label": "Total",
                        "kind": "total",
                        "cells": [{"n": n, "pct": "100.0"} for n in totals],
                    }
                ],
            }
        ],
        "notes": [],
    }


CAUSES = {
    "Suicide": [14, 11],
    "Medical": [8, 9],
    "Unclear": [6, 6],
    "Accident/injury": [2, 4],
    "Fabricated/induced illness": [0, 0],
}


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input
    assert root.tag == f"{SVG}svg"
    return root


def bars(root: ET.Element) -> list[ET.Element]:
    return [e for e in root.iter(f"{SVG}rect") if e.get("class") == "bar"]


def texts(root: ET.Element) -> list[str]:
    return ["".join(e.itertext()) for e in root.iter(f"{SVG}text")]


def test_a_chart_is_well_formed_accessible_svg():
    svg = chart_svg(crosstab("table_2_cause_of_death", CAUSES))
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("width") == str(PAGE_WIDTH)
    assert "Arial" in root.get("font-family")
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Title of table_2_cause_of_death"
    assert "Suicide: 41.7%" in desc.text  # 25 of 60, the Total column
    assert root.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]


def test_a_bar_per_row_with_its_value_as_text():
    root = parse(chart_svg(crosstab("table_2_cause_of_death", CAUSES)))
    # Table 2 charts the Total column: one bar per cause, the total row left out.
    assert len(bars(root)) == len(CAUSES)
    labels = texts(root)
    for label in CAUSES:
        assert label in labels
    assert f"{100 * 25 / 60:.1f}%" in labels  # Suicide: 25 of 60
    widths = [float(b.get("width")) for b in bars(root)]
    assert widths[0] == max(widths) and widths[-1] == 0  # a true zero is a zero-width bar
    assert widths[0] <= PLOT_RIGHT - PLOT_LEFT


def test_grouped_bars_for_a_column_split():
    root = parse(chart_svg(crosstab("chart_6_age_sex", {"Under 1": [3, 5], "1-5": [7, 2]})))
    # Chart 6: Female and Male side by side, counts, with a legend.
    assert len(bars(root)) == 4
    assert {"Female", "Male", "3", "5", "7", "2"} <= set(texts(root))


def test_labels_are_escaped():
    nasty = """<script>alert("x")</script> & 'quotes'"""
    table = crosstab("table_2_cause_of_death", {nasty: [1, 2], "Plain": [3, 4]})
    table["title"] = "Title with <b>tags</b> & ampersands"
    svg = chart_svg(table)
    assert "<script>" not in svg and "<b>" not in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == table["title"]
    assert nasty in " ".join(texts(root))  # the label, wrapped over two lines
    assert any(b.find(f"{SVG}title").text.startswith(nasty) for b in bars(root))


def test_output_is_deterministic():
    table = crosstab("chart_6_age_sex", {"Under 1": [3, 5], "1-5": [7, 2]})
    first = chart_svg(table)
    assert chart_svg(copy.deepcopy(table)) == first
    assert chart_svg(table) == first


@pytest.mark.parametrize(
    "table_id", ["sin_children", "table_a_regions", "table_b_characteristics", "review_length"]
)
def test_tables_without_a_chart_give_none(table_id):
    assert table_id not in CHARTS
    assert chart_svg(crosstab(table_id, CAUSES)) is None


def test_an_unknown_table_or_one_with_nothing_to_draw_gives_none():
    assert chart_svg(crosstab("no_such_table", CAUSES)) is None
    empty = crosstab("table_2_cause_of_death", CAUSES)
    empty["groups"][0]["rows"] = []
    assert chart_svg(empty) is None


def test_a_suppressed_value_draws_no_bar_and_says_c():
    table = suppress_table(crosstab("chart_6_age_sex", {"Under 1": [3, 25], "1-5": [17, 22]}), 5)
    root = parse(chart_svg(table))
    # Female "Under 1" is 3 (primary), and so secondary suppression hides more of the table.
    assert "c" in texts(root)
    drawn = {b.find(f"{SVG}title").text for b in bars(root)}
    assert "Under 1, Female: 3" not in drawn
    assert not any(t.startswith("3") for t in texts(root))


def test_months_are_a_line_chart():
    months = {f"{m} 2023": [i, i + 1, 0] for i, m in enumerate(["April", "May", "June", "July"])}
    table = crosstab("chart_2_month", months, columns=("Death", "Serious harm", "Other"))
    root = parse(chart_svg(table))
    assert root.get("data-chart") == "line"
    assert len(list(root.iter(f"{SVG}polyline"))) == 3
    assert len([c for c in root.iter(f"{SVG}circle") if c.get("class") == "point"]) == 12
    assert "Apr 2023" in texts(root)


def test_row_percentages_are_stacked_to_the_full_width():
    table = crosstab("chart_5_age_type", {"Under 1": [30, 70], "1-5": [50, 50]}, ("Death", "Harm"))
    for row in table["groups"][0]["rows"]:
        total = row["cells"][-1]["n"]
        for c in row["cells"]:
            c["pct"] = f"{100 * c['n'] / total:.1f}"
    root = parse(chart_svg(table))
    assert root.get("data-chart") == "stacked"
    widths = [float(b.get("width")) for b in bars(root)]
    assert len(widths) == 4
    assert widths[0] + widths[1] == pytest.approx(PLOT_RIGHT - PLOT_LEFT, abs=0.2)


@pytest.mark.django_db
def test_every_chart_of_a_computed_snapshot_is_well_formed():
    for i in range(3):
        sin = SubmittedNotificationFactory(
            incident_date=date(2023, 5, 1 + i), reason="death" if i else "serious_harm"
        )
        RapidReviewFactory(
            notification=sin,
            status=RapidReview.Status.SUBMITTED,
            submitted_at=timezone.now(),
            working_days_taken=12,
            incident_type=sin.reason,
            sex="male" if i else "female",
            age_years=5 * i,
        )
    snapshot = statistics_compute(year=2023, by=None)
    drawn = set()
    for table in snapshot.tables:
        svg = chart_svg(table)
        if table["id"] not in CHARTS:
            assert svg is None
            continue
        if svg is None:  # nothing to draw on so few records (no Panel decisions, say)
            continue
        root = parse(svg)
        assert root.get("role") == "img"
        assert root.find(f"{SVG}title").text == table["title"]
        assert root.find(f"{SVG}desc").text
        drawn.add(table["id"])
        # Ids are unique per table, so that many charts can share one page.
        assert table["id"].replace("_", "-") in root.find(f"{SVG}title").get("id")
    assert {"chart_1_reason", "chart_2_month", "table_2_cause_of_death", "table_4_csc"} <= drawn
