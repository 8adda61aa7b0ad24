"""Server-side SVG charts of the annual figures: the same chart on the statistics pages and in
the PDF (WeasyPrint draws inline SVG), with no JavaScript and no external service.

`chart_svg(table)` takes a computed table from a snapshot (analytics.engine: columns, groups of
rows of cells {"n", "pct", "value"}) - suppressed or not - and returns a self-contained SVG
string, or None for a table that has no chart. Which rows, columns and measure each chart
shows is declared as data in CHARTS, like the tables themselves (analytics.tables).

Accessibility: role="img" with a <title> and a <desc> (aria-labelledby), every bar labelled
with its value as text, so that colour is never the only way to read it; the data table is
shown beside every chart. A suppressed value (`c`) or one not available (`x`) draws no bar
and is labelled `c` or `x`, so a public chart reveals nothing that its table hides.

Missing is not zero: a year for which the service holds no records (cells marked `missing`
by analytics.engine.mark_missing_years) is never drawn as 0. A series all of whose figures
are missing (the previous year's column) is left out (no bar, no line, no legend entry), a
line is broken where its figures are missing (the months of that year), and the chart says
so in a visible note, also in its description: "No records for 2022 to 2023: not drawn."

Readable at the page's width: the SVG is drawn at WIDTH user units, the GOV.UK page's widest
content (960 px), and scales down to its container. Every text is at least MIN_TEXT_PX user
units, so at least 14 px on a full-width page (`smallest_text_px` checks a drawn chart). A row
label wraps onto up to LABEL_LINES lines and is cut with "…" beyond them, the full label in
its <title>; a band is as tall as its label, so labels never overlap.

Output is deterministic: the same table gives the same bytes (no random ids, fixed number
formatting), and every label is XML-escaped.
"""

from __future__ import annotations

import dataclasses
import math
import re
import textwrap
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.sax.saxutils import escape

# The GOV.UK width container's widest content: the chart is drawn at this width (user units =
# px at full width) and scales down with its container.
PAGE_WIDTH = 960
WIDTH = PAGE_WIDTH
# The smallest text on screen at full width (px), and the chart's two text sizes (user units).
MIN_TEXT_PX = 14
TEXT_SIZE = 16  # row labels, legend, axis titles
SMALL_TEXT_SIZE = MIN_TEXT_PX  # ticks and the figures on the bars
FONT = "Arial, Helvetica, sans-serif"
TEXT = "#0b0c0c"
SECONDARY_TEXT = "#505a5f"
GRID = "#b1b4b6"
# GOV.UK colours, in the order series take them.
PALETTE = ("#1d70b8", "#f47738", "#00703c", "#d4351c", "#003078", "#912b88", "#85994b")
# Text on a bar: white, except on the light colours where black text has the contrast.
DARK_TEXT_ON = frozenset({"#f47738", "#85994b"})

# Measures: which part of a cell a chart draws.
PCT, N, VALUE = "pct", "n", "value"
# Chart kinds.
BARS, STACKED, LINE = "bars", "stacked", "line"
# Rows: "cells" (the cell rows), "subtotals" (subtotal rows, labelled by their group).
CELLS, SUBTOTALS = "cells", "subtotals"
# Columns: "all", "non_total" (every column but the Total) or "total".
ALL_COLUMNS, NON_TOTAL, TOTAL = "all", "non_total", "total"


@dataclass(frozen=True)
class ChartSpec:
    kind: str = BARS
    measure: str = PCT
    rows: str = CELLS
    columns: str = NON_TOTAL
    groups: tuple[int, ...] | None = None  # the row groups drawn (indexes); None for all
    axis: str = ""  # the value axis' title; defaults from the measure
    # Set by chart_svg for one drawing: the note under the chart (a year not drawn), and a
    # legend even for one series (so that the series drawn is named when another is not).
    note: str = ""
    legend: bool = False


