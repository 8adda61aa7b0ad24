import smtplib

import pytest
from django.core import mail
from django.db import transaction

from safeguarding.email import Attachment, email_queue, email_send
from safeguarding.models import OutboundEmail

pytestmark = pytest.mark.django_db


def test_email_is_sent_only_after_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        email = email_queue(to=["lead@example.org"], subject="Rapid review due", body="Due")
        assert mail.outbox == []
    assert len(callbacks) == 1
    assert [m.subject for m in mail.outbox] == ["Rapid review due"]
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.sent_at is not None


def test_a_rolled_back_change_sends_nothing(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        email_queue(to=["lead@example.org"], subject="Never", body="x")
        raise RuntimeError("the change failed")
    assert mail.outbox == []
    assert not OutboundEmail.objects.exists()


def test_same_dedupe_key_sends_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = email_queue(to=["a@example.org"], subject="Reminder", body="x", dedupe_key="k1")
        second = email_queue(to=["a@example.org"], subject="Reminder", body="x", dedupe_key="k1")
    assert first.pk == second.pk
    assert len(mail.outbox) == 1


def test_sending_twice_delivers_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        email = email_queue(to=["a@example.org"], subject="Once", body="x")
    assert email_send(email_id=email.pk) is True
    assert email_send(email_id=email.pk) is False
    assert len(mail.outbox) == 1


def test_a_failed_send_is_recorded_and_retried_later(django_capture_on_commit_callbacks, settings):
    with django_capture_on_commit_callbacks(execute=False):
        email = email_queue(to=["a@example.org"], subject="Flaky", body="x")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1
    with pytest.raises((smtplib.SMTPException, OSError)):
        email_send(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == 1
    assert email.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert email_send(email_id=email.pk) is True
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 2
    assert email.last_error == ""


def test_attachments_are_stored_and_attached(
    django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        email_queue(
            to=["a@example.org"],
            subject="Letter",
            body="Attached",
            attachments=[Attachment("letter.pdf", b"%PDF-1.7 test", "application/pdf")],
        )
    [message] = mail.outbox
    assert message.attachments == [("letter.pdf", b"%PDF-1.7 test", "application/pdf")]


def test_a_line_break_in_a_subject_cannot_make_sending_fail(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = email_queue(
            to=["lead@example.org"], subject="Request for an account: Sam\r\nBcc: x", body="x"
        )
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert [m.subject for m in mail.outbox] == ["Request for an account: Sam Bcc: x"]
