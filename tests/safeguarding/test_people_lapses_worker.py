"""The account lapse task on real Celery workers, the test Redis and PostgreSQL: two workers
sweeping at the same moment warn a person once (one e-mail, one inbox message, one audit
entry) and deactivate them once."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
import pytest
from psycopg import sql

from safeguarding.codes import Role
from safeguarding.models import AuditAction, AuditEvent, InboxMessage, OutboundEmail, User
from safeguarding.tasks import account_lapse_task

from .test_deadline_worker import lock_waiters, parsed, raw_connection, wait_for_quiet, wait_until

pytestmark = pytest.mark.worker

LONDON = ZoneInfo("Europe/London")
LAST = datetime(2026, 1, 5, 9, 0, tzinfo=LONDON)
WARNING = datetime(2026, 3, 22, 10, 0, tzinfo=LONDON)
ON_THE_DAY = datetime(2026, 4, 5, 6, 0, tzinfo=LONDON)
SWEEPS = 4


def hold_person(conn: psycopg.Connection, person: User) -> None:
    """Lock the person's row in an open transaction: each sweep waits on it, in the warning or
    the deactivation, until the transaction ends, so both workers are there at once."""
    conn.execute(
        sql.SQL("SELECT id FROM {table} WHERE id = %s FOR UPDATE").format(
            table=sql.Identifier(User._meta.db_table)
        ),
        [person.pk],
    )


def sweeps_at_once(celery_processes, person: User, moment: datetime) -> list[dict]:
    conn = raw_connection()
    try:
        hold_person(conn, person)
        results = [account_lapse_task.delay(moment.isoformat()) for _ in range(SWEEPS)]
        wait_until(
            lambda: len(lock_waiters()) == 2,
            "both workers waiting on the person's row",
            celery_processes,
        )
        conn.rollback()
    finally:
        conn.close()
    return [result.get(timeout=60) for result in results]


def test_two_workers_sweeping_at_once_warn_once_and_deactivate_once(
    celery_processes, make_user, leeds
):
    person = make_user(Role.LA_USER, local_authority=leeds, email="leaver@example.org")
    User.objects.filter(pk=person.pk).update(last_login=LAST, date_joined=LAST - timedelta(days=30))
    celery_processes.wait_ready(
        celery_processes.worker(wait=False), celery_processes.worker(wait=False)
    )

    warned = sweeps_at_once(celery_processes, person, WARNING)

    assert sorted(name for o in warned for name in o["warned"]) == [person.username], warned
    wait_for_quiet(celery_processes)
    [message] = parsed(celery_processes.sent_mail())
    assert "deactivated on 5 April 2026" in str(message["Subject"])
    assert [a.addr_spec for a in message["To"].addresses] == ["leaver@example.org"]
    assert OutboundEmail.objects.count() == 1
    assert InboxMessage.objects.filter(recipient=person).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.LAPSE_WARNING).count() == 1

    deactivated = sweeps_at_once(celery_processes, person, ON_THE_DAY)

    assert sorted(name for o in deactivated for name in o["deactivated"]) == [person.username]
    assert all(o["kept"] == [] for o in deactivated), deactivated
    person.refresh_from_db()
    assert not person.is_active
    assert AuditEvent.objects.filter(action=AuditAction.DEACTIVATE).count() == 1
    wait_for_quiet(celery_processes)
    assert len(celery_processes.sent_mail()) == 1
