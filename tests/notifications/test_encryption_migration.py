"""The migration that encrypts the identifying columns encrypts the rows already there, and
reverses to plaintext (issue 12, item 9)."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from notifications.models import NotificationChild
from tests.notifications.factories import NotificationChildFactory, SubmittedNotificationFactory


def _targets() -> tuple[tuple[str, str], tuple[str, str]]:
    """The encrypting migration and the one before it (found by name, should they be
    renumbered when branches merge)."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    after = next(
        key
        for key in graph.nodes
        if key[0] == "notifications" and key[1].endswith("_encrypt_identifying_fields")
    )
    before = next(parent for parent in graph.node_map[after].parents if parent.key[0] == after[0])
    return before.key, after


BEFORE, AFTER = _targets()


def raw_row(pk: int) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.name, c.date_of_birth, n.placement_postcode "
            "FROM notifications_notificationchild c "
            "JOIN notifications_notification n ON n.id = c.notification_id WHERE c.id = %s",
            [pk],
        )
        return cursor.fetchone()


def migrate_to(target) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([target])


@pytest.mark.django_db
def test_the_migration_encrypts_existing_rows_and_reverses_to_plaintext():
    notification = SubmittedNotificationFactory(placement_postcode="LS1 4AP", children=[])
    child = NotificationChildFactory(
        notification=notification, name="Synthetic Name", date_of_birth=date(2015, 2, 3)
    )
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending triggers before ALTER

    migrate_to(BEFORE)
    assert raw_row(child.pk) == ("Synthetic Name", date(2015, 2, 3), "LS1 4AP")

    migrate_to(AFTER)
    stored = raw_row(child.pk)
    assert all(value.startswith("gAAAAA") for value in stored)
    assert "Synthetic" not in stored[0]
    # The models are the latest migrations': read through them only once there (later
    # migrations add columns), and leave the database as the other tests expect it.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    child = NotificationChild.objects.select_related("notification").get(pk=child.pk)
    assert (child.name, child.date_of_birth) == ("Synthetic Name", date(2015, 2, 3))
    assert child.notification.placement_postcode == "LS1 4AP"
