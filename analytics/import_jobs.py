"""Imports of historic records uploaded on the web, run on a worker (issue 19, item 1).

An administrator uploads a file (`records_import_job_create`): it is kept, compressed, in the
default storage (encrypted at rest like every stored file) and a Celery task imports it
(`records_import_job_run_task` -> `records_import_job_run`) with the importer every path uses
(analytics.importer: all or nothing in one transaction, every problem listed). The page the
administrator waits on refreshes itself and shows how far the import has gone.

Progress goes through the cache, keyed by the job (`records_import_job_progress`): the import
writes in ONE transaction, so anything it wrote to the database would be invisible to the page
until it had finished. The claim (queued -> checking) is committed before the import starts,
and the result is written to the job's row after its transaction has ended.

A worker that dies mid-import leaves the job checking or importing: Celery delivers the task
again at once (acks_late), finds the claim still live and schedules it again for when the claim
goes stale (STALE_CLAIM), when it is taken over; the job's page offers "Try again" for it too.

The file is deleted once the import has finished (succeeded or refused: nothing more will be
done with it); after a failure it is kept so that the import can be tried again. The job, with
every problem found, is deleted by the retention schedule RECORDS_IMPORT_KEEP_DAYS after it was
uploaded (`records-import-jobs-delete`).
"""

from __future__ import annotations

import gzip
import logging
import math
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import IO
from uuid import uuid4

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from safeguarding import policy
from safeguarding.audit import audit_log
from safeguarding.errors import DomainError
from safeguarding.models import AuditAction, User
from safeguarding.retention import Action, RetentionRule
from safeguarding.retention import register as register_retention

from . import importer
from .models import RecordsImportJob

logger = logging.getLogger(__name__)

Status = RecordsImportJob.Status
# A claim older than this belongs to a worker that died: the task, delivered again
# (acks_late), may take the job. 100,000 rows take a few minutes.
STALE_CLAIM = timedelta(minutes=30)
# How long progress stays in the cache without being told again.
PROGRESS_SECONDS = 24 * 60 * 60
# Read the stored file back in pieces of this size (the plaintext is spooled to disk past it).
SPOOL_BYTES = 8 * 1024 * 1024


class ImportJobError(DomainError):
    pass


# --- Selectors ---------------------------------------------------------------------------------


def records_import_job_list_for_user(*, user: User) -> QuerySet[RecordsImportJob]:
    """Every import uploaded on the web, newest first: administrators only (imports are theirs
    alone, and any administrator may follow another's); anyone else is refused (403). The
    problems and warnings, possibly long, are left out until a job's page asks for them."""
    policy.require(policy.can_manage_statistics(user))
    return RecordsImportJob.objects.select_related("requested_by").defer("problems", "warnings")


def records_import_job_get_for_user(*, user: User, pk: int) -> RecordsImportJob:
    policy.require(policy.can_manage_statistics(user))
    try:
        return RecordsImportJob.objects.select_related("requested_by").get(pk=pk)
    except RecordsImportJob.DoesNotExist as exc:
        raise Http404("No such import") from exc


@dataclass(frozen=True)
class JobProgress:
    """How far a job has gone, as its page shows it: from the cache while it runs, from the
    row once it has finished."""

    status: str
    rows_total: int | None
    rows_checked: int
    rows_imported: int
    problems: int

    @property
    def percent(self) -> int | None:
        if not self.rows_total:
            return None
        return min(100, round(100 * self.rows_checked / self.rows_total))


def _progress_key(job_id: int) -> str:
    return f"analytics:records-import-job:{job_id}:progress"


def records_import_job_progress(job: RecordsImportJob) -> JobProgress:
    """The job's progress: while it runs, what the worker last put in the cache (never the
    database, whose rows the import's transaction hides); otherwise the row's."""
    told = cache.get(_progress_key(job.pk)) if job.is_running else None
    if told:
        return JobProgress(
            status=told["status"],
            rows_total=told.get("rows_total", job.rows_total),
            rows_checked=told["rows_checked"],
            rows_imported=told["rows_imported"],
            problems=told.get("problems", 0),
        )
    return JobProgress(
        status=job.status,
        rows_total=job.rows_total,
        rows_checked=job.rows_checked,
        rows_imported=job.rows_imported,
        problems=len(job.problems) if job.status == Status.REFUSED else 0,
    )


