"""python -m bench --scale 1x|100k|1m [--repeats 3] [--check]   (inside scripts/services.py)
python -m bench --compare A.csv B.csv

`make bench` runs it on throwaway PostgreSQL and Redis (README, "Performance and benchmarks")."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path

from . import report
from .report import Results, Target, Verdict

PAGE_TARGET_SCALES = {"1x": 2.0, "100k": 3.0, "1m": 3.0}


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scale", default="1x", choices=["tiny", "1x", "100k", "1m"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--check", action="store_true", help="PASS/FAIL per target; exit 1 on FAIL")
    parser.add_argument("--compare", nargs=2, metavar="CSV", help="two result files side by side")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients")
    parser.add_argument("--requests", type=int, default=40, help="requests per page a repeat")
    parser.add_argument("--page-budget", type=float, default=60, help="seconds per page a repeat")
    parser.add_argument(
        "--import-budget",
        type=float,
        default=300,
        help="skip import sizes predicted to take longer",
    )
    parser.add_argument("--year", type=int, help="reporting year (default: two years ago)")
    parser.add_argument(
        "--only",
        default="statistics,exports,import,queries,pages",
        help="parts to run, comma-separated (queries: in-process counts; pages: under load)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep a dataset already there (DATABASE_URL set to an earlier run's database)",
    )
    return parser.parse_args(argv)


def targets(scale: str, page_names: list[str]) -> list[Target]:
    from .pages import MINIMAL, SIGN_IN

    out = []
    page_limit = PAGE_TARGET_SCALES.get(scale)
    for name in page_names:
        if name in (SIGN_IN, MINIMAL) or page_limit is None:
            continue
        out.append(
            Target(
                f"{name}: p95 ≤ {page_limit:g}× the sign-in page",
                f"{name} p95",
                "ratio",
                page_limit,
            )
        )
    out += [
        Target(
            "home page counts use indexed queries (no sequential scan of a big table)",
            "home page, Panel member: big-table seq scans",
            "max",
            0,
            ("100k", "1m"),
        ),
        Target("sign-in page p95 ≤ 2× the minimal view", f"{SIGN_IN} p95", "ratio", 2.0),
        Target("audit writes on reading a SIN ≤ 1 query", "SIN case page: audit writes", "max", 1),
        Target(
            "audit writes on reading a rapid review ≤ 1 query",
            "rapid review case page: audit writes",
            "max",
            1,
        ),
        Target(
            "a year's statistics ≤ 1.5× the hand-written SQL (the same 5 tables)",
            "engine, the same 5 tables",
            "ratio",
            1.5,
            ("100k", "1m"),
        ),
        Target("response letter PDF ≤ 0.3 s", "response letter PDF", "max", 0.3),
        Target("statistics PDF ≤ 5 s", "statistics PDF export", "max", 5.0),
        Target("import ≥ 2,000 rows/s (largest size run)", "import, largest size run", "min", 2000),
        Target(
            "import memory bounded: largest size ≤ 1.5× the RSS of 1,000 rows",
            "import memory, largest size run",
            "ratio",
            1.5,
        ),
    ]
    return out


def _latest(scale: str, directory: Path) -> Path | None:
    found = sorted(directory.glob(f"*-{scale}.csv"))
    return found[-1] if found else None


def queries_constant(results: Results, directory: Path) -> list[Verdict]:
    """Queries per page equal to the latest 1x run's (for runs at other scales)."""
    if results.scale == "1x":
        return []
    earlier = _latest("1x", directory)
    out = []
    for name, figure in results.figures.items():
        if not name.endswith(": queries"):
            continue
        target = Target(
            f"{name.removesuffix(': queries')}: queries per page as at 1×", name, "max", 0
        )
        if earlier is None:
            out.append(Verdict(target, figure.median, "SKIP"))
            continue
        before = report.read_csv(earlier).figures.get(name)
        same = before is not None and before.median == figure.median
        out.append(Verdict(target, figure.median, "PASS" if same else "FAIL"))
    return out


def _import_summary(results: Results) -> None:
    sizes = [
        f
        for f in results.figures.values()
        if f.group == "import" and f.unit == "rows/s" and f.samples
    ]
    if not sizes:
        return
    largest = sizes[-1]
    figure = results.add("import", "import, largest size run", "rows/s", None)
    figure.samples = list(largest.samples)
    figure.note = largest.name
    mem = [
        f
        for f in results.figures.values()
        if f.group == "memory" and f.name.startswith("peak RSS: import ")
    ]
    if len(mem) > 1:  # bounded or not shows only between two sizes
        derived = results.add(
            "memory", "import memory, largest size run", "MB", None, baseline=mem[0].name
        )
        derived.samples = list(mem[-1].samples)
        derived.note = mem[-1].name


