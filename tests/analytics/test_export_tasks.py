"""PDF and XLSX exports of a snapshot made on a worker (issue 19, item 1): asked for once and
stored once, served from storage again, internal and public apart, progress recorded as the
file is made, a failure shown with "Try again", a stale claim taken again, who may see them,
and an audit row per download. Tasks run eagerly here (tests/conftest.py); WeasyPrint is
replaced by a counting stand-in, since what is tested is when a file is made, not its layout
(tests/analytics/test_exports.py lays out real ones)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from analytics import export_files, exports
from analytics.models import StatisticsExport, StatisticsSnapshot
from analytics.services import statistics_compute
from safeguarding.codes import Role
from safeguarding.models import AuditAction, AuditEvent
from safeguarding.services import reference_data_load

from ..factories import AdministratorFactory
from .factories import submitted_suicides

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7 a stand-in for the laid-out document"
Status = StatisticsExport.Status


@pytest.fixture(scope="module")
def snapshot(django_db_setup, django_db_blocker) -> StatisticsSnapshot:
    """Computed once for the module (rolled back at its end); tests add exports to it."""
    with django_db_blocker.unblock(), transaction.atomic():
        reference_data_load()
        submitted_suicides(3)
        yield statistics_compute(year=2023, by=AdministratorFactory())
        transaction.set_rollback(True)


@pytest.fixture
def render():
    """WeasyPrint, counted: every call is a PDF laid out."""
    with mock.patch("analytics.exports.html_to_pdf", return_value=FAKE_PDF) as fake:
        yield fake


@pytest.fixture
def reader(client, make_user):
    user = make_user(Role.PANEL_MEMBER)
    client.force_login(user)
    client.user = user
    return client


def _ask(client, snapshot, fmt="pdf", public=False):
    data = {"format": fmt, **({"public": "1"} if public else {})}
    return client.post(
        reverse("analytics:export-request", args=[snapshot.year, snapshot.version]), data
    )


def _status_url(export):
    return reverse("analytics:export-status", args=[2023, export.snapshot.version, export.pk])


def _download_url(export):
    return reverse("analytics:export-download", args=[2023, export.snapshot.version, export.pk])


def test_asking_twice_makes_the_pdf_once_and_serves_it_from_storage(
    reader, snapshot, render, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = _ask(reader, snapshot)
    export = StatisticsExport.objects.get()
    assert first.status_code == 302 and first["Location"] == _status_url(export)
    assert export.status == Status.READY and export.requested_by == reader.user
    assert default_storage.exists(export.file_name)
    assert export.file_name == exports.stored_pdf_name(
        snapshot, public=False, threshold=export.threshold
    )
    with django_capture_on_commit_callbacks(execute=True):
        again = _ask(reader, snapshot)
    assert again["Location"] == _status_url(export)
    assert render.call_count == 1
    assert StatisticsExport.objects.count() == 1

    page = reader.get(_status_url(export)).content.decode()
    assert "Your file is ready to download" in page
    assert "Download annual-figures-2023-24-v1-internal.pdf" in page
    for _ in range(2):
        response = reader.get(_download_url(export))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            'attachment; filename="annual-figures-2023-24-v1-internal.pdf"'
        )
        assert b"".join(response.streaming_content) == FAKE_PDF
    assert render.call_count == 1
    events = AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id=str(snapshot.pk))
    assert [(e.actor, e.changes["format"], e.changes["public"]) for e in events] == [
        (reader.user, "pdf", False)
    ] * 2
    assert all(e.request_path == _download_url(export) for e in events)


def test_internal_and_public_files_are_made_and_stored_apart(
    reader, snapshot, render, settings, django_capture_on_commit_callbacks
):
    settings.STATISTICS_SUPPRESSION_THRESHOLD = 5
    with django_capture_on_commit_callbacks(execute=True):
        _ask(reader, snapshot, "pdf")
        _ask(reader, snapshot, "pdf", public=True)
        _ask(reader, snapshot, "xlsx", public=True)
    internal, public = (
        StatisticsExport.objects.get(format="pdf", audience=a) for a in ("internal", "public")
    )
    xlsx = StatisticsExport.objects.get(format="xlsx")
    assert (internal.threshold, public.threshold, xlsx.threshold) == (0, 5, 5)
    assert len({internal.file_name, public.file_name, xlsx.file_name}) == 3
    assert "internal" in internal.file_name and "public-5" in public.file_name
    assert render.call_count == 2
    assert render.call_args_list[0].args[0] != render.call_args_list[1].args[0]
    with default_storage.open(xlsx.file_name, "rb") as handle:
        assert handle.read(2) == b"PK"
    # The year page links straight to each ready file.
    page = reader.get(reverse("analytics:statistics-year", args=[2023])).content.decode()
    for export in (internal, public, xlsx):
        assert f'href="{_download_url(export)}"' in page
    assert "Prepare the spreadsheet" in page  # the internal XLSX was not asked for


def test_progress_is_recorded_step_by_step_while_the_pdf_is_made(snapshot, render):
    export = export_files.statistics_export_request(
        snapshot=snapshot, fmt="pdf", public=False, by=None
    )
    seen = []

    def laid_out(html):
        # What another connection reads while WeasyPrint works: the row, as committed.
        row = StatisticsExport.objects.get(pk=export.pk)
        seen.append((row.status, row.progress_done, row.progress_total, row.stage))
        return FAKE_PDF

    render.side_effect = laid_out
    tables = len(snapshot.tables)
    with mock.patch.object(
        export_files, "_record_progress", wraps=export_files._record_progress
    ) as recorded:
        assert export_files.statistics_export_render(export_id=export.pk) is True
    stages = [c.args[2:] for c in recorded.call_args_list]
    assert stages[0] == (0, tables + 1, f"Drawing table 1 of {tables}")
    assert (11, tables + 1, f"Drawing table 12 of {tables}") in stages
    assert stages[-1] == (tables, tables + 1, "Laying out the PDF")
    assert seen == [(Status.RENDERING, tables, tables + 1, "Laying out the PDF")]
    export.refresh_from_db()
    assert export.status == Status.READY and export.percent == 100
    assert export.attempts == 1 and export.finished_at is not None and export.size


def test_the_waiting_page_shows_progress_and_the_year_page_lists_it(reader, snapshot):
    export = export_files.statistics_export_request(
        snapshot=snapshot, fmt="pdf", public=True, by=reader.user
    )
    page = reader.get(_status_url(export)).content.decode()
    assert "Your file is being prepared" in page and "Waiting for a worker to start." in page
    StatisticsExport.objects.filter(pk=export.pk).update(
        status=Status.RENDERING, progress_done=12, progress_total=32, stage="Drawing table 13"
    )
    response = reader.get(_status_url(export))
    page = response.content.decode()
    assert "Drawing table 13: step 12 of 32 (37%)." in page
    assert 'value="37"' in page and "js/export-status.js" in page
    assert "no-cache" in response["Cache-Control"]
    # Not ready yet: the download sends back to the page.
    assert reader.get(_download_url(export))["Location"] == _status_url(export)
    year = reader.get(reverse("analytics:statistics-year", args=[2023])).content.decode()
    assert f'href="{_status_url(export)}"' in year and "Being prepared" in year


def test_a_failure_is_shown_and_try_again_makes_it(
    reader, snapshot, render, django_capture_on_commit_callbacks, caplog
):
    render.side_effect = [RuntimeError("WeasyPrint ran out of memory\nmore detail"), FAKE_PDF]
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        _ask(reader, snapshot)
    export = StatisticsExport.objects.get()
    assert export.status == Status.FAILED
    assert export.error.startswith("RuntimeError: WeasyPrint ran out of memory")
    assert "Traceback" in caplog.text and "more detail" in caplog.text
    page = reader.get(_status_url(export)).content.decode()
    assert "Your file could not be made" in page
    assert "RuntimeError: WeasyPrint ran out of memory" in page and "more detail" not in page
    assert "Try again" in page
    year = reader.get(reverse("analytics:statistics-year", args=[2023])).content.decode()
    assert "Failed" in year

    with django_capture_on_commit_callbacks(execute=True):
        retried = _ask(reader, snapshot)  # the "Try again" button posts the same request
    assert retried["Location"] == _status_url(export)
    export.refresh_from_db()
    assert export.status == Status.READY and export.error == "" and export.attempts == 2
    assert render.call_count == 2


def test_a_stale_claim_is_taken_again_and_a_live_one_is_not(snapshot, render):
    export = export_files.statistics_export_request(
        snapshot=snapshot, fmt="pdf", public=False, by=None
    )
    now = timezone.now()
    StatisticsExport.objects.filter(pk=export.pk).update(
        status=Status.RENDERING, claimed_at=now - timedelta(minutes=1), attempts=1
    )
    with mock.patch.object(export_files, "_requeue_later"):
        assert export_files.statistics_export_render(export_id=export.pk) is False
    assert render.call_count == 0
    # Asking again while a worker is at it queues nothing new.
    with mock.patch.object(export_files, "_queue") as queue:
        export_files.statistics_export_request(snapshot=snapshot, fmt="pdf", public=False, by=None)
        assert queue.call_count == 0
        StatisticsExport.objects.filter(pk=export.pk).update(
            claimed_at=now - export_files.STALE_CLAIM - timedelta(minutes=1)
        )
        # The worker died: asking again queues it, and a worker takes it over.
        export_files.statistics_export_request(snapshot=snapshot, fmt="pdf", public=False, by=None)
        assert queue.call_count == 1
    assert export_files.statistics_export_render(export_id=export.pk) is True
    export.refresh_from_db()
    assert export.status == Status.READY and export.attempts == 2
    assert render.call_count == 1
    # Ready: a second run of the task does nothing.
    assert export_files.statistics_export_render(export_id=export.pk) is False


def test_a_layout_change_makes_a_new_file(snapshot, render, monkeypatch):
    first = export_files.statistics_export_request(
        snapshot=snapshot, fmt="pdf", public=False, by=None
    )
    export_files.statistics_export_render(export_id=first.pk)
    monkeypatch.setitem(exports.LAYOUT_VERSIONS, "pdf", exports.PDF_VERSION + 1)
    second = export_files.statistics_export_request(
        snapshot=snapshot, fmt="pdf", public=False, by=None
    )
    assert second.pk != first.pk and second.status == Status.QUEUED
    export_files.statistics_export_render(export_id=second.pk)
    second.refresh_from_db()
    assert second.file_name != StatisticsExport.objects.get(pk=first.pk).file_name
    assert render.call_count == 2


def test_a_copy_made_by_the_command_is_served_without_making_it_again(snapshot, render, tmp_path):
    output = tmp_path / "figures.pdf"
    call_command("export_statistics", "--year", "2023", "--format", "pdf", "--output", str(output))
    assert output.read_bytes() == FAKE_PDF
    export = export_files.statistics_export_request(
        snapshot=snapshot, fmt="pdf", public=False, by=None
    )
    assert export_files.statistics_export_render(export_id=export.pk) is True
    export.refresh_from_db()
    assert export.status == Status.READY
    assert render.call_count == 1


def test_the_command_draws_a_progress_bar(snapshot, render, tmp_path, capsys):
    output = tmp_path / "figures.xlsx"
    call_command("export_statistics", "--year", "2023", "--format", "xlsx", "--output", str(output))
    captured = capsys.readouterr()
    assert "Saving the spreadsheet" in captured.err and "step" in captured.err
    assert output.read_bytes()[:2] == b"PK"


def test_the_old_address_of_a_pdf_asks_for_it_once(
    reader, snapshot, render, django_capture_on_commit_callbacks
):
    url = reverse("analytics:snapshot-download", args=[2023, snapshot.version, "pdf"])
    with django_capture_on_commit_callbacks(execute=True):
        first = reader.get(url)
    export = StatisticsExport.objects.get()
    assert first["Location"] == _status_url(export)
    assert reader.get(url)["Location"] == _download_url(export)
    assert render.call_count == 1 and StatisticsExport.objects.count() == 1


@pytest.mark.parametrize("role", [Role.PARTNERSHIP_LEAD, Role.LA_USER])
def test_others_may_not_ask_see_or_download(client, make_user, snapshot, render, role):
    export = export_files.statistics_export_request(
        snapshot=snapshot, fmt="pdf", public=False, by=None
    )
    export_files.statistics_export_render(export_id=export.pk)
    client.force_login(make_user(role))
    assert _ask(client, snapshot).status_code == 403
    assert client.get(_status_url(export)).status_code == 403
    assert client.get(_download_url(export)).status_code == 403
    assert StatisticsExport.objects.count() == 1
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_an_export_of_another_version_or_a_failed_run_is_404(reader, snapshot, render):
    export = export_files.statistics_export_request(
        snapshot=snapshot, fmt="pdf", public=False, by=None
    )
    failed = StatisticsSnapshot.objects.create(
        year=2023, version=snapshot.version + 1, status="failed", error="Boom"
    )
    wrong = reverse("analytics:export-status", args=[2023, failed.version, export.pk])
    assert reader.get(wrong).status_code == 404
    assert _ask(reader, failed).status_code == 404
    missing = reverse("analytics:export-status", args=[2023, snapshot.version, export.pk + 99])
    assert reader.get(missing).status_code == 404


def test_an_unknown_format_is_not_asked_for(reader, snapshot):
    response = _ask(reader, snapshot, fmt="docx")
    assert response.status_code == 302 and response["Location"].endswith("#downloads")
    assert not StatisticsExport.objects.exists()


def test_a_ready_file_lost_from_storage_is_made_again(
    reader, snapshot, render, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _ask(reader, snapshot)
    export = StatisticsExport.objects.get()
    default_storage.delete(export.file_name)
    with django_capture_on_commit_callbacks(execute=True):
        response = reader.get(_download_url(export))
    assert response["Location"] == _status_url(export)
    export.refresh_from_db()
    assert export.status == Status.READY and default_storage.exists(export.file_name)
    assert render.call_count == 2


def test_the_year_page_links_public_files_at_the_current_threshold_only(
    reader, snapshot, render, settings
):
    """A public file made at another suppression threshold is not linked from the year page,
    which states the current one: the analyst is offered the file at the current threshold."""
    settings.STATISTICS_SUPPRESSION_THRESHOLD = 5
    current = export_files.statistics_export_request(
        snapshot=snapshot, fmt="pdf", public=True, by=None
    )
    export_files.statistics_export_render(export_id=current.pk)
    other = export_files.statistics_export_request(
        snapshot=snapshot, fmt="pdf", public=True, threshold=10, by=None
    )
    export_files.statistics_export_render(export_id=other.pk)
    assert {e.pk for e in export_files.statistics_export_list(snapshot=snapshot)} == {current.pk}
    page = reader.get(reverse("analytics:statistics-year", args=[2023])).content.decode()
    assert f'href="{_download_url(current)}"' in page
    assert f'href="{_download_url(other)}"' not in page
    # The threshold changes: the old public file is no longer offered, a new one may be asked.
    settings.STATISTICS_SUPPRESSION_THRESHOLD = 7
    assert not export_files.statistics_export_list(snapshot=snapshot).exists()
    page = reader.get(reverse("analytics:statistics-year", args=[2023])).content.decode()
    assert _download_url(current) not in page and _download_url(other) not in page


@pytest.mark.parametrize("outcome", ["ready", "failed"])
def test_a_worker_whose_claim_was_taken_over_records_nothing(snapshot, render, outcome):
    """A render that finishes (or fails) after another worker took its stale claim over leaves
    the other worker's export alone: neither ready nor failed, its claim and progress kept."""
    export = export_files.statistics_export_request(
        snapshot=snapshot, fmt="pdf", public=False, by=None
    )
    taken_over = timezone.now() + timedelta(minutes=11)

    def slow(html):
        # Meanwhile the claim went stale and another worker took it (and is at step 3).
        StatisticsExport.objects.filter(pk=export.pk).update(
            claimed_at=taken_over, progress_done=3, stage="Drawing table 4"
        )
        if outcome == "failed":
            raise RuntimeError("WeasyPrint ran out of memory")
        return FAKE_PDF

    render.side_effect = slow
    assert export_files.statistics_export_render(export_id=export.pk) is False
    export.refresh_from_db()
    assert export.status == Status.RENDERING and export.error == ""
    assert export.claimed_at == taken_over and export.finished_at is None
    assert (export.progress_done, export.stage) == (3, "Drawing table 4")