def records_import_job_stale(job: RecordsImportJob, now: datetime | None = None) -> bool:
    """Whether a job checking or importing was claimed longer ago than STALE_CLAIM: its worker
    died (or is hopelessly slow), and it may be tried again."""
    now = now or timezone.now()
    return (
        job.status in (Status.CHECKING, Status.IMPORTING)
        and job.started_at is not None
        and job.started_at < now - STALE_CLAIM
    )


def problems_of(entries: list) -> list[importer.RowProblem]:
    """A job's stored problems (or warnings) as the importer reported them."""
    return [importer.RowProblem(*entry) for entry in entries]


# --- Services ----------------------------------------------------------------------------------


def _queue(job_id: int) -> None:
    from .tasks import records_import_job_run_task

    transaction.on_commit(partial(records_import_job_run_task.delay, job_id))


def _requeue_later(job_id: int, countdown: int) -> None:
    from .tasks import records_import_job_run_task

    records_import_job_run_task.apply_async(args=(job_id,), countdown=countdown)


def _compressed(upload: IO[bytes]) -> ContentFile:
    """The upload gzipped: a CSV shrinks tenfold, so the whole-file encryption of the storage
    holds a few megabytes, not forty."""
    upload.seek(0)
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (closed by caller)
    with gzip.GzipFile(fileobj=spool, mode="wb", compresslevel=6) as packed:
        shutil.copyfileobj(upload, packed, 1024 * 1024)
    spool.seek(0)
    return ContentFile(spool.read())


@transaction.atomic
def records_import_job_create(
    *, upload: IO[bytes], filename: str, dry_run: bool, by: User
) -> RecordsImportJob:
    """Keep an uploaded file of historic records and queue its import (or, `dry_run`, its
    check) on a worker. Administrators only."""
    policy.require(policy.can_manage_statistics(by))
    upload.seek(0, 2)
    size = upload.tell()
    job = RecordsImportJob(filename=filename[:255], size=size, dry_run=dry_run, requested_by=by)
    job.file.save(f"{uuid4().hex}.gz", _compressed(upload), save=False)
    job.save()
    audit_log(
        actor=by,
        action=AuditAction.CREATE,
        obj=job,
        changes={"file": job.filename, "size": size, "dry_run": dry_run},
        message=f"Uploaded {job.filename} to {'check' if dry_run else 'import'}",
    )
    _queue(job.pk)
    return job


@transaction.atomic
def records_import_job_retry(*, job: RecordsImportJob, by: User) -> RecordsImportJob:
    """Try a failed import again, from the file kept after the failure; or one whose worker
    died (checking or importing, claimed longer ago than STALE_CLAIM)."""
    policy.require(policy.can_manage_statistics(by))
    job = RecordsImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != Status.FAILED and not records_import_job_stale(job):
        raise ImportJobError("Only an import that failed or stopped can be tried again")
    if not job.file:
        raise ImportJobError("The file is no longer kept: upload it again")
    was = job.status
    job.status, job.error = Status.QUEUED, ""
    job.save(update_fields=["status", "error"])
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=job,
        changes={"status": [was, Status.QUEUED]},
        message=f"Asked to try the import of {job.filename} again",
    )
    _queue(job.pk)
    return job


def _claim(job_id: int, now: datetime) -> bool:
    """Take the job for this worker (committed at once, so the page sees it started)."""
    return bool(
        RecordsImportJob.objects.filter(pk=job_id)
        .filter(
            Q(status__in=RecordsImportJob.CLAIMABLE)
            | Q(
                status__in=[Status.CHECKING, Status.IMPORTING],
                started_at__lt=now - STALE_CLAIM,
            )
        )
        .update(
            status=Status.CHECKING,
            started_at=now,
            attempts=F("attempts") + 1,
            error="",
            rows_checked=0,
            rows_imported=0,
        )
    )


def _live_claim_wait(job_id: int) -> int | None:
    """Seconds until another worker's live claim on the job goes stale, if it has one."""
    now = timezone.now()
    started_at = (
        RecordsImportJob.objects.filter(
            pk=job_id,
            status__in=[Status.CHECKING, Status.IMPORTING],
            started_at__gte=now - STALE_CLAIM,
        )
        .values_list("started_at", flat=True)
        .first()
    )
    if started_at is None:
        return None
    return max(1, math.ceil((started_at + STALE_CLAIM - now).total_seconds()) + 1)


def _tell(job_id: int, rows_total: int | None, progress: importer.ImportProgress) -> None:
    """The importer's progress, into the cache (once per chunk of rows: nothing per row)."""
    cache.set(
        _progress_key(job_id),
        {
            "status": progress.phase,
            "rows_total": rows_total,
            "rows_checked": progress.rows_checked,
            "rows_imported": progress.rows_imported,
            "problems": progress.problems,
        },
        PROGRESS_SECONDS,
    )


