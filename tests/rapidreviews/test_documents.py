import io
import random
import zipfile
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter

from rapidreviews import documents, services
from rapidreviews.documents import NOT_A_DOCUMENT, UNREADABLE, DocumentRejected, inspect_document
from rapidreviews.models import RapidReview
from safeguarding.audit import audit_events_for
from safeguarding.codes import Role
from safeguarding.models import AuditAction

from .factories import CompleteReviewFactory, RapidReviewFactory, SubmittedReviewFactory, pdf_bytes

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def docx_bytes(
    *, pages: int | None = None, main_type: str = DOCX_MAIN, app_xml: bytes | None = None
) -> bytes:
    """A minimal Word document, with docProps/app.xml only when `pages` or `app_xml` is given."""
    if app_xml is None and pages is not None:
        app_xml = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'extended-properties"><Application>Microsoft Office Word</Application>'
            f"<Pages>{pages}</Pages><Words>120</Words></Properties>"
        ).encode()
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main_type}"/></Types>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            "schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
            '" Target="word/document.xml"/></Relationships>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
            'openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Synthetic '
            "review</w:t></w:r></w:p></w:body></w:document>",
        )
        if app_xml is not None:
            archive.writestr("docProps/app.xml", app_xml)
    return buffer.getvalue()


def encrypted_pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# What a file is: its content, whatever its name.


def test_a_pdf_is_recognised_and_its_pages_counted():
    info = inspect_document(pdf_bytes(3))
    assert (info.kind, info.content_type, info.page_count) == ("pdf", "application/pdf", 3)


@pytest.mark.parametrize(("pages", "expected"), [(12, 12), (None, None)])
def test_a_docx_takes_its_page_count_from_its_properties_when_it_has_them(pages, expected):
    info = inspect_document(docx_bytes(pages=pages))
    assert info.kind == "docx"
    assert info.content_type == documents.DOCX_CONTENT_TYPE
    assert info.page_count == expected


def test_a_docx_with_an_unusable_page_count_is_accepted_with_the_count_unknown():
    assert inspect_document(docx_bytes(app_xml=b"<Properties>not xml")).page_count is None


OLD_WORD_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048)
PROTECTED_WORD_DOC = OLD_WORD_DOC + "EncryptedPackage".encode("utf-16-le") + bytes(512)
SPREADSHEET = io.BytesIO()
with zipfile.ZipFile(SPREADSHEET, "w") as _archive:
    _archive.writestr("[Content_Types].xml", "<Types/>")
    _archive.writestr("xl/workbook.xml", "<workbook/>")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"Rapid review: the text of a file named review.pdf\n", id="text-named-pdf"),
        pytest.param(random.Random(4).randbytes(4096), id="random-bytes"),
        pytest.param(b"", id="empty"),
        pytest.param(b"MZ\x90\x00\x03\x00\x00\x00" + bytes(1024), id="renamed-exe"),
        pytest.param(OLD_WORD_DOC, id="old-binary-doc"),
        pytest.param(SPREADSHEET.getvalue(), id="other-zip"),
        pytest.param(docx_bytes(main_type=DOCM_MAIN), id="macro-enabled-docm"),
    ],
)
def test_anything_but_a_pdf_or_docx_is_refused(data):
    with pytest.raises(DocumentRejected) as raised:
        inspect_document(data)
    assert raised.value.message == NOT_A_DOCUMENT


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(encrypted_pdf_bytes(), id="encrypted-pdf"),
        pytest.param(b"%PDF-1.7\n" + random.Random(5).randbytes(4096), id="corrupt-pdf"),
        pytest.param(pdf_bytes(2)[:200], id="truncated-pdf"),
        pytest.param(docx_bytes(pages=2)[:300], id="truncated-docx"),
        pytest.param(PROTECTED_WORD_DOC, id="password-protected-word"),
    ],
)
def test_a_protected_or_damaged_document_cannot_be_read(data):
    with pytest.raises(DocumentRejected) as raised:
        inspect_document(data)
    assert raised.value.message == UNREADABLE


def test_a_file_over_the_limit_is_refused_before_it_is_inspected():
    with pytest.raises(DocumentRejected) as raised:
        inspect_document(pdf_bytes(1), max_bytes=100)
    assert raised.value.message == "The selected file must be smaller than 100 bytes"
    assert documents.too_large_message(20 * 1024 * 1024) == (
        "The selected file must be smaller than 20 MB"
    )


def test_a_zip_bomb_is_read_only_up_to_the_cap():
    # 64 MB of properties compressed to a few KB: only the capped start is ever decompressed.
    bomb = docx_bytes(app_xml=b"<Properties>" + b" " * (64 * 1024 * 1024) + b"</Properties>")
    assert len(bomb) < 200_000
    info = inspect_document(bomb)
    assert (info.kind, info.page_count) == ("docx", None)


