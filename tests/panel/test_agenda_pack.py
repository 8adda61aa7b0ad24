"""A meeting's agenda pack (issue 17, item 2): asked for from the meeting page, made on a worker
through the documents kernel, holding the cover page, the agenda and each review's summary and
coded answers (labels), never a child's name."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.urls import reverse

from panel import meeting_services
from panel.agenda_pack import AGENDA_PACK
from safeguarding.codes import Role
from safeguarding.models import AuditAction, AuditEvent, PreparedDocument

from ..pdf import normalised, pdf_text
from .factories import CHILD_NAME, PanelReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2027, 1, 5, 10, tzinfo=UTC), tick=False):
        yield


def test_the_agenda_pack_holds_each_review_s_summary_and_answers_never_a_name(
    client, make_user, django_capture_on_commit_callbacks
):
    secretariat = make_user(Role.PANEL_SECRETARIAT)
    member = make_user(Role.PANEL_MEMBER, first_name="Grace", last_name="Attendee")
    review = PanelReviewFactory(
        answers={"summary_of_facts": "Synthetic summary: the family moved twice in a year."}
    )
    meeting = meeting_services.panel_meeting_create(
        by=secretariat,
        details=meeting_services.MeetingDetails(
            date=date(2027, 1, 12), start_time=time(10, 30), location="Online", attendees=[member]
        ),
    )
    meeting_services.agenda_items_add(meeting=meeting, reviews=[review], by=secretariat)
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("panel:meeting-agenda-pack", args=[meeting.pk]))
    document = PreparedDocument.objects.get(kind=AGENDA_PACK)
    assert response.status_code == 302
    assert response["Location"] == reverse("prepared-document", args=[document.pk])
    assert document.status == PreparedDocument.Status.READY, document.error
    assert document.requested_by == member and document.subject_id == meeting.pk
    assert document.title == "Agenda pack for the Panel meeting on 12 January 2027"

    download = client.get(reverse("prepared-document-download", args=[document.pk]))
    assert download.status_code == 200
    text = pdf_text(b"".join(download.streaming_content))
    notification = review.notification
    for expected in (
        "12 January 2027",
        "10:30",
        "Online",
        "Grace Attendee",
        notification.reference,
        str(review.partnership),
        str(notification.local_authority),
        notification.child_in_focus.child_reference,
        "Synthetic summary: the family moved twice in a year.",
        "Characteristics of the child in focus",
        "White British",  # a coded answer, by its label
        "Page 1 of",
    ):
        assert normalised(expected) in text, expected
    assert "white_british" not in text
    assert normalised(CHILD_NAME) not in text
    # The download is in the review's own access log, not only the meeting's.
    assert AuditEvent.objects.filter(
        actor=member,
        action=AuditAction.EXPORT,
        object_id=str(review.pk),
        content_type__model="rapidreview",
        message=f"Downloaded {document.title}",
    ).exists()


def test_someone_outside_the_panel_cannot_ask_for_an_agenda_pack(client, make_user, leeds):
    secretariat = make_user(Role.PANEL_SECRETARIAT)
    meeting = meeting_services.panel_meeting_create(
        by=secretariat,
        details=meeting_services.MeetingDetails(
            date=date(2027, 1, 12), start_time=time(10), location="Online"
        ),
    )
    client.force_login(make_user(Role.LA_USER, local_authority=leeds))
    response = client.post(reverse("panel:meeting-agenda-pack", args=[meeting.pk]))
    assert response.status_code == 404
    assert not PreparedDocument.objects.exists()
