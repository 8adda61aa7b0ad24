"""The LCSPR API's final report and feedback (issue 18, item 1): upload (multipart) by the
partnership's leads, download of any version, the Panel's feedback, through the same services
and rules as the pages; the new fields read-only; scoped (another authority: 404)."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.validation import validate_schema

from lcsprs.models import Lcspr, LcsprFinalReport
from safeguarding.codes import Role
from safeguarding.models import InboxMessage

from ..rapidreviews.factories import pdf_bytes
from ..rapidreviews.test_documents import docx_bytes
from .factories import FinalReportSentLcsprFactory, InProgressLcsprFactory, final_report_upload

pytestmark = pytest.mark.django_db


def upload_url(pk: int) -> str:
    return f"/api/v1/lcsprs/{pk}/final-report/"


def download_url(pk: int, number: int) -> str:
    return f"/api/v1/lcsprs/{pk}/final-report/versions/{number}/"


def feedback_url(pk: int) -> str:
    return f"/api/v1/lcsprs/{pk}/feedback/"


def post_file(client, lcspr, data: bytes, name="report.pdf", **extra):
    return client.post(
        upload_url(lcspr.pk),
        {"document": SimpleUploadedFile(name, data), "version": lcspr.version, **extra},
        format="multipart",
    )


FEEDBACK = {
    "feedback_analysis_quality": "adequate",
    "feedback_lived_experience": "good",
    "feedback_race_ethnicity_culture": "good",
    "recommendations_smart": "yes",
    "child_voice_heard": "partly",
    "learning_themes": ["escalation", "thresholds"],
    "panel_feedback": "Synthetic feedback through the API.",
}


def test_a_lead_uploads_and_replaces_the_final_report(api_client, make_user, leeds):
    lead = make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership)
    client = api_client(lead)
    lcspr = InProgressLcsprFactory()

    response = post_file(client, lcspr, pdf_bytes(2))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "final_report_sent"
    assert body["final_report_received_on"] == timezone.localdate().isoformat()
    assert body["final_report"]["version"] == 1
    assert body["final_report"]["type"] == "pdf"
    assert body["final_report"]["page_count"] == 2
    assert body["final_report"]["download_url"].endswith(download_url(lcspr.pk, 1))

    lcspr.refresh_from_db()
    refused = post_file(client, lcspr, docx_bytes(pages=3), name="v2.docx")
    assert refused.status_code == 400
    assert refused.json() == {"reason": ["Enter why the final report is being replaced"]}
    replaced = post_file(client, lcspr, docx_bytes(pages=3), name="v2.docx", reason="Updated.")
    assert replaced.status_code == 201
    versions = replaced.json()["final_report_versions"]
    assert [(v["version"], v["type"]) for v in versions] == [(2, "docx"), (1, "pdf")]
    assert versions[0]["replacement_reason"] == "Updated."

    download = client.get(download_url(lcspr.pk, 1))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_wrong_file_and_a_stale_version_are_refused(api_client, make_user, leeds):
    client = api_client(make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership))
    lcspr = InProgressLcsprFactory()
    wrong = post_file(client, lcspr, b"GIF89a not a report")
    assert wrong.status_code == 400
    assert wrong.json() == {"document": ["The selected file must be a PDF or Word (DOCX) document"]}
    Lcspr.objects.filter(pk=lcspr.pk).update(version=lcspr.version + 1)
    assert post_file(client, lcspr, pdf_bytes()).status_code == 409
    assert not LcsprFinalReport.objects.exists()


def test_the_panel_records_feedback_and_the_partnership_is_told(
    api_client, make_user, leeds, django_capture_on_commit_callbacks
):
    lead = make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership)
    lcspr = FinalReportSentLcsprFactory()
    panel = api_client(make_user(Role.PANEL_SECRETARIAT))
    data = {**FEEDBACK, "considered_on": timezone.localdate().isoformat()}

    missing = panel.post(feedback_url(lcspr.pk), {"version": lcspr.version}, format="json")
    assert missing.status_code == 400
    assert {"feedback_analysis_quality", "learning_themes", "considered_on"} <= set(missing.json())
    assert (
        api_client(lead)
        .post(feedback_url(lcspr.pk), {**data, "version": lcspr.version}, format="json")
        .status_code
        == 403
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = panel.post(
            feedback_url(lcspr.pk), {**data, "version": lcspr.version}, format="json"
        )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["considered_on"] == data["considered_on"]
    assert body["feedback_analysis_quality"] == "adequate"
    assert body["child_voice_heard"] == "partly"
    assert body["learning_themes"] == ["escalation", "thresholds"]
    assert body["panel_feedback"] == "Synthetic feedback through the API."
    assert lead.email in mail.outbox[0].to
    assert InboxMessage.objects.filter(recipient=lead).exists()

    # The same rule as the page: not before the final report was received.
    early = {**data, "considered_on": "2000-01-01", "version": body["version"]}
    refused = panel.post(feedback_url(lcspr.pk), early, format="json")
    assert refused.status_code == 400
    assert "considered_on" in refused.json()
    stale = panel.post(feedback_url(lcspr.pk), {**data, "version": 0}, format="json")
    assert stale.status_code == 409


def test_the_lcspr_shows_its_feedback_fields_read_only(api_client, make_user, leeds):
    client = api_client(make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership))
    lcspr = InProgressLcsprFactory()
    body = client.get(f"/api/v1/lcsprs/{lcspr.pk}/").json()
    assert body["final_report"] is None and body["final_report_versions"] == []
    assert body["considered_on"] is None and body["learning_themes"] == []
    assert body["feedback_analysis_quality"] == ""
    assert (
        client.patch(f"/api/v1/lcsprs/{lcspr.pk}/", {"considered_on": "2025-01-01"}).status_code
        == 405
    )


def test_another_authority_gets_404(api_client, make_user, bristol):
    report = final_report_upload()
    lcspr = report.lcspr
    for user in (
        make_user(Role.PARTNERSHIP_LEAD, partnership=bristol.partnership),
        make_user(Role.LA_USER, local_authority=bristol),
    ):
        client = api_client(user)
        assert client.get(f"/api/v1/lcsprs/{lcspr.pk}/").status_code == 404
        assert post_file(client, lcspr, pdf_bytes(), reason="x").status_code == 404
        assert client.get(download_url(lcspr.pk, 1)).status_code == 404
        assert client.post(feedback_url(lcspr.pk), {}, format="json").status_code == 404
    assert LcsprFinalReport.objects.filter(lcspr=lcspr).count() == 1


def test_the_schema_documents_the_final_report_and_feedback(client, make_user):
    client.force_login(make_user("administrator"))
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    validate_schema(schema)
    paths = schema["paths"]
    upload = paths["/api/v1/lcsprs/{id}/final-report/"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert {"201", "400", "403", "404", "409", "413"} <= set(upload["responses"])
    download = paths["/api/v1/lcsprs/{id}/final-report/versions/{number}/"]["get"]
    assert "application/pdf" in download["responses"]["200"]["content"]
    feedback = paths["/api/v1/lcsprs/{id}/feedback/"]["post"]
    assert {"200", "400", "403", "404", "409"} <= set(feedback["responses"])
    output = schema["components"]["schemas"]["LcsprOutput"]["properties"]
    assert {
        "final_report",
        "final_report_versions",
        "considered_on",
        "feedback_analysis_quality",
        "recommendations_smart",
        "child_voice_heard",
        "learning_themes",
        "version",
    } <= set(output)
