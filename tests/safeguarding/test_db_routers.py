"""The read replica (README, "Scaling out"): with DATABASE_REPLICA_URL unset every query uses
`default`; with it set, the statistics engine and pages read from `replica` while writes and
migrations stay on `default`. Here the replica is the test database itself, as a mirror (Django's
TEST MIRROR setting), so a query's alias shows where it went."""

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analytics.engine import compute_year
from analytics.models import StatisticsSnapshot
from notifications.models import Notification
from safeguarding.codes import Role
from safeguarding.db_routers import REPLICA_DB_ALIAS, ReplicaRouter, analytics_db, replica_reads

ROOT = Path(__file__).resolve().parents[2]


def settings_databases(**env: str) -> dict:
    """DATABASES and DATABASE_ROUTERS as a fresh interpreter reads them from `env`."""
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_REPLICA_URL"}
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps({'databases': settings.DATABASES, "
        "'routers': settings.DATABASE_ROUTERS}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**environment, **env, "DJANGO_SETTINGS_MODULE": "safeguarding.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_without_a_replica_url_there_is_only_the_default_database():
    read = settings_databases(DATABASE_URL="postgres://csir@db.internal:5432/csir")
    assert list(read["databases"]) == ["default"]
    assert read["routers"] == ["safeguarding.db_routers.ReplicaRouter"]


def test_a_replica_url_adds_the_replica_as_a_test_mirror_of_default():
    read = settings_databases(
        DATABASE_URL="postgres://csir@db.internal:5432/csir",
        DATABASE_REPLICA_URL="postgres://reader@replica.internal:5432/csir",
    )
    replica = read["databases"]["replica"]
    assert (replica["HOST"], replica["USER"], replica["NAME"]) == (
        "replica.internal",
        "reader",
        "csir",
    )
    assert replica["TEST"] == {"MIRROR": "default"}
    assert read["databases"]["default"]["HOST"] == "db.internal"


@pytest.mark.django_db
def test_without_a_replica_every_read_and_write_uses_default():
    assert REPLICA_DB_ALIAS not in connections
    with replica_reads():
        assert analytics_db() == DEFAULT_DB_ALIAS
        assert router.db_for_read(Notification) == DEFAULT_DB_ALIAS
        assert router.db_for_write(Notification) == DEFAULT_DB_ALIAS
        with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as default:
            compute_year(2023)
    assert len(default) > 0
    assert router.db_for_read(Notification) == DEFAULT_DB_ALIAS


def test_migrations_run_only_on_default():
    routing = ReplicaRouter()
    assert routing.allow_migrate(DEFAULT_DB_ALIAS, "notifications")
    assert not routing.allow_migrate(REPLICA_DB_ALIAS, "notifications")


@pytest.fixture(scope="module")
def replica(django_db_setup):
    """A `replica` alias as DATABASE_REPLICA_URL makes it, pointed at the test database the
    way Django's test runner sets up a TEST MIRROR (`set_as_test_mirror`)."""
    default = connections[DEFAULT_DB_ALIAS]
    connections.settings[REPLICA_DB_ALIAS] = {
        **default.settings_dict,
        "TEST": {**default.settings_dict["TEST"], "MIRROR": DEFAULT_DB_ALIAS},
    }
    connections[REPLICA_DB_ALIAS].creation.set_as_test_mirror(default.settings_dict)
    yield connections[REPLICA_DB_ALIAS]
    connections[REPLICA_DB_ALIAS].close()
    del connections[REPLICA_DB_ALIAS]
    del connections.settings[REPLICA_DB_ALIAS]


WITH_REPLICA = pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, "replica"])


@WITH_REPLICA
def test_the_engine_reads_from_the_replica(replica, reference_data):
    from tests.notifications.factories import SubmittedNotificationFactory

    SubmittedNotificationFactory(incident_date=date(2023, 6, 1))
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_default,
        CaptureQueriesContext(replica) as on_replica,
    ):
        result = compute_year(2023)
    assert len(on_replica) > 30
    assert [q["sql"] for q in on_default] == []
    # The same figures as read from default (inside a transaction, where reads stay there).
    with transaction.atomic(), CaptureQueriesContext(replica) as none_on_replica:
        assert compute_year(2023) == result
    assert len(none_on_replica) == 0
    # Outside the engine, reads stay on default; writes always do.
    assert router.db_for_read(Notification) == DEFAULT_DB_ALIAS
    with replica_reads():
        assert router.db_for_read(Notification) == REPLICA_DB_ALIAS
        assert router.db_for_write(Notification) == DEFAULT_DB_ALIAS


@WITH_REPLICA
def test_reads_inside_a_write_transaction_stay_on_default(replica, reference_data):
    with transaction.atomic(), replica_reads():
        assert router.db_for_read(Notification) == DEFAULT_DB_ALIAS


@WITH_REPLICA
def test_the_statistics_page_reads_the_figures_from_the_replica(
    replica, reference_data, client, make_user
):
    from analytics.services import statistics_compute

    statistics_compute(year=2023, by=None)
    client.force_login(make_user(Role.ADMINISTRATOR))
    with CaptureQueriesContext(replica) as on_replica:
        response = client.get(reverse("analytics:statistics-year", args=[2023]))
    assert response.status_code == 200
    snapshot_table = StatisticsSnapshot._meta.db_table
    assert any(snapshot_table in q["sql"] for q in on_replica)
