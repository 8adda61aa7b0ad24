"""Read replicas: read-only analytics queries go to the `replica` database when there is one.

With `DATABASE_REPLICA_URL` set, settings add a second database alias, `replica` (a PostgreSQL
streaming replica of `default`). `ReplicaRouter` sends to it only the reads made inside
`replica_reads()`: the statistics engine's computation and the statistics pages, which read
much and write nothing, and for which a replica a few seconds behind is fine. Everything else
(sign-in, sessions, the case lists, every write and every migration) stays on `default`, and
with no replica configured every query goes to `default`.
"""

from contextlib import ContextDecorator
from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA_DB_ALIAS = "replica"

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


class replica_reads(ContextDecorator):  # noqa: N801 - used like contextlib's decorators
    """Within this block (or decorated function) the router sends reads to the replica, when
    one is configured. Nested uses are fine; writes still go to `default`."""

    def _recreate_cm(self):
        # A fresh instance for each call of a decorated function (threads, recursion).
        return type(self)()

    def __enter__(self):
        self._token = _replica_reads.set(True)
        return self

    def __exit__(self, *exc):
        _replica_reads.reset(self._token)
        return False


def replica_configured() -> bool:
    return REPLICA_DB_ALIAS in connections


def analytics_db() -> str:
    """The alias the analytics reads use now: `replica` inside `replica_reads()` when one is
    configured, else `default`. For raw SQL (`connections[analytics_db()].cursor()`) and for
    settings of the reading session such as `SET LOCAL jit = off`, which must be made on the
    connection the queries go to."""
    if _replica_reads.get() and replica_configured() and not _in_write_transaction():
        return REPLICA_DB_ALIAS
    return DEFAULT_DB_ALIAS


def _in_write_transaction() -> bool:
    # A replica cannot see what the open transaction on `default` has written but not committed:
    # reads inside it stay on `default`.
    return connections[DEFAULT_DB_ALIAS].in_atomic_block


class ReplicaRouter:
    """DATABASE_ROUTERS entry: analytics reads to `replica` (see the module docstring); writes
    and migrations only on `default`."""

    def db_for_read(self, model, **hints) -> str:
        return analytics_db()

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # The replica holds the same rows as `default`: objects read from either are related.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS
