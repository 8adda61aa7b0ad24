"""Documents prepared on a worker (safeguarding.documents): asked for, rendered as the requester
may see the subject, waited for on a page, downloaded (audited), tried again after a failure,
never seen by anyone else, and deleted by the retention schedule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from notifications.selectors import notification_get_for_user
from safeguarding import documents
from safeguarding.codes import Role
from safeguarding.models import AuditEvent, PreparedDocument
from safeguarding.retention import retention_apply

from ..notifications.factories import SubmittedNotificationFactory

pytestmark = pytest.mark.django_db

CALLS: list[tuple[int, int]] = []
BROKEN = {"on": False}


def _render(notification, user) -> documents.RenderedFile:
    CALLS.append((notification.pk, user.pk))
    if BROKEN["on"]:
        raise RuntimeError("the renderer fell over")
    return documents.RenderedFile(
        f"file of {notification.reference} for {user.username}".encode(),
        f"{notification.reference}-file.pdf",
        page_count=3,
    )


@pytest.fixture(autouse=True)
def kind():
    CALLS.clear()
    BROKEN["on"] = False
    made = documents.register(
        documents.DocumentKind(
            name="test-file",
            subject=lambda user, pk: notification_get_for_user(user=user, pk=pk),
            title=lambda notification: f"Test file for {notification.reference}",
            render=_render,
        )
    )
    yield made
    documents.KINDS.pop("test-file", None)


@pytest.fixture
def notification():
    return SubmittedNotificationFactory()


@pytest.fixture
def reader(make_user, notification):
    return make_user(Role.LA_USER, local_authority=notification.local_authority)


def _ask(notification, reader, capture) -> PreparedDocument:
    with capture(execute=True):
        document = documents.document_request(kind="test-file", subject=notification, by=reader)
    document.refresh_from_db()
    return document


def test_a_requested_document_is_rendered_for_its_reader_and_downloaded_once_ready(
    client, notification, reader, django_capture_on_commit_callbacks
):
    document = _ask(notification, reader, django_capture_on_commit_callbacks)

    assert document.status == PreparedDocument.Status.READY
    assert [(notification.pk, reader.pk)] == CALLS
    assert document.file_name == f"{notification.reference}-file.pdf"
    assert document.page_count == 3
    client.force_login(reader)
    page = client.get(reverse("prepared-document", args=[document.pk]))
    assert page.status_code == 200
    assert "Your document is ready" in page.content.decode()
    assert f"Test file for {notification.reference}" in page.content.decode()
    assert client.get(reverse("prepared-document-status", args=[document.pk])).json() == {
        "status": "ready"
    }

    response = client.get(reverse("prepared-document-download", args=[document.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body == f"file of {notification.reference} for {reader.username}".encode()
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    messages = list(
        AuditEvent.objects.filter(object_id=str(notification.pk)).values_list("message", flat=True)
    )
    assert f"Asked for Test file for {notification.reference}" in messages
    assert f"Prepared Test file for {notification.reference}" in messages
    assert f"Downloaded Test file for {notification.reference}" in messages


def test_while_it_is_prepared_the_page_says_so_and_asking_again_returns_the_same_one(
    client, notification, reader
):
    # Not run: the task is queued on commit, which this test's transaction never reaches.
    first = documents.document_request(kind="test-file", subject=notification, by=reader)
    again = documents.document_request(kind="test-file", subject=notification, by=reader)
    assert again.pk == first.pk
    client.force_login(reader)
    page = client.get(reverse("prepared-document", args=[first.pk])).content.decode()
    assert "Your document is being prepared" in page
    assert "Check again" in page
    assert 'data-status="queued"' in page
    # Not ready: the download sends them back to the page.
    response = client.get(reverse("prepared-document-download", args=[first.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("prepared-document", args=[first.pk])


@pytest.mark.parametrize("role", [Role.PANEL_MEMBER, Role.ADMINISTRATOR, Role.LA_USER])
def test_nobody_but_the_requester_sees_a_document(
    client, make_user, notification, reader, role, django_capture_on_commit_callbacks
):
    document = _ask(notification, reader, django_capture_on_commit_callbacks)
    other = (
        make_user(role, local_authority=notification.local_authority)
        if role == Role.LA_USER
        else make_user(role)
    )
    client.force_login(other)
    for name in ("prepared-document", "prepared-document-status", "prepared-document-download"):
        assert client.get(reverse(name, args=[document.pk])).status_code == 404, name
    assert client.post(reverse("prepared-document-retry", args=[document.pk])).status_code == 404


def test_another_authority_cannot_ask_for_a_document_about_a_case(make_user, notification):
    outsider = make_user(Role.LA_USER)
    assert outsider.local_authority_id != notification.local_authority_id
    with pytest.raises(documents.DocumentOutOfReach):
        documents.document_request(kind="test-file", subject=notification, by=outsider)
    assert not PreparedDocument.objects.exists()


def test_a_requester_who_loses_access_can_no_longer_download(
    client, make_user, notification, reader, django_capture_on_commit_callbacks
):
    document = _ask(notification, reader, django_capture_on_commit_callbacks)
    reader.local_authority = make_user(Role.LA_USER).local_authority
    reader.save()
    client.force_login(reader)
    assert client.get(reverse("prepared-document-download", args=[document.pk])).status_code == 404
    assert not AuditEvent.objects.filter(message__startswith="Downloaded Test file").exists()


def test_a_document_whose_subject_went_out_of_reach_before_rendering_fails_for_good(
    make_user, notification, reader
):
    document = documents.document_request(kind="test-file", subject=notification, by=reader)
    reader.local_authority = make_user(Role.LA_USER).local_authority
    reader.save()
    assert documents.document_render(document_id=document.pk) is False
    document.refresh_from_db()
    assert document.status == PreparedDocument.Status.FAILED
    assert "can no longer see" in document.error
    assert CALLS == []


def test_a_failed_document_says_so_and_can_be_tried_again(
    client, notification, reader, django_capture_on_commit_callbacks
):
    document = documents.document_request(kind="test-file", subject=notification, by=reader)
    BROKEN["on"] = True
    with pytest.raises(RuntimeError):
        documents.document_render(document_id=document.pk)
    document.refresh_from_db()
    assert document.status == PreparedDocument.Status.FAILED
    assert "the renderer fell over" in document.error
    client.force_login(reader)
    page = client.get(reverse("prepared-document", args=[document.pk])).content.decode()
    assert "Your document could not be made" in page
    assert "the renderer fell over" not in page  # the error is for the service desk

    BROKEN["on"] = False
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("prepared-document-retry", args=[document.pk]))
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == PreparedDocument.Status.READY
    assert document.attempts == 2


def test_a_document_is_rendered_once_however_often_the_task_runs(notification, reader):
    document = documents.document_request(kind="test-file", subject=notification, by=reader)
    assert documents.document_render(document_id=document.pk) is True
    assert documents.document_render(document_id=document.pk) is False
    assert len(CALLS) == 1


def test_the_retention_schedule_deletes_documents_a_day_after_they_were_asked_for(
    notification, reader, django_capture_on_commit_callbacks, settings
):
    settings.PREPARED_DOCUMENT_KEEP_HOURS = 24
    document = _ask(notification, reader, django_capture_on_commit_callbacks)
    storage, name = document.file.storage, document.file.name
    assert storage.exists(name)

    retention_apply(now=document.created_at + timedelta(hours=23))
    assert PreparedDocument.objects.filter(pk=document.pk).exists()

    report = retention_apply(now=document.created_at + timedelta(hours=24, minutes=1))
    assert not PreparedDocument.objects.filter(pk=document.pk).exists()
    assert not storage.exists(name)
    assert report.count("delete") >= 1
