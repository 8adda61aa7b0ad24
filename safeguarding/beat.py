"""Celery beat's scheduler: django-celery-beat's DatabaseScheduler, safe to stop at any moment.

`celery beat` stops on SIGTERM or SIGINT by writing the schedule from inside the signal
handler (`celery.apps.beat.Beat.install_sync_handler`: `service.sync()`, then
`SystemExit`). A Python signal handler runs on the main thread, between two steps of whatever
that thread was doing, and beat's main thread is also the one that queries the database every
time it wakes (has the schedule changed?). If the signal arrives during such a query, the
handler's writes go to the same psycopg connection, whose lock the interrupted query still
holds: psycopg's connection lock is not reentrant, so the handler waits forever for a lock
that only the code it interrupted can release. Beat then never exits ("Writing entries..." is
the last line it logs) and is killed by its supervisor, losing the schedule it was saving.

Here, `sync()` called while this thread is inside a database call (or a transaction, whose
writes would be rolled back when the interrupted code unwinds) writes nothing: the handler
goes on to raise `SystemExit`, psycopg cancels the interrupted query, and beat writes the
schedule once its main loop has unwound (`celery.beat.Service.start` syncs in its `finally`),
on a connection nothing else is using."""

from __future__ import annotations

import logging

from django.db import connections
from django_celery_beat.schedulers import DatabaseScheduler as BaseDatabaseScheduler

logger = logging.getLogger(__name__)


def database_busy() -> bool:
    """Whether this thread is inside a database call or a transaction: a query running (its
    psycopg connection's lock held; Django's connections are per thread, so the holder is this
    thread, interrupted by a signal) or an atomic block open."""
    for connection in connections.all(initialized_only=True):
        lock = getattr(connection.connection, "lock", None)  # psycopg 3's connection lock
        if connection.in_atomic_block or (lock is not None and lock.locked()):
            return True
    return False


class DatabaseScheduler(BaseDatabaseScheduler):
    """django-celery-beat's scheduler, whose `sync()` can be called from a signal handler."""

    def sync(self) -> None:
        if database_busy():
            logger.info(
                "Not writing the schedule now: interrupted in the middle of a database call; "
                "it is written when beat stops."
            )
            return
        pending = set(self._dirty)
        try:
            super().sync()
        except BaseException:
            # Interrupted while writing (SystemExit from the signal handler): the entry being
            # written was taken off the list, so write them all again when beat stops.
            self._dirty |= pending
            raise
