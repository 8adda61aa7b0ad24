"""The case file made by a real Celery worker process: asked for on the web, ready on its page,
downloaded with the reader's view of the case."""

import time

import pytest
from django.urls import reverse

from safeguarding.codes import Role
from safeguarding.models import PreparedDocument

from ..panel.factories import CHILD_NAME, PanelDecisionFactory
from ..pdf import normalised, pdf_text

pytestmark = pytest.mark.worker


def _wait_until_ready(document: PreparedDocument, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        document.refresh_from_db()
        if document.status == PreparedDocument.Status.READY:
            return
        time.sleep(0.2)
    raise AssertionError(f"the case file is {document.status} ({document.error})")


def test_the_worker_makes_the_case_file_ready(celery_worker, client, make_user):
    notification = PanelDecisionFactory().review.notification
    member = make_user(Role.PANEL_MEMBER)
    client.force_login(member)

    response = client.post(reverse("notifications:case-file", args=[notification.pk]))
    assert response.status_code == 302
    document = PreparedDocument.objects.get(requested_by=member, kind="case-file")
    _wait_until_ready(document)

    page = client.get(reverse("prepared-document", args=[document.pk])).content.decode()
    assert "Your document is ready" in page
    download = client.get(reverse("prepared-document-download", args=[document.pk]))
    assert download.status_code == 200
    text = pdf_text(b"".join(download.streaming_content))
    assert normalised(f"Case file: {notification.reference}") in text
    assert normalised(CHILD_NAME) in text
    assert "Panel decisions" in text
