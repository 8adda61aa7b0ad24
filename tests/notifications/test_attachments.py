"""A SIN's attachments on the web pages: added to drafts and submitted SINs by the SIN's
authority, refused with a message next to the file input, removed only from drafts,
downloaded (and audited) by everyone who may see the SIN, 404 for everyone else, and deleted
with the case's identifying data when it is anonymised."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from notifications.models import Notification, NotificationAttachment
from rapidreviews.retention import case_anonymise
from safeguarding.audit import audit_events_for
from safeguarding.codes import Role
from safeguarding.models import AuditAction

from ..rapidreviews.factories import CompleteReviewFactory, pdf_bytes
from .factories import (
    CompleteDraftFactory,
    DraftNotificationFactory,
    SubmittedNotificationFactory,
    attachment_add,
    png_bytes,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_10_june_2024")]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def list_url(notification) -> str:
    return reverse("notifications:attachment-list", args=[notification.pk])


def download_url(attachment) -> str:
    return reverse(
        "notifications:attachment-download", args=[attachment.notification_id, attachment.pk]
    )


def remove_url(attachment) -> str:
    return reverse(
        "notifications:attachment-remove", args=[attachment.notification_id, attachment.pk]
    )


def upload(client, notification, data: bytes, name: str = "report.pdf", description: str = ""):
    return client.post(
        list_url(notification),
        {"file": SimpleUploadedFile(name, data), "description": description},
    )


@pytest.fixture
def signed_in(client, leeds_user):
    client.force_login(leeds_user)
    return client


def test_a_file_is_attached_to_a_draft_from_its_optional_task_list_section(signed_in, leeds_user):
    draft = CompleteDraftFactory(created_by=leeds_user)
    task_list = signed_in.get(reverse("notifications:notification-detail", args=[draft.pk]))
    assert "Attachments (optional)" in task_list.content.decode()
    # Optional: it does not hold up checking and submitting.
    check_url = reverse("notifications:notification-check", args=[draft.pk])
    assert f'href="{check_url}"' in task_list.content.decode()

    response = upload(signed_in, draft, pdf_bytes(), "Police report.pdf", "From the police")

    assert response.status_code == 302
    attachment = NotificationAttachment.objects.get(notification=draft)
    assert (attachment.original_name, attachment.kind, attachment.description) == (
        "Police report.pdf",
        "pdf",
        "From the police",
    )
    assert (attachment.added_by, attachment.size) == (leeds_user, len(pdf_bytes()))
    # Stored encrypted, under a generated name.
    assert pdf_bytes() not in Path(default_storage.path(attachment.file.name)).read_bytes()
    assert "Police report" not in attachment.file.name
    page = signed_in.get(list_url(draft)).content.decode()
    assert "Police report.pdf" in page and "From the police" in page
    check = signed_in.get(reverse("notifications:notification-check", args=[draft.pk]))
    assert "Police report.pdf" in check.content.decode()


def test_a_file_is_attached_to_a_submitted_sin_and_the_addition_recorded(signed_in, leeds_user):
    sin = SubmittedNotificationFactory(created_by=leeds_user)

    response = upload(signed_in, sin, png_bytes(), "photo.png")

    assert response.status_code == 302
    assert sin.attachments.get().kind == "png"
    event = audit_events_for(sin).filter(action=AuditAction.CREATE).get()
    assert event.message == f"Attachment added (PNG, {len(png_bytes())} bytes)"
    assert "photo" not in str(event.changes)  # a name may name the child
    detail = signed_in.get(reverse("notifications:notification-detail", args=[sin.pk]))
    html = detail.content.decode()
    assert "photo.png" in html and "added an attachment" in html


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        pytest.param(
            b"MZ\x90\x00" + b"\x00" * 100,
            "report.pdf",
            "The selected file must be a PDF, Word (DOCX), Excel (XLSX), PNG or JPEG file",
            id="a program renamed .pdf",
        ),
        pytest.param(
            b"Synthetic notes about the incident\n",
            "letter.docx",
            "The selected file must be a PDF, Word (DOCX), Excel (XLSX), PNG or JPEG file",
            id="a text file renamed .docx",
        ),
        pytest.param(b"", "empty.pdf", "The selected file is empty", id="an empty file"),
    ],
)
def test_a_refused_file_is_shown_next_to_the_input_and_the_description_kept(
    signed_in, leeds_user, data, name, message
):
    draft = DraftNotificationFactory(created_by=leeds_user)

    response = upload(signed_in, draft, data, name, "Typed description")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="govuk-error-summary' in html
    assert 'id="id_file_error"' in html or "govuk-error-message" in html
    assert message in html
    assert "Typed description" in html
    assert not NotificationAttachment.objects.exists()


def test_a_file_over_the_size_limit_is_refused(signed_in, leeds_user, settings):
    settings.SIN_ATTACHMENT_MAX_BYTES = 1024 * 1024
    draft = DraftNotificationFactory(created_by=leeds_user)

    response = upload(signed_in, draft, pdf_bytes() + b"\0" * (1024 * 1024))

    assert "The selected file must be smaller than 1 MB" in response.content.decode()
    assert not NotificationAttachment.objects.exists()


def test_no_more_than_the_maximum_number_of_attachments(signed_in, leeds_user, settings):
    settings.SIN_ATTACHMENT_MAX_COUNT = 2
    draft = DraftNotificationFactory(created_by=leeds_user)
    attachment_add(draft)
    attachment_add(draft)

    response = upload(signed_in, draft, pdf_bytes())

    assert "A notification can have at most 2 attachments" in response.content.decode()
    assert draft.attachments.count() == 2


def test_no_file_chosen_asks_for_one(signed_in, leeds_user):
    draft = DraftNotificationFactory(created_by=leeds_user)
    response = signed_in.post(list_url(draft), {"description": ""})
    assert "Select a file to attach" in response.content.decode()


def test_an_attachment_is_removed_from_a_draft_and_its_file_deleted(
    signed_in, leeds_user, django_capture_on_commit_callbacks
):
    draft = DraftNotificationFactory(created_by=leeds_user)
    attachment = attachment_add(draft)
    stored = attachment.file.name
    assert "Remove" in signed_in.get(remove_url(attachment)).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(remove_url(attachment))

    assert response.status_code == 302
    assert not NotificationAttachment.objects.filter(pk=attachment.pk).exists()
    assert not default_storage.exists(stored)
    assert audit_events_for(draft).filter(action=AuditAction.DELETE).exists()


def test_a_submitted_sins_attachment_cannot_be_removed(signed_in, leeds_user):
    sin = SubmittedNotificationFactory(created_by=leeds_user)
    attachment = attachment_add(sin)

    response = signed_in.post(remove_url(attachment))

    assert response.status_code == 302
    assert NotificationAttachment.objects.filter(pk=attachment.pk).exists()
    assert default_storage.exists(attachment.file.name)
    page = signed_in.get(list_url(sin)).content.decode()
    assert remove_url(attachment) not in page


def test_a_draft_deleted_takes_its_attachment_files_with_it(
    signed_in, leeds_user, django_capture_on_commit_callbacks
):
    draft = DraftNotificationFactory(created_by=leeds_user)
    stored = attachment_add(draft).file.name
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(reverse("notifications:notification-delete", args=[draft.pk]))
    assert not Notification.objects.filter(pk=draft.pk).exists()
    assert not default_storage.exists(stored)


def test_anyone_who_may_see_the_sin_downloads_an_attachment_and_it_is_audited(
    client, make_user, leeds
):
    review = CompleteReviewFactory()
    sin = review.notification
    attachment = attachment_add(sin, data=pdf_bytes(), name='Report "final".pdf')
    for user in (
        make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership),
        make_user(Role.PANEL_MEMBER),
    ):
        client.force_login(user)
        response = client.get(download_url(attachment))

        assert response.status_code == 200
        assert b"".join(response.streaming_content) == pdf_bytes()
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert 'filename="Report \\"final\\".pdf"' in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        event = audit_events_for(sin).filter(action=AuditAction.EXPORT, actor=user).get()
        assert event.message == "Attachment downloaded"
        # Listed on the case page they can see.
        detail = client.get(reverse("notifications:notification-detail", args=[sin.pk]))
        assert download_url(attachment) in detail.content.decode()


def test_another_authoritys_user_gets_404_for_every_attachment_page(client, make_user, bristol):
    sin = SubmittedNotificationFactory()
    draft = DraftNotificationFactory()
    attachment, draft_attachment = attachment_add(sin), attachment_add(draft)
    client.force_login(make_user(Role.LA_USER, local_authority=bristol))

    for url in (
        list_url(sin),
        download_url(attachment),
        list_url(draft),
        download_url(draft_attachment),
        remove_url(draft_attachment),
    ):
        assert client.get(url).status_code == 404, url
    assert upload(client, sin, pdf_bytes()).status_code == 404
    assert client.post(remove_url(draft_attachment)).status_code == 404
    assert sin.attachments.count() == 1 and draft.attachments.count() == 1


def test_an_attachment_of_another_sin_is_not_found_through_this_one(signed_in, leeds_user):
    mine = SubmittedNotificationFactory(created_by=leeds_user)
    other = attachment_add(SubmittedNotificationFactory())
    url = reverse("notifications:attachment-download", args=[mine.pk, other.pk])
    assert signed_in.get(url).status_code == 404


def test_a_partnership_lead_cannot_add_attachments(client, make_user, leeds):
    sin = CompleteReviewFactory().notification
    client.force_login(make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership))
    assert upload(client, sin, pdf_bytes()).status_code == 403
    assert not sin.attachments.exists()


def test_anonymising_the_case_deletes_the_files_and_names(leeds_user):
    sin = SubmittedNotificationFactory(created_by=leeds_user)
    attachment = attachment_add(sin, name="Child Z school letter.png")
    stored = attachment.file.name

    report = case_anonymise(sin, dt.datetime(2032, 6, 15, tzinfo=dt.UTC))

    attachment.refresh_from_db()
    assert not default_storage.exists(stored)
    assert (attachment.file.name, attachment.original_name, attachment.description) == ("", "", "")
    assert (attachment.kind, attachment.size) == ("png", len(png_bytes()))
    assert "attachments" in report["removed"]


def test_an_anonymised_attachment_is_listed_but_not_downloadable(client, make_user, leeds_user):
    sin = SubmittedNotificationFactory(created_by=leeds_user)
    attachment = attachment_add(sin)
    case_anonymise(sin, dt.datetime(2032, 6, 15, tzinfo=dt.UTC))
    client.force_login(make_user(Role.PANEL_MEMBER))

    detail = client.get(reverse("notifications:notification-detail", args=[sin.pk]))
    assert "File deleted when the case was anonymised" in detail.content.decode()
    assert client.get(download_url(attachment)).status_code == 404
