"""Messages between the Panel and the partnership on a rapid review or an LCSPR
(panel.conversations): who sees what, who is told, the pause on the decision target."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from panel.conversations import case_message_list, case_message_send
from panel.models import CaseMessage, MessageKind
from panel.pauses import decision_target_pause_days
from safeguarding.codes import Role
from safeguarding.models import AuditEvent, InboxMessage

from ..lcsprs.factories import LcsprFactory
from ..notifications.factories import png_bytes
from .factories import CHILD_NAME, PanelReviewFactory

QUESTION_TEXT = "Please send the police chronology for Tarquin Synthetic"
NOTE_TEXT = "Internal: the chair thinks the chronology is thin"


@pytest.fixture
def review(db):
    return PanelReviewFactory()


@pytest.fixture
def people(make_user, leeds, bristol):
    return {
        "member": make_user(Role.PANEL_MEMBER, email="member@panel.example.org"),
        "secretariat": make_user(Role.PANEL_SECRETARIAT),
        "lead": make_user(
            Role.PARTNERSHIP_LEAD, partnership=leeds.partnership, email="lead@leeds.example.org"
        ),
        "lead_other": make_user(Role.PARTNERSHIP_LEAD, partnership=bristol.partnership),
        "la_own": make_user(Role.LA_USER, local_authority=leeds),
        "administrator": make_user(Role.ADMINISTRATOR),
        "dfe": make_user(Role.DFE_VIEWER),
    }


def _send(user, case, kind, body, **kwargs):
    where = {"lcspr": case} if case.__class__.__name__ == "Lcspr" else {"review": case}
    return case_message_send(user=user, **where, kind=kind, body=body, **kwargs)


@pytest.fixture
def thread(review, people, django_capture_on_commit_callbacks):
    """A question, an internal note with a file, and the partnership's reply."""
    with django_capture_on_commit_callbacks(execute=True):
        question = _send(people["member"], review, MessageKind.QUESTION, QUESTION_TEXT)
        note = _send(
            people["member"],
            review,
            MessageKind.INTERNAL_NOTE,
            NOTE_TEXT,
            uploads=[SimpleUploadedFile("note.png", png_bytes())],
        )
        reply = _send(people["lead"], review, MessageKind.REPLY, "Chronology attached")
    return question, note, reply


PAGE_STATUS = [
    ("member", 200),
    ("secretariat", 200),
    ("lead", 200),
    ("lead_other", 404),
    ("la_own", 404),
    ("administrator", 404),
    ("dfe", 404),
]


@pytest.mark.parametrize(("who", "status"), PAGE_STATUS)
def test_who_may_open_the_messages_page(client, review, people, thread, who, status):
    client.force_login(people[who])
    response = client.get(reverse("panel:review-messages", args=[review.pk]))
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert QUESTION_TEXT in page
        assert (NOTE_TEXT in page) is (who != "lead")
        assert ("Internal note – Panel only" in page) is (who != "lead")


@pytest.mark.parametrize(("who", "status"), PAGE_STATUS)
def test_who_may_read_the_messages_in_the_api(api_client, review, people, thread, who, status):
    response = api_client(people[who]).get(reverse("panel-api:review-messages", args=[review.pk]))
    assert response.status_code == status
    if status == 200:
        kinds = [row["kind"] for row in response.json()]
        expected = ["question", "internal_note", "reply"]
        assert kinds == (expected if who != "lead" else ["question", "reply"])


def test_the_lcspr_conversation_is_closed_to_another_authority(client, people):
    lcspr = LcsprFactory()
    _send(people["member"], lcspr, MessageKind.MESSAGE, "When will it be published?")
    for who, status in PAGE_STATUS:
        client.force_login(people[who])
        assert client.get(reverse("panel:lcspr-messages", args=[lcspr.pk])).status_code == status


