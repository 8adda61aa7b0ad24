"""A table's page renders its table and chart once per snapshot, audience and table
(analytics.pages): a second request lays out no table and draws no chart, and internal and
public figures never share a cache entry."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analytics import pages
from analytics.services import statistics_compute
from analytics.suppression import SUPPRESSED

from .test_pages import _records, admin, admin_client, table_rows  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def snapshot(admin):  # noqa: F811
    _records(count=2)  # two deaths: small numbers, suppressed in the public figures
    return statistics_compute(year=2023, by=admin)


TABLE = "table_2_cause_of_death"


def test_a_second_request_draws_no_chart_and_lays_out_no_table(admin_client, snapshot):  # noqa: F811
    url = reverse("analytics:statistics-table", args=[2023, TABLE])
    with (
        mock.patch("analytics.pages.chart_svg", wraps=pages.chart_svg) as charts,
        mock.patch("analytics.pages.table_layout", wraps=pages.table_layout) as layouts,
    ):
        first = admin_client.get(url)
        drawn, laid_out = charts.call_count, layouts.call_count
        with CaptureQueriesContext(connection) as queries:
            second = admin_client.get(url)
    assert drawn == 1 and laid_out == 1
    assert charts.call_count == drawn  # nothing drawn again
    assert layouts.call_count == laid_out
    table_html = pages.snapshot_table(snapshot, TABLE, public=False)
    assert "<svg" in table_html
    assert table_html in first.content.decode()  # (the pages differ by their CSRF token)
    assert table_html in second.content.decode()
    assert len(queries) < 20  # the snapshot and the session: no per-table work


def test_the_contents_page_draws_nothing(admin_client, snapshot):  # noqa: F811
    with mock.patch("analytics.pages.chart_svg", wraps=pages.chart_svg) as charts:
        response = admin_client.get(reverse("analytics:statistics-year", args=[2023]))
    assert response.status_code == 200
    assert charts.call_count == 0
    assert "analytics-chart" not in response.content.decode()


def test_each_version_and_table_has_its_own_entry(admin_client, snapshot):  # noqa: F811
    newer = statistics_compute(year=2023, by=snapshot.computed_by)
    key = pages.cache_key(snapshot, public=False, table_id=TABLE)
    assert pages.cache_key(newer, public=False, table_id=TABLE) != key
    assert pages.cache_key(snapshot, public=False, table_id="timeliness") != key
    url = reverse("analytics:snapshot-table", args=[2023, newer.version, TABLE])
    page = admin_client.get(url)
    assert f"Version {newer.version}, computed" in page.content.decode()


def test_internal_and_public_figures_never_share_an_entry(snapshot):
    assert pages.cache_key(snapshot, public=True, table_id=TABLE) != pages.cache_key(
        snapshot, public=False, table_id=TABLE
    )
    internal = pages.snapshot_table(snapshot, TABLE, public=False)
    public = pages.snapshot_table(snapshot, TABLE, public=True)
    # Table 2's deaths by suicide: 2 in the internal figures, suppressed in the public ones.
    table_2 = "table_2_cause_of_death-table"
    internal_cells = [c for row in table_rows(internal, table_2) for c in row]
    public_cells = [c for row in table_rows(public, table_2) for c in row]
    assert SUPPRESSED not in internal_cells
    assert SUPPRESSED in public_cells
    # Taken from the cache, each audience still gets its own figures.
    assert pages.snapshot_table(snapshot, TABLE, public=False) == internal
    assert pages.snapshot_table(snapshot, TABLE, public=True) == public


def test_the_public_entry_follows_the_threshold(snapshot, settings):
    before = pages.cache_key(snapshot, public=True, table_id=TABLE)
    settings.STATISTICS_SUPPRESSION_THRESHOLD += 5
    assert pages.cache_key(snapshot, public=True, table_id=TABLE) != before
