"""The migration adding `User.last_verified_at` (when the second factor was last passed: what
counts as using an account for leavers) fills it for the accounts already there: from their
last second-factor audit entry, or with none their last sign-in (review of issue 15, lapses)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from safeguarding.audit import audit_log
from safeguarding.codes import Role
from safeguarding.models import AuditAction, User

LONDON = ZoneInfo("Europe/London")


def _targets() -> tuple[tuple[str, str], tuple[str, str]]:
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    after = next(
        key
        for key in graph.nodes
        if key[0] == "safeguarding" and key[1].endswith("_user_last_verified_at")
    )
    before = next(parent for parent in graph.node_map[after].parents if parent.key[0] == after[0])
    return before.key, after


BEFORE, AFTER = _targets()


def migrate_to(target) -> None:
    MigrationExecutor(connection).migrate([target])


@pytest.mark.django_db
def test_existing_accounts_start_from_their_last_second_factor_or_sign_in(make_user, leeds):
    verified = make_user(Role.LA_USER, local_authority=leeds)
    password_only = make_user(Role.LA_USER, local_authority=leeds)
    code_at = datetime(2026, 2, 1, 9, 0, tzinfo=LONDON)
    signed_in_at = datetime(2026, 3, 1, 9, 0, tzinfo=LONDON)
    with time_machine.travel(code_at, tick=False):
        audit_log(actor=verified, action=AuditAction.SECOND_FACTOR_VERIFIED, obj=verified)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    migrate_to(BEFORE)
    # Both signed in with the password later; only one ever passed the second factor.
    User.objects.filter(pk__in=[verified.pk, password_only.pk]).update(last_login=signed_in_at)
    migrate_to(AFTER)

    verified.refresh_from_db()
    password_only.refresh_from_db()
    assert verified.last_verified_at == code_at
    assert password_only.last_verified_at == signed_in_at
