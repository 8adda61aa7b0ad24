"""Celery beat (django-celery-beat's DatabaseScheduler, as configured) on the test Redis and
PostgreSQL: it stops cleanly on SIGTERM whenever the signal arrives, and saves its schedule."""

from __future__ import annotations

import signal
import subprocess

import pytest
from django_celery_beat.models import IntervalSchedule, PeriodicTask, PeriodicTasks
from psycopg import sql

from .test_deadline_worker import lock_waiters, raw_connection, wait_until

pytestmark = pytest.mark.worker


def test_beat_stopped_in_the_middle_of_a_query_exits_and_saves_its_schedule(celery_processes):
    # Beat's SIGTERM handler writes the schedule (what beat has sent since it last wrote it)
    # on the main thread, which may be in the middle of a database query when the signal
    # comes. With psycopg 3 that query holds the connection's lock, which is not reentrant:
    # the handler used to wait for it forever, and beat never exited.
    every_second, _ = IntervalSchedule.objects.get_or_create(
        every=1, period=IntervalSchedule.SECONDS
    )
    PeriodicTask.objects.create(
        name="Every second",
        task="safeguarding.tasks.email_outbox_flush_task",  # no worker: it stays queued
        interval=every_second,
    )
    beat = celery_processes.beat(loglevel="DEBUG")  # "Writing entries..." is at DEBUG
    # Sent more than once: beat has written its schedule on its first wake-up, and has sent
    # the task since, which it has not yet written.
    wait_until(
        lambda: beat.log(100_000).count("Sending due task Every second") >= 3,
        "the task sent by beat three times",
        celery_processes,
    )

    # Hold beat in a query: it asks on every wake-up whether the schedule has changed, and
    # waits on this table's lock until this transaction ends.
    conn = raw_connection()
    try:
        conn.execute(
            sql.SQL("LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE").format(
                table=sql.Identifier(PeriodicTasks._meta.db_table)
            )
        )
        wait_until(lock_waiters, "beat waiting in a query", celery_processes)
        beat.process.send_signal(signal.SIGTERM)
        try:
            # Only one signal (a second one would interrupt a handler stuck on the lock).
            beat.process.wait(15)
        except subprocess.TimeoutExpired:
            pytest.fail(f"beat did not exit within 15s of SIGTERM\n{beat.log()}")
    finally:
        conn.close()

    assert beat.process.returncode == 0, beat.log()
    # It wrote what it had sent before exiting.
    sent = beat.log(100_000).count("Sending due task Every second")
    assert PeriodicTask.objects.get(name="Every second").total_run_count == sent, beat.log()
