"""The statistics page's tables and charts, rendered once per snapshot and audience.

A snapshot never changes (analytics.models), so its ~30 tables and SVG charts rendered as HTML
never change either: the first request renders them and stores the HTML in the cache
(Redis in production, shared by every web process); later requests take it from there,
without laying out a table or drawing a chart. The key names the snapshot (id, version and
time of computation), the audience and, for the public one, the suppression threshold, so
that internal and public figures never share an entry; a new version is a new key, so nothing
is ever invalidated. Bump RENDER_VERSION when the tables' template or the charts change.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

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


@dataclass(frozen=True)
class RenderedTables:
    contents: list[tuple[str, str]]  # (table id, title), for the page's contents list
    html: str  # every table's section: title, chart, table, notes


def chart_html(table: dict) -> str:
    """The table's chart as SVG (analytics.charts), or "" when there is none. The SVG is built
    on the server with its labels escaped, so the page may include it as it is."""
    try:
        return chart_svg(table) or ""
    except Exception:  # a chart must not take the figures' page down; the table is there
        logger.exception("Drawing the chart of %s failed", table.get("id"))
        return ""


def cache_key(snapshot: StatisticsSnapshot, *, public: bool) -> str:
    audience = f"public-{settings.STATISTICS_SUPPRESSION_THRESHOLD}" if public else "internal"
    computed = snapshot.computed_at.isoformat() if snapshot.computed_at else ""
    return (
        f"analytics:snapshot-tables:{RENDER_VERSION}:{snapshot.pk}:{snapshot.year}:"
        f"{snapshot.version}:{computed}:{audience}"
    )


def _render(snapshot: StatisticsSnapshot, *, public: bool) -> RenderedTables:
    threshold = settings.STATISTICS_SUPPRESSION_THRESHOLD
    tables = []
    for table in snapshot.tables:
        if public and table.get("internal"):
            continue  # internal only (analytics.exports.export_tables)
        shown = suppress_table(table, threshold) if public else table
        tables.append({"layout": table_layout(shown), "chart": chart_html(shown)})
    html = render_to_string(
        "analytics/_snapshot_tables.html",
        {
            "tables": tables,
            "shown": snapshot,
            "financial_year": f"{snapshot.year} to {snapshot.year + 1}",
            "not_available_note": NOT_AVAILABLE_NOTE,
        },
    )
    return RenderedTables([(t["layout"].id, t["layout"].title) for t in tables], html)


def snapshot_tables(snapshot: StatisticsSnapshot, *, public: bool = False) -> RenderedTables:
    """The succeeded snapshot's tables and charts as the page shows them, for the internal
    audience (every figure) or the public one (small numbers suppressed); cached."""
    key = cache_key(snapshot, public=public)
    rendered = cache.get(key)
    if rendered is None:
        rendered = _render(snapshot, public=public)
        cache.set(key, rendered, CACHE_SECONDS)
    return rendered
