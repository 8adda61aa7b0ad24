"""The bench's figures: each a list of samples (one per repeat) shown as min/median/max, with a
ratio to its baseline measured in the same run; the issue's targets as PASS/FAIL lines; the
results as CSV and Markdown; two runs side by side."""

from __future__ import annotations

import csv
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"
CSV_COLUMNS = ("group", "name", "unit", "min", "median", "max", "baseline", "ratio", "samples")


@dataclass
class Figure:
    group: str
    name: str
    unit: str
    samples: list[float] = field(default_factory=list)
    baseline: str = ""  # the name of the figure this one is divided by
    note: str = ""

    @property
    def min(self) -> float | None:
        return min(self.samples) if self.samples else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    @property
    def max(self) -> float | None:
        return max(self.samples) if self.samples else None


@dataclass
class Results:
    scale: str
    figures: dict[str, Figure] = field(default_factory=dict)

    def add(
        self, group: str, name: str, unit: str, value: float | None, *, baseline: str = ""
    ) -> Figure:
        figure = self.figures.setdefault(name, Figure(group, name, unit, baseline=baseline))
        if value is not None:
            figure.samples.append(value)
        return figure

    def ratio(self, name: str) -> float | None:
        figure = self.figures.get(name)
        if figure is None or not figure.baseline:
            return None
        base = self.figures.get(figure.baseline)
        if base is None or not base.median or figure.median is None:
            return None
        return figure.median / base.median

    def median(self, name: str) -> float | None:
        figure = self.figures.get(name)
        return figure.median if figure else None


@dataclass(frozen=True)
class Target:
    """One of the issue's targets: `figure`'s ratio (kind "ratio") or median ("max", "min")
    against `limit`, at the scales listed (all when empty)."""

    text: str
    figure: str
    kind: str
    limit: float
    scales: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verdict:
    target: Target
    value: float | None
    outcome: str  # PASS, FAIL, SKIP

    def line(self) -> str:
        shown = "no figure" if self.value is None else f"{self.value:,.2f}"
        return f"{self.outcome}  {self.target.text}: {shown}"


def check(results: Results, targets: Iterable[Target]) -> list[Verdict]:
    verdicts = []
    for target in targets:
        if target.scales and results.scale not in target.scales:
            continue
        value = (
            results.ratio(target.figure)
            if target.kind == "ratio"
            else results.median(target.figure)
        )
        if value is None:
            outcome = "SKIP"
        elif target.kind == "min":
            outcome = "PASS" if value >= target.limit else "FAIL"
        else:
            outcome = "PASS" if value <= target.limit else "FAIL"
        verdicts.append(Verdict(target, value, outcome))
    return verdicts


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    if unit in ("queries", "rows", "count") or float(value).is_integer() and abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"


def rows(results: Results) -> list[dict[str, str]]:
    out = []
    for figure in results.figures.values():
        ratio = results.ratio(figure.name)
        out.append(
            {
                "group": figure.group,
                "name": figure.name,
                "unit": figure.unit,
                "min": "" if figure.min is None else f"{figure.min:.6g}",
                "median": "" if figure.median is None else f"{figure.median:.6g}",
                "max": "" if figure.max is None else f"{figure.max:.6g}",
                "baseline": figure.baseline,
                "ratio": "" if ratio is None else f"{ratio:.4g}",
                "samples": " ".join(f"{s:.6g}" for s in figure.samples),
            }
        )
    return out


def write_csv(results: Results, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(rows(results))


def read_csv(path: Path) -> Results:
    scale = path.stem.rsplit("-", 1)[-1]
    results = Results(scale)
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            figure = Figure(row["group"], row["name"], row["unit"], baseline=row["baseline"])
            figure.samples = [float(s) for s in row["samples"].split()]
            results.figures[figure.name] = figure
    return results


def markdown(results: Results, verdicts: list[Verdict] | None = None, header: str = "") -> str:
    lines = [header] if header else []
    lines += [
        "| group | what | unit | min | median | max | ratio to baseline |",
        "|---|---|---|---|---|---|---|",
    ]
    for figure in results.figures.values():
        ratio = results.ratio(figure.name)
        shown = f"{ratio:.2f}× {figure.baseline}" if ratio is not None else ""
        note = f" ({figure.note})" if figure.note else ""
        lines.append(
            f"| {figure.group} | {figure.name}{note} | {figure.unit} | "
            f"{_fmt(figure.min, figure.unit)} | {_fmt(figure.median, figure.unit)} | "
            f"{_fmt(figure.max, figure.unit)} | {shown} |"
        )
    if verdicts:
        lines += ["", "Targets (issue 14, item 2):", ""]
        lines += [f"- {verdict.line()}" for verdict in verdicts]
    return "\n".join(lines) + "\n"


def compare(before: Results, after: Results) -> str:
    """Two runs side by side: each figure's median (and ratio) in both, and the change."""
    lines = [
        f"| what | unit | before ({before.scale}) | after ({after.scale}) | change | ratio before "
        "| ratio after |",
        "|---|---|---|---|---|---|---|",
    ]
    names = list(before.figures) + [n for n in after.figures if n not in before.figures]
    for name in names:
        a, b = before.figures.get(name), after.figures.get(name)
        m_a, m_b = (a.median if a else None), (b.median if b else None)
        change = f"{m_b / m_a:.2f}×" if m_a and m_b is not None else "–"
        r_a, r_b = before.ratio(name), after.ratio(name)
        unit = (a or b).unit
        lines.append(
            f"| {name} | {unit} | {_fmt(m_a, unit)} | {_fmt(m_b, unit)} | {change} | "
            f"{'' if r_a is None else f'{r_a:.2f}×'} | {'' if r_b is None else f'{r_b:.2f}×'} |"
        )
    return "\n".join(lines) + "\n"
