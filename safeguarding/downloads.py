"""Handing a stored file to the browser: one place for how every download answers (a SIN's
attachment, a message's attachment, a prepared document)."""

from __future__ import annotations

from typing import IO, Protocol

from django.http import FileResponse


class Download(Protocol):
    file: IO[bytes]
    filename: str
    content_type: str


def safe_download(download: Download) -> FileResponse:
    """The file as an attachment (never shown inline), under its cleaned name, with the type
    its content was recognised as and nothing for the browser to guess, kept out of caches."""
    response = FileResponse(
        download.file,
        as_attachment=True,
        filename=download.filename,
        content_type=download.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response
