"""Charts are readable at the page's width (issue 19): every text of every chart of a computed
year is at least 14 px when the chart is shown at the GOV.UK page's 960 px content width, long
labels are cut with their full text in a <title>, labels never overlap, and each chart points
screen readers to its data table."""

import pytest
from django.db import transaction

from analytics.charts import (
    CHARTS,
    LINE_HEIGHT,
    MIN_TEXT_PX,
    PAGE_WIDTH,
    chart_svg,
    smallest_text_px,
)
from analytics.engine import compute_year
from analytics.suppression import suppress_table
from safeguarding.services import reference_data_load

from .test_charts import SVG, crosstab, parse, texts
from .test_engine import make_records

YEAR = 2023


@pytest.fixture(scope="module")
def year_tables(django_db_setup, django_db_blocker):
    """A year's tables from 60 random records, computed once for the module (rolled back)."""
    with django_db_blocker.unblock(), transaction.atomic():
        # The regions' child populations (Chart 3's rates) are reference data: load them here,
        # since a transactional test run earlier in this process may have emptied the tables.
        reference_data_load()
        make_records(60)
        tables = compute_year(YEAR)["tables"]
        transaction.set_rollback(True)
    return tables


def _charts(tables):
    """Every chart of the year, internal and public; the charts of tables the random records
    leave empty (no LCSPR considered) drawn from a table of the same shape."""
    computed = {table["id"] for table in tables}
    stand_ins = [
        crosstab(table_id, {"Death": [3, 9], "Serious harm with a long label": [12, 1]})
        for table_id in CHARTS
        if table_id not in computed
        or chart_svg(next(t for t in tables if t["id"] == table_id)) is None
    ]
    drawn = {}
    for table in [*tables, *stand_ins]:
        for audience, shown in (("internal", table), ("public", suppress_table(table, 5))):
            svg = chart_svg(shown)
            if svg is not None:
                drawn[(table["id"], audience)] = svg
    return drawn


def test_every_chart_text_is_at_least_14px_at_the_page_width(year_tables):
    drawn = _charts(year_tables)
    assert {table_id for table_id, _ in drawn} == set(CHARTS)  # every chart was drawn
    for key, svg in drawn.items():
        assert smallest_text_px(svg) >= MIN_TEXT_PX, key
        root = parse(svg)
        view_width = float(root.get("viewBox").split()[2])
        for text in root.iter(f"{SVG}text"):
            # The brief's own formula: the size scaled from the viewBox to 960 px.
            assert float(text.get("font-size")) * PAGE_WIDTH / view_width >= 14, key


def test_a_chart_scales_to_its_container_and_says_where_its_data_is(year_tables):
    for (table_id, _), svg in _charts(year_tables).items():
        root = parse(svg)
        assert root.get("role") == "img"
        assert root.get("width") == str(PAGE_WIDTH)
        desc = root.find(f"{SVG}desc").text
        assert desc.endswith("The data in this chart is in the table below."), table_id


def test_smallest_text_px_scales_with_the_container():
    svg = chart_svg(crosstab("table_2_cause_of_death", {"Suicide": [1, 2]}))
    assert smallest_text_px(svg) == MIN_TEXT_PX
    # On a narrower screen the chart, and its text, scale down with the container.
    assert smallest_text_px(svg, display_width=PAGE_WIDTH / 2) == MIN_TEXT_PX / 2
    # A wider container does not enlarge it beyond its own width.
    assert smallest_text_px(svg, display_width=2 * PAGE_WIDTH) == MIN_TEXT_PX


def test_a_long_label_is_cut_with_its_full_text_in_a_title():
    long = " ".join(["A very long category label that keeps going"] * 4)
    svg = chart_svg(crosstab("table_2_cause_of_death", {long: [1, 2], "Short": [3, 4]}))
    root = parse(svg)
    label = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "label")
    assert label.find(f"{SVG}title").text == long
    lines = ["".join(t.itertext()) for t in label.iter(f"{SVG}text")]
    assert len(lines) == 3 and lines[-1].endswith("\N{HORIZONTAL ELLIPSIS}")
    assert "Short" in texts(root)


def test_category_labels_never_overlap(year_tables):
    for (table_id, _), svg in _charts(year_tables).items():
        root = parse(svg)
        if root.get("data-chart") == "line":
            continue
        previous_bottom = None
        for category in (g for g in root.iter(f"{SVG}g") if g.get("class") == "category"):
            ys = [
                float(t.get("y"))
                for t in category.iter(f"{SVG}text")
                if t.get("text-anchor") == "end"  # the row label's lines
            ]
            top, bottom = min(ys) - LINE_HEIGHT + 4, max(ys)
            if previous_bottom is not None:
                assert top >= previous_bottom, table_id
            previous_bottom = bottom
