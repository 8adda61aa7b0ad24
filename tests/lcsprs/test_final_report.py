"""The LCSPR's final report (issue 18, item 1): the partnership uploads it under the rapid
review document's rules; the upload is the Panel's receipt (date and status); a replacement
needs a reason and keeps the earlier version; the secretariat is told; downloads are scoped and
audited; the Panel's home page counts the reports awaiting consideration."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lcsprs import services
from lcsprs.models import Lcspr, LcsprFinalReport
from safeguarding.attention import attention_for
from safeguarding.audit import audit_events_for
from safeguarding.codes import Role
from safeguarding.models import AuditAction, InboxMessage, LocalAuthority

from ..rapidreviews.factories import pdf_bytes
from ..rapidreviews.test_documents import docx_bytes
from .factories import (
    FinalReportSentLcsprFactory,
    InProgressLcsprFactory,
    LcsprFactory,
    PublishedLcsprFactory,
    final_report_upload,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# 00:30 on 5 June in London is 23:30 on 4 June in UTC: the date received is London's.
TODAY = datetime(2025, 6, 5, 0, 30, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def lead(make_user, leeds):
    return make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership)


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client


def url(name, *args):
    return reverse(f"lcsprs:{name}", args=args)


def upload(client, lcspr, data: bytes, name="report.pdf", **extra):
    return client.post(
        url("lcspr-final-report-upload", lcspr.pk),
        {"version": lcspr.version, "document": SimpleUploadedFile(name, data), **extra},
    )


def test_the_first_upload_is_the_panels_receipt_on_the_local_date(
    lead_client, lead, make_user, django_capture_on_commit_callbacks
):
    secretariat = make_user(Role.PANEL_SECRETARIAT)
    lcspr = InProgressLcsprFactory(planned_publication_date=date(2025, 6, 9))
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(lead_client, lcspr, pdf_bytes(3), name="Final report.pdf")
    assert response.status_code == 302
    lcspr.refresh_from_db()
    assert lcspr.status == Lcspr.Status.FINAL_REPORT_SENT
    assert lcspr.final_report_received_on == date(2025, 6, 5)  # London's date, not UTC's
    assert (lcspr.final_report_recorded_by, lcspr.final_report_version) == (lead, 1)
    report = lcspr.final_reports.get()
    assert (report.number, report.kind, report.page_count, report.name) == (
        1,
        "pdf",
        3,
        "Final report.pdf",
    )
    # The Panel secretariat is told, in the service and by e-mail, without the file's name.
    [email] = mail.outbox
    assert secretariat.email in email.to
    assert lcspr.rapid_review.notification.reference in email.subject
    assert "Final report.pdf" not in email.body
    assert InboxMessage.objects.filter(recipient=secretariat).count() == 1
    # The 7-day notice follows from the upload: 4 days before the planned publication.
    html = lead_client.get(url("lcspr-detail", lcspr.pk)).content.decode()
    assert "received the final report 4 days before the planned publication date" in html
    assert "fewer than 7" in html
    assert "Final report.pdf" in html
    assert "Replace the final report" in html


def test_a_docx_is_accepted(lead_client):
    lcspr = InProgressLcsprFactory()
    assert upload(lead_client, lcspr, docx_bytes(pages=12), name="report.docx").status_code == 302
    report = LcsprFinalReport.objects.get(lcspr=lcspr)
    assert (report.kind, report.page_count, report.name) == ("docx", 12, "report.docx")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"Plain text, not a report.", "report.pdf", "must be a PDF or Word (DOCX) document"),
        # A PNG named .pdf: judged by its content, not its name.
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "report.pdf", "must be a PDF or Word (DOCX)"),
        (b"%PDF-1.7 broken", "report.pdf", "could not be read"),
        (b"", "report.pdf", "must be a PDF or Word (DOCX)"),
    ],
)
def test_a_file_that_is_not_a_pdf_or_docx_is_refused(lead_client, data, name, message):
    lcspr = InProgressLcsprFactory()
    response = upload(lead_client, lcspr, data, name=name)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert message in html
    lcspr.refresh_from_db()
    assert (lcspr.status, lcspr.final_report_received_on) == (Lcspr.Status.IN_PROGRESS, None)
    assert not LcsprFinalReport.objects.exists()


def test_a_file_over_the_limit_is_refused(lead_client, settings):
    settings.RAPID_REVIEW_DOCUMENT_MAX_BYTES = 1000
    lcspr = InProgressLcsprFactory()
    response = upload(lead_client, lcspr, pdf_bytes(1) + b"\0" * 2000)
    assert "must be smaller than" in response.content.decode()
    assert not LcsprFinalReport.objects.exists()


def test_no_file_is_refused_next_to_the_field(lead_client):
    lcspr = InProgressLcsprFactory()
    response = lead_client.post(
        url("lcspr-final-report-upload", lcspr.pk), {"version": lcspr.version}
    )
    assert 'href="#id_document"' in response.content.decode()
    assert "Select the final report" in response.content.decode()


def test_a_replacement_needs_a_reason_and_keeps_the_earlier_version(lead_client):
    lcspr = InProgressLcsprFactory()
    first = final_report_upload(lcspr)
    lcspr.refresh_from_db()

    response = upload(lead_client, lcspr, docx_bytes(pages=4), name="v2.docx")
    assert "Enter why the final report is being replaced" in response.content.decode()
    assert LcsprFinalReport.objects.filter(lcspr=lcspr).count() == 1

    Lcspr.objects.filter(pk=lcspr.pk).update(final_report_received_on=date(2025, 6, 2))
    response = upload(
        lead_client, lcspr, docx_bytes(pages=4), name="v2.docx", reason="Typo corrected."
    )
    assert response.status_code == 302
    lcspr.refresh_from_db()
    assert lcspr.final_report_version == 2
    assert lcspr.final_report_received_on == date(2025, 6, 2)  # a replacement keeps it
    assert [r.number for r in lcspr.final_reports.order_by("number")] == [1, 2]
    first.refresh_from_db()
    assert first.file  # the earlier file is kept
    html = lead_client.get(url("lcspr-detail", lcspr.pk)).content.decode()
    assert "v2.docx" in html and "Earlier versions (1)" in html
    assert "Typo corrected." in html
    # Both versions download.
    for report in lcspr.final_reports.all():
        download = lead_client.get(url("lcspr-final-report-download", lcspr.pk, report.number))
        assert download.status_code == 200
        assert b"".join(download.streaming_content)[:4] in (b"%PDF", b"PK\x03\x04")
    [event] = [e for e in audit_events_for(lcspr) if e.message.startswith("Final report replaced")]
    assert event.changes["final_report_version"] == [1, 2]
    assert "Reason: Typo corrected." in event.message


def test_a_stale_page_is_refused_and_nothing_is_saved(lead_client):
    lcspr = InProgressLcsprFactory()
    stale = lcspr.version
    Lcspr.objects.filter(pk=lcspr.pk).update(version=stale + 1)
    response = lead_client.post(
        url("lcspr-final-report-upload", lcspr.pk),
        {"version": stale, "document": SimpleUploadedFile("r.pdf", pdf_bytes())},
    )
    assert "Someone else changed this LCSPR" in response.content.decode()
    assert not LcsprFinalReport.objects.exists()


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        (LcsprFactory, "Mark the LCSPR as in progress"),
        (PublishedLcsprFactory, "has been published"),
    ],
)
def test_upload_is_refused_before_the_review_starts_and_after_publication(lead, factory, message):
    lcspr = factory()
    with pytest.raises(services.LcsprError, match=message):
        services.lcspr_final_report_upload(
            lcspr=lcspr,
            by=lead,
            uploaded_file=SimpleUploadedFile("r.pdf", pdf_bytes()),
            reason="x",
            expected_version=None,
        )


def test_the_panel_cannot_upload_and_a_report_sent_by_email_keeps_its_date(make_user, lead_client):
    panel = make_user(Role.PANEL_MEMBER)
    lcspr = FinalReportSentLcsprFactory(final_report_received_on=date(2025, 6, 1))
    panel_client = Client()
    panel_client.force_login(panel)
    assert upload(panel_client, lcspr, pdf_bytes()).status_code == 403
    # The partnership uploads the report the Panel recorded receiving by e-mail.
    assert upload(lead_client, lcspr, pdf_bytes()).status_code == 302
    lcspr.refresh_from_db()
    assert (lcspr.final_report_version, lcspr.final_report_received_on) == (1, date(2025, 6, 1))
    # The received date now comes from the upload: the Panel no longer corrects it.
    assert Lcspr.CorrectableDate.FINAL_REPORT_RECEIVED not in lcspr.correctable_dates(panel)


def test_a_download_is_audited(lead_client, lead):
    report = final_report_upload()
    response = lead_client.get(url("lcspr-final-report-download", report.lcspr_id, 1))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    assert audit_events_for(report.lcspr).filter(
        action=AuditAction.EXPORT, actor=lead, message__startswith="Downloaded the final report"
    )
    assert lead_client.get(url("lcspr-final-report-download", report.lcspr_id, 2)).status_code == (
        404
    )


@pytest.mark.parametrize("role", [Role.PARTNERSHIP_LEAD, Role.LA_USER])
def test_another_authority_gets_404_for_the_page_upload_and_download(client, make_user, role):
    report = final_report_upload()
    lcspr = report.lcspr
    bristol = LocalAuthority.objects.get(name="Bristol")
    kwargs = (
        {"partnership": bristol.partnership}
        if role == Role.PARTNERSHIP_LEAD
        else {"local_authority": bristol}
    )
    client.force_login(make_user(role, **kwargs))
    assert client.get(url("lcspr-detail", lcspr.pk)).status_code == 404
    assert client.get(url("lcspr-final-report-upload", lcspr.pk)).status_code == 404
    assert upload(client, lcspr, pdf_bytes(), reason="x").status_code == 404
    assert client.get(url("lcspr-final-report-download", lcspr.pk, 1)).status_code == 404
    assert client.get(url("lcspr-feedback", lcspr.pk)).status_code == 404
    assert LcsprFinalReport.objects.filter(lcspr=lcspr).count() == 1


def test_the_panel_sees_final_reports_awaiting_consideration(make_user):
    panel = make_user(Role.PANEL_MEMBER)
    final_report_upload()
    final_report_upload()
    considered = final_report_upload().lcspr
    Lcspr.objects.filter(pk=considered.pk).update(considered_on=date(2025, 6, 5))
    FinalReportSentLcsprFactory()  # received by e-mail, no file: not counted
    items = {item.title: item for item in attention_for(panel)}
    item = items["LCSPR final reports awaiting consideration"]
    assert item.count == 2
    client = Client()
    client.force_login(panel)
    html = client.get(item.url).content.decode()
    assert html.count('href="/lcsprs/') >= 2
    lead = make_user(Role.PARTNERSHIP_LEAD, partnership=considered.partnership)
    assert "LCSPR final reports awaiting consideration" not in {
        i.title for i in attention_for(lead)
    }


def test_the_history_and_case_file_show_the_upload(lead_client, make_user):
    report = final_report_upload(name="Synthetic final report.pdf")
    html = lead_client.get(url("lcspr-detail", report.lcspr_id)).content.decode()
    assert "uploaded the final report" in html
    from lcsprs.case_file import lcspr_section

    section = lcspr_section(make_user(Role.PANEL_MEMBER), report.lcspr.rapid_review.notification)
    rows = dict(section.rows)
    assert rows["Final report"].startswith("Synthetic final report.pdf (version 1, PDF")
    assert rows["Final report received by the Panel"].startswith("5 June 2025")


def test_anonymisation_removes_the_final_reports_files_and_names():
    from rapidreviews.retention import case_anonymise

    first = final_report_upload(name="Child name report.pdf")
    second = final_report_upload(first.lcspr)
    storage, paths = first.file.storage, [first.file.name, second.file.name]
    result = case_anonymise(first.lcspr.rapid_review.notification, TODAY)
    assert "lcspr.final_reports" in result["removed"]
    for report in (first, second):
        report.refresh_from_db()
        assert (report.file.name, report.name) == ("", "")
    assert second.replacement_reason == "Removed under the retention schedule"
    assert first.kind == "pdf" and first.size_bytes > 0  # what the statistics may count stays
    assert not any(storage.exists(path) for path in paths)
