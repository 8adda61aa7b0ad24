"""PDF and XLSX exports of a snapshot, made on a worker (issue 19, item 1).

An analyst asks for a file (`statistics_export_request`); a Celery task makes it
(`statistics_export_render_task` -> `statistics_export_render`), recording its progress on the
row as it goes, each step committed so the page the analyst waits on sees it; the file is then
served from storage (`statistics_export_open`) to whoever may read the statistics, every
download audited as an export.

- One row per snapshot, format, audience (internal, or public at a threshold) and layout
  version (analytics.exports.LAYOUT_VERSIONS): asking again returns the same row, so the file
  is made once. A failed one is made again by asking again ("Try again").
- The file lives in `default_storage` (encrypted at rest) under
  analytics.exports.stored_export_name, the name the `export_statistics` command uses too: a
  copy made by either is served by both.
- A worker that dies mid-render leaves a "rendering" row; once older than STALE_CLAIM another
  worker may claim it (asking again, or opening its status page, queues it again). The task
  delivered again at once (acks_late, reject on worker lost) finds the claim still live: it
  is scheduled again for when the claim goes stale, not dropped.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import IO

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from safeguarding.audit import audit_log
from safeguarding.errors import DomainError
from safeguarding.models import AuditAction, User

from . import exports
from .models import StatisticsExport, StatisticsSnapshot

logger = logging.getLogger(__name__)

# A claim older than this belongs to a worker that died: another may take the export. A year's
# PDF takes under a minute on a worker; ten minutes is well past any live render.
STALE_CLAIM = timedelta(minutes=10)
STAGE_LENGTH = 100


class ExportError(DomainError):
    pass


# --- Selectors ---------------------------------------------------------------------------------
# Who may see them is the statistics' rule (analytics.selectors.statistics_access_for), checked
# by the views first: an export is of a snapshot, not of anyone's case.


def statistics_export_list(*, snapshot: StatisticsSnapshot) -> QuerySet[StatisticsExport]:
    """The exports of the snapshot asked for so far that the year page may link: at the current
    layout versions, internal ones and public ones at the current suppression threshold
    (STATISTICS_SUPPRESSION_THRESHOLD, the one the page states), never a public file made at
    another threshold."""
    current = Q()
    for fmt, version in exports.LAYOUT_VERSIONS.items():
        current |= Q(format=fmt, layout_version=version)
    audiences = Q(audience=StatisticsExport.Audience.INTERNAL) | Q(
        audience=StatisticsExport.Audience.PUBLIC,
        threshold=settings.STATISTICS_SUPPRESSION_THRESHOLD,
    )
    return (
        StatisticsExport.objects.filter(snapshot=snapshot)
        .filter(current)
        .filter(audiences)
        .select_related("requested_by")
        .order_by("format", "audience", "threshold")
    )


def statistics_export_get(*, snapshot: StatisticsSnapshot, pk: int) -> StatisticsExport:
    """One export of the snapshot, or 404."""
    try:
        return StatisticsExport.objects.select_related("snapshot", "requested_by").get(
            snapshot=snapshot, pk=pk
        )
    except StatisticsExport.DoesNotExist as exc:
        raise Http404("No such export") from exc


def statistics_export_find(
    *, snapshot: StatisticsSnapshot, fmt: str, public: bool, threshold: int | None = None
) -> StatisticsExport | None:
    """The export of the snapshot in `fmt` for that audience at the current layout, if asked
    for already."""
    audience, threshold = _audience(public, threshold)
    return StatisticsExport.objects.filter(
        snapshot=snapshot,
        format=fmt,
        audience=audience,
        threshold=threshold,
        layout_version=exports.LAYOUT_VERSIONS[fmt],
    ).first()


def _audience(public: bool, threshold: int | None) -> tuple[str, int]:
    if not public:
        return StatisticsExport.Audience.INTERNAL, 0
    if threshold is None:
        threshold = settings.STATISTICS_SUPPRESSION_THRESHOLD
    return StatisticsExport.Audience.PUBLIC, threshold


# --- Services ----------------------------------------------------------------------------------


def _queue(export_id: int) -> None:
    from .tasks import statistics_export_render_task

    transaction.on_commit(partial(statistics_export_render_task.delay, export_id))


def _requeue_later(export_id: int, countdown: int) -> None:
    from .tasks import statistics_export_render_task

    statistics_export_render_task.apply_async(args=(export_id,), countdown=countdown)


def _stale(export: StatisticsExport, now) -> bool:
    """Left by a worker that died while making it, or whose queued message was lost."""
    rendering = export.status == StatisticsExport.Status.RENDERING
    since = export.claimed_at if rendering else export.requested_at
    return since is not None and since < now - STALE_CLAIM


def statistics_export_stale(export: StatisticsExport) -> bool:
    """Whether a pending export was left by a worker that died (or its message was lost):
    asking for it again (statistics_export_request) queues it again."""
    return export.is_pending and _stale(export, timezone.now())


@transaction.atomic
def statistics_export_request(
    *,
    snapshot: StatisticsSnapshot,
    fmt: str,
    public: bool,
    by: User | None,
    threshold: int | None = None,
) -> StatisticsExport:
    """Ask for the snapshot's `fmt` file (pdf, xlsx) for an audience: the existing export if
    there is one (ready, or being made), else a new one queued for a worker. A failed export,
    one whose stored file has gone, or one left by a worker that died (STALE_CLAIM) is queued
    again."""
    if fmt not in exports.STORED_FORMATS:
        raise ExportError(f"Only {', '.join(exports.STORED_FORMATS)} are made on a worker")
    if not snapshot.succeeded:
        raise ExportError("That run failed: it has no figures to export")
    audience, threshold = _audience(public, threshold)
    key = {
        "snapshot": snapshot,
        "format": fmt,
        "audience": audience,
        "threshold": threshold,
        "layout_version": exports.LAYOUT_VERSIONS[fmt],
    }
    now = timezone.now()
    try:
        with transaction.atomic():
            export, created = StatisticsExport.objects.get_or_create(
                **key, defaults={"requested_by": by, "requested_at": now}
            )
    except IntegrityError:  # asked for twice at once: the other request made it
        export, created = StatisticsExport.objects.get(**key), False
    if created:
        _queue(export.pk)
        return export
    export = StatisticsExport.objects.select_for_update().get(pk=export.pk)
    Status = StatisticsExport.Status
    if export.status == Status.READY and default_storage.exists(export.file_name):
        return export
    if export.is_pending and not _stale(export, now):
        return export
    # Failed, lost from storage, or abandoned by a worker: make it again.
    export.status = Status.QUEUED
    export.error = ""
    export.progress_done = export.progress_total = 0
    export.stage = ""
    export.requested_by = by
    export.requested_at = now
    export.save(
        update_fields=[
            "status",
            "error",
            "progress_done",
            "progress_total",
            "stage",
            "requested_by",
            "requested_at",
        ]
    )
    _queue(export.pk)
    return export


def _claim(export_id: int) -> datetime | None:
    """Take the export for this worker: queued, failed (a retry of a transient error) or a
    stale render. One row changed means it is ours: the claim's time, which every later write
    of this worker is conditional on (a claim taken over by another worker is not
    overwritten)."""
    now = timezone.now()
    Status = StatisticsExport.Status
    taken = (
        StatisticsExport.objects.filter(pk=export_id)
        .filter(
            Q(status__in=[Status.QUEUED, Status.FAILED])
            | Q(status=Status.RENDERING, claimed_at__lt=now - STALE_CLAIM)
        )
        .update(status=Status.RENDERING, claimed_at=now, attempts=F("attempts") + 1, error="")
    )
    return now if taken else None


def _live_claim_wait(export_id: int) -> int | None:
    """Seconds until another worker's live claim on the export goes stale, if it has one."""
    now = timezone.now()
    claimed_at = (
        StatisticsExport.objects.filter(
            pk=export_id,
            status=StatisticsExport.Status.RENDERING,
            claimed_at__gte=now - STALE_CLAIM,
        )
        .values_list("claimed_at", flat=True)
        .first()
    )
    if claimed_at is None:
        return None
    return max(1, math.ceil((claimed_at + STALE_CLAIM - now).total_seconds()) + 1)


