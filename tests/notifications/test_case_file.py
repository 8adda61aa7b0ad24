"""The whole case file (issue 17, item 5): asked for from any part of the case, made as its
reader may see the case (text read from the PDF, for a Panel member and a DfE viewer), refused
to another authority."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications import links
from notifications.models import LinkKind
from panel import services as panel_services
from panel.models import Outcome, ResponseLetter
from safeguarding import documents
from safeguarding.codes import Role
from safeguarding.models import AuditEvent, PreparedDocument

from ..lcsprs.factories import LcsprFactory
from ..panel.factories import CHILD_NAME, PanelDecisionFactory, answers
from ..pdf import normalised, pdf_text
from .factories import SubmittedNotificationFactory

pytestmark = pytest.mark.django_db

LETTER_TEXT = "Dear partnership, the Panel thanks you for a careful review of this case."
SECOND_REASONS = "On reflection the Panel agrees that no local review is needed."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def member(make_user):
    return make_user(Role.PANEL_MEMBER)


@pytest.fixture
def case(member, bristol):
    """A decided case: two versions of the decision, a letter sent, an LCSPR and a link."""
    first = PanelDecisionFactory()
    review = first.review
    panel_services.panel_decision_correct(
        decision=first,
        by=member,
        correction_reason="The first view misread the chronology.",
        answers=answers(outcome=Outcome.AGREE, reasons=SECOND_REASONS),
    )
    current = review.panel_decisions.get(is_current=True)
    ResponseLetter.objects.create(
        review=review,
        decision=current,
        version=1,
        status=ResponseLetter.Status.SENT,
        body=LETTER_TEXT,
        created_by=member,
        sent_at=timezone.now(),
        rendered_at=timezone.now(),
        pdf="panel-letters/letter.pdf",
        sha256="0" * 64,
    )
    LcsprFactory(rapid_review=review)
    other = SubmittedNotificationFactory(local_authority=bristol)
    links.linked_case_add(
        notification=review.notification,
        reference=other.reference,
        kind=LinkKind.SIBLING,
        reason="Half-brother notified by Bristol",
        by=member,
    )
    return review.notification


def _file_for(client, user, notification, capture) -> str:
    client.force_login(user)
    with capture(execute=True):
        response = client.post(reverse("notifications:case-file", args=[notification.pk]))
    assert response.status_code == 302
    document = PreparedDocument.objects.get(requested_by=user)
    assert response["Location"] == reverse("prepared-document", args=[document.pk])
    document.refresh_from_db()
    assert document.status == PreparedDocument.Status.READY, document.error
    download = client.get(reverse("prepared-document-download", args=[document.pk]))
    assert download.status_code == 200
    return pdf_text(b"".join(download.streaming_content))


def test_a_panel_members_case_file_holds_the_whole_case(
    client, member, case, django_capture_on_commit_callbacks
):
    text = _file_for(client, member, case, django_capture_on_commit_callbacks)

    for expected in (
        "OFFICIAL – SENSITIVE",
        f"Case file: {case.reference}",
        "Contents",
        "Incident notification and children",
        CHILD_NAME,
        "Rapid review",
        "Synthetic facts.",
        "Synthetic reflection.",
        "Extensions",
        "Panel decisions",
        "Version 1 (replaced by a correction)",
        "The learning about hidden men warrants a local review.",
        "Version 2 (current)",
        SECOND_REASONS,
        "The first view misread the chronology.",
        "Response letters",
        LETTER_TEXT,
        "LCSPR timeline",
        "Linked cases",
        "Half-brother notified by Bristol",
        "Page 1 of",
    ):
        assert normalised(expected) in text, expected
    # The contents page lists the sections in order, before them.
    contents = text.index("Contents")
    assert contents < text.index("Rapid review · page") < text.index("Linked cases · page")
    assert normalised(f"Prepared for {member.get_full_name() or member.username}") in text
    messages = list(
        AuditEvent.objects.filter(object_id=str(case.pk)).values_list("message", flat=True)
    )
    assert f"Asked for Case file for {case.reference}" in messages
    assert f"Downloaded Case file for {case.reference}" in messages


def test_a_dfe_viewers_case_file_has_the_sin_without_names_nor_review(
    client, make_user, case, django_capture_on_commit_callbacks
):
    viewer = make_user(Role.DFE_VIEWER)
    text = _file_for(client, viewer, case, django_capture_on_commit_callbacks)

    assert normalised(case.reference) in text
    assert "Incident notification and children" in text
    assert normalised(case.children.get(is_child_in_focus=True).child_reference) in text
    assert normalised(CHILD_NAME) not in text
    for hidden in (
        "Synthetic facts.",
        "Panel decisions",
        SECOND_REASONS,
        LETTER_TEXT,
        "LCSPR timeline",
    ):
        assert normalised(hidden) not in text, hidden
    # DfE and Ofsted read every submitted SIN: the linked case is one they may see.
    assert "Half-brother notified by Bristol" in text


def test_another_authority_gets_404_asking_for_the_case_file(client, make_user, bristol, case):
    outsider = make_user(Role.LA_USER, local_authority=bristol)
    client.force_login(outsider)
    url = reverse("notifications:case-file", args=[case.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not PreparedDocument.objects.exists()
    with pytest.raises(documents.DocumentOutOfReach):
        documents.document_request(kind="case-file", subject=case, by=outsider)


def test_the_case_file_is_offered_on_every_part_of_the_case(client, member, case):
    review = case.rapid_review
    client.force_login(member)
    pages = [
        reverse("notifications:notification-detail", args=[case.pk]),
        reverse("rapidreviews:review-detail", args=[review.pk]),
        reverse("panel:decision", args=[review.pk]),
        reverse("lcsprs:lcspr-detail", args=[review.lcspr.pk]),
    ]
    file_url = reverse("notifications:case-file", args=[case.pk])
    for page in pages:
        body = client.get(page).content.decode()
        assert f'href="{file_url}"' in body, page
        assert "Download the case file (PDF)" in body, page
    asked = client.get(file_url).content.decode()
    assert "Download the case file (PDF)" in asked
    assert 'method="post"' in asked


def test_an_area_the_sin_was_shared_with_gets_the_sin_and_links_only(make_user, member, case):
    from notifications.models import NotificationShare
    from safeguarding.case_file import case_file_sections
    from safeguarding.models import LocalAuthority

    elsewhere = LocalAuthority.objects.exclude(name__in=["Leeds", "Bristol"]).first()
    NotificationShare.objects.create(
        notification=case, local_authority=elsewhere, added_by=member, told_at=timezone.now()
    )
    reader = make_user(Role.LA_USER, local_authority=elsewhere)

    sections = case_file_sections(user=reader, notification=case)

    assert [s.title for s in sections] == ["Incident notification and children", "Linked cases"]
    every = " ".join(s.html for s in sections)
    assert CHILD_NAME not in every
    assert "A linked case in another area" in every
    assert "Half-brother notified by Bristol" not in every


QUESTION = "Please send the school nurse's notes for the spring term."
NOTE = "Internal: the nurse's notes may change our view on the health visitor's role."
REPLY = "The school nurse's notes will follow from the health provider."


def test_the_case_file_holds_the_messages_each_reader_may_see(
    client, make_user, member, case, django_capture_on_commit_callbacks
):
    from panel.conversations import case_message_send
    from panel.models import MessageKind

    review = case.rapid_review
    lead = make_user(Role.PARTNERSHIP_LEAD, partnership=review.partnership)
    case_message_send(user=member, review=review, kind=MessageKind.QUESTION, body=QUESTION)
    case_message_send(user=member, review=review, kind=MessageKind.INTERNAL_NOTE, body=NOTE)
    case_message_send(user=lead, review=review, kind=MessageKind.REPLY, body=REPLY)

    panel_text = _file_for(client, member, case, django_capture_on_commit_callbacks)
    for expected in ("Messages between the Panel and the partnership", QUESTION, NOTE, REPLY):
        assert normalised(expected) in panel_text, expected

    lead_text = _file_for(client, lead, case, django_capture_on_commit_callbacks)
    assert normalised(QUESTION) in lead_text
    assert normalised(REPLY) in lead_text
    # An internal note is the Panel's only, in the case file as on the page.
    assert normalised(NOTE) not in lead_text
    assert normalised("Internal note") not in lead_text
