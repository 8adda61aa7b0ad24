"""The full rapid review document: what an uploaded file is, judged by its content alone (never
by its name or the browser's content type). Pure functions with no ORM, so the web form and
the API check a file the same way."""

from __future__ import annotations

import io
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from typing import Literal
from xml.etree import ElementTree

from django.conf import settings
from pypdf import PdfReader

PDF_CONTENT_TYPE = "application/pdf"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The main part's type in [Content_Types].xml: a macro-enabled document (.docm) or a template
# (.dotx) has another type and is refused.
DOCX_MAIN_PART_TYPE = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)
CONTENT_TYPES = {"pdf": PDF_CONTENT_TYPE, "docx": DOCX_CONTENT_TYPE}
APP_PROPERTIES_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"

NOT_A_DOCUMENT = "The selected file must be a PDF or Word (DOCX) document"
UNREADABLE = "The selected file could not be read. Upload an unprotected PDF or Word document"

PDF_SIGNATURE = b"%PDF-"
ZIP_SIGNATURE = b"PK\x03\x04"
# An Office file protected with a password is not a ZIP but an OLE compound file holding an
# "EncryptedPackage" stream (an old binary .doc is an OLE file without one).
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")

# A DOCX is a ZIP whose entries may claim any size. Only its small metadata parts and the start
# of the document part are decompressed, each capped and all together capped, so a zip bomb
# costs at most ZIP_MAX_READ_BYTES whatever it contains.
ZIP_MAX_ENTRIES = 10_000
ZIP_MAX_PART_BYTES = 1024 * 1024
ZIP_MAX_READ_BYTES = 3 * 1024 * 1024
DOCUMENT_PART_PROBE_BYTES = 4096

DOCUMENT_NAME_MAX_LENGTH = 200


class DocumentRejected(Exception):
    """The file is not one the service accepts; `message` is shown next to the field."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class DocumentInfo:
    kind: Literal["pdf", "docx"]
    content_type: str
    page_count: int | None  # None: the file does not say (a DOCX without docProps/app.xml)


def document_max_bytes() -> int:
    return settings.RAPID_REVIEW_DOCUMENT_MAX_BYTES


def size_label(size: int) -> str:
    """A size limit the way people read it: "20 MB", "500 KB"."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def too_large_message(max_bytes: int) -> str:
    return f"The selected file must be smaller than {size_label(max_bytes)}"


def inspect_document(data: bytes, *, max_bytes: int | None = None) -> DocumentInfo:
    """What the file is and how many pages it has, or `DocumentRejected` with the message to
    show. Accepts an unprotected PDF that pypdf can open, or a Word DOCX document."""
    limit = document_max_bytes() if max_bytes is None else max_bytes
    if len(data) > limit:
        raise DocumentRejected(too_large_message(limit))
    if data.startswith(PDF_SIGNATURE):
        return _inspect_pdf(data)
    if data.startswith(ZIP_SIGNATURE):
        return _inspect_docx(data)
    if data.startswith(OLE_SIGNATURE) and OLE_ENCRYPTED_PACKAGE in data:
        raise DocumentRejected(UNREADABLE)
    raise DocumentRejected(NOT_A_DOCUMENT)


def _inspect_pdf(data: bytes) -> DocumentInfo:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise DocumentRejected(UNREADABLE)
        page_count = len(reader.pages)
    except DocumentRejected:
        raise
    except Exception as exc:  # pypdf raises many kinds of error on a damaged file
        raise DocumentRejected(UNREADABLE) from exc
    if page_count < 1:
        raise DocumentRejected(UNREADABLE)
    return DocumentInfo("pdf", PDF_CONTENT_TYPE, page_count)


class _ZipReader:
    """Reads parts of a ZIP within an overall budget of decompressed bytes."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.left = ZIP_MAX_READ_BYTES
        # Part names in a package are case-insensitive.
        self.parts = {info.filename.lower(): info for info in archive.infolist()}

    def read(self, name: str, *, limit: int, whole: bool = True) -> bytes | None:
        """The part's bytes, or None when it is larger than `limit` (with `whole`); without
        `whole`, its first `limit` bytes."""
        cap = min(limit, self.left)
        try:
            with self.archive.open(self.parts[name.lower()]) as part:
                data = part.read(cap + 1)
        except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, OSError) as exc:
            # Damaged, encrypted or compressed with a method zipfile does not support.
            raise DocumentRejected(UNREADABLE) from exc
        self.left -= len(data)
        if len(data) > cap:
            return None if whole else data[:cap]
        return data


def _inspect_docx(data: bytes) -> DocumentInfo:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise DocumentRejected(UNREADABLE) from exc
    with archive:
        if len(archive.infolist()) > ZIP_MAX_ENTRIES:
            raise DocumentRejected(UNREADABLE)
        package = _ZipReader(archive)
        if not {"[content_types].xml", "word/document.xml"} <= package.parts.keys():
            raise DocumentRejected(NOT_A_DOCUMENT)
        content_types = package.read("[Content_Types].xml", limit=ZIP_MAX_PART_BYTES)
        root = _parse_xml(content_types)
        if root is None or _part_content_type(root, "/word/document.xml") != DOCX_MAIN_PART_TYPE:
            raise DocumentRejected(NOT_A_DOCUMENT)
        # The document part must decompress, at least as far as its start.
        package.read("word/document.xml", limit=DOCUMENT_PART_PROBE_BYTES, whole=False)
        page_count = None
        if "docprops/app.xml" in package.parts:
            page_count = _pages(package.read("docProps/app.xml", limit=ZIP_MAX_PART_BYTES))
    return DocumentInfo("docx", DOCX_CONTENT_TYPE, page_count)


def _parse_xml(data: bytes | None) -> ElementTree.Element | None:
    # An Office package never has a DTD; refusing one rules out entity expansion attacks.
    if data is None or b"<!DOCTYPE" in data.upper():
        return None
    try:
        return ElementTree.fromstring(data)  # noqa: S314 (no DTD, so no entities to expand)
    except ElementTree.ParseError:
        return None


def _part_content_type(root: ElementTree.Element, part_name: str) -> str | None:
    for override in root.iter(f"{{{CONTENT_TYPES_NS}}}Override"):
        if override.get("PartName", "").lower() == part_name:
            return override.get("ContentType")
    extension = part_name.rsplit(".", 1)[-1]
    for default in root.iter(f"{{{CONTENT_TYPES_NS}}}Default"):
        if default.get("Extension", "").lower() == extension:
            return default.get("ContentType")
    return None


def _pages(app_xml: bytes | None) -> int | None:
    """The page count Word saved in docProps/app.xml, or None when it is missing or unusable
    (the count is as of the last save in Word; other programs may not write it)."""
    root = _parse_xml(app_xml)
    pages = root.find(f"{{{APP_PROPERTIES_NS}}}Pages") if root is not None else None
    text = (pages.text or "").strip() if pages is not None else ""
    return int(text) if text.isdigit() and 0 < int(text) < 1_000_000 else None


def document_display_name(name: str, kind: str) -> str:
    """The uploaded file's name, kept only to show and to name the download: no folders, no
    control or direction-changing characters, and the extension of what the file really is."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if not unicodedata.category(c).startswith("C"))
    name = " ".join(name.split()).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if dot and extension.lower() in {"pdf", "docx", "doc"}:
        name = stem.strip(" .")
    name = name[: DOCUMENT_NAME_MAX_LENGTH - len(kind) - 1].rstrip(" .") or "rapid-review"
    return f"{name}.{kind}"