def test_entity_expansion_in_the_package_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><!DOCTYPE Types [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Types>&b;</Types>',
        )
        archive.writestr("word/document.xml", "<document/>")
    with pytest.raises(DocumentRejected):
        inspect_document(buffer.getvalue())


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("Final review.pdf", "pdf", "Final review.pdf"),
        ("C:\\Users\\lead\\Final review.PDF", "pdf", "Final review.pdf"),
        ("../../etc/passwd", "pdf", "passwd.pdf"),
        ("scan.pdf", "docx", "scan.docx"),
        ("review\u202efdp.exe", "pdf", "reviewfdp.exe.pdf"),
        ("  \n ", "docx", "rapid-review.docx"),
        ("x" * 300 + ".pdf", "pdf", "x" * 196 + ".pdf"),
    ],
)
def test_the_uploaded_name_is_cleaned_and_given_the_real_extension(name, kind, expected):
    assert documents.document_display_name(name, kind) == expected


# Uploading, replacing and downloading.


@pytest.fixture
def lead(make_user, leeds):
    return make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership)


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client


def url(name, *args):
    return reverse(f"rapidreviews:{name}", args=args)


def upload(client, review, name, data, *, version=None, content_type="application/pdf"):
    review.refresh_from_db()
    return client.post(
        url("review-document", review.pk),
        {
            "version": review.section_version("document") if version is None else version,
            "document": SimpleUploadedFile(name, data, content_type=content_type),
        },
    )


def read_stored(review) -> bytes:
    with default_storage.open(review.document.name, "rb") as stored:
        return stored.read()


@pytest.mark.django_db
def test_the_upload_page_saves_the_document_and_shows_the_page_count(lead_client):
    review = RapidReviewFactory()
    page = lead_client.get(url("review-document", review.pk)).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert "govuk-file-upload" in page
    assert "PDF or Word (DOCX), up to 20 MB" in page
    data = pdf_bytes(3)
    # The browser's content type is not believed either way.
    response = upload(lead_client, review, "C:\\fakepath\\Final review.pdf", data, content_type="")
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.document_name == "Final review.pdf"
    assert review.document_page_count == 3
    assert review.document.name.startswith("rapid-reviews/")
    assert review.document.name.endswith(".pdf")
    assert "Final" not in review.document.name  # stored under a generated name
    assert read_stored(review) == data
    assert review.status == RapidReview.Status.DRAFTING
    assert review.section_version("document") == 1
    event = audit_events_for(review).get()
    # The file's name may name the child: the trail says it changed, not what it is.
    assert "Final review" not in event.message
    assert event.changes == {
        "document_name": [None, "(changed)"],
        "size_bytes": len(data),
        "pages": 3,
        "type": "pdf",
    }
    detail = lead_client.get(url("review-detail", review.pk)).content.decode()
    assert "Final review.pdf" in detail
    assert "3 pages" in detail
    assert url("review-document-download", review.pk) in detail


@pytest.mark.django_db
def test_a_word_document_without_a_page_count_is_saved_as_not_known(lead_client):
    review = RapidReviewFactory()
    response = upload(lead_client, review, "review.docx", docx_bytes(), content_type="text/plain")
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.document_name, review.document_page_count) == ("review.docx", None)
    assert review.document.name.endswith(".docx")
    page = lead_client.get(url("review-document", review.pk)).content.decode()
    assert "page count not known" in page


@pytest.mark.django_db
def test_a_rejected_file_shows_the_error_next_to_the_field_and_keeps_the_previous_document(
    lead_client,
):
    review = CompleteReviewFactory()
    before = (review.document.name, review.document_name, review.document_page_count)
    response = upload(lead_client, review, "review.pdf", b"Not really a PDF")
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert 'href="#id_document"' in html
    assert 'id="id_document_1_error"' in html  # the message next to the field
    assert html.count(NOT_A_DOCUMENT) == 2
    assert "govuk-file-upload--error" in html
    review.refresh_from_db()
    assert (review.document.name, review.document_name, review.document_page_count) == before
    assert default_storage.exists(review.document.name)
    assert review.section_version("document") == 0


@pytest.mark.django_db
def test_an_oversize_upload_is_refused(lead_client, settings):
    settings.RAPID_REVIEW_DOCUMENT_MAX_BYTES = 1024
    review = RapidReviewFactory()
    data = pdf_bytes(6)
    assert len(data) > 1024
    html = upload(lead_client, review, "big.pdf", data).content.decode()
    assert "The selected file must be smaller than 1 KB" in html
    assert "PDF or Word (DOCX), up to 1 KB" in html
    review.refresh_from_db()
    assert not review.document


@pytest.mark.django_db
def test_an_oversize_file_is_refused_without_being_read(lead):
    review = RapidReviewFactory()
    uploaded = mock.Mock(size=documents.document_max_bytes() + 1)
    uploaded.name = "huge.pdf"
    with pytest.raises(services.RapidReviewInvalid) as raised:
        services.rapid_review_document_upload(
            review=review, by=lead, uploaded_file=uploaded, expected_version=0
        )
    assert raised.value.errors == {"document": ["The selected file must be smaller than 20 MB"]}
    uploaded.read.assert_not_called()


