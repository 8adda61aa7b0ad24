"""A person's access history, for an investigation: every audit entry they made in a date
range (what they opened, listed, downloaded and changed), as CSV. Administrators only
(`policy.can_see_access_log`); the export is itself recorded in the audit trail."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from .exports import safe_row
from .models import AuditEvent, User

CSV_HEADER = [
    "time",
    "action",
    "object type",
    "object id",
    "reference",
    "listed ids",
    "path",
    "address",
    "browser",
]
CHUNK_ROWS = 2000


def access_history(*, person: User, start: date, end: date):
    """The person's audit entries from the start of `start` to the end of `end` (the service's
    time zone), oldest first."""
    zone = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=zone)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
    return (
        AuditEvent.objects.filter(actor_id=person.pk, at__gte=since, at__lt=until)
        .select_related("content_type")
        .order_by("at", "id")
    )


def _row(event: AuditEvent) -> list[str]:
    content_type = event.content_type
    ids = event.changes.get("ids") if isinstance(event.changes, dict) else None
    return safe_row(
        (
            timezone.localtime(event.at).isoformat(timespec="seconds"),
            event.get_action_display(),
            f"{content_type.app_label}.{content_type.model}" if content_type else "",
            event.object_id,
            event.object_repr,
            " ".join(str(i) for i in ids) if isinstance(ids, list) else "",
            event.request_path,
            event.ip_address or "",
            event.user_agent,
        )
    )


def access_history_csv(*, person: User, start: date, end: date) -> Iterator[str]:
    """The history as CSV, a chunk of lines at a time (a long history is never held whole)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for number, event in enumerate(
        access_history(person=person, start=start, end=end).iterator(chunk_size=CHUNK_ROWS), 1
    ):
        writer.writerow(_row(event))
        if number % CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def access_history_filename(*, person: User, start: date, end: date) -> str:
    return f"access-history-{person.pk}-{start:%Y%m%d}-{end:%Y%m%d}.csv"
