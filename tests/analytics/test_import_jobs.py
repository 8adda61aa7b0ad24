"""Imports uploaded on the web run on a worker (issue 19, item 1; analytics.import_jobs): the
upload leads to the import's page, which refreshes itself and shows progress while it runs and
then the result with every problem (a page at a time); all or nothing; progress is visible
from outside the import's transaction; a failure can be tried again; administrators only; the
retention schedule deletes old imports. Tasks run eagerly, once the upload has committed."""

from __future__ import annotations

import threading
from contextlib import suppress
from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import analytics.importer
from analytics import import_jobs, views
from analytics.models import RecordsImportJob
from notifications.models import Notification
from safeguarding.codes import Role
from safeguarding.models import AuditEvent
from safeguarding.retention import retention_apply
from safeguarding.services import reference_data_load

from .import_data import synthetic_csv_bytes
from .test_import import csv_file, death_of_looked_after_child, other_incident_without_review

URL = "/statistics/import/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMINISTRATOR)


@pytest.fixture
def rows(leeds):
    return [death_of_looked_after_child(leeds.name), other_incident_without_review(leeds.ons_code)]


def upload(rows, name: str = "historic.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_file(rows).getvalue(), content_type="text/csv")


@pytest.fixture
def post_import(client, django_capture_on_commit_callbacks):
    def post(data):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(URL, data)
        assert response.status_code == 302, response.status_code
        job = RecordsImportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
        return job, client.get(response["Location"])

    return post


def test_an_upload_is_imported_on_the_worker_and_its_page_shows_the_result(
    client, admin, rows, post_import
):
    client.force_login(admin)

    job, page = post_import({"file": upload(rows)})

    job.refresh_from_db()
    assert job.status == RecordsImportJob.Status.SUCCEEDED
    assert (job.rows_total, job.rows_checked, job.added, job.already_imported) == (2, 2, 2, 0)
    assert job.requested_by == admin and job.finished_at is not None
    assert not job.file  # deleted once the import has finished
    assert Notification.objects.filter(created_by=admin).count() == 2
    text = page.content.decode()
    assert "Imported historic.csv: 2 record(s) added, 0 already imported." in text
    assert "export-status.js" not in text  # finished: the page no longer asks again
    # The upload and the import are both in the audit trail.
    assert AuditEvent.objects.filter(message="Uploaded historic.csv to import").exists()
    assert AuditEvent.objects.filter(message="Historic records imported from historic.csv").exists()


def test_one_bad_row_imports_nothing_and_every_problem_is_listed_a_page_at_a_time(
    client, admin, rows, post_import, monkeypatch
):
    monkeypatch.setattr(views, "PROBLEMS_PER_PAGE", 2)
    client.force_login(admin)
    bad = [
        rows[0],
        {**rows[1], "reason": "murder", "sex": "unknown"},
        {**rows[1], "incident_date": "31/02/2023"},
    ]

    job, page = post_import({"file": upload(bad)})

    job.refresh_from_db()
    assert job.status == RecordsImportJob.Status.REFUSED
    assert not Notification.objects.exists()  # all or nothing: not even the good first row
    assert [entry[:2] for entry in job.problems] == [
        [3, "reason"],
        [3, "sex"],
        [4, "incident_date"],
    ]
    text = page.content.decode()
    assert "<title>Error:" in text and "govuk-error-summary" in text
    assert "The file has 3 problems: nothing was imported" in text
    assert "Row 3, column reason: Enter one of: death, serious_harm, other" in text
    first = text.split('id="import-problems"')[1]
    assert "murder" in first and "31/02/2023" not in first
    assert "govuk-pagination" in first
    second = client.get(f"{page.wsgi_request.path}?page=2").content.decode()
    table = second.split('id="import-problems"')[1]
    assert "31/02/2023" in table and "murder" not in table


def test_a_dry_run_checks_the_file_on_the_worker_and_imports_nothing(
    client, admin, rows, post_import
):
    client.force_login(admin)

    job, page = post_import({"file": upload(rows), "dry_run": "on"})

    job.refresh_from_db()
    assert job.status == RecordsImportJob.Status.SUCCEEDED and job.dry_run and job.added == 2
    assert not Notification.objects.exists()
    assert "historic.csv is ready to import: 2 record(s) would be added" in page.content.decode()


def test_an_unknown_column_is_a_warning_on_the_page_and_the_rows_are_imported(
    client, admin, rows, post_import
):
    client.force_login(admin)
    data = [{**row, "case_worker_notes": "from the old system"} for row in rows]

    job, page = post_import({"file": upload(data)})

    job.refresh_from_db()
    assert job.status == RecordsImportJob.Status.SUCCEEDED and job.added == 2
    assert job.warnings == [
        [
            1,
            "case_worker_notes",
            "case_worker_notes",
            "Unknown column case_worker_notes: it was ignored",
        ]
    ]
    table = page.content.decode().split('id="import-warnings"')[1]
    assert "Unknown column case_worker_notes: it was ignored" in table


def test_the_page_of_a_running_import_refreshes_and_shows_its_progress_from_the_cache(
    client, admin
):
    job = RecordsImportJob.objects.create(
        filename="big.csv",
        requested_by=admin,
        status=RecordsImportJob.Status.CHECKING,
        rows_total=100_000,
    )
    import_jobs._tell(
        job.pk, 100_000, analytics.importer.ImportProgress("checking", 40_000, 39_000, 0)
    )
    client.force_login(admin)

    text = client.get(reverse("analytics:records-import-job", args=[job.pk])).content.decode()

    # It asks for itself again by script (a <meta> refresh fails WCAG 2.2.1), updating the
    # progress in place.
    assert 'http-equiv="refresh"' not in text
    assert "export-status.js" in text
    assert 'data-pending="queued checking importing"' in text
    assert "Checked 40,000 of 100,000 rows" in text
    assert (
        '<progress id="import-progress" data-export-progress="bar" max="100000" value="40000">'
        "40%</progress>"
    ) in text
    assert 'label class="govuk-label" for="import-progress"' in text


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_outside_the_import_transaction_while_it_runs(monkeypatch):
    """While the import's transaction is open, another connection (another request) sees the
    job checking with rows counted, and none of the records written so far."""
    reference_data_load()  # a transactional test may have emptied them
    from safeguarding.models import LocalAuthority
    from tests.factories import FACTORY_FOR_ROLE

    admin = FACTORY_FOR_ROLE[Role.ADMINISTRATOR]()
    codes = list(LocalAuthority.objects.order_by("ons_code").values_list("ons_code", flat=True))
    data = synthetic_csv_bytes(6, codes)
    monkeypatch.setattr(analytics.importer, "PROGRESS_ROWS", 2)
    monkeypatch.setattr(analytics.importer, "CHUNK_ROWS", 2)
    monkeypatch.setattr(import_jobs, "_queue", lambda job_id: None)  # run below, by hand
    job = import_jobs.records_import_job_create(
        upload=data, filename="six.csv", dry_run=False, by=admin
    )
    seen: list[tuple] = []
    told = import_jobs._tell

    def outside():
        try:
            client = Client()
            client.force_login(admin)
            page = client.get(reverse("analytics:records-import-job", args=[job.pk]))
            status = RecordsImportJob.objects.get(pk=job.pk).status
            seen.append((page.content.decode(), status, Notification.objects.count()))
        finally:
            connection.close()

    def tell_and_look(job_id, rows_total, progress):
        told(job_id, rows_total, progress)
        if progress.rows_checked == 4 and progress.phase == "checking" and not seen:
            thread = threading.Thread(target=outside)
            thread.start()
            thread.join(30)

    monkeypatch.setattr(import_jobs, "_tell", tell_and_look)

    assert import_jobs.records_import_job_run(job_id=job.pk)

    [(text, status, notifications)] = seen
    assert status == RecordsImportJob.Status.CHECKING
    assert "Checked 4 of 6 rows" in text and "export-status.js" in text
    assert notifications == 0  # written in the import's transaction, not yet committed
    job.refresh_from_db()
    assert job.status == RecordsImportJob.Status.SUCCEEDED and job.added == 6
    assert Notification.objects.count() == 6


def test_a_failed_import_keeps_its_file_and_can_be_tried_again(
    client, admin, rows, monkeypatch, django_capture_on_commit_callbacks
):
    real = analytics.importer.records_import

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(analytics.importer, "records_import", broken)
    client.force_login(admin)
    # The worker's error reaches the task (which retries transient ones), not the page.
    with suppress(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"file": upload(rows)})
    job = RecordsImportJob.objects.get()
    assert job.status == RecordsImportJob.Status.FAILED and job.file
    page = client.get(reverse("analytics:records-import-job", args=[job.pk])).content.decode()
    assert "The import could not be finished" in page and "Try again" in page

    monkeypatch.setattr(analytics.importer, "records_import", real)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("analytics:records-import-job-retry", args=[job.pk]))

    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == RecordsImportJob.Status.SUCCEEDED and job.attempts == 2
    assert Notification.objects.count() == 2 and not job.file


