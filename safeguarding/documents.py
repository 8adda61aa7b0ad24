"""Documents made on a worker (issue 17): a Panel meeting's agenda pack, a case's whole file.

Someone asks for a document about a record (`document_request`); a Celery task renders it as
that person would see the record (`prepared_document_render_task` -> `document_render`); they
wait on a page that refreshes itself (`safeguarding.document_views`) and download the file once
it is ready. Each kind of document registers here, from its app's `ready()`, how to read its
subject for a user (through the subject's own selector, so out of scope is a 404), what to call
the document and how to render it.

- Only the person who asked sees their request (`prepared_document_get_for_user`).
- Access to the subject is checked three times: when asked for, when rendered (the document
  holds what the requester may see at that moment) and at download (access can be lost
  meanwhile).
- Asking, rendering and each download are audited against the subject.
- The retention schedule deletes the file and its record PREPARED_DOCUMENT_KEEP_HOURS after it
  was asked for: these files hold children's details and are made again on demand.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import IO
from uuid import uuid4

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from .audit import audit_log
from .errors import DomainError, DomainNotFound
from .models import AuditAction, PreparedDocument, User
from .retention import Action, RetentionRule
from .retention import register as register_retention

logger = logging.getLogger(__name__)

# A claim older than this belongs to a worker that died: another may take the document.
STALE_CLAIM = timedelta(minutes=10)
# What reading a subject raises when the reader may not see it.
OUT_OF_REACH = (Http404, DomainNotFound, ObjectDoesNotExist, PermissionDenied)


class DocumentError(DomainError):
    pass


class DocumentOutOfReach(DocumentError):
    """The requester can no longer see the document's subject: rendering stops for good."""


@dataclass(frozen=True)
class RenderedFile:
    data: bytes
    filename: str
    content_type: str = "application/pdf"
    page_count: int | None = None


@dataclass(frozen=True)
class DocumentKind:
    """A kind of document: `subject(user, pk)` reads the record it is about for that user
    through the record's selector (raising one of OUT_OF_REACH when out of scope), `title`
    names the document for the requester, `render(subject, user)` makes it. A document about
    other cases too (a meeting's agenda pack holds its reviews) names them in `covers(subject,
    user)`: each download is audited against each of them as well, so every case's access log
    shows it."""

    name: str
    subject: Callable[[User, int], models.Model]
    title: Callable[[models.Model], str]
    render: Callable[[models.Model, User], RenderedFile]
    covers: Callable[[models.Model, User], Iterable[models.Model]] | None = None


KINDS: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    """Add a kind (from the app's `ready()`); registering the same name again replaces it."""
    KINDS[kind.name] = kind
    return kind


def kind_of(document: PreparedDocument) -> DocumentKind:
    try:
        return KINDS[document.kind]
    except KeyError as exc:
        raise DocumentOutOfReach(f"No kind of document is called {document.kind!r}") from exc


def subject_for(document: PreparedDocument, user: User) -> models.Model:
    """The document's subject as `user` may read it; DocumentOutOfReach when they may not."""
    try:
        return kind_of(document).subject(user, document.subject_id)
    except OUT_OF_REACH as exc:
        raise DocumentOutOfReach("You can no longer see what this document is about") from exc


# --- Selectors ---------------------------------------------------------------------------------


def prepared_document_list_for_user(*, user: User) -> QuerySet[PreparedDocument]:
    """The documents `user` asked for: nobody else's, whatever their role."""
    if not getattr(user, "is_authenticated", False):
        return PreparedDocument.objects.none()
    return PreparedDocument.objects.filter(requested_by=user)


def prepared_document_get_for_user(*, user: User, pk: int) -> PreparedDocument:
    try:
        return prepared_document_list_for_user(user=user).get(pk=pk)
    except PreparedDocument.DoesNotExist as exc:
        raise Http404("No such document") from exc


# --- Services ----------------------------------------------------------------------------------


def _queue(document_id: int) -> None:
    from .tasks import prepared_document_render_task

    transaction.on_commit(partial(prepared_document_render_task.delay, document_id))


@transaction.atomic
def document_request(*, kind: str, subject: models.Model, by: User) -> PreparedDocument:
    """Ask for a `kind` document about `subject` (which `by` has read through its selector).
    Asking again while the same document is still being prepared returns that one."""
    document_kind = KINDS[kind]
    # Read again through the kind's own selector: the caller's read may have been wider.
    try:
        subject = document_kind.subject(by, subject.pk)
    except OUT_OF_REACH as exc:
        raise DocumentOutOfReach("You cannot see what this document would be about") from exc
    pending = (
        PreparedDocument.objects.select_for_update()
        .filter(
            requested_by=by,
            kind=kind,
            subject_id=subject.pk,
            status__in=[PreparedDocument.Status.QUEUED, PreparedDocument.Status.RENDERING],
        )
        .first()
    )
    if pending is not None:
        return pending
    document = PreparedDocument.objects.create(
        kind=kind, subject_id=subject.pk, title=document_kind.title(subject)[:200], requested_by=by
    )
    audit_log(
        actor=by,
        action=AuditAction.EXPORT,
        obj=subject,
        changes={"document": kind, "prepared_document": document.pk},
        message=f"Asked for {document.title}",
    )
    _queue(document.pk)
    return document


