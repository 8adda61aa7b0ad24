"""What an uploaded file is, judged by its content alone (never by its name or the browser's
content type): PDF, Word (DOCX), Excel (XLSX), PNG and JPEG. Pure functions with no ORM,
shared by the rapid review's document (rapidreviews.documents) and a SIN's attachments
(notifications.attachments), so the web forms and the API check a file the same way.

Each caller says which kinds it accepts and the messages it shows; what a kind is, how a zip
bomb is kept small and how the file's name is cleaned are written here once."""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal
from xml.etree import ElementTree

from pypdf import PdfReader

Kind = Literal["pdf", "docx", "xlsx", "png", "jpeg"]

PDF_CONTENT_TYPE = "application/pdf"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG_CONTENT_TYPE = "image/png"
JPEG_CONTENT_TYPE = "image/jpeg"
CONTENT_TYPES: dict[str, str] = {
    "pdf": PDF_CONTENT_TYPE,
    "docx": DOCX_CONTENT_TYPE,
    "xlsx": XLSX_CONTENT_TYPE,
    "png": PNG_CONTENT_TYPE,
    "jpeg": JPEG_CONTENT_TYPE,
}
# The extension a download is named with, and those an uploaded name may already end with.
EXTENSIONS: dict[str, str] = {
    "pdf": "pdf",
    "docx": "docx",
    "xlsx": "xlsx",
    "png": "png",
    "jpeg": "jpg",
}
KNOWN_EXTENSIONS = {"pdf", "docx", "doc", "xlsx", "xls", "xlsm", "png", "jpg", "jpeg"}

# The main part's type in [Content_Types].xml: a macro-enabled document or workbook (.docm,
# .xlsm) or a template (.dotx, .xltx) has another type and is refused.
DOCX_MAIN_PART_TYPE = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)
XLSX_MAIN_PART_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
# kind: (main part, its content type)
OFFICE_MAIN_PARTS: dict[str, tuple[str, str]] = {
    "docx": ("word/document.xml", DOCX_MAIN_PART_TYPE),
    "xlsx": ("xl/workbook.xml", XLSX_MAIN_PART_TYPE),
}
APP_PROPERTIES_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"

PDF_SIGNATURE = b"%PDF-"
ZIP_SIGNATURE = b"PK\x03\x04"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
# An Office file protected with a password is not a ZIP but an OLE compound file holding an
# "EncryptedPackage" stream (an old binary .doc or .xls is an OLE file without one).
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")

# An Office file is a ZIP whose entries may claim any size. Only its small metadata parts and
# the start of the main part are decompressed, each capped and all together capped, so a zip
# bomb costs at most ZIP_MAX_READ_BYTES whatever it contains.
ZIP_MAX_ENTRIES = 10_000
ZIP_MAX_PART_BYTES = 1024 * 1024
ZIP_MAX_READ_BYTES = 3 * 1024 * 1024
MAIN_PART_PROBE_BYTES = 4096
# An image may say it is any size; one over this many pixels is refused before it is decoded
# (a "decompression bomb"). 100 megapixels is far beyond any photograph or scan.
IMAGE_MAX_PIXELS = 100_000_000

FILE_NAME_MAX_LENGTH = 200


class FileRejected(Exception):
    """The file is not one the service accepts; `message` is shown next to the field."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class FileInfo:
    kind: Kind
    content_type: str
    page_count: int | None  # a PDF's pages; a DOCX's when it says; None otherwise


@dataclass(frozen=True)
class Messages:
    """What the caller shows: the file is not one of the accepted kinds, or it is but cannot
    be read (damaged, protected with a password)."""

    not_accepted: str
    unreadable: str


def size_label(size: int) -> str:
    """A size limit the way people read it: "20 MB", "500 KB"."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def too_large_message(max_bytes: int) -> str:
    return f"The selected file must be smaller than {size_label(max_bytes)}"


def sniff(data: bytes) -> str | None:
    """The family the file's first bytes say it belongs to: "pdf", "zip" (an Office file or
    not), "png", "jpeg", "ole" (an old or password-protected Office file), or None."""
    for signature, family in (
        (PDF_SIGNATURE, "pdf"),
        (ZIP_SIGNATURE, "zip"),
        (PNG_SIGNATURE, "png"),
        (JPEG_SIGNATURE, "jpeg"),
        (OLE_SIGNATURE, "ole"),
    ):
        if data.startswith(signature):
            return family
    return None