def _ours(export_id: int, claimed_at: datetime) -> QuerySet[StatisticsExport]:
    """The export while this worker's claim holds (not taken over since)."""
    return StatisticsExport.objects.filter(
        pk=export_id, status=StatisticsExport.Status.RENDERING, claimed_at=claimed_at
    )


def _record_progress(
    export_id: int, claimed_at: datetime, done: int, total: int, stage: str
) -> None:
    # Autocommit, outside any transaction: the waiting page (another connection) sees it now.
    # Only while the render is ours: a claim taken over by another worker is not overwritten.
    _ours(export_id, claimed_at).update(
        progress_done=done, progress_total=total, stage=stage[:STAGE_LENGTH]
    )


def statistics_export_render(*, export_id: int) -> bool:
    """Make the export's file and store it, unless it is ready or another worker has it.
    Returns whether this call did the work. A failure is recorded (the page shows the error's
    first line, the log the traceback) and raised, for the task to retry transient ones. A
    worker whose claim was taken over meanwhile (it was too slow: STALE_CLAIM) records
    nothing, ready or failed: the export is the other worker's. Another worker's live claim
    (perhaps a worker that has just died, its task delivered again at once) schedules the task
    again for when the claim goes stale, so the export is never left waiting."""
    claimed_at = _claim(export_id)
    if claimed_at is None:
        wait = _live_claim_wait(export_id)
        if wait is not None:
            logger.info("Export %s is claimed by another worker: trying in %ss", export_id, wait)
            _requeue_later(export_id, wait)
        return False
    export = StatisticsExport.objects.select_related("snapshot").get(pk=export_id)
    Status = StatisticsExport.Status
    try:
        name, made = exports.snapshot_file_stored(
            export.snapshot,
            fmt=export.format,
            public=export.public,
            threshold=export.threshold,
            progress=partial(_record_progress, export_id, claimed_at),
        )
        size = default_storage.size(name)
    except Exception as exc:
        logger.exception("Making %s (export %s) failed", export, export_id)
        failed = _ours(export_id, claimed_at).update(
            status=Status.FAILED,
            error=f"{exc.__class__.__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        if not failed:  # taken over by another worker: its outcome, not ours, is recorded
            logger.warning("Export %s was taken over by another worker: failure dropped", export_id)
            return False
        raise
    ready = _ours(export_id, claimed_at).update(
        status=Status.READY,
        file_name=name,
        size=size,
        progress_done=F("progress_total"),
        stage="Ready",
        finished_at=timezone.now(),
    )
    if not ready:
        logger.warning("Export %s was taken over by another worker: result dropped", export_id)
        return False
    logger.info("%s %s (%s, %s bytes)", "Made" if made else "Found", export, name, size)
    return True


@dataclass(frozen=True)
class ExportDownload:
    file: IO[bytes]
    filename: str
    content_type: str


def statistics_export_open(
    *, export: StatisticsExport, by: User, actor_username: str = ""
) -> ExportDownload:
    """Open a ready export's stored file for `by` (who may read the statistics) and record
    the download in the audit trail as an export of the snapshot."""
    if export.status != StatisticsExport.Status.READY or not default_storage.exists(
        export.file_name
    ):
        raise ExportError("This file is not ready yet")
    snapshot = export.snapshot
    audit_log(
        actor=by,
        action=AuditAction.EXPORT,
        obj=snapshot,
        changes={
            "format": export.format,
            "public": export.public,
            "threshold": export.threshold if export.public else None,
            "export": export.pk,
        },
        message=f"Exported {snapshot} as {export.audience} {export.format.upper()}",
        actor_username=actor_username,
    )
    return ExportDownload(
        file=default_storage.open(export.file_name, "rb"),
        filename=exports.snapshot_filename(snapshot, fmt=export.format, public=export.public),
        content_type=exports.CONTENT_TYPES[export.format],
    )