@transaction.atomic
def document_retry(*, document: PreparedDocument, by: User) -> PreparedDocument:
    """Try a failed document again now."""
    document = PreparedDocument.objects.select_for_update().get(pk=document.pk)
    if document.requested_by_id != by.pk:
        raise DocumentError("Only the person who asked for a document can try it again")
    if document.status != PreparedDocument.Status.FAILED:
        raise DocumentError("Only a document that failed can be tried again")
    subject_for(document, by)
    document.status, document.error = PreparedDocument.Status.QUEUED, ""
    document.save(update_fields=["status", "error"])
    _queue(document.pk)
    return document


def _claim(document_id: int) -> bool:
    now = timezone.now()
    return bool(
        PreparedDocument.objects.filter(pk=document_id)
        .filter(
            Q(status__in=PreparedDocument.CLAIMABLE)
            | Q(status=PreparedDocument.Status.RENDERING, claimed_at__lt=now - STALE_CLAIM)
        )
        .update(
            status=PreparedDocument.Status.RENDERING, claimed_at=now, attempts=F("attempts") + 1
        )
    )


def _fail(document_id: int, error: str) -> None:
    PreparedDocument.objects.filter(pk=document_id).update(
        status=PreparedDocument.Status.FAILED, error=error[:2000]
    )


def document_render(*, document_id: int) -> bool:
    """Render the document as its requester may see its subject now, unless another worker has
    it or it is ready. Returns whether this call made it. A subject the requester can no longer
    see fails the document for good; any other failure marks it failed, then raises so the
    task retries."""
    if not _claim(document_id):
        return False
    document = PreparedDocument.objects.select_related("requested_by").get(pk=document_id)
    reader = document.requested_by
    try:
        if not reader.is_active:
            raise DocumentOutOfReach("The person who asked for this document has left")
        subject = subject_for(document, reader)
        made = kind_of(document).render(subject, reader)
    except DocumentOutOfReach as exc:
        _fail(document_id, str(exc))
        return False
    except Exception as exc:
        _fail(document_id, f"{exc.__class__.__name__}: {exc}")
        raise
    with transaction.atomic():
        document = PreparedDocument.objects.select_for_update().get(pk=document_id)
        if document.file:
            document.file.delete(save=False)
        extension = made.filename.rsplit(".", 1)[-1] if "." in made.filename else "bin"
        document.file.save(f"{uuid4().hex}.{extension}", ContentFile(made.data), save=False)
        document.file_name = made.filename[:200]
        document.content_type = made.content_type
        document.size = len(made.data)
        document.page_count = made.page_count
        document.status = PreparedDocument.Status.READY
        document.ready_at = timezone.now()
        document.error = ""
        document.save()
        audit_log(
            actor=None,
            action=AuditAction.EXPORT,
            obj=subject,
            changes={
                "document": document.kind,
                "prepared_document": document.pk,
                "for": reader.username,
                "sha256": hashlib.sha256(made.data).hexdigest(),
            },
            message=f"Prepared {document.title}",
            actor_username="system",
        )
    return True


@dataclass(frozen=True)
class DocumentDownload:
    file: IO[bytes]
    filename: str
    content_type: str


def document_download(*, document: PreparedDocument, by: User) -> DocumentDownload:
    """Open a ready document for its requester (read through its selector), if they may still
    see its subject, and record the download."""
    if document.status != PreparedDocument.Status.READY or not document.file:
        raise DocumentError("This document is not ready yet")
    subject = subject_for(document, by)
    kind = kind_of(document)
    covered = list(kind.covers(subject, by)) if kind.covers else []
    for record in [subject, *covered]:
        audit_log(
            actor=by,
            action=AuditAction.EXPORT,
            obj=record,
            changes={"document": document.kind, "prepared_document": document.pk},
            message=f"Downloaded {document.title}",
        )
    return DocumentDownload(
        file=document.file.open("rb"),
        filename=document.file_name,
        content_type=document.content_type or "application/octet-stream",
    )


# --- Retention ---------------------------------------------------------------------------------


def documents_to_delete(now: datetime) -> QuerySet[PreparedDocument]:
    keep = timedelta(hours=settings.PREPARED_DOCUMENT_KEEP_HOURS)
    return PreparedDocument.objects.filter(created_at__lte=now - keep)


def _delete_document(document: PreparedDocument, now: datetime) -> dict:
    had_file = bool(document.file)
    if had_file:
        document.file.delete(save=False)
    document.delete()
    return {"file_deleted": had_file}


register_retention(
    RetentionRule(
        name="prepared-documents-delete",
        action=Action.DELETE,
        description=(
            "Documents prepared on request (agenda packs, case files) are deleted "
            "PREPARED_DOCUMENT_KEEP_HOURS after they were asked for."
        ),
        due=documents_to_delete,
        apply=_delete_document,
        label=lambda document: f"{document.kind} {document.pk}",
    )
)
