"""The statistics pages' tables and charts, rendered once per snapshot, audience and table.

A snapshot never changes (analytics.models), so a table of it and its SVG chart rendered as
HTML never change either: the first request renders them and stores the HTML in the cache
(Redis in production, shared by every web process); later requests take it from there,
without laying out the table or drawing the chart. The key names the snapshot (id, version and
time of computation), the audience and, for the public one, the suppression threshold, and the
table, so that internal and public figures never share an entry; a new version is a new key,
so nothing is ever invalidated. Bump RENDER_VERSION when the table's template or the charts
change.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string

from .charts import chart_svg
from .layout import NOT_AVAILABLE_NOTE, table_layout
from .models import StatisticsSnapshot
from .suppression import suppress_table

logger = logging.getLogger(__name__)

RENDER_VERSION = 3
# Long enough to serve a year's page for its life, short enough that old versions leave.
CACHE_SECONDS = 30 * 24 * 3600


def chart_html(table: dict) -> str:
    """The table's chart as SVG (analytics.charts), or "" when there is none. The SVG is built
    on the server with its labels escaped, so the page may include it as it is."""
    try:
        return chart_svg(table) or ""
    except Exception:  # a chart must not take the figures' page down; the table is there
        logger.exception("Drawing the chart of %s failed", table.get("id"))
        return ""


def cache_key(snapshot: StatisticsSnapshot, *, public: bool, table_id: str) -> str:
    audience = f"public-{settings.STATISTICS_SUPPRESSION_THRESHOLD}" if public else "internal"
    computed = snapshot.computed_at.isoformat() if snapshot.computed_at else ""
    return (
        f"analytics:snapshot-table:{RENDER_VERSION}:{snapshot.pk}:{snapshot.year}:"
        f"{snapshot.version}:{computed}:{audience}:{table_id}"
    )


def _render(snapshot: StatisticsSnapshot, table: dict, *, public: bool) -> str:
    shown = suppress_table(table, settings.STATISTICS_SUPPRESSION_THRESHOLD) if public else table
    return render_to_string(
        "analytics/_table_section.html",
        {
            "layout": table_layout(shown),
            "chart": chart_html(shown),
            "shown": snapshot,
            "financial_year": f"{snapshot.year} to {snapshot.year + 1}",
            "not_available_note": NOT_AVAILABLE_NOTE,
        },
    )


def snapshot_table(snapshot: StatisticsSnapshot, table_id: str, *, public: bool = False) -> str:
    """One table of the succeeded snapshot as its page shows it (chart, data table, notes),
    for the internal audience (every figure) or the public one (small numbers suppressed);
    cached. KeyError if the snapshot has no such table."""
    table = snapshot.table(table_id)
    if table is None or (public and table.get("internal")):
        # An internal-only table has no public rendering (analytics.exports.export_tables).
        raise KeyError(table_id)
    key = cache_key(snapshot, public=public, table_id=table_id)
    rendered = cache.get(key)
    if rendered is None:
        rendered = _render(snapshot, table, public=public)
        cache.set(key, rendered, CACHE_SECONDS)
    return rendered
