"""Writes for the full rapid review document (a PDF or a Word DOCX), checked by
rapidreviews.documents."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import IO
from uuid import uuid4

from django.core.files.base import ContentFile, File
from django.db import transaction

from safeguarding.audit import REDACTED, audit_log
from safeguarding.models import AuditAction, User

from .. import documents
from ..models import RapidReview
from .reviews import RapidReviewError, RapidReviewInvalid, _bump, _lock_for_section

# The full review document (a PDF or a Word DOCX), checked by rapidreviews.documents.


@transaction.atomic
def rapid_review_document_upload(
    *, review: RapidReview, by: User, uploaded_file: File, expected_version: int | None
) -> RapidReview:
    """Attach the full review document, replacing any earlier one. The file is judged by its
    content (a PDF or a Word DOCX within the size limit), never by its name or the browser's
    content type. It is stored under a generated name; the name it was uploaded with is kept,
    cleaned, only to show and to name downloads. The replaced file is deleted after commit."""
    review = _lock_for_section(review, "document", expected_version, by)
    try:
        data, info = documents.read_document(uploaded_file)
    except documents.DocumentRejected as exc:
        raise RapidReviewInvalid({"document": [exc.message]}) from exc

    old_path, old_name = review.document.name, review.document_name
    storage = review.document.storage
    review.document.save(f"{uuid4().hex}.{info.kind}", ContentFile(data), save=False)
    new_path = review.document.name
    review.document_name = documents.document_display_name(uploaded_file.name or "", info.kind)
    review.document_page_count = info.page_count
    pages = "page count not known" if info.page_count is None else f"{info.page_count} pages"
    try:
        review.save(
            update_fields=[
                "document",
                "document_name",
                "document_page_count",
                *_bump(review, "document"),
            ]
        )
        audit_log(
            actor=by,
            action=AuditAction.UPDATE,
            obj=review,
            changes={
                # A file's name may name the child: that it changed, never what it says.
                "document_name": [REDACTED if old_name else None, REDACTED],
                "size_bytes": len(data),
                "pages": info.page_count,
                "type": info.kind,
            },
            message=f"{'Replaced' if old_path else 'Uploaded'} the full review document "
            f"({info.kind.upper()}, {pages})",
        )
    except Exception:
        storage.delete(new_path)  # nothing refers to it
        raise
    if old_path and old_path != new_path:
        transaction.on_commit(partial(storage.delete, old_path), robust=True)
    return review


@dataclass(frozen=True)
class DocumentDownload:
    file: IO[bytes]
    filename: str
    content_type: str


def rapid_review_document_download(*, review: RapidReview, by: User) -> DocumentDownload:
    """Open the review's document for `by` to download, and record that they did. The caller
    reads the review through `selectors.rapid_review_get_for_user`, so `by` may see it."""
    if not review.document:
        raise RapidReviewError("This rapid review has no document")
    extension = review.document.name.rsplit(".", 1)[-1].lower()
    opened = review.document.storage.open(review.document.name, "rb")
    audit_log(
        actor=by,
        action=AuditAction.EXPORT,
        obj=review,
        changes={"type": extension},
        message="Downloaded the full review document",
    )
    return DocumentDownload(
        file=opened,
        filename=review.document_name or f"rapid-review.{extension}",
        content_type=documents.CONTENT_TYPES.get(extension, "application/octet-stream"),
    )
