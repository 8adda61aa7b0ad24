"""Writes of the annual figures: computing a year and recording the snapshot."""

import logging
import traceback
from dataclasses import dataclass

from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Max

from safeguarding.audit import audit_log
from safeguarding.models import AuditAction, User

from .engine import compute_year
from .models import StatisticsSnapshot

logger = logging.getLogger(__name__)

# Errors worth trying again (the database restarting, a dropped connection): not recorded as
# a failed run, the task retries them. Any other error is the computation's own and is recorded.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
VERSION_ATTEMPTS = 5


class StatisticsComputeError(Exception):
    """The computation failed; the failed run is recorded as `snapshot`."""

    def __init__(self, message: str, snapshot: StatisticsSnapshot | None = None) -> None:
        # `snapshot` is optional so that the error survives serialisation by a worker.
        super().__init__(message)
        self.snapshot = snapshot


def _next_version(year: int) -> int:
    latest = StatisticsSnapshot.objects.filter(year=year).aggregate(v=Max("version"))["v"]
    return (latest or 0) + 1


def _snapshot_write(*, year: int, by: User | None, task_id: str, **fields) -> StatisticsSnapshot:
    """Insert the year's next version. Two runs at once read the same latest version; the
    unique constraint on (year, version) lets only one insert it, and the other takes the next
    number."""
    for _ in range(VERSION_ATTEMPTS):
        try:
            with transaction.atomic():
                return StatisticsSnapshot.objects.create(
                    year=year,
                    version=_next_version(year),
                    computed_by=by,
                    task_id=task_id or "",
                    **fields,
                )
        except IntegrityError:
            continue
    raise IntegrityError(f"Could not allocate a snapshot version for {year}")


def statistics_compute(*, year: int, by: User | None, task_id: str = "") -> StatisticsSnapshot:
    """Compute every table for the reporting year `year` and record it as the year's next
    snapshot version. If the computation fails, the failed run is recorded with its error (the
    previous snapshot stays the latest succeeded one) and StatisticsComputeError is raised."""
    try:
        result = compute_year(year)
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:
        logger.exception("Computing the annual figures for %s failed", year)
        snapshot = _snapshot_write(
            year=year,
            by=by,
            task_id=task_id,
            status=StatisticsSnapshot.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}\n\n{traceback.format_exc()}".strip(),
        )
        raise StatisticsComputeError(
            f"Computing the figures for {year} failed ({type(exc).__name__}: {exc}); "
            f"recorded as version {snapshot.version}",
            snapshot,
        ) from exc
    return _snapshot_write(
        year=year,
        by=by,
        task_id=task_id,
        status=StatisticsSnapshot.Status.SUCCEEDED,
        input_counts=result["input_counts"],
        tables=result["tables"],
    )


@dataclass(frozen=True)
class RecomputeOutcome:
    """What became of a recompute request by the time the request ends: with a worker, only
    queued; with an eager Celery (no broker), already run: its new version, or the failure."""

    version: int | None = None
    failed: str = ""


def statistics_recompute_request(*, year: int, by: User) -> RecomputeOutcome:
    """Record an administrator's request to recompute the year in the audit trail and queue the
    computation once that commits (as a new version, by `statistics_compute_task`)."""
    from .tasks import statistics_compute_task  # the tasks module imports this one

    outcome: dict = {}

    def enqueue() -> None:
        try:
            result = statistics_compute_task.delay(year, by.pk)
        except StatisticsComputeError as exc:  # run in-process and recorded as a failed run
            outcome["failed"] = str(exc)
            return
        if result.ready():
            outcome["version"] = result.get()["version"]

    with transaction.atomic():
        audit_log(
            actor=by,
            action=AuditAction.CREATE,
            message=f"Requested a recomputation of the annual figures for {year} to {year + 1}",
            changes={"year": year},
        )
        transaction.on_commit(enqueue)
    return RecomputeOutcome(**outcome)