CHARTS: dict[str, ChartSpec] = {
    "chart_1_reason": ChartSpec(),
    "chart_2_month": ChartSpec(kind=LINE, measure=N, axis="Number of SINs"),
    "chart_3_regions": ChartSpec(measure=VALUE, columns=ALL_COLUMNS, axis="Rate per 100,000"),
    "rr_incident_type": ChartSpec(columns=TOTAL),
    "chart_4_age_year": ChartSpec(),
    "chart_5_age_type": ChartSpec(kind=STACKED),
    "mean_age": ChartSpec(measure=VALUE, axis="Mean age (years)"),
    "chart_6_age_sex": ChartSpec(measure=N, axis="Number of incidents"),
    "table_1_ethnicity": ChartSpec(rows=SUBTOTALS, columns=ALL_COLUMNS),
    "chart_7_ethnicity_age": ChartSpec(kind=STACKED),
    "chart_8_imd_age": ChartSpec(columns=TOTAL),
    "table_2_cause_of_death": ChartSpec(columns=TOTAL),
    "table_3_cause_of_harm": ChartSpec(columns=TOTAL),
    "table_4_csc": ChartSpec(rows=SUBTOTALS),
    "chart_9_education": ChartSpec(columns=TOTAL),
    "chart_10_mental_health": ChartSpec(columns=TOTAL, groups=(0,)),
    "parents_needs": ChartSpec(groups=(0,)),
    "chart_11_abuse_types": ChartSpec(),
    "chart_12_learning_themes": ChartSpec(columns=ALL_COLUMNS),
    "timeliness": ChartSpec(groups=(0, 1)),  # not the withdrawn line (a count, not a share)
    "panel_agreement": ChartSpec(groups=(0,)),
    # Appendix F: the risk factors, the cohort beside its comparison group (grouped bars).
    "table_f_a_child_mental_health": ChartSpec(columns=ALL_COLUMNS, groups=(8,)),
    "table_f_b_parent_mental_health": ChartSpec(columns=ALL_COLUMNS, groups=(10,)),
    "table_f_c_extrafamilial_harm": ChartSpec(columns=ALL_COLUMNS, groups=(10,)),
    # LCSPRs considered by the Panel (issue 18): shares of the LCSPRs considered.
    "lcspr_incident_type": ChartSpec(columns=TOTAL),
    "lcspr_timeliness": ChartSpec(columns=TOTAL),
    "lcspr_learning_themes": ChartSpec(columns=TOTAL),
}

AXIS_TITLES = {PCT: "Percentage", N: "Number", VALUE: "Value"}

# Horizontal bars: the label column on the left, the plot to its right.
LABEL_WIDTH = 330
LABEL_CHARS = 36  # wrap row labels at this many characters (16px Arial)
LABEL_LINES = 3  # and cut them with "…" beyond this many lines
PLOT_LEFT = LABEL_WIDTH + 14
PLOT_RIGHT = WIDTH - 80  # room for the value label after the longest bar
BAR_HEIGHT = 24
BAR_GAP = 4
LINE_HEIGHT = 20
BAND_PADDING = 14
TOP = 12
# About the widest a character of 16px Arial is on average (for the legend's layout).
CHAR_WIDTH = 9


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[Decimal | None, ...]
    texts: tuple[str, ...]  # what each value's label says: "48.8%", "37", "c", "x"


def _number(raw: Any) -> Decimal | None:
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int):
        return Decimal(raw)
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _text_of(raw: Any, measure: str) -> str:
    value = _number(raw)
    if value is None:
        return "c" if raw == "c" else "x"
    if measure == PCT:
        return f"{raw}%"
    if measure == N:
        return f"{int(value):,}"
    return str(raw)


def _fmt(x: float) -> str:
    """A coordinate: fixed precision, so that the output is the same bytes every time."""
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _attr(value: Any) -> str:
    return escape(str(value), {'"': "&quot;"})


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chart"


def _select(table: dict[str, Any], spec: ChartSpec) -> tuple[list[str], list[Series], bool]:
    """The chart's categories (row labels), one series per chosen column but those whose
    every figure is missing (a year with no records), and whether any figure drawn is
    missing."""
    columns = table["columns"]
    if spec.columns == TOTAL:
        chosen = [j for j, c in enumerate(columns) if c.get("is_total")] or [len(columns) - 1]
    elif spec.columns == NON_TOTAL:
        chosen = [j for j, c in enumerate(columns) if not c.get("is_total")]
    else:
        chosen = list(range(len(columns)))
    rows = []
    for i, group in enumerate(table["groups"]):
        if spec.groups is not None and i not in spec.groups:
            continue
        for row in group["rows"]:
            if spec.rows == CELLS and row.get("kind", "cell") == "cell":
                rows.append((row["label"], row))
            elif spec.rows == SUBTOTALS and row.get("kind") == "subtotal":
                rows.append((group["label"] or row["label"], row))
    any_missing = any(row["cells"][j].get("missing") for _, row in rows for j in chosen)
    # Rows without the measure at all (a mean's count row, say, or the months of a year with
    # no records) are not drawn.
    rows = [
        (label, row)
        for label, row in rows
        if any(row["cells"][j].get(spec.measure) is not None for j in chosen)
    ]
    series = []
    for j in chosen:
        missing = [bool(row["cells"][j].get("missing")) for _, row in rows]
        if missing and all(missing):
            continue
        raws = [row["cells"][j].get(spec.measure) for _, row in rows]
        series.append(
            Series(
                label=str(columns[j]["label"]),
                values=tuple(_number(raw) for raw in raws),
                texts=tuple(_text_of(raw, spec.measure) for raw in raws),
            )
        )
    return [label for label, _ in rows], series, any_missing


