"""The shared file checks (safeguarding.files) with a SIN attachment's kinds: each accepted kind
is recognised by its content, whatever its name; everything else is refused with a message
naming what is accepted."""

import io
import zipfile

import openpyxl
import pytest
from PIL import Image

from notifications import attachments
from notifications.attachments import EMPTY, NOT_ACCEPTED, UNREADABLE, inspect_attachment
from safeguarding import files
from safeguarding.files import FileRejected

from ..notifications.factories import png_bytes
from ..rapidreviews.factories import pdf_bytes
from ..rapidreviews.test_documents import docx_bytes

XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Synthetic"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_main_type(data: bytes, old: str, new: str) -> bytes:
    """The package with its [Content_Types].xml main part type changed (an .xlsm)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                content = content.replace(old.encode(), new.encode())
            target.writestr(item.filename, content)
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 120, 10)).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("make", "kind", "content_type"),
    [
        (pdf_bytes, "pdf", "application/pdf"),
        (docx_bytes, "docx", files.DOCX_CONTENT_TYPE),
        (xlsx_bytes, "xlsx", files.XLSX_CONTENT_TYPE),
        (png_bytes, "png", "image/png"),
        (jpeg_bytes, "jpeg", "image/jpeg"),
    ],
)
def test_each_accepted_kind_is_recognised_by_its_content(make, kind, content_type):
    info = inspect_attachment(make())
    assert (info.kind, info.content_type) == (kind, content_type)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"MZ\x90\x00" + b"\x00" * 200, id="a Windows program"),
        pytest.param(b"Dear colleague,\nplease find the report attached.\n", id="plain text"),
        pytest.param(b"GIF89a\x01\x00\x01\x00", id="a GIF"),
        pytest.param(
            with_main_type(xlsx_bytes(), files.XLSX_MAIN_PART_TYPE, XLSM_MAIN),
            id="a macro-enabled workbook",
        ),
        pytest.param(
            docx_bytes(main_type="application/vnd.ms-word.document.macroEnabled.main+xml"),
            id="a macro-enabled document",
        ),
    ],
)
def test_anything_else_is_refused_naming_what_is_accepted(data):
    with pytest.raises(FileRejected) as refused:
        inspect_attachment(data)
    assert refused.value.message == NOT_ACCEPTED
    assert "PDF, Word (DOCX), Excel (XLSX), PNG or JPEG" in NOT_ACCEPTED


def test_a_zip_that_is_not_an_office_file_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "Synthetic")
    with pytest.raises(FileRejected) as refused:
        inspect_attachment(buffer.getvalue())
    assert refused.value.message == NOT_ACCEPTED


def test_an_image_that_does_not_open_is_refused_as_unreadable():
    damaged = png_bytes()[:40]
    with pytest.raises(FileRejected) as refused:
        inspect_attachment(damaged)
    assert refused.value.message == UNREADABLE


def test_an_image_claiming_enormous_dimensions_is_refused_before_it_is_decoded(monkeypatch):
    monkeypatch.setattr(files, "IMAGE_MAX_PIXELS", 10)
    with pytest.raises(FileRejected) as refused:
        inspect_attachment(png_bytes((5, 5)))
    assert refused.value.message == UNREADABLE


def test_an_empty_file_is_refused():
    with pytest.raises(FileRejected) as refused:
        inspect_attachment(b"")
    assert refused.value.message == EMPTY


def test_a_file_over_the_limit_is_refused(settings):
    settings.SIN_ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(FileRejected) as refused:
        inspect_attachment(pdf_bytes() + b"\0" * 2048)
    assert refused.value.message == "The selected file must be smaller than 1 KB"


def test_a_workbook_bomb_is_read_only_up_to_the_cap():
    # A workbook part that inflates to 200 MB: only its first bytes are ever decompressed.
    buffer = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes()))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                content += b" " * (200 * 1024 * 1024)
            target.writestr(item.filename, content)
    assert inspect_attachment(buffer.getvalue()).kind == "xlsx"


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("Police report.pdf", "pdf", "Police report.pdf"),
        ("scan.PNG", "jpeg", "scan.jpg"),
        ("C:\\Users\\x\\Budget.xlsx", "xlsx", "Budget.xlsx"),
        ("virus.exe", "pdf", "virus.exe.pdf"),
        ("\u202egnp.pdf", "pdf", "gnp.pdf"),
        ("", "docx", "attachment.docx"),
    ],
)
def test_the_name_is_cleaned_and_given_the_real_extension(name, kind, expected):
    assert attachments.display_name(name, kind) == expected