def _password_hash(results: Results) -> None:
    """What signing in (a POST) costs beyond the sign-in page: the configured hasher's work."""
    from django.contrib.auth.hashers import get_hasher

    hasher = get_hasher()
    name = f"password hash ({hasher.algorithm}, {getattr(hasher, 'iterations', '?'):,} rounds)"
    for _ in range(3):
        started = time.perf_counter()
        hasher.encode("bench-password", hasher.salt())
        results.add("pages", name, "ms", (time.perf_counter() - started) * 1000)


def run(args: argparse.Namespace) -> int:
    from .setup import django_setup

    django_setup()
    from django.core.management import call_command
    from django.db import connections
    from django.utils import timezone

    from analytics.selectors import snapshot_latest
    from analytics.services import statistics_compute
    from panel.models import ResponseLetter
    from safeguarding.services import reference_data_load

    from . import dataset, pages, stats

    parts = set(args.only.split(","))
    year = args.year or timezone.localdate().year - 2
    results = Results(args.scale)
    print(
        f"[bench] scale {args.scale}, reporting year {year}, {args.repeats} repeat(s)", flush=True
    )
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    reference_data_load()
    if args.reuse and dataset.existing_counts()["RapidReview"]:
        counts = dataset.existing_counts()
        generation = results.add("dataset", "dataset already there (--reuse)", "s", None)
        dataset.analyse()  # as the generation leaves it, whatever an earlier run left
    else:
        info = dataset.generate(args.scale)
        counts = info.counts
        generation = results.add("dataset", "generate the dataset", "s", info.seconds)
    generation.note = ", ".join(f"{n:,} {model}" for model, n in counts.items())
    print(f"[bench] dataset: {generation.note}", flush=True)
    users = dataset.bench_users()

    if parts & {"pages", "exports"} and not (args.reuse and snapshot_latest(year)):
        # The statistics page and the exports show the year's stored snapshot.
        step = time.perf_counter()
        statistics_compute(year=year, by=users.administrator)
        results.add(
            "statistics",
            "compute and store the year's snapshot (once)",
            "s",
            time.perf_counter() - step,
        )
    letter = ResponseLetter.objects.filter(status="sent").order_by("-pk").first()
    connections.close_all()

    if "statistics" in parts:
        print("[bench] statistics", flush=True)
        stats.statistics(results, year, args.repeats)
    if "exports" in parts:
        print("[bench] exports and a response letter", flush=True)
        stats.exports(results, year, args.repeats, letter.pk)
    if "import" in parts:
        print("[bench] import", flush=True)
        stats.imports(results, args.repeats, args.import_budget)
        # Each import is rolled back, leaving its rows dead; the VACUUM that autovacuum then
        # runs can skip pages and record a fraction of the SINs as the table's size (5,088
        # of 103,093 seen at 100k), and the planner then sorts the whole table for a list's
        # count (43 ms instead of 2). Measure the pages on statistics as ANALYZE gives them.
        dataset.analyse()
    page_list = pages.pages(users, year) if parts & {"queries", "pages"} else []
    if "queries" in parts:
        print("[bench] queries per page", flush=True)
        pages.query_counts(results, users, page_list)
    if "pages" in parts:
        _password_hash(results)
        cookies = pages.session_cookies(users)
        connections.close_all()
        with pages.Server() as server:
            for repeat in range(args.repeats):
                print(f"[bench] pages, repeat {repeat + 1} of {args.repeats}", flush=True)
                pages.load(
                    results,
                    server,
                    page_list,
                    cookies,
                    clients=args.clients,
                    requests=args.requests,
                    budget=args.page_budget,
                )
    _import_summary(results)
    results.add("dataset", "whole bench run", "s", time.perf_counter() - started)

    directory = report.RESULTS_DIR
    loaded = [p.name for p in page_list] if "pages" in parts else []
    verdicts = report.check(results, targets(args.scale, loaded))
    verdicts += queries_constant(results, directory)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    csv_path = directory / f"{stamp}-{args.scale}.csv"
    report.write_csv(results, csv_path)
    header = (
        f"## make bench, scale {args.scale}, {stamp} (reporting year {year}, "
        f"{args.repeats} repeat(s), {args.clients} clients, ≤ {args.requests} requests a page)\n"
    )
    text = report.markdown(results, verdicts, header)
    csv_path.with_suffix(".md").write_text(text)
    print(text)
    print(f"[bench] results: {csv_path} and {csv_path.with_suffix('.md')}")
    if args.check and any(v.outcome == "FAIL" for v in verdicts):
        return 1
    return 0


def main(argv: list[str]) -> int:
    args = parse(argv)
    if args.compare:
        before, after = (report.read_csv(Path(p)) for p in args.compare)
        print(report.compare(before, after))
        return 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
