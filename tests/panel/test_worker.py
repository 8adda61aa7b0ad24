"""The response letter rendered and e-mailed by a real Celery worker process."""

import email
import subprocess
import time

import pytest
from PIL import Image

from panel import services
from panel.models import ResponseLetter
from safeguarding.codes import Role

from ..pdf import normalised, pdf_text
from .factories import CHILD_NAME, PanelDecisionFactory

pytestmark = pytest.mark.worker


def _wait_for_status(letter: ResponseLetter, status: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        letter.refresh_from_db()
        if letter.status == status:
            return
        time.sleep(0.2)
    raise AssertionError(f"letter is {letter.status} ({letter.error}), expected {status}")


def test_the_worker_renders_the_letter_and_emails_the_pdf(celery_worker, make_user, tmp_path):
    decision = PanelDecisionFactory()
    review = decision.review
    make_user(Role.PARTNERSHIP_LEAD, partnership=review.partnership, email="lead@example.org")
    member = make_user(Role.PANEL_MEMBER)
    letter = services.response_letter_draft(
        review=review, by=member, body=services.response_letter_default_body(decision=decision)
    )
    services.response_letter_send(letter=letter, by=member)  # autocommit: queued at once

    _wait_for_status(letter, ResponseLetter.Status.SENT)
    [message] = celery_worker.wait_for_mail(1, timeout=60)
    assert letter.attempts == 1

    pdf_path = tmp_path / "letter.pdf"
    with letter.pdf.open("rb") as handle:
        pdf_path.write_bytes(handle.read())
    text = pdf_text(pdf_path.read_bytes())
    assert "Did not agree" in text
    assert normalised(review.notification.reference) in text
    assert normalised(review.notification.child_in_focus.child_reference) in text
    assert normalised(CHILD_NAME) not in text

    parsed = email.message_from_string(message)
    assert "lead@example.org" in parsed["To"]
    attachments = [part for part in parsed.walk() if part.get_filename()]
    assert [a.get_filename() for a in attachments] == [letter.pdf_name]
    assert attachments[0].get_content_type() == "application/pdf"
    assert attachments[0].get_payload(decode=True) == pdf_path.read_bytes()

    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf_path), str(tmp_path / "p")],
        check=True,
    )
    [png] = list(tmp_path.glob("p*.png"))
    extrema = Image.open(png).convert("L").getextrema()
    assert extrema[0] < 128, "the first page is blank"


def test_the_same_letter_task_delivered_twice_sends_once(celery_worker, make_user):
    decision = PanelDecisionFactory()
    make_user(Role.PARTNERSHIP_LEAD, partnership=decision.review.partnership)
    member = make_user(Role.PANEL_MEMBER)
    letter = services.response_letter_draft(review=decision.review, by=member, body="Text")
    services.response_letter_send(letter=letter, by=member)
    from panel.tasks import letter_render_and_send_task

    letter_render_and_send_task.delay(letter.pk)  # a duplicate delivery
    _wait_for_status(letter, ResponseLetter.Status.SENT)
    celery_worker.wait_for_mail(1, timeout=60)
    assert letter_render_and_send_task.delay(letter.pk).get(timeout=30) is False
    time.sleep(1)
    assert len(celery_worker.sent_mail()) == 1
    letter.refresh_from_db()
    assert letter.attempts == 1