def test_a_task_delivered_again_during_a_live_claim_is_scheduled_for_when_it_goes_stale(
    snapshot, render
):
    """The worker died and Celery delivered the task again at once: the claim is still live,
    so the task is scheduled again for when it goes stale (then taken over), not dropped."""
    export = export_files.statistics_export_request(
        snapshot=snapshot, fmt="pdf", public=False, by=None
    )
    StatisticsExport.objects.filter(pk=export.pk).update(
        status=Status.RENDERING, claimed_at=timezone.now() - timedelta(minutes=4), attempts=1
    )
    with mock.patch("analytics.tasks.statistics_export_render_task.apply_async") as apply_async:
        assert export_files.statistics_export_render(export_id=export.pk) is False
    apply_async.assert_called_once()
    assert apply_async.call_args.kwargs["args"] == (export.pk,)
    assert 355 <= apply_async.call_args.kwargs["countdown"] <= 362  # six minutes, give or take
    assert render.call_count == 0
    # When it runs, the claim is stale: this worker takes it over and makes the file.
    StatisticsExport.objects.filter(pk=export.pk).update(
        claimed_at=timezone.now() - export_files.STALE_CLAIM - timedelta(seconds=1)
    )
    with mock.patch("analytics.tasks.statistics_export_render_task.apply_async") as apply_async:
        assert export_files.statistics_export_render(export_id=export.pk) is True
    assert apply_async.call_count == 0
    export.refresh_from_db()
    assert export.status == Status.READY and export.attempts == 2


def test_the_status_page_asks_again_for_an_export_whose_worker_died(reader, snapshot):
    export = export_files.statistics_export_request(
        snapshot=snapshot, fmt="pdf", public=False, by=None
    )
    StatisticsExport.objects.filter(pk=export.pk).update(
        status=Status.RENDERING,
        claimed_at=timezone.now() - export_files.STALE_CLAIM - timedelta(minutes=1),
        stage="Drawing table 4",
    )
    with mock.patch.object(export_files, "_queue") as queue:
        page = reader.get(_status_url(export)).content.decode()
    queue.assert_called_once_with(export.pk)
    export.refresh_from_db()
    assert export.status == Status.QUEUED and export.requested_by == reader.user
    assert "Your file is being prepared" in page and "Waiting for a worker to start." in page
    # A live claim is left alone.
    StatisticsExport.objects.filter(pk=export.pk).update(
        status=Status.RENDERING, claimed_at=timezone.now()
    )
    with mock.patch.object(export_files, "_queue") as queue:
        reader.get(_status_url(export))
    assert queue.call_count == 0
