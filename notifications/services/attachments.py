"""Writes for a SIN's attachments: adding one (on a draft or a submitted SIN), removing one
(drafts only: a submitted SIN's attachments are part of the Panel's record) and downloading
one (recorded in the audit trail)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import partial
from typing import IO
from uuid import uuid4

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.functions import Now

from safeguarding import files
from safeguarding.audit import REDACTED, audit_log
from safeguarding.errors import DomainNotFound
from safeguarding.models import AuditAction, User

from .. import attachments
from ..models import Notification, NotificationAttachment
from .drafts import NotificationError, NotificationInvalid, _lock


def _invalid(field: str, message: str) -> NotificationInvalid:
    return NotificationInvalid({field: [message]})


@transaction.atomic
def notification_attachment_add(
    *, notification: Notification, by: User, uploaded_file: File, description: str = ""
) -> NotificationAttachment:
    """Attach a file to the SIN, a draft or a submitted one (documents often arrive after the
    notification). The file is judged by its content, never by its name or the browser's type;
    it is stored encrypted under a generated key. Adding takes nothing away from anyone's
    answers, so it needs no version; the SIN's row is locked so that two uploads at once
    cannot pass the count limit together."""
    locked = _lock(notification, None)
    description = (description or "").strip()
    if len(description) > attachments.DESCRIPTION_MAX_CHARS:
        raise _invalid("description", attachments.DESCRIPTION_TOO_LONG)
    maximum = attachments.max_count()
    if NotificationAttachment.objects.filter(notification=locked).count() >= maximum:
        raise _invalid("file", attachments.too_many_message(maximum))
    limit = attachments.max_bytes()
    # Refuse an oversized file before reading it; the read is capped too, should the size lie.
    if uploaded_file.size is not None and uploaded_file.size > limit:
        raise _invalid("file", files.too_large_message(limit))
    uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    try:
        info = attachments.inspect_attachment(data)
    except files.FileRejected as exc:
        raise _invalid("file", exc.message) from exc

    extension = files.EXTENSIONS[info.kind]
    stored = default_storage.save(
        f"notification-attachments/{uuid4().hex}.{extension}", ContentFile(data)
    )
    try:
        attachment = NotificationAttachment.objects.create(
            notification=locked,
            file=stored,
            original_name=attachments.display_name(uploaded_file.name or "", info.kind),
            kind=info.kind,
            content_type=info.content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            description=description,
            added_by=by,
        )
        if locked.is_draft:
            # A change to the draft, for the retention schedule's "not edited for" clock.
            Notification.objects.filter(pk=locked.pk).update(updated_at=Now())
        audit_log(
            actor=by,
            action=AuditAction.CREATE,
            obj=locked,
            changes={
                # A file's name may name the child: that there is one, never what it says.
                "attachment": attachment.pk,
                "name": REDACTED,
                "type": info.kind,
                "size_bytes": len(data),
            },
            message=f"Attachment added ({attachments.kind_label(info.kind)}, "
            f"{files.size_label(len(data))})",
        )
    except Exception:
        default_storage.delete(stored)  # nothing refers to it
        raise
    return attachment


@transaction.atomic
def notification_attachment_remove(*, attachment: NotificationAttachment, by: User) -> None:
    """Remove an attachment from a draft. A submitted SIN's attachments are never removed (the
    Panel may already have read them); its file is deleted once the removal commits."""
    locked = _lock(attachment.notification, None)
    if not locked.is_draft:
        raise NotificationError("Attachments of a submitted notification cannot be removed")
    current = (
        NotificationAttachment.objects.select_for_update()
        .filter(pk=attachment.pk, notification=locked)
        .first()
    )
    if current is None:
        raise NotificationError("This attachment has already been removed")
    audit_log(
        actor=by,
        action=AuditAction.DELETE,
        obj=locked,
        changes={"attachment": current.pk, "name": REDACTED, "type": current.kind},
        message=f"Attachment removed ({attachments.kind_label(current.kind)})",
    )
    stored = current.file.name
    current.delete()
    Notification.objects.filter(pk=locked.pk).update(updated_at=Now())
    if stored:
        transaction.on_commit(partial(default_storage.delete, stored), robust=True)


def notification_attachment_files_delete(*, notification: Notification) -> None:
    """Delete the stored files of a SIN's attachments once the transaction that deletes the
    SIN (a draft thrown away) commits."""
    for stored in NotificationAttachment.objects.filter(notification=notification).values_list(
        "file", flat=True
    ):
        if stored:
            transaction.on_commit(partial(default_storage.delete, stored), robust=True)


@dataclass(frozen=True)
class AttachmentDownload:
    file: IO[bytes]
    filename: str
    content_type: str


def notification_attachment_download(
    *, attachment: NotificationAttachment, by: User
) -> AttachmentDownload:
    """Open the attachment for `by` to download, and record that they did. The caller reads
    the SIN through `selectors.notification_get_for_user`, so `by` may see it."""
    if not attachment.file:
        # Deleted with the rest of what identifies the child when the case was anonymised.
        raise DomainNotFound("This attachment's file has been deleted")
    opened = attachment.file.storage.open(attachment.file.name, "rb")
    audit_log(
        actor=by,
        action=AuditAction.EXPORT,
        obj=attachment.notification,
        changes={"attachment": attachment.pk, "type": attachment.kind},
        message="Attachment downloaded",
    )
    return AttachmentDownload(
        file=opened,
        filename=attachment.original_name or f"attachment.{files.EXTENSIONS[attachment.kind]}",
        content_type=attachment.content_type,
    )