def test_a_partnership_never_sees_an_internal_note_anywhere(client, review, people, thread):
    _question, note, _reply = thread
    lead = people["lead"]
    assert note not in case_message_list(user=lead, review=review)
    # Its file: a 404, on the page and in the API.
    attachment = note.attachments.get()
    client.force_login(lead)
    url = reverse("panel:review-message-attachment", args=[review.pk, attachment.pk])
    assert client.get(url).status_code == 404
    # Not in the review's history for the partnership; in the Panel's.
    detail = reverse("rapidreviews:review-detail", args=[review.pk])
    lead_history = client.get(detail).content.decode()
    assert "internal note" not in lead_history
    assert "sent a question from the Panel" in lead_history
    assert (
        "replied to the Panel&#x27;s question" in lead_history
        or "replied to the Panel" in lead_history
    )
    client.force_login(people["member"])
    assert "added an internal note (the Panel only)" in client.get(detail).content.decode()
    # Nobody outside the Panel was told of it, and no e-mail says what it says.
    assert not any(NOTE_TEXT in message.body for message in mail.outbox)
    assert not InboxMessage.objects.filter(recipient=lead, subject__icontains="note").exists()


def test_a_question_tells_the_leads_without_saying_what_it_says(
    review, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _send(people["member"], review, MessageKind.QUESTION, QUESTION_TEXT)
    sent = [m for m in mail.outbox if "lead@leeds.example.org" in m.to]
    assert len(sent) == 1
    assert "The Panel has sent a question" in sent[0].subject
    assert QUESTION_TEXT not in sent[0].body and CHILD_NAME not in sent[0].body
    assert reverse("panel:review-messages", args=[review.pk]) in sent[0].body
    assert InboxMessage.objects.filter(recipient=people["lead"]).exists()


def test_a_reply_tells_the_panel_member_who_asked(review, people, thread):
    question, _note, reply = thread
    assert reply.in_reply_to == question
    to_member = [m for m in mail.outbox if "member@panel.example.org" in m.to]
    assert len(to_member) == 1 and "replied" in to_member[0].subject
    assert InboxMessage.objects.filter(recipient=people["member"]).exists()


def test_each_side_sends_only_its_own_kinds(api_client, review, people):
    url = reverse("panel-api:review-messages", args=[review.pk])
    lead = api_client(people["lead"])
    response = lead.post(url, {"kind": "question", "body": "Ask"}, format="json")
    assert response.status_code == 400 and "kind" in response.json()
    response = lead.post(url, {"kind": "internal_note", "body": "Note"}, format="json")
    assert response.status_code == 400
    # A reply with no question waiting.
    assert lead.post(url, {"kind": "reply", "body": "Hi"}, format="json").status_code == 400
    member = api_client(people["member"])
    assert member.post(url, {"kind": "reply", "body": "Hi"}, format="json").status_code == 400
    response = member.post(url, {"kind": "question", "body": "Ask"}, format="json")
    assert response.status_code == 201
    assert lead.post(url, {"kind": "reply", "body": "Here"}, format="json").status_code == 201
    assert list(CaseMessage.objects.values_list("kind", flat=True)) == ["question", "reply"]


def test_a_file_that_is_not_allowed_is_refused_next_to_the_field(client, review, people):
    client.force_login(people["member"])
    url = reverse("panel:review-messages", args=[review.pk])
    response = client.post(
        url,
        {
            "kind": "question",
            "body": "Typed before the bad upload",
            "files": [SimpleUploadedFile("script.txt", b"#!/bin/sh\necho hi\n")],
        },
    )
    assert response.status_code == 200
    assert "must be a PDF, Word (DOCX), Excel (XLSX), PNG or JPEG file" in str(
        response.context["form"].errors["files"]
    )
    page = response.content.decode()
    assert "Typed before the bad upload" in page
    assert 'href="#id_files"' in page or "govuk-error-summary" in page
    assert not CaseMessage.objects.exists()


def test_a_message_with_files_sent_on_the_page_is_downloaded_safely(client, review, people):
    client.force_login(people["member"])
    url = reverse("panel:review-messages", args=[review.pk])
    response = client.post(
        url,
        {
            "kind": "message",
            "body": "See the chart",
            "files": [
                SimpleUploadedFile("chart one.png", png_bytes()),
                SimpleUploadedFile("../../etc/chart two.png", png_bytes()),
            ],
        },
    )
    assert response.status_code == 302
    message = CaseMessage.objects.get()
    names = sorted(message.attachments.values_list("original_name", flat=True))
    assert names == ["chart one.png", "chart two.png"]
    client.force_login(people["lead"])
    attachment = message.attachments.first()
    download = client.get(
        reverse("panel:review-message-attachment", args=[review.pk, attachment.pk])
    )
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "image/png"
    assert "attachment;" in download["Content-Disposition"]
    assert AuditEvent.objects.filter(message="Case message attachment downloaded").exists()


def test_there_is_no_way_to_edit_or_delete_a_message(api_client, review, people, thread):
    question = thread[0]
    member = api_client(people["member"])
    url = reverse("panel-api:review-messages", args=[review.pk])
    for verb in ("patch", "put", "delete"):
        assert getattr(member, verb)(url, {"body": "changed"}, format="json").status_code == 405
    question.refresh_from_db()
    assert question.body == QUESTION_TEXT
    from safeguarding import policy

    names = [e.url_name for e in policy.ENDPOINTS if "message" in e.url_name]
    assert not [n for n in names if "edit" in n or "delete" in n or "change" in n]


def test_the_page_reading_is_audited_and_the_history_names_no_text(client, review, people, thread):
    client.force_login(people["lead"])
    client.get(reverse("panel:review-messages", args=[review.pk]))
    assert AuditEvent.objects.filter(action="view", object_id=str(review.pk)).exists()
    sent = AuditEvent.objects.filter(message__startswith="Case message sent")
    assert sent.count() == 3
    assert all(QUESTION_TEXT not in str(event.changes) for event in sent)


# --- The pause on the decision target ---------------------------------------------------------


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _pausing_question(review, member, day: date) -> CaseMessage:
    with time_machine.travel(_at(day), tick=False):
        return _send(member, review, MessageKind.QUESTION, "Ask", pause_target=True)


def test_a_pause_counts_working_days_across_a_weekend_and_a_bank_holiday(review, people):
    # Asked Thursday 2 May 2024; replied Tuesday 7 May (Monday 6 May: early May bank holiday).
    _pausing_question(review, people["member"], date(2024, 5, 2))
    with time_machine.travel(_at(date(2024, 5, 7)), tick=False):
        _send(people["lead"], review, MessageKind.REPLY, "Answer")
    # Fri 3 and Tue 7 May.
    assert decision_target_pause_days(review, today=date(2024, 5, 20)) == 2


def test_an_open_pause_counts_up_to_today_and_shows_on_the_page(client, review, people):
    _pausing_question(review, people["member"], date(2024, 5, 2))
    assert decision_target_pause_days(review, today=date(2024, 5, 10)) == 5
    client.force_login(people["lead"])
    page = client.get(reverse("panel:review-messages", args=[review.pk])).content.decode()
    assert "Decision target paused since 2 May 2024" in page


def test_overlapping_pauses_count_once_and_the_panel_may_end_one(client, review, people):
    _pausing_question(review, people["member"], date(2024, 5, 13))  # Monday
    _pausing_question(review, people["member"], date(2024, 5, 15))  # Wednesday
    assert decision_target_pause_days(review, today=date(2024, 5, 17)) == 4
    client.force_login(people["lead"])
    end = reverse("panel:review-message-pause-end", args=[review.pk])
    assert client.post(end).status_code == 403
    client.force_login(people["secretariat"])
    with time_machine.travel(_at(date(2024, 5, 17)), tick=False):
        assert client.post(end).status_code == 302
    assert decision_target_pause_days(review, today=date(2024, 6, 28)) == 4
    assert not CaseMessage.objects.filter(pause_ended_at__isnull=True, pauses_target=True)


def test_only_a_question_on_a_rapid_review_pauses(review, people):
    from panel.conversations import CaseMessageInvalid

    with pytest.raises(CaseMessageInvalid) as caught:
        _send(people["member"], review, MessageKind.MESSAGE, "Hello", pause_target=True)
    assert "pause_target" in caught.value.errors
    assert decision_target_pause_days(review, today=date(2024, 5, 17)) == 0


def test_the_case_links_count_questions_awaiting_a_reply(client, review, people):
    _send(people["member"], review, MessageKind.QUESTION, "One")
    _send(people["member"], review, MessageKind.QUESTION, "Two")
    client.force_login(people["lead"])
    page = client.get(reverse("rapidreviews:review-detail", args=[review.pk])).content.decode()
    assert "Messages (2 questions awaiting a reply)" in page
    home = client.get(reverse("home")).content.decode()
    assert "Questions from the Panel awaiting a reply" in home


def test_files_too_large_together_are_refused_next_to_the_field_keeping_the_text(
    client, review, people, settings
):
    chart = png_bytes()
    settings.CASE_MESSAGE_ATTACHMENTS_MAX_TOTAL_BYTES = len(chart) * 2 - 1
    client.force_login(people["member"])
    url = reverse("panel:review-messages", args=[review.pk])
    page = client.get(url).content.decode()
    assert "in total" in page  # the hint says so before anyone tries
    response = client.post(
        url,
        {
            "kind": "message",
            "body": "See the two charts",
            "files": [SimpleUploadedFile(f"chart {n}.png", chart) for n in (1, 2)],
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The selected files are" in page and "in total" in page
    assert "See the two charts" in page  # what was typed is kept
    assert not CaseMessage.objects.exists()


def test_anonymising_a_case_removes_what_its_messages_say_and_their_files(review, people):
    from django.utils import timezone

    from panel.retention import messages_anonymise, messages_to_anonymise

    message = _send(
        people["member"],
        review,
        MessageKind.QUESTION,
        QUESTION_TEXT,
        uploads=[SimpleUploadedFile("chart.png", png_bytes())],
    )
    now = timezone.now()
    assert not messages_to_anonymise(now).exists()
    review.notification.__class__.objects.filter(pk=review.notification_id).update(
        anonymised_at=now
    )
    due = list(messages_to_anonymise(now))
    assert due == [review.notification]
    assert messages_anonymise(due[0], now) == {"messages": 1, "message_files": 1}
    message.refresh_from_db()
    attachment = message.attachments.get()
    assert message.body == "" and not attachment.file and attachment.kind == "png"
    assert not messages_to_anonymise(now).exists()


def test_the_api_sends_with_files_and_downloads_them(api_client, people):
    lcspr = LcsprFactory()
    lead = api_client(people["lead"])
    url = reverse("panel-api:lcspr-messages", args=[lcspr.pk])
    response = lead.post(
        url,
        {
            "kind": "message",
            "body": "The draft report",
            "files": [SimpleUploadedFile("draft.png", png_bytes())],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    sent = response.json()
    assert sent["kind"] == "message" and sent["from_panel"] is False
    [attachment] = sent["attachments"]
    assert attachment["name"] == "draft.png" and attachment["type"] == "png"
    download = api_client(people["secretariat"]).get(attachment["download_url"])
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    # Another partnership: a 404 for the file as for the conversation.
    other = api_client(people["lead_other"])
    assert other.get(attachment["download_url"]).status_code == 404
    assert other.get(url).status_code == 404


def test_the_api_refuses_a_file_of_another_type(api_client, review, people):
    url = reverse("panel-api:review-messages", args=[review.pk])
    response = api_client(people["member"]).post(
        url,
        {"kind": "question", "body": "Ask", "files": [SimpleUploadedFile("x.exe", b"MZ\x90")]},
        format="multipart",
    )
    assert response.status_code == 400
    assert "must be a PDF" in str(response.json()["files"])
    assert not CaseMessage.objects.exists()


def test_a_partnership_message_tells_the_secretariat(
    review, people, settings, django_capture_on_commit_callbacks
):
    settings.PANEL_INBOX_EMAIL = "panel@panel.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        _send(people["lead"], review, MessageKind.MESSAGE, "A general update")
    assert InboxMessage.objects.filter(recipient=people["secretariat"]).exists()
    assert not InboxMessage.objects.filter(recipient=people["member"]).exists()
    [email] = [m for m in mail.outbox if "panel@panel.example.org" in m.to]
    assert "A general update" not in email.body


def test_a_lead_chooses_which_question_to_reply_to(client, review, people):
    first = _send(people["member"], review, MessageKind.QUESTION, "First")
    second = _send(people["secretariat"], review, MessageKind.QUESTION, "Second")
    client.force_login(people["lead"])
    url = reverse("panel:review-messages", args=[review.pk])
    assert "Which question are you replying to?" in client.get(url).content.decode()
    response = client.post(url, {"kind": "reply", "body": "Answer", "in_reply_to": second.pk})
    assert response.status_code == 302
    reply = CaseMessage.objects.get(kind="reply")
    assert reply.in_reply_to == second
    assert list(case_message_list(user=people["lead"], review=review).filter(kind="question")) == [
        first,
        second,
    ]
    page = client.get(url).content.decode()
    assert "1 question from the Panel waiting for a reply" in page