def test_running_the_task_twice_imports_once(admin, rows, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = import_jobs.records_import_job_create(
            upload=csv_file(rows), filename="h.csv", dry_run=False, by=admin
        )

    assert not import_jobs.records_import_job_run(job_id=job.pk)  # finished: left alone
    assert Notification.objects.count() == 2


@pytest.mark.parametrize(
    "role", [Role.LA_USER, Role.PARTNERSHIP_LEAD, Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT]
)
def test_only_administrators_see_imports(client, make_user, admin, role):
    job = RecordsImportJob.objects.create(filename="a.csv", requested_by=admin)
    client.force_login(make_user(role))

    assert client.get(reverse("analytics:records-import-job", args=[job.pk])).status_code == 403
    retry = reverse("analytics:records-import-job-retry", args=[job.pk])
    assert client.post(retry).status_code == 403


def test_another_administrator_follows_an_import_and_a_missing_one_is_404(client, make_user, admin):
    job = RecordsImportJob.objects.create(filename="a.csv", requested_by=admin)
    client.force_login(make_user(Role.ADMINISTRATOR))

    assert client.get(reverse("analytics:records-import-job", args=[job.pk])).status_code == 200
    assert client.get(reverse("analytics:records-import-job", args=[job.pk + 1])).status_code == 404
    listed = client.get(URL).content.decode().split('id="recent-imports"')[1]
    assert "a.csv" in listed


def test_the_retention_schedule_deletes_old_imports(
    admin, rows, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = import_jobs.records_import_job_create(
            upload=csv_file(rows), filename="h.csv", dry_run=True, by=admin
        )
    retention_apply(now=timezone.now() + timedelta(days=29))
    assert RecordsImportJob.objects.filter(pk=job.pk).exists()

    retention_apply(now=timezone.now() + timedelta(days=31))

    assert not RecordsImportJob.objects.filter(pk=job.pk).exists()


def test_the_upload_page_alone_may_send_a_file_up_to_the_import_limit(
    client, admin, settings, django_capture_on_commit_callbacks
):
    """100,000 rows are some 40 MB as CSV: more than other pages may send (a 413 there)."""
    settings.REQUEST_MAX_BODY_BYTES = 1_000
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    client.force_login(admin)
    big = SimpleUploadedFile("big.csv", b"local_authority\n" + b"Leeds\n" * 400)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"file": big})

    assert response.status_code == 302  # taken, and refused by the importer on its page
    elsewhere = client.generic(
        "POST", "/sign-in/", b"x" * 1_001, content_type="application/x-www-form-urlencoded"
    )
    assert elsewhere.status_code == 413


