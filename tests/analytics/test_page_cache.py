"""The statistics page's tables and charts are rendered once per snapshot and audience
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


def test_a_second_request_draws_no_chart_and_lays_out_no_table(admin_client, snapshot):  # noqa: F811
    url = reverse("analytics:statistics-year", args=[2023])
    with (
        mock.patch("analytics.pages.chart_svg", wraps=pages.chart_svg) as charts,
        mock.patch("analytics.pages.table_layout", wraps=pages.table_layout) as layouts,
    ):
        first = admin_client.get(url)
        drawn, laid_out = charts.call_count, layouts.call_count
        with CaptureQueriesContext(connection) as queries:
            second = admin_client.get(url)
    assert drawn > 0 and laid_out == len(snapshot.tables)
    assert charts.call_count == drawn  # nothing drawn again
    assert layouts.call_count == laid_out
    tables_html = pages.snapshot_tables(snapshot, public=False).html
    assert tables_html in first.content.decode()  # (the pages differ by their CSRF token)
    assert tables_html in second.content.decode()
    assert len(queries) < 20  # the snapshot and the session: no per-table work


def test_each_version_has_its_own_entry(admin_client, snapshot):  # noqa: F811
    newer = statistics_compute(year=2023, by=snapshot.computed_by)
    assert pages.cache_key(newer, public=False) != pages.cache_key(snapshot, public=False)
    page = admin_client.get(reverse("analytics:snapshot-detail", args=[2023, newer.version]))
    assert f"version {newer.version}" in page.content.decode()


def test_internal_and_public_figures_never_share_an_entry(snapshot):
    assert pages.cache_key(snapshot, public=True) != pages.cache_key(snapshot, public=False)
    internal = pages.snapshot_tables(snapshot, public=False)
    public = pages.snapshot_tables(snapshot, public=True)
    # Table 2's deaths by suicide: 2 in the internal figures, suppressed in the public ones.
    table_2 = "table_2_cause_of_death-table"
    internal_cells = [c for row in table_rows(internal.html, table_2) for c in row]
    public_cells = [c for row in table_rows(public.html, table_2) for c in row]
    assert SUPPRESSED not in internal_cells
    assert SUPPRESSED in public_cells
    # Taken from the cache, each audience still gets its own figures.
    assert pages.snapshot_tables(snapshot, public=False).html == internal.html
    assert pages.snapshot_tables(snapshot, public=True).html == public.html


def test_the_public_entry_follows_the_threshold(snapshot, settings):
    before = pages.cache_key(snapshot, public=True)
    settings.STATISTICS_SUPPRESSION_THRESHOLD += 5
    assert pages.cache_key(snapshot, public=True) != before