def _missing_note(table: dict[str, Any]) -> str:
    years = table.get("missing_years") or []
    if not years:
        return ""
    return f"No records for {' and '.join(years)}: not drawn."


def _axis(value: Decimal | None, divisions: int = 5) -> tuple[float, list[float]]:
    """A round axis maximum at or above the largest value, and its ticks."""
    top = float(value or 0)
    if top <= 0:
        return 1.0, [0.0, 1.0]
    raw = top / divisions
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    maximum = math.ceil(top / step - 1e-9) * step
    return maximum, [step * i for i in range(round(maximum / step) + 1)]


def _tick_text(value: float, measure: str) -> str:
    text = f"{value:,.1f}".removesuffix(".0") if value % 1 else f"{value:,.0f}"
    return f"{text}%" if measure == PCT else text


def _wrap(label: str, width: int = LABEL_CHARS, lines: int = LABEL_LINES) -> list[str]:
    """The label on at most `lines` lines of `width` characters, the last cut with "…"."""
    wrapped = textwrap.wrap(label, width=width, break_long_words=True) or [""]
    if len(wrapped) <= lines:
        return wrapped
    kept = wrapped[:lines]
    kept[-1] = kept[-1][: width - 1].rstrip() + "\N{HORIZONTAL ELLIPSIS}"
    return kept


def _fit(label: str, width: float) -> str:
    """The label cut with "…" to about `width` user units of 16px text."""
    chars = max(int(width // CHAR_WIDTH), 4)
    if len(label) <= chars:
        return label
    return label[: chars - 1].rstrip() + "\N{HORIZONTAL ELLIPSIS}"


def _text(x: float, y: float, content: str, **attrs: Any) -> str:
    extra = "".join(f' {k.rstrip("_").replace("_", "-")}="{_attr(v)}"' for k, v in attrs.items())
    return f'<text x="{_fmt(x)}" y="{_fmt(y)}"{extra}>{escape(content)}</text>'


def _legend(series: list[Series], y: float, *, always: bool = False) -> tuple[list[str], float]:
    """Swatches with the series' names, wrapping onto further lines; the height used. One
    series has none, unless `always`."""
    if len(series) < 2 and not always:
        return [], 0
    parts = ['<g class="legend">']
    x, line = float(PLOT_LEFT), 0
    for k, s in enumerate(series):
        label = _fit(s.label, WIDTH - PLOT_LEFT - 24)
        width = 24 + CHAR_WIDTH * len(label)
        if x + width > WIDTH and x > PLOT_LEFT:
            x, line = float(PLOT_LEFT), line + 1
        top = y + line * 24
        parts.append(
            f'<rect x="{_fmt(x)}" y="{_fmt(top)}" width="16" height="16" '
            f'fill="{PALETTE[k % len(PALETTE)]}"/>'
        )
        text = _text(x + 22, top + 14, label, font_size=TEXT_SIZE, fill=TEXT)
        if label != s.label:  # cut: the full name on hover
            text = f"<g><title>{escape(s.label)}</title>{text}</g>"
        parts.append(text)
        x += width + 16
    parts.append("</g>")
    return parts, (line + 1) * 24 + 10


# The note under a chart that leaves out a year with no records.
NOTE_FONT_SIZE = 14
NOTE_HEIGHT = 28


def _svg(
    table: dict[str, Any],
    height: float,
    body: list[str],
    description: str,
    label: str,
    note: str = "",
) -> str:
    if note:
        body = [
            *body,
            _text(
                12,
                height + NOTE_FONT_SIZE,
                note,
                font_size=str(NOTE_FONT_SIZE),
                fill=TEXT,
                class_="chart-note",
            ),
        ]
        height += NOTE_HEIGHT
        description = f"{description} {note}"
    slug = _slug(table.get("id", "chart"))
    title_id, desc_id = f"{slug}-chart-title", f"{slug}-chart-desc"
    title = str(table.get("title", ""))
    return "".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="analytics-chart" '
            f'width="{WIDTH}" height="{_fmt(height)}" viewBox="0 0 {WIDTH} {_fmt(height)}" '
            f'role="img" aria-labelledby="{title_id} {desc_id}" font-family="{FONT}" '
            f'data-table="{_attr(table.get("id", ""))}" data-chart="{label}">',
            f'<title id="{title_id}">{escape(title)}</title>',
            f'<desc id="{desc_id}">{escape(description)}</desc>',
            f'<rect width="{WIDTH}" height="{_fmt(height)}" fill="#ffffff"/>',
            *body,
            "</svg>",
        ]
    )


