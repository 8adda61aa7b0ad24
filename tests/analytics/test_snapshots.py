"""Statistics snapshots: versioned, immutable, a failed run recorded without replacing the
latest; the task, the nightly schedule and the commands."""

import csv
import io
from datetime import date
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from analytics.models import SnapshotImmutable, StatisticsSnapshot
from analytics.selectors import snapshot_latest, snapshot_list
from analytics.services import StatisticsComputeError, statistics_compute
from analytics.tasks import current_reporting_year, statistics_compute_task

from ..factories import AdministratorFactory
from .factories import submitted_suicides

pytestmark = pytest.mark.django_db


def test_versions_increment_and_record_who_and_the_inputs():
    submitted_suicides()
    admin = AdministratorFactory()
    first = statistics_compute(year=2023, by=admin)
    second = statistics_compute(year=2023, by=None)
    other_year = statistics_compute(year=2022, by=None)
    assert (first.version, second.version, other_year.version) == (1, 2, 1)
    assert first.computed_by == admin and first.status == "succeeded"
    assert first.input_counts["sins"] == 3 and first.input_counts["reviews"] == 3
    table_2 = first.table("table_2_cause_of_death")
    suicide = next(r for r in table_2["groups"][0]["rows"] if r["label"] == "Suicide")
    assert suicide["cells"][1] == {"n": 3, "pct": "100.0"}
    assert snapshot_latest(2023) == second
    assert list(snapshot_list(2023)) == [second, first]


def test_a_snapshot_is_immutable():
    snapshot = statistics_compute(year=2023, by=None)
    snapshot.error = "changed"
    with pytest.raises(SnapshotImmutable):
        snapshot.save()
    # And in the database itself, whoever connects.
    with pytest.raises(DatabaseError), transaction.atomic():
        StatisticsSnapshot.objects.filter(pk=snapshot.pk).update(error="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        StatisticsSnapshot.objects.filter(pk=snapshot.pk).delete()
    snapshot.refresh_from_db()
    assert snapshot.error == ""


def test_a_failed_run_is_recorded_and_the_previous_snapshot_stays_latest():
    good = statistics_compute(year=2023, by=None)
    with (
        mock.patch("analytics.services.compute_year", side_effect=ValueError("bad declaration")),
        pytest.raises(StatisticsComputeError) as raised,
    ):
        statistics_compute(year=2023, by=None)
    failed = raised.value.snapshot
    assert failed.version == 2 and failed.status == "failed"
    assert "ValueError: bad declaration" in failed.error
    assert failed.tables == []
    assert snapshot_latest(2023) == good
    assert [s.status for s in snapshot_list(2023)] == ["failed", "succeeded"]


def test_concurrent_runs_get_distinct_versions():
    """Two runs read the same latest version: the unique constraint refuses the second insert
    of that number, and the run takes the next one."""
    statistics_compute(year=2023, by=None)
    statistics_compute(year=2023, by=None)  # the other run, which committed version 2 first
    with mock.patch("analytics.services._next_version", side_effect=[2, 3]):
        snapshot = statistics_compute(year=2023, by=None)
    assert snapshot.version == 3
    assert sorted(StatisticsSnapshot.objects.values_list("version", flat=True)) == [1, 2, 3]


def test_the_task_runs_eagerly_and_records_a_snapshot():
    submitted_suicides(1)
    admin = AdministratorFactory()
    result = statistics_compute_task.delay(2023, admin.pk).get()
    snapshot = StatisticsSnapshot.objects.get(pk=result["id"])
    assert result["version"] == snapshot.version == 1
    assert snapshot.computed_by == admin


def test_the_task_records_a_failed_run_and_re_raises():
    with (
        mock.patch("analytics.services.compute_year", side_effect=KeyError("x")),
        pytest.raises(StatisticsComputeError),
    ):
        statistics_compute_task.delay(2023).get()
    assert StatisticsSnapshot.objects.get().status == "failed"


def test_the_nightly_task_recomputes_the_current_and_previous_year():
    from analytics.tasks import statistics_nightly_task

    assert current_reporting_year(date(2024, 3, 31)) == 2023
    assert current_reporting_year(date(2024, 4, 1)) == 2024
    years = statistics_nightly_task.delay().get()
    assert sorted(StatisticsSnapshot.objects.values_list("year", flat=True)) == sorted(years)
    assert years[1] == current_reporting_year(timezone.localdate())


def test_the_periodic_task_exists_after_migrations():
    task = PeriodicTask.objects.get(name="Annual statistics")
    assert task.task == "analytics.tasks.statistics_nightly_task"
    assert (task.crontab.hour, task.crontab.minute) == ("2", "30")
    assert str(task.crontab.timezone) == "Europe/London"


def test_compute_statistics_command_prints_the_version(capsys):
    submitted_suicides(1)
    call_command("compute_statistics", "--year", "2023")
    call_command("compute_statistics", "--year", "2023")
    out = capsys.readouterr().out
    assert "Snapshot version: 1" in out and "Snapshot version: 2" in out


def test_export_statistics_command_writes_csv(tmp_path, capsys):
    submitted_suicides(2)
    with pytest.raises(CommandError, match="no annual figures"):
        call_command("export_statistics", "--year", "2023", "--output", str(tmp_path / "a.csv"))
    statistics_compute(year=2023, by=None)
    internal, public = tmp_path / "internal.csv", tmp_path / "public.csv"
    call_command("export_statistics", "--year", "2023", "--format", "csv", "--output", internal)
    call_command("export_statistics", "--year", "2023", "--public", "--output", str(public))
    assert "version 1" in capsys.readouterr().out
    rows = list(csv.DictReader(io.StringIO(internal.read_text())))
    assert list(rows[0]) == ["table", "group", "row", "column", "n", "pct"]
    suicide = [
        r
        for r in rows
        if r["table"] == "table_2_cause_of_death"
        and r["row"] == "Suicide"
        and r["column"] == "Male"
    ]
    assert suicide == [
        {
            "table": "table_2_cause_of_death",
            "group": "Likely cause of death",
            "row": "Suicide",
            "column": "Male",
            "n": "2",
            "pct": "100.0",
        }
    ]
    public_rows = list(csv.DictReader(io.StringIO(public.read_text())))
    suicide_public = next(
        r
        for r in public_rows
        if r["table"] == "table_2_cause_of_death"
        and r["row"] == "Suicide"
        and r["column"] == "Male"
    )
    assert suicide_public["n"] == "c" and suicide_public["pct"] == "c"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_compute_statistics_on_a_real_worker(celery_worker, capsys):
    submitted_suicides(2)
    call_command("compute_statistics", "--year", "2023", "--timeout", "120")
    out = capsys.readouterr().out
    assert "on a worker" in out and "Snapshot version: 1" in out
    snapshot = snapshot_latest(2023)
    assert snapshot is not None and snapshot.task_id
    assert snapshot.input_counts["reviews"] == 2, celery_worker.log()
