"""One measurement in its own process, so that its peak memory (max RSS) is its own:

    python -m bench.worker TASK JSON-ARGS

prints one JSON line {"seconds": …, …}. The parent (bench.stats) reads the process's max RSS
from os.wait4. Tasks: baseline (Django set up, nothing else), engine_tables, hand_sql,
compute_year, export, letter_pdf, import, import_job."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from bench.setup import django_setup

# The tables the hand-written SQL (bench.handsql) computes, by the engine's table ids.
HAND_TABLES = (
    "table_2_cause_of_death",
    "table_3_cause_of_harm",
    "table_4_csc",
    "table_b_characteristics",
    "chart_6_age_sex",
)


class _Rollback(Exception):
    pass


def _timed(fn) -> dict:
    started = time.perf_counter()
    extra = fn() or {}
    return {"seconds": time.perf_counter() - started, **extra}


def task_baseline(args: dict) -> dict:
    return {"seconds": 0.0}


def task_engine_tables(args: dict) -> dict:
    """The engine computing the hand-written SQL's tables the way compute_year computes every
    table: inside year_records (the year's records copied once, JIT off), here copying only
    what these five read and without compute_year's input counts, which the hand SQL has no
    counterpart for."""
    from analytics import tables as t
    from analytics.engine import compute_table, year_records

    specs = tuple(t.TABLES_BY_ID[table_id] for table_id in HAND_TABLES)

    def run():
        with year_records(args["year"], specs, inputs=False):
            return {"tables": len([compute_table(spec, args["year"]) for spec in specs])}

    return _timed(run)


def task_hand_sql(args: dict) -> dict:
    from bench.handsql import hand_tables

    return _timed(lambda: {"rows": sum(len(rows) for rows in hand_tables(args["year"]).values())})


def task_compute_year(args: dict) -> dict:
    from analytics.engine import compute_year

    return _timed(lambda: {"tables": len(compute_year(args["year"])["tables"])})


def task_export(args: dict) -> dict:
    from django.conf import settings

    from analytics.exports import snapshot_export
    from analytics.selectors import snapshot_latest

    snapshot = snapshot_latest(args["year"])

    def run():
        export = snapshot_export(
            snapshot=snapshot,
            fmt=args["format"],
            public=False,
            by=None,
            threshold=settings.STATISTICS_SUPPRESSION_THRESHOLD,
            actor_username="make bench",
        )
        return {"bytes": len(export.content)}

    return _timed(run)


def task_letter_pdf(args: dict) -> dict:
    from panel.models import ResponseLetter
    from panel.services import render_pdf, response_letter_html

    letter = ResponseLetter.objects.select_related("review__notification").get(pk=args["letter"])
    # The first render in a process also loads WeasyPrint and the fonts; a worker renders many.
    first = _timed(lambda: {"bytes": len(render_pdf(response_letter_html(letter=letter)))})
    warm = _timed(lambda: {"bytes": len(render_pdf(response_letter_html(letter=letter)))})
    return {**warm, "first": first["seconds"]}


def task_import(args: dict) -> dict:
    """`import_records`' service on a generated file, rolled back afterwards so every repeat
    imports the same rows into the same database."""
    from django.db import transaction

    from analytics.importer import records_import

    path = Path(args["path"])
    outcome: dict = {}
    try:
        with transaction.atomic():
            started = time.perf_counter()
            with path.open("rb") as handle:
                result = records_import(file=handle, filename=path.name, by=None, dry_run=False)
            outcome = {
                "seconds": time.perf_counter() - started,
                "added": result.added,
                "errors": [str(e) for e in result.errors[:5]],
            }
            raise _Rollback
    except _Rollback:
        pass
    return outcome


def task_import_job(args: dict) -> dict:
    """The web upload's path (issue 19): the file kept as a job (gzipped, encrypted), then
    imported by the worker's service with its progress in the cache; rolled back like
    `task_import`. Also counts the progress writes (once per chunk of rows, not per row)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from analytics import import_jobs

    path = Path(args["path"])
    outcome: dict = {}
    told = import_jobs._tell
    writes = [0]

    def counted(*tell_args):
        writes[0] += 1
        told(*tell_args)

    queue = import_jobs._queue
    import_jobs._tell = counted
    import_jobs._queue = lambda job_id: None  # run here, in this process
    try:
        with transaction.atomic():
            # An administrator who may upload (rolled back with the rest).
            by = get_user_model().objects.create(username="bench-import", role="administrator")
            started = time.perf_counter()
            with path.open("rb") as handle:
                job = import_jobs.records_import_job_create(
                    upload=handle, filename=path.name, dry_run=False, by=by
                )
            stored = time.perf_counter() - started
            import_jobs.records_import_job_run(job_id=job.pk)
            job.refresh_from_db()
            outcome = {
                "seconds": time.perf_counter() - started,
                "stored": stored,
                "added": job.added,
                "status": job.status,
                "progress_writes": writes[0],
                "errors": job.problems[:5],
            }
            raise _Rollback
    except _Rollback:
        pass
    finally:
        import_jobs._tell, import_jobs._queue = told, queue
    return outcome


TASKS = {name[5:]: fn for name, fn in globals().items() if name.startswith("task_")}


def main(argv: list[str]) -> int:
    django_setup()
    result = TASKS[argv[0]](json.loads(argv[1]) if len(argv) > 1 else {})
    print("BENCH-RESULT " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