def _opened(job: RecordsImportJob) -> IO[bytes]:
    """The stored file as uploaded: decrypted by the storage, then decompressed to a temporary
    file (in memory up to SPOOL_BYTES) that the importer can seek in."""
    plain = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (closed by caller)
    with job.file.open("rb") as stored, gzip.GzipFile(fileobj=stored, mode="rb") as packed:
        shutil.copyfileobj(packed, plain, 1024 * 1024)
    plain.seek(0)
    return plain


def _fail(job_id: int, error: str) -> None:
    RecordsImportJob.objects.filter(pk=job_id).update(
        status=Status.FAILED, error=error[:2000] or "Failed", finished_at=timezone.now()
    )
    cache.delete(_progress_key(job_id))


def records_import_job_run(*, job_id: int) -> bool:
    """Import the job's file on this worker, unless another has it or it has finished. Returns
    whether this call ran it. Rows are counted first (cheaply) for the progress bar; progress
    goes to the cache while the import's transaction is open; the result (every problem and
    warning) is written to the row afterwards and the file deleted. An unexpected error marks
    the job failed, keeps the file to try again, and is raised (the task retries transient
    ones). Another worker's live claim (perhaps a worker that has just died, its task
    delivered again at once) schedules the task again for when the claim goes stale."""
    now = timezone.now()
    if not _claim(job_id, now):
        wait = _live_claim_wait(job_id)
        if wait is not None:
            logger.info("Import %s is claimed by another worker: trying in %ss", job_id, wait)
            _requeue_later(job_id, wait)
        return False
    job = RecordsImportJob.objects.select_related("requested_by").get(pk=job_id)
    try:
        with _opened(job) as file:
            rows_total = importer.rows_estimate(file, job.filename)
            RecordsImportJob.objects.filter(pk=job_id).update(rows_total=rows_total)
            _tell(job_id, rows_total, importer.ImportProgress(Status.CHECKING, 0, 0, 0))
            result = importer.records_import(
                file=file,
                filename=job.filename,
                by=job.requested_by,
                dry_run=job.dry_run,
                progress=partial(_tell, job_id, rows_total),
            )
    except Exception as exc:
        logger.exception("Import %s failed", job_id)
        _fail(job_id, f"{exc.__class__.__name__}: {exc}")
        raise
    _finish(job, result)
    return True


def _entries(problems: list[importer.RowProblem]) -> list[list]:
    return [[p.row, p.column, p.value, p.reason] for p in problems]


def _finish(job: RecordsImportJob, result: importer.ImportResult) -> None:
    """The result onto the row, after the import's transaction, and the file deleted."""
    with transaction.atomic():
        job = RecordsImportJob.objects.select_for_update().get(pk=job.pk)
        job.status = Status.SUCCEEDED if result.ok else Status.REFUSED
        job.rows_checked = result.rows
        job.rows_imported = result.added
        job.added = result.added
        job.already_imported = result.already_imported
        job.problems = _entries(result.errors)
        job.warnings = _entries(result.warnings)
        job.finished_at = timezone.now()
        if job.rows_total is None and result.rows:
            job.rows_total = result.rows
        if job.file:
            job.file.delete(save=False)
        job.save()
    cache.delete(_progress_key(job.pk))


# --- Retention ---------------------------------------------------------------------------------


def records_import_jobs_to_delete(now: datetime) -> QuerySet[RecordsImportJob]:
    keep = timedelta(days=settings.RECORDS_IMPORT_KEEP_DAYS)
    return RecordsImportJob.objects.filter(created_at__lte=now - keep).exclude(
        status__in=[Status.CHECKING, Status.IMPORTING]
    )


def _delete_job(job: RecordsImportJob, now: datetime) -> dict:
    had_file = bool(job.file)
    if had_file:
        job.file.delete(save=False)
    job.delete()
    return {"file_deleted": had_file}


register_retention(
    RetentionRule(
        name="records-import-jobs-delete",
        action=Action.DELETE,
        description=(
            "Imports of historic records uploaded on the web (the record of each, with the "
            "problems found, and any file still kept) are deleted RECORDS_IMPORT_KEEP_DAYS "
            "after they were uploaded."
        ),
        due=records_import_jobs_to_delete,
        apply=_delete_job,
        label=lambda job: f"records import {job.pk}",
    )
)
