"""The daily e-mail of new SINs to DfE and Ofsted viewers (issue 16, item 6): the SINs
submitted since the last digest, once a day, nothing when there are none, never twice, no
child's name."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from notifications.regulator_digest import regulator_digests_send
from notifications.tasks import regulator_digest_task
from safeguarding.codes import Role
from safeguarding.models import RegulatorDigest

from ..rapidreviews.factories import RapidReviewFactory
from .factories import DraftNotificationFactory, SubmittedNotificationFactory

CHILD_NAME = "Zephyrine Quattlebaum"
JOINED = "2025-03-10 08:00:00+00:00"


@pytest.fixture
def clock():
    with time_machine.travel(JOINED, tick=False) as traveller:
        yield traveller


@pytest.fixture
def viewers(make_user, clock):
    return {
        "dfe": make_user(Role.DFE_VIEWER, email="dfe.viewer@example.gov.uk"),
        "ofsted": make_user(Role.OFSTED_VIEWER, email="ofsted.viewer@example.gov.uk"),
    }


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return regulator_digest_task()

    return run


def _sin(local_authority, **kwargs):
    sin = SubmittedNotificationFactory(local_authority=local_authority, **kwargs)
    sin.children.update(name=CHILD_NAME)
    return sin


def test_each_viewer_gets_the_new_sins_once_with_no_childs_name(
    viewers, clock, send, make_user, leeds, bristol
):
    make_user(Role.DFE_VIEWER, email="left@example.gov.uk", is_active=False)
    make_user(Role.LA_USER, local_authority=leeds, email="la@example.org")
    make_user(Role.PANEL_MEMBER, email="panel@example.org")
    clock.shift(timedelta(hours=2))
    in_leeds = RapidReviewFactory(notification=_sin(leeds)).notification
    in_bristol = _sin(bristol, child_looked_after_death=True)
    draft = DraftNotificationFactory(local_authority=leeds, incident_date=None)
    clock.shift(timedelta(days=1))

    result = send()

    assert sorted(result["sent"]) == sorted(v.username for v in viewers.values())
    assert sorted(message.to[0] for message in mail.outbox) == [
        "dfe.viewer@example.gov.uk",
        "ofsted.viewer@example.gov.uk",
    ]
    message = mail.outbox[0]
    assert message.subject == "2 new serious incident notifications"
    body = message.body
    for sin in (in_leeds, in_bristol):
        assert sin.reference in body
        assert f"/notifications/{sin.pk}/" in body
    assert "Local authority: Leeds" in body and "Local authority: Bristol" in body
    assert "Reason: Serious harm" in body
    assert "Incident date: 3 June 2024" in body
    assert "Death of a looked-after child: Yes" in body
    assert "Rapid review needed: Yes, due 1 July 2024" in body
    assert "Rapid review needed: No" in body  # the Bristol SIN has none in this test
    assert CHILD_NAME not in body and "Synthetic summary" not in body
    assert f"/notifications/{draft.pk}/" not in body
    assert RegulatorDigest.objects.count() == 2
    digest = RegulatorDigest.objects.get(recipient=viewers["dfe"])
    assert sorted(digest.references) == sorted([in_leeds.reference, in_bristol.reference])


def test_a_second_run_the_same_day_sends_nothing(viewers, clock, send, leeds):
    clock.shift(timedelta(hours=1))
    _sin(leeds)
    clock.shift(timedelta(hours=20))
    send()
    assert len(mail.outbox) == 2

    clock.shift(timedelta(hours=1))
    _sin(leeds)  # a new SIN later that day waits for tomorrow's digest
    again = send()

    assert len(mail.outbox) == 2
    assert sorted(again["already_sent"]) == sorted(v.username for v in viewers.values())
    assert RegulatorDigest.objects.count() == 2


def test_no_email_on_a_day_without_new_sins_and_the_next_digest_starts_where_the_last_ended(
    viewers, clock, send, leeds
):
    clock.shift(timedelta(hours=1))
    first = _sin(leeds)
    clock.shift(timedelta(days=1))
    send()
    assert len(mail.outbox) == 2

    clock.shift(timedelta(days=1))
    quiet = send()
    assert len(mail.outbox) == 2
    assert sorted(quiet["nothing_new"]) == sorted(v.username for v in viewers.values())

    clock.shift(timedelta(hours=3))
    second = _sin(leeds)
    clock.shift(timedelta(days=1))
    send()

    assert len(mail.outbox) == 4
    latest = mail.outbox[-1]
    assert latest.subject == "1 new serious incident notification"
    assert second.reference in latest.body and first.reference not in latest.body


def test_no_viewers_no_email(clock, send, make_user, leeds):
    make_user(Role.PANEL_SECRETARIAT, email="secretariat@example.org")
    clock.shift(timedelta(hours=1))
    _sin(leeds)
    clock.shift(timedelta(days=1))

    assert send() == {"sent": [], "nothing_new": [], "already_sent": []}
    assert mail.outbox == []


def test_two_runs_at_once_send_one_digest(
    viewers, clock, leeds, django_capture_on_commit_callbacks
):
    """The service run twice for the same moment (two workers, a retry): the second finds the
    first's record and sends nothing."""
    clock.shift(timedelta(hours=1))
    _sin(leeds)
    clock.shift(timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=True):
        first = regulator_digests_send()
        second = regulator_digests_send()

    assert len(first.sent) == 2 and second.sent == []
    assert len(mail.outbox) == 2
    assert RegulatorDigest.objects.count() == 2


def test_the_digest_is_scheduled_each_morning(db):
    from django_celery_beat.models import PeriodicTask

    from safeguarding.celery import app as celery_app

    task = PeriodicTask.objects.get(name="DfE and Ofsted daily digest")
    assert task.enabled and task.task == "notifications.tasks.regulator_digest_task"
    assert (task.crontab.hour, task.crontab.minute, task.crontab.day_of_week) == ("7", "0", "*")
    assert str(task.crontab.timezone) == "Europe/London"
    assert task.task in celery_app.tasks


def test_a_withdrawn_sin_shows_its_withdrawal_not_a_rapid_review_due(viewers, clock, send, leeds):
    from notifications.models import Withdrawal

    clock.shift(timedelta(hours=2))
    review = RapidReviewFactory(
        notification=_sin(
            leeds,
            withdrawal=Withdrawal.WITHDRAWN,
            withdrawal_reason="Notified in error.",
            withdrawn_at=timezone.now(),
        ),
        closed_on_withdrawal=True,
    )
    clock.shift(timedelta(days=1))

    send()

    body = mail.outbox[0].body
    assert review.notification.reference in body
    assert "Rapid review needed: No: Withdrawn at the authority's request" in body
    assert "Rapid review needed: Yes" not in body
