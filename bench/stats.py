"""Statistics, exports, a response letter and the import, each measured in its own process
(bench.worker) so its peak memory (max RSS, from os.wait4) is its own."""

from __future__ import annotations

import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from .report import Results
from .setup import ROOT

IMPORT_SIZES = (1_000, 10_000, 100_000)
SYNTHETIC = ROOT / "tests" / "analytics" / "data" / "synthetic_2023_24.csv"
DATE_COLUMNS = ("incident_date", "date_aware", "notified_at", "rr_submitted_at", "panel_decided_at")


def run_worker(task: str, args: dict | None = None) -> tuple[dict, float]:
    """(the task's JSON result, its process's max RSS in MB)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.worker", task, json.dumps(args or {})],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        text=True,
    )
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"bench.worker {task} failed ({process.returncode}):\n{output[-2000:]}")
    line = next(x for x in output.splitlines() if x.startswith("BENCH-RESULT "))
    return json.loads(line.removeprefix("BENCH-RESULT ")), usage.ru_maxrss / 1024


def statistics(results: Results, year: int, repeats: int) -> None:
    for _ in range(repeats):
        _, rss = run_worker("baseline")
        results.add("memory", "peak RSS: process with Django set up", "MB", rss)
        hand, _ = run_worker("hand_sql", {"year": year})
        results.add("statistics", "hand-written SQL, 5 tables", "s", hand["seconds"])
        engine, _ = run_worker("engine_tables", {"year": year})
        results.add(
            "statistics",
            "engine, the same 5 tables",
            "s",
            engine["seconds"],
            baseline="hand-written SQL, 5 tables",
        )
        whole, rss = run_worker("compute_year", {"year": year})
        results.add(
            "statistics",
            f"engine, the whole year ({whole['tables']} tables)",
            "s",
            whole["seconds"],
        )
        results.add(
            "memory",
            "peak RSS: compute a year",
            "MB",
            rss,
            baseline="peak RSS: process with Django set up",
        )


def exports(results: Results, year: int, repeats: int, letter_id: int) -> None:
    for _ in range(repeats):
        for fmt in ("csv", "xlsx", "pdf"):
            out, rss = run_worker("export", {"year": year, "format": fmt})
            results.add("exports", f"statistics {fmt.upper()} export", "s", out["seconds"])
            results.add(
                "memory",
                f"peak RSS: export {fmt.upper()}",
                "MB",
                rss,
                baseline="peak RSS: process with Django set up",
            )
        out, _ = run_worker("letter_pdf", {"letter": letter_id})
        results.add("exports", "response letter PDF", "s", out["seconds"])
        results.add("exports", "response letter PDF, the first in a new process", "s", out["first"])


def import_file(rows: int, directory: Path, seed: int = 14) -> Path:
    """A CSV of `rows` records in the importer's format: the synthetic 2023/24 file's rows,
    copied with their dates moved back a whole number of days and their authority rotated,
    each incident once (the importer refuses a file with the same incident twice)."""
    # The rows must differ in the importer's key (the same incident is imported once).
    from analytics.importer.parse import KEY_COLUMNS
    from safeguarding.models import LocalAuthority

    with SYNTHETIC.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header, template = reader.fieldnames, list(reader)
    authorities = list(
        LocalAuthority.objects.order_by("ons_code").values_list("ons_code", flat=True)
    )
    rng = random.Random(seed)
    seen: set[tuple] = set()
    path = directory / f"import-{rows}.csv"
    written = copy = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        while written < rows:
            shift = timedelta(days=copy)
            for base in template:
                row = dict(base)
                for column in DATE_COLUMNS:
                    if row[column]:
                        row[column] = (date.fromisoformat(row[column][:10]) - shift).isoformat()
                row["local_authority"] = rng.choice(authorities)
                key = tuple(row[column] for column in KEY_COLUMNS)
                if key in seen:
                    continue
                seen.add(key)
                writer.writerow(row)
                written += 1
                if written == rows:
                    break
            copy += 1
    return path


def imports(results: Results, repeats: int, budget: float, sizes=IMPORT_SIZES) -> None:
    """Rows per second for each size, stopping before a size predicted to take longer than
    `budget` seconds a repeat (at the rate measured on the size before)."""
    directory = Path(tempfile.mkdtemp(prefix="csir-bench-import-"))
    rate = None
    for size in sizes:
        name = f"import {size:,} rows"
        if rate and size / rate > budget:
            figure = results.add("import", name, "rows/s", None)
            figure.note = f"skipped: about {size / rate / 60:.0f} min at {rate:.0f} rows/s"
            continue
        started = time.perf_counter()
        path = import_file(size, directory)
        results.add("import", f"write the {size:,}-row file", "s", time.perf_counter() - started)
        for _ in range(repeats):
            out, rss = run_worker("import", {"path": str(path)})
            if out.get("errors"):
                raise RuntimeError(f"the bench's import file was refused: {out['errors']}")
            rate = size / out["seconds"]
            results.add("import", name, "rows/s", rate)
            results.add(
                "memory",
                f"peak RSS: import {size:,} rows",
                "MB",
                rss,
                baseline="peak RSS: process with Django set up",
            )
        # The web upload's path once (issue 19): the job kept, then imported by the worker's
        # service with its progress in the cache (one write per 1,000 rows).
        out, rss = run_worker("import_job", {"path": str(path)})
        if out.get("status") != "succeeded":
            raise RuntimeError(f"the bench's import job did not succeed: {out}")
        results.add(
            "import", f"import {size:,} rows as a web upload's job", "rows/s", size / out["seconds"]
        )
        results.add("import", f"store the {size:,}-row upload", "s", out["stored"])
        results.add("import", f"progress writes, {size:,} rows", "writes", out["progress_writes"])
        results.add(
            "memory",
            f"peak RSS: import job {size:,} rows",
            "MB",
            rss,
            baseline="peak RSS: process with Django set up",
        )
        path.unlink()
