"""The full rapid review document: a PDF or a Word DOCX, judged by its content alone (never by
its name or the browser's content type) by the shared checks in `safeguarding.files`, which a
SIN's attachments use too. Pure functions with no ORM, so the web form and the API check a
file the same way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.core.files.base import File

from safeguarding import files
from safeguarding.files import (
    DOCX_CONTENT_TYPE,
    PDF_CONTENT_TYPE,
    size_label,
    too_large_message,
)

__all__ = [
    "CONTENT_TYPES",
    "DOCX_CONTENT_TYPE",
    "NOT_A_DOCUMENT",
    "PDF_CONTENT_TYPE",
    "UNREADABLE",
    "DocumentInfo",
    "DocumentRejected",
    "document_display_name",
    "document_max_bytes",
    "inspect_document",
    "read_document",
    "size_label",
    "too_large_message",
]

CONTENT_TYPES = {"pdf": PDF_CONTENT_TYPE, "docx": DOCX_CONTENT_TYPE}

NOT_A_DOCUMENT = "The selected file must be a PDF or Word (DOCX) document"
UNREADABLE = "The selected file could not be read. Upload an unprotected PDF or Word document"
MESSAGES = files.Messages(not_accepted=NOT_A_DOCUMENT, unreadable=UNREADABLE)

# The service's refusal of a file, with the message shown next to the field.
DocumentRejected = files.FileRejected


@dataclass(frozen=True)
class DocumentInfo:
    kind: Literal["pdf", "docx"]
    content_type: str
    page_count: int | None  # None: the file does not say (a DOCX without docProps/app.xml)


def document_max_bytes() -> int:
    return settings.RAPID_REVIEW_DOCUMENT_MAX_BYTES


def inspect_document(data: bytes, *, max_bytes: int | None = None) -> DocumentInfo:
    """What the file is and how many pages it has, or `DocumentRejected` with the message to
    show. Accepts an unprotected PDF that pypdf can open, or a Word DOCX document."""
    info = files.inspect_file(
        data,
        kinds=CONTENT_TYPES.keys(),
        max_bytes=document_max_bytes() if max_bytes is None else max_bytes,
        messages=MESSAGES,
    )
    return DocumentInfo(info.kind, info.content_type, info.page_count)  # type: ignore[arg-type]


def read_document(uploaded_file: File) -> tuple[bytes, DocumentInfo]:
    """Read an uploaded document and judge it (`inspect_document`): its bytes and what it is,
    or `DocumentRejected`. An oversized file is refused before it is read, and the read is
    capped too, should its size lie. Shared by every upload of a review document (the rapid
    review's, the LCSPR's final report), so one rule is written once."""
    max_bytes = document_max_bytes()
    if uploaded_file.size is not None and uploaded_file.size > max_bytes:
        raise DocumentRejected(too_large_message(max_bytes))
    uploaded_file.seek(0)
    data = uploaded_file.read(max_bytes + 1)
    return data, inspect_document(data, max_bytes=max_bytes)


def document_display_name(name: str, kind: str) -> str:
    """The uploaded file's name, kept only to show and to name the download: no folders, no
    control or direction-changing characters, and the extension of what the file really is."""
    return files.display_name(name, kind, fallback="rapid-review")
