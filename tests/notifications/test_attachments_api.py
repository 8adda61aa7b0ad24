"""A SIN's attachments in the REST API: listed on the SIN and at .../attachments/, uploaded as
multipart with the web page's rules and messages, downloaded through the same scope."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.generators import SchemaGenerator
from PIL import Image

from safeguarding.audit import audit_events_for
from safeguarding.codes import Role
from safeguarding.models import AuditAction

from ..rapidreviews.factories import CompleteReviewFactory, pdf_bytes
from .factories import DraftNotificationFactory, SubmittedNotificationFactory, attachment_add

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_10_june_2024")]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def attachments_url(pk: int) -> str:
    return f"/api/v1/notifications/{pk}/attachments/"


def post_file(client, pk: int, data: bytes, name: str = "report.pdf", **extra):
    return client.post(
        attachments_url(pk),
        {"file": SimpleUploadedFile(name, data), **extra},
        format="multipart",
    )


def test_a_file_is_uploaded_and_listed_on_the_sin(api_client, leeds_user):
    sin = SubmittedNotificationFactory(created_by=leeds_user)
    client = api_client(leeds_user)

    response = post_file(client, sin.pk, pdf_bytes(), "Police report.pdf", description="Police")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["type"]) == ("Police report.pdf", "pdf")
    assert body["description"] == "Police"
    assert body["size"] == len(pdf_bytes())
    assert body["download_url"].endswith(
        f"/api/v1/notifications/{sin.pk}/attachments/{body['id']}/download/"
    )
    detail = client.get(f"/api/v1/notifications/{sin.pk}/").json()
    assert [a["id"] for a in detail["attachments"]] == [body["id"]]
    listed = client.get(attachments_url(sin.pk)).json()
    assert [a["name"] for a in listed] == ["Police report.pdf"]
    assert audit_events_for(sin).filter(action=AuditAction.CREATE).exists()


def test_a_draft_takes_uploads_too(api_client, leeds_user):
    draft = DraftNotificationFactory(created_by=leeds_user)
    assert post_file(api_client(leeds_user), draft.pk, pdf_bytes()).status_code == 201


def test_a_renamed_file_is_refused_with_the_web_pages_message(api_client, leeds_user):
    sin = SubmittedNotificationFactory(created_by=leeds_user)

    response = post_file(api_client(leeds_user), sin.pk, b"MZ\x90\x00program", "report.pdf")

    assert response.status_code == 400
    assert response.json() == {
        "file": ["The selected file must be a PDF, Word (DOCX), Excel (XLSX), PNG or JPEG file"]
    }
    assert not sin.attachments.exists()


def test_an_empty_file_and_too_many_files_are_refused(api_client, leeds_user, settings):
    settings.SIN_ATTACHMENT_MAX_COUNT = 1
    sin = SubmittedNotificationFactory(created_by=leeds_user)
    client = api_client(leeds_user)

    assert post_file(client, sin.pk, b"").json() == {"file": ["The selected file is empty"]}
    assert post_file(client, sin.pk, pdf_bytes()).status_code == 201
    assert post_file(client, sin.pk, pdf_bytes()).json() == {
        "file": ["A notification can have at most 1 attachments"]
    }


def test_an_upload_larger_than_the_apis_json_limit_is_accepted(api_client, leeds_user, settings):
    # The API takes at most API_MAX_BODY_BYTES of JSON; an attachment may be as large as a page
    # upload may.
    settings.API_MAX_BODY_BYTES = 64 * 1024
    image = Image.frombytes("RGB", (200, 200), os.urandom(200 * 200 * 3))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    assert len(buffer.getvalue()) > 64 * 1024
    sin = SubmittedNotificationFactory(created_by=leeds_user)

    response = post_file(api_client(leeds_user), sin.pk, buffer.getvalue(), "scan.png")

    assert response.status_code == 201
    assert response.json()["type"] == "png"


def test_the_file_is_downloaded_by_whoever_sees_the_sin_and_audited(api_client, make_user, leeds):
    sin = CompleteReviewFactory().notification
    attachment = attachment_add(sin, data=pdf_bytes(), name="report.pdf")
    lead = make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership)
    url = f"/api/v1/notifications/{sin.pk}/attachments/{attachment.pk}/download/"

    response = api_client(lead).get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert audit_events_for(sin).filter(action=AuditAction.EXPORT, actor=lead).exists()
    # The lead may read it, not add to it.
    assert post_file(api_client(lead), sin.pk, pdf_bytes()).status_code == 403


def test_another_authoritys_user_gets_404(api_client, make_user, bristol):
    sin = SubmittedNotificationFactory()
    attachment = attachment_add(sin)
    client = api_client(make_user(Role.LA_USER, local_authority=bristol))

    assert client.get(attachments_url(sin.pk)).status_code == 404
    assert post_file(client, sin.pk, pdf_bytes()).status_code == 404
    download = f"/api/v1/notifications/{sin.pk}/attachments/{attachment.pk}/download/"
    assert client.get(download).status_code == 404
    assert sin.attachments.count() == 1


def test_the_endpoints_are_in_the_openapi_schema():
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    upload = paths["/api/v1/notifications/{id}/attachments/"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    download = paths["/api/v1/notifications/{id}/attachments/{attachment_pk}/download/"]["get"]
    assert "application/pdf" in download["responses"]["200"]["content"]
