"""The DfE and Ofsted digest on real Celery workers, the test Redis and PostgreSQL: four runs
of the task at the same moment on two workers send each viewer one e-mail, and record one
digest."""

from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest
from django.utils import timezone
from psycopg import sql

from notifications.tasks import regulator_digest_task
from safeguarding.codes import Role
from safeguarding.models import OutboundEmail, RegulatorDigest, User

from ..safeguarding.test_deadline_worker import (
    lock_waiters,
    parsed,
    raw_connection,
    wait_for_quiet,
    wait_until,
)
from .factories import SubmittedNotificationFactory

pytestmark = pytest.mark.worker

RUNS = 4


def hold_person(conn: psycopg.Connection, person: User) -> None:
    """Lock the viewer's row in an open transaction: each run waits on it, so both workers are
    making the same viewer's digest at once."""
    conn.execute(
        sql.SQL("SELECT id FROM {table} WHERE id = %s FOR UPDATE").format(
            table=sql.Identifier(User._meta.db_table)
        ),
        [person.pk],
    )


def test_two_workers_at_once_send_one_digest(celery_processes, make_user, leeds):
    viewer = make_user(Role.OFSTED_VIEWER, email="ofsted.viewer@example.gov.uk")
    User.objects.filter(pk=viewer.pk).update(date_joined=timezone.now() - timedelta(days=1))
    sin = SubmittedNotificationFactory(local_authority=leeds)
    moment = (timezone.now() + timedelta(minutes=5)).isoformat()
    celery_processes.wait_ready(
        celery_processes.worker(wait=False), celery_processes.worker(wait=False)
    )

    conn = raw_connection()
    try:
        hold_person(conn, viewer)
        results = [regulator_digest_task.delay(moment) for _ in range(RUNS)]
        wait_until(
            lambda: len(lock_waiters()) == 2,
            "both workers waiting on the viewer's row",
            celery_processes,
        )
        conn.rollback()
    finally:
        conn.close()
    outcomes = [result.get(timeout=60) for result in results]

    assert sum(len(o["sent"]) for o in outcomes) == 1, outcomes
    wait_for_quiet(celery_processes)
    [message] = parsed(celery_processes.sent_mail())
    assert str(message["Subject"]) == "1 new serious incident notification"
    assert [a.addr_spec for a in message["To"].addresses] == ["ofsted.viewer@example.gov.uk"]
    assert sin.reference in message.get_body(("plain",)).get_content()
    assert OutboundEmail.objects.count() == 1
    assert RegulatorDigest.objects.get().references == [sin.reference]
