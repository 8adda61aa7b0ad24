"""Celery tasks of the annual figures. A task takes ids and calls one service."""

from datetime import date

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from safeguarding.models import User

from .export_files import statistics_export_render
from .import_jobs import records_import_job_run
from .services import statistics_compute

# Transient database errors (the database restarting, a dropped connection) are retried with
# backoff; a computation error is recorded as a failed snapshot by the service and re-raised.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
# Every task below that does one piece of work: acknowledged once done (a worker that dies
# mid-task leaves it to be delivered again), transient errors retried with backoff.
RETRIED = {
    "acks_late": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 30,
    "retry_backoff_max": 900,
    "max_retries": 6,
}


def current_reporting_year(today: date) -> int:
    """The financial year today is in: 1 April to 31 March."""
    return today.year if today.month >= 4 else today.year - 1


@shared_task(bind=True, **RETRIED)
def statistics_compute_task(self, year: int, by_id: int | None = None) -> dict:
    """Compute the reporting year and record the snapshot; returns its id and version."""
    by = User.objects.get(pk=by_id) if by_id else None
    snapshot = statistics_compute(year=year, by=by, task_id=self.request.id or "")
    return {"id": snapshot.pk, "year": snapshot.year, "version": snapshot.version}


@shared_task(acks_late=True)
def statistics_nightly_task() -> list[int]:
    """Queue the recomputation of the current and the previous reporting year."""
    year = current_reporting_year(timezone.localdate())
    years = [year - 1, year]
    for y in years:
        statistics_compute_task.delay(y)
    return years


@shared_task(**RETRIED)
def statistics_export_render_task(export_id: int) -> bool:
    """Make a snapshot's PDF or XLSX (analytics.export_files); safe to run twice."""
    return statistics_export_render(export_id=export_id)


@shared_task(**RETRIED)
def records_import_job_run_task(job_id: int) -> bool:
    """Import an uploaded file of historic records (analytics.import_jobs); safe to run twice:
    the job is claimed first, and one that has finished is left alone."""
    return records_import_job_run(job_id=job_id)