def inspect_file(
    data: bytes, *, kinds: Collection[str], max_bytes: int, messages: Messages
) -> FileInfo:
    """What the file is, or `FileRejected` with the message to show: over `max_bytes`, not one
    of `kinds`, or one of them that cannot be opened."""
    if len(data) > max_bytes:
        raise FileRejected(too_large_message(max_bytes))
    family = sniff(data)
    if family == "pdf" and "pdf" in kinds:
        return _inspect_pdf(data, messages)
    if family == "zip" and set(kinds) & OFFICE_MAIN_PARTS.keys():
        return _inspect_office(data, kinds, messages)
    if family in ("png", "jpeg") and family in kinds:
        return _inspect_image(data, family, messages)
    if family == "ole" and OLE_ENCRYPTED_PACKAGE in data:
        raise FileRejected(messages.unreadable)
    raise FileRejected(messages.not_accepted)


def _inspect_pdf(data: bytes, messages: Messages) -> FileInfo:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise FileRejected(messages.unreadable)
        page_count = len(reader.pages)
    except FileRejected:
        raise
    except Exception as exc:  # pypdf raises many kinds of error on a damaged file
        raise FileRejected(messages.unreadable) from exc
    if page_count < 1:
        raise FileRejected(messages.unreadable)
    return FileInfo("pdf", PDF_CONTENT_TYPE, page_count)


class _ZipReader:
    """Reads parts of a ZIP within an overall budget of decompressed bytes."""

    def __init__(self, archive: zipfile.ZipFile, unreadable: str):
        self.archive = archive
        self.unreadable = unreadable
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
            raise FileRejected(self.unreadable) from exc
        self.left -= len(data)
        if len(data) > cap:
            return None if whole else data[:cap]
        return data


def _inspect_office(data: bytes, kinds: Collection[str], messages: Messages) -> FileInfo:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise FileRejected(messages.unreadable) from exc
    with archive:
        if len(archive.infolist()) > ZIP_MAX_ENTRIES:
            raise FileRejected(messages.unreadable)
        package = _ZipReader(archive, messages.unreadable)
        if "[content_types].xml" not in package.parts:
            raise FileRejected(messages.not_accepted)
        root = _parse_xml(package.read("[Content_Types].xml", limit=ZIP_MAX_PART_BYTES))
        if root is None:
            raise FileRejected(messages.not_accepted)
        for kind, (main_part, main_type) in OFFICE_MAIN_PARTS.items():
            if kind not in kinds or main_part not in package.parts:
                continue
            if part_content_type(root, "/" + main_part) != main_type:
                continue
            # The main part must decompress, at least as far as its start.
            package.read(main_part, limit=MAIN_PART_PROBE_BYTES, whole=False)
            page_count = None
            if kind == "docx" and "docprops/app.xml" in package.parts:
                page_count = _pages(package.read("docProps/app.xml", limit=ZIP_MAX_PART_BYTES))
            return FileInfo(kind, CONTENT_TYPES[kind], page_count)  # type: ignore[arg-type]
    raise FileRejected(messages.not_accepted)


def _inspect_image(data: bytes, kind: str, messages: Messages) -> FileInfo:
    """A PNG or JPEG that Pillow opens, of the format its signature says, within
    IMAGE_MAX_PIXELS; its pixels are checked by `verify` without being decoded whole."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[kind.upper()]) as image:
                width, height = image.size
                if width * height > IMAGE_MAX_PIXELS:
                    raise FileRejected(messages.unreadable)
                image.verify()
    except FileRejected:
        raise
    except Exception as exc:  # Pillow raises many kinds of error on a damaged image
        raise FileRejected(messages.unreadable) from exc
    return FileInfo(kind, CONTENT_TYPES[kind], None)  # type: ignore[arg-type]


def _parse_xml(data: bytes | None) -> ElementTree.Element | None:
    # An Office package never has a DTD; refusing one rules out entity expansion attacks.
    if data is None or b"<!DOCTYPE" in data.upper():
        return None
    try:
        return ElementTree.fromstring(data)  # noqa: S314 (no DTD, so no entities to expand)
    except ElementTree.ParseError:
        return None


def part_content_type(root: ElementTree.Element, part_name: str) -> str | None:
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
    # ASCII digits only: "²" is a digit to isdigit() but not to int().
    return int(text) if re.fullmatch(r"[0-9]{1,6}", text) and int(text) > 0 else None


def display_name(name: str, kind: str, *, fallback: str) -> str:
    """The uploaded file's name, kept only to show and to name the download: no folders, no
    control or direction-changing characters, and the extension of what the file really is."""
    extension = EXTENSIONS.get(kind, kind)
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if not unicodedata.category(c).startswith("C"))
    name = " ".join(name.split()).strip(" .")
    stem, dot, old_extension = name.rpartition(".")
    if dot and old_extension.lower() in KNOWN_EXTENSIONS:
        name = stem.strip(" .")
    name = name[: FILE_NAME_MAX_LENGTH - len(extension) - 1].rstrip(" .") or fallback
    return f"{name}.{extension}"