def test_a_task_delivered_again_during_a_live_claim_is_scheduled_for_when_it_goes_stale(
    admin, rows, monkeypatch
):
    """The worker died and Celery delivered the task again at once: the claim is still live,
    so the task is scheduled again for when it goes stale, not dropped."""
    monkeypatch.setattr(import_jobs, "_queue", lambda job_id: None)
    job = import_jobs.records_import_job_create(
        upload=csv_file(rows), filename="h.csv", dry_run=False, by=admin
    )
    RecordsImportJob.objects.filter(pk=job.pk).update(
        status=RecordsImportJob.Status.CHECKING,
        started_at=timezone.now() - timedelta(minutes=20),
        attempts=1,
    )
    with mock.patch("analytics.tasks.records_import_job_run_task.apply_async") as apply_async:
        assert not import_jobs.records_import_job_run(job_id=job.pk)
    apply_async.assert_called_once()
    assert apply_async.call_args.kwargs["args"] == (job.pk,)
    assert 595 <= apply_async.call_args.kwargs["countdown"] <= 602  # ten minutes, give or take
    assert Notification.objects.count() == 0
    # When it runs, the claim is stale: it is taken over and the file imported.
    RecordsImportJob.objects.filter(pk=job.pk).update(
        started_at=timezone.now() - import_jobs.STALE_CLAIM - timedelta(seconds=1)
    )
    with mock.patch("analytics.tasks.records_import_job_run_task.apply_async") as apply_async:
        assert import_jobs.records_import_job_run(job_id=job.pk)
    assert apply_async.call_count == 0
    job.refresh_from_db()
    assert job.status == RecordsImportJob.Status.SUCCEEDED and job.attempts == 2
    assert Notification.objects.count() == 2


def test_an_import_whose_worker_died_can_be_tried_again_from_its_page(
    client, admin, rows, django_capture_on_commit_callbacks
):
    with mock.patch.object(import_jobs, "_queue"):  # its worker died: run by "Try again"
        job = import_jobs.records_import_job_create(
            upload=csv_file(rows), filename="h.csv", dry_run=False, by=admin
        )
    page_url = reverse("analytics:records-import-job", args=[job.pk])
    retry = reverse("analytics:records-import-job-retry", args=[job.pk])
    client.force_login(admin)
    # A live claim: no "Try again", and asking anyway is refused.
    RecordsImportJob.objects.filter(pk=job.pk).update(
        status=RecordsImportJob.Status.IMPORTING, started_at=timezone.now()
    )
    assert "Try again" not in client.get(page_url).content.decode()
    client.post(retry)
    job.refresh_from_db()
    assert job.status == RecordsImportJob.Status.IMPORTING
    # The claim is older than its stale limit: the page offers "Try again", which imports it.
    RecordsImportJob.objects.filter(pk=job.pk).update(
        started_at=timezone.now() - import_jobs.STALE_CLAIM - timedelta(minutes=1)
    )
    response = client.get(page_url)
    text = response.content.decode()
    assert response.status_code == 200, (response.status_code, response.headers)
    assert "the worker running it may have stopped" in text and "Try again" in text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry)
    assert response.status_code == 302 and response["Location"] == page_url
    job.refresh_from_db()
    assert job.status == RecordsImportJob.Status.SUCCEEDED and job.attempts == 1
    assert Notification.objects.count() == 2
    assert AuditEvent.objects.filter(
        message="Asked to try the import of h.csv again", changes__status=["importing", "queued"]
    ).exists()