def _describe(kind: str, categories: list[str], series: list[Series], spec: ChartSpec) -> str:
    measure = {PCT: "percentages", N: "numbers", VALUE: "values"}[spec.measure]
    shape = {
        BARS: "Horizontal bar chart",
        STACKED: "Stacked horizontal bar chart",
        LINE: "Line chart",
    }[kind]
    parts = [f"{shape} of {measure}"]
    if len(series) > 1:
        parts.append(f"comparing {', '.join(s.label for s in series)}")
    parts.append(f"for {len(categories)} categories: ")
    lines = []
    for i, category in enumerate(categories):
        values = "; ".join(
            f"{s.label} {s.texts[i]}" if len(series) > 1 else s.texts[i] for s in series
        )
        lines.append(f"{category}: {values}")
    return " ".join(parts) + ". ".join(lines) + ". The data in this chart is in the table below."


def _value_axis(
    top: float, bottom: float, maximum: float, ticks: list[float], spec: ChartSpec
) -> list[str]:
    scale = (PLOT_RIGHT - PLOT_LEFT) / maximum
    parts = ['<g class="axis">']
    for tick in ticks:
        x = PLOT_LEFT + tick * scale
        parts.append(
            f'<line x1="{_fmt(x)}" y1="{_fmt(top)}" x2="{_fmt(x)}" y2="{_fmt(bottom)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            _text(
                x,
                bottom + 20,
                _tick_text(tick, spec.measure),
                font_size=SMALL_TEXT_SIZE,
                fill=SECONDARY_TEXT,
                text_anchor="middle",
            )
        )
    axis_title = spec.axis or AXIS_TITLES[spec.measure]
    parts.append(
        _text(
            (PLOT_LEFT + PLOT_RIGHT) / 2,
            bottom + 44,
            axis_title,
            font_size=TEXT_SIZE,
            fill=TEXT,
            text_anchor="middle",
        )
    )
    parts.append("</g>")
    return parts


def _category_label(label: str, top: float, band: float) -> list[str]:
    lines = _wrap(label)
    first = top + band / 2 - (len(lines) - 1) * LINE_HEIGHT / 2 + 5
    texts = [
        _text(
            LABEL_WIDTH,
            first + k * LINE_HEIGHT,
            line,
            font_size=TEXT_SIZE,
            fill=TEXT,
            text_anchor="end",
        )
        for k, line in enumerate(lines)
    ]
    if " ".join(lines) != " ".join(label.split()):  # cut: the full label on hover
        return [f'<g class="label"><title>{escape(label)}</title>', *texts, "</g>"]
    return texts


