"""Delivery through a real Celery worker process on the test Redis and PostgreSQL."""

import re

import pytest
from django.urls import reverse

from safeguarding.codes import Role
from safeguarding.email import email_queue
from safeguarding.models import OutboundEmail

pytestmark = pytest.mark.worker


def test_worker_sends_the_password_reset_email(celery_worker, client, make_user):
    user = make_user(Role.PARTNERSHIP_LEAD, email="lead@example.org")
    response = client.post(reverse("password_reset"), {"email": "lead@example.org"})
    assert response.status_code == 302
    [message] = celery_worker.wait_for_mail(1)
    assert "To: lead@example.org" in message
    assert user.username in message
    assert re.search(r"/password-reset/\S+/\S+/", message)
    email = OutboundEmail.objects.get()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 1


def test_the_same_email_task_delivered_twice_sends_once(celery_worker, transactional_db):
    email = email_queue(to=["twice@example.org"], subject="Exactly once", body="x")
    from safeguarding.tasks import email_send_task

    email_send_task.delay(email.pk)  # a duplicate delivery of the task
    celery_worker.wait_for_mail(1)
    result = email_send_task.delay(email.pk)
    assert result.get(timeout=20) is False
    assert len(celery_worker.sent_mail()) == 1
    email.refresh_from_db()
    assert email.attempts == 1