@pytest.mark.django_db
def test_replacing_the_document_deletes_the_old_file_once_committed(
    lead, django_capture_on_commit_callbacks
):
    review = CompleteReviewFactory()
    old_path = review.document.name
    with django_capture_on_commit_callbacks(execute=True):
        services.rapid_review_document_upload(
            review=review,
            by=lead,
            uploaded_file=SimpleUploadedFile("Second version.docx", docx_bytes(pages=7)),
            expected_version=0,
        )
    review.refresh_from_db()
    assert (review.document_name, review.document_page_count) == ("Second version.docx", 7)
    assert not default_storage.exists(old_path)
    assert default_storage.exists(review.document.name)
    assert "Replaced the full review document" in audit_events_for(review).first().message


@pytest.mark.django_db
def test_an_upload_from_an_old_page_is_a_conflict(lead_client):
    review = RapidReviewFactory()
    assert upload(lead_client, review, "first.pdf", pdf_bytes(1), version=0).status_code == 302
    html = upload(lead_client, review, "second.pdf", pdf_bytes(2), version=0).content.decode()
    assert "Someone else uploaded a document after you opened this page" in html
    assert "first.pdf" in html  # the current document, shown on the page
    review.refresh_from_db()
    assert review.document_name == "first.pdf"


@pytest.mark.django_db
def test_a_submitted_review_document_cannot_be_replaced(lead, lead_client):
    review = SubmittedReviewFactory()
    response = upload(lead_client, review, "late.pdf", pdf_bytes(1))
    assert response.status_code == 302
    with pytest.raises(services.RapidReviewError, match="submitted"):
        services.rapid_review_document_upload(
            review=review,
            by=lead,
            uploaded_file=SimpleUploadedFile("late.pdf", pdf_bytes(1)),
            expected_version=None,
        )
    review.refresh_from_db()
    assert review.document_name == "Rapid review.pdf"


@pytest.mark.django_db
def test_only_the_partnership_lead_uploads(client, make_user):
    review = RapidReviewFactory()
    client.force_login(make_user(Role.PANEL_MEMBER))
    assert client.get(url("review-document", review.pk)).status_code == 403
    client.force_login(make_user(Role.PARTNERSHIP_LEAD))  # another partnership
    assert client.get(url("review-document", review.pk)).status_code == 404


def download(client, review):
    response = client.get(url("review-document-download", review.pk))
    # Reading the stream to its end closes the file (the test client's closing wrapper).
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    return response, body


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.PARTNERSHIP_LEAD, Role.PANEL_MEMBER])
def test_the_document_downloads_for_the_partnership_and_the_panel(client, make_user, leeds, role):
    review = CompleteReviewFactory()
    user = make_user(
        role, **({"partnership": leeds.partnership} if role == Role.PARTNERSHIP_LEAD else {})
    )
    client.force_login(user)
    response, body = download(client, review)
    assert response.status_code == 200
    assert body == read_stored(review)
    assert body.startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Rapid review.pdf"'
    assert "no-store" in response["Cache-Control"]
    event = audit_events_for(review).first()
    assert (event.action, event.actor) == (AuditAction.EXPORT, user)


@pytest.mark.django_db
def test_another_partnerships_document_is_404(client, make_user):
    review = CompleteReviewFactory()
    client.force_login(make_user(Role.PARTNERSHIP_LEAD))
    response, _ = download(client, review)
    assert response.status_code == 404
    assert not audit_events_for(review).filter(action=AuditAction.EXPORT).exists()


@pytest.mark.django_db
def test_a_review_without_a_document_has_nothing_to_download(lead_client):
    response, _ = download(lead_client, RapidReviewFactory())
    assert response.status_code == 404


# Part of the review: submission needs it.


@pytest.mark.django_db
def test_submission_is_blocked_without_a_document(lead, lead_client):
    review = CompleteReviewFactory()
    review.document = ""
    review.save(update_fields=["document"])
    assert services.rapid_review_completeness(review).document_missing
    html = lead_client.get(url("review-submit", review.pk)).content.decode()
    assert "Questions still to answer" in html
    assert url("review-document", review.pk) in html
    assert "Submit to the Panel" not in html
    with pytest.raises(services.RapidReviewInvalid) as raised:
        services.rapid_review_submit(review=review, by=lead)
    assert list(raised.value.errors) == ["document"]
    review.refresh_from_db()
    assert review.status == RapidReview.Status.DRAFTING


@pytest.mark.django_db
def test_the_task_list_shows_the_document_section(lead_client):
    review = CompleteReviewFactory()
    html = lead_client.get(url("review-detail", review.pk)).content.decode()
    assert url("review-document", review.pk) in html
    assert "Full review document" in html


@pytest.mark.django_db
def test_an_upload_over_the_request_limit_is_a_413_page_with_the_worker_unharmed(
    lead_client, settings
):
    settings.REQUEST_MAX_BODY_BYTES = 4096
    review = RapidReviewFactory()
    data = b"%PDF-1.4\n" + b"0" * 8192
    response = upload(lead_client, review, "big.pdf", data)
    assert response.status_code == 413
    assert "What you sent is too large" in response.content.decode()
    review.refresh_from_db()
    assert not review.document