def _bars(table: dict[str, Any], spec: ChartSpec, categories, series) -> str:
    """Horizontal bars: one band per category, one bar per series within it."""
    values = [v for s in series for v in s.values if v is not None]
    maximum, ticks = _axis(max(values, default=None))
    scale = (PLOT_RIGHT - PLOT_LEFT) / maximum
    legend, legend_height = _legend(series, TOP, always=spec.legend)
    y = TOP + legend_height
    plot_top = y
    body = [*legend]
    bars_height = len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
    for i, category in enumerate(categories):
        band = max(bars_height, len(_wrap(category)) * LINE_HEIGHT) + BAND_PADDING
        body.append(f'<g class="category" data-row="{i}">')
        body.extend(_category_label(category, y, band))
        bar_y = y + (band - bars_height) / 2
        for k, s in enumerate(series):
            value = s.values[i]
            colour = PALETTE[k % len(PALETTE)]
            width = float(max(value, 0)) * scale if value is not None else 0
            if value is not None:
                body.append(
                    f'<rect class="bar" x="{PLOT_LEFT}" y="{_fmt(bar_y)}" width="{_fmt(width)}" '
                    f'height="{BAR_HEIGHT}" fill="{colour}">'
                    f"<title>{escape(f'{category}, {s.label}: {s.texts[i]}')}</title></rect>"
                )
            body.append(
                _text(
                    PLOT_LEFT + width + 6,
                    bar_y + BAR_HEIGHT / 2 + 5,
                    s.texts[i],
                    font_size=SMALL_TEXT_SIZE,
                    fill=TEXT,
                )
            )
            bar_y += BAR_HEIGHT + BAR_GAP
        body.append("</g>")
        y += band
    axis = _value_axis(plot_top, y, maximum, ticks, spec)
    height = y + 56
    description = _describe(BARS, categories, series, spec)
    # The grid goes under the bars.
    return _svg(table, height, axis + body, description, BARS, spec.note)


def _stacked(table: dict[str, Any], spec: ChartSpec, categories, series) -> str:
    """100% stacked horizontal bars (row percentages): one bar per category."""
    legend, legend_height = _legend(series, TOP, always=spec.legend)
    y = TOP + legend_height
    plot_top = y
    scale = (PLOT_RIGHT - PLOT_LEFT) / 100
    body = [*legend]
    for i, category in enumerate(categories):
        band = max(BAR_HEIGHT + 4, len(_wrap(category)) * LINE_HEIGHT) + BAND_PADDING
        body.append(f'<g class="category" data-row="{i}">')
        body.extend(_category_label(category, y, band))
        bar_y = y + (band - BAR_HEIGHT - 4) / 2
        x = float(PLOT_LEFT)
        hidden = []
        for k, s in enumerate(series):
            value = s.values[i]
            if value is None:
                hidden.append(f"{s.label} {s.texts[i]}")
                continue
            width = float(max(value, 0)) * scale
            colour = PALETTE[k % len(PALETTE)]
            body.append(
                f'<rect class="bar" x="{_fmt(x)}" y="{_fmt(bar_y)}" width="{_fmt(width)}" '
                f'height="{BAR_HEIGHT + 4}" fill="{colour}" '
                f'stroke="#ffffff" stroke-width="1">'
                f"<title>{escape(f'{category}, {s.label}: {s.texts[i]}')}</title></rect>"
            )
            label = s.texts[i].removesuffix("%")
            if width >= CHAR_WIDTH * len(label) + 8:
                body.append(
                    _text(
                        x + width / 2,
                        bar_y + (BAR_HEIGHT + 4) / 2 + 5,
                        label,
                        font_size=SMALL_TEXT_SIZE,
                        fill=TEXT if colour in DARK_TEXT_ON else "#ffffff",
                        text_anchor="middle",
                    )
                )
            x += width
        if hidden:
            body.append(
                _text(
                    x + 6,
                    bar_y + (BAR_HEIGHT + 4) / 2 + 5,
                    ", ".join(hidden),
                    font_size=SMALL_TEXT_SIZE,
                    fill=TEXT,
                )
            )
        body.append("</g>")
        y += band
    axis = _value_axis(plot_top, y, 100.0, [20.0 * i for i in range(6)], spec)
    description = _describe(STACKED, categories, series, spec)
    return _svg(table, y + 56, axis + body, description, STACKED, spec.note)


