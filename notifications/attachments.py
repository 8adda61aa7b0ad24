"""What a SIN may carry as attachments: the kinds of file (judged by content, through
`safeguarding.files`), the limits from settings, and the messages shown next to the file input.
Pure functions with no ORM, so the web form and the API refuse a file the same way."""

from __future__ import annotations

from django.conf import settings

from safeguarding import files

# kind: what people call it, in the order the messages list them
KINDS = {
    "pdf": "PDF",
    "docx": "Word (DOCX)",
    "xlsx": "Excel (XLSX)",
    "png": "PNG",
    "jpeg": "JPEG",
}
ACCEPT = ".pdf,.docx,.xlsx,.png,.jpg,.jpeg," + ",".join(files.CONTENT_TYPES[k] for k in KINDS)
ACCEPTED_LIST = "a PDF, Word (DOCX), Excel (XLSX), PNG or JPEG file"

NOT_ACCEPTED = f"The selected file must be {ACCEPTED_LIST}"
UNREADABLE = f"The selected file could not be read. Upload an unprotected {ACCEPTED_LIST[2:]}"
EMPTY = "The selected file is empty"
REQUIRED = "Select a file to attach"
DESCRIPTION_MAX_CHARS = 500
DESCRIPTION_TOO_LONG = f"Description must be {DESCRIPTION_MAX_CHARS} characters or fewer"
MESSAGES = files.Messages(not_accepted=NOT_ACCEPTED, unreadable=UNREADABLE)


def max_bytes() -> int:
    return settings.SIN_ATTACHMENT_MAX_BYTES


def max_count() -> int:
    return settings.SIN_ATTACHMENT_MAX_COUNT


def too_many_message(maximum: int) -> str:
    return f"A notification can have at most {maximum} attachments"


def hint() -> str:
    return f"PDF, Word (DOCX), Excel (XLSX), PNG or JPEG, up to {files.size_label(max_bytes())}"


def inspect_attachment(data: bytes) -> files.FileInfo:
    """What the file is, or `files.FileRejected` with the message to show."""
    if not data:
        raise files.FileRejected(EMPTY)
    return files.inspect_file(data, kinds=KINDS.keys(), max_bytes=max_bytes(), messages=MESSAGES)


def kind_label(kind: str) -> str:
    return KINDS.get(kind, kind.upper())


def display_name(name: str, kind: str) -> str:
    return files.display_name(name, kind, fallback="attachment")