def _line(table: dict[str, Any], spec: ChartSpec, categories, series) -> str:
    """A line per series over the categories in order (months)."""
    left, right = 84.0, WIDTH - 32.0
    legend, legend_height = _legend(series, TOP, always=spec.legend)
    plot_top = TOP + legend_height + 8
    plot_bottom = plot_top + 300
    values = [v for s in series for v in s.values if v is not None]
    maximum, ticks = _axis(max(values, default=None))
    step = (right - left) / max(len(categories) - 1, 1)

    def x_of(i: int) -> float:
        return left + i * step

    def y_of(value) -> float:
        return plot_bottom - float(value) / maximum * (plot_bottom - plot_top)

    body = ['<g class="axis">']
    for tick in ticks:
        y = plot_bottom - tick / maximum * (plot_bottom - plot_top)
        body.append(
            f'<line x1="{_fmt(left)}" y1="{_fmt(y)}" x2="{_fmt(right)}" y2="{_fmt(y)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(
            _text(
                left - 8,
                y + 5,
                _tick_text(tick, spec.measure),
                font_size=SMALL_TEXT_SIZE,
                fill=SECONDARY_TEXT,
                text_anchor="end",
            )
        )
    label_every = max(1, math.ceil(len(categories) / 8))
    for i, category in enumerate(categories):
        if i % label_every:
            continue
        x = left + i * step
        words = category.split()
        short = f"{words[0][:3]} {words[-1]}" if len(words) > 1 else category
        body.append(
            _text(
                x,
                plot_bottom + 22,
                short,
                font_size=SMALL_TEXT_SIZE,
                fill=TEXT,
                text_anchor="middle",
            )
        )
    body.append(
        _text(
            20,
            (plot_top + plot_bottom) / 2,
            spec.axis or AXIS_TITLES[spec.measure],
            font_size=TEXT_SIZE,
            fill=TEXT,
            text_anchor="middle",
            transform=f"rotate(-90 20 {_fmt((plot_top + plot_bottom) / 2)})",
        )
    )
    body.append("</g>")
    body.extend(legend)
    for k, s in enumerate(series):
        body.extend(_line_series(k, s, categories, x=x_of, y=y_of))
    description = _describe(LINE, categories, series, spec)
    return _svg(table, plot_bottom + 36, body, description, LINE, spec.note)


def _line_series(k: int, s, categories, *, x, y) -> list[str]:
    """One series of a line chart: its line, broken where a value is missing (suppressed or
    not available), and a point with its figure at each value. `x` and `y` place an index and
    a value on the plot."""
    colour = PALETTE[k % len(PALETTE)]
    body = [f'<g class="series" data-series="{k}">']
    runs: list[list[str]] = [[]]
    for i, value in enumerate(s.values):
        if value is None:  # a gap: suppressed or not available
            runs.append([])
            continue
        runs[-1].append(f"{_fmt(x(i))},{_fmt(y(value))}")
    for run in runs:
        if len(run) > 1:
            body.append(
                f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" '
                'stroke-width="2.5"/>'
            )
    for i, value in enumerate(s.values):
        if value is None:
            continue
        body.append(
            f'<circle class="point" cx="{_fmt(x(i))}" cy="{_fmt(y(value))}" r="4" fill="{colour}">'
            f"<title>{escape(f'{categories[i]}, {s.label}: {s.texts[i]}')}</title></circle>"
        )
    body.append("</g>")
    return body


RENDERERS = {BARS: _bars, STACKED: _stacked, LINE: _line}


def chart_svg(table: dict[str, Any]) -> str | None:
    """The table's chart as an SVG string, or None when the table has no chart (or nothing to
    draw)."""
    spec = CHARTS.get(table.get("id", ""))
    if spec is None:
        return None
    categories, series, any_missing = _select(table, spec)
    if not categories or not series:
        return None
    if any_missing:
        note = _missing_note(table) or "Figures not available are not drawn."
        spec = dataclasses.replace(spec, note=note, legend=True)
    return RENDERERS[spec.kind](table, spec, categories, series)


TEXT_TAG = re.compile(r"<text\b[^>]*>")
FONT_SIZE = re.compile(r'\bfont-size="([0-9.]+)"')


def smallest_text_px(svg: str, *, display_width: float = PAGE_WIDTH) -> float:
    """The smallest text of a drawn chart (chart_svg's output) in px on screen when its
    container is `display_width` px wide: the chart scales to min(its width, the
    container's), so a text of font-size f is f * shown width / viewBox width px. Every
    <text> must name its size. For tests and checks."""
    opening = svg[: svg.index(">") + 1]
    view_width = float(re.search(r'viewBox="[^"]*?\S+ \S+ (\S+) ', opening).group(1))
    width = re.search(r'\bwidth="([0-9.]+)"', opening)
    shown = min(float(width.group(1)) if width else view_width, display_width)
    sizes = []
    for tag in TEXT_TAG.findall(svg):
        size = FONT_SIZE.search(tag)
        if size is None:
            raise ValueError(f"A chart's text has no font-size: {tag}")
        sizes.append(float(size.group(1)))
    return min(sizes, default=float("inf")) * shown / view_width
