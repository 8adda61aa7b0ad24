"""The annual figures' pages: form -> service -> redirect."""

import logging
from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from safeguarding.db_routers import replica_reads

from . import (
    contents,
    data_quality,
    display,
    export_views,
    exports,
    import_jobs,
    importer,
    pages,
    selectors,
    services,
)
from .forms import RecordsImportForm
from .layout import NOT_AVAILABLE_NOTE, table_layout
from .models import StatisticsSnapshot

logger = logging.getLogger(__name__)

# Problems (and warnings) a page of an import's result lists; every one is on some page.
PROBLEMS_PER_PAGE = 500
# Warnings listed on an import's page (the command lists every one; the job keeps them all).
WARNINGS_SHOWN = 1_000
# Recent imports listed on the upload page.
RECENT_IMPORTS = 10


def _summary(job) -> str:
    if job.dry_run:
        return (
            f"{job.filename} is ready to import: {job.added:,} record(s) would be added, "
            f"{job.already_imported:,} already imported. Nothing has been imported yet."
        )
    return (
        f"Imported {job.filename}: {job.added:,} record(s) added, "
        f"{job.already_imported:,} already imported."
    )


def _import_form_page(request: HttpRequest, form: RecordsImportForm, status: int = 200):
    return render(
        request,
        "analytics/import.html",
        {
            "form": form,
            "jobs": import_jobs.records_import_job_list_for_user(user=request.user)[
                :RECENT_IMPORTS
            ],
            "columns": [c for c in importer.COLUMNS if c not in importer.OPTIONAL_COLUMNS],
            "optional_columns": importer.OPTIONAL_COLUMNS,
            "max_rows": settings.IMPORT_MAX_ROWS,
        },
        status=status,
    )


@login_required
def records_import(request: HttpRequest) -> HttpResponse:
    """Upload historic records (administrators only): the file is kept and imported on a
    worker; the upload goes to the import's page, which shows its progress and its result."""
    import_jobs.records_import_job_list_for_user(user=request.user)  # administrators only
    if request.method != "POST":
        return _import_form_page(request, RecordsImportForm())
    form = RecordsImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_form_page(request, form)
    upload = form.cleaned_data["file"]
    job = import_jobs.records_import_job_create(
        upload=upload, filename=upload.name, dry_run=form.cleaned_data["dry_run"], by=request.user
    )
    return redirect("analytics:records-import-job", pk=job.pk)


def _problems_page(request: HttpRequest, entries: list, param: str) -> SimpleNamespace | None:
    """One page of a long list of problems, with GOV.UK pagination (includes/pagination.html
    reads `listing`)."""
    if not entries:
        return None
    paginator = Paginator(entries, PROBLEMS_PER_PAGE)
    page = paginator.get_page(request.GET.get(param))
    others = request.GET.copy()
    others.pop(param, None)
    return SimpleNamespace(
        page=page,
        problems=import_jobs.problems_of(page.object_list),
        page_links=list(paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)),
        querystring=others.urlencode(),
        count_shown=f"{paginator.count:,}",
        count=paginator.count,
    )


@never_cache
@login_required
def records_import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """An import's page: while it runs, its progress (the page reloads itself); then its
    result, with every problem (a page at a time) and every warning."""
    job = import_jobs.records_import_job_get_for_user(user=request.user, pk=pk)
    progress = import_jobs.records_import_job_progress(job)
    problems = _problems_page(request, job.problems, "page") if job.problems else None
    return render(
        request,
        "analytics/import_job.html",
        {
            "job": job,
            "progress": progress,
            "stale": import_jobs.records_import_job_stale(job),
            "summary": _summary(job) if job.status == job.Status.SUCCEEDED else "",
            "listing": problems,
            "first_problems": import_jobs.problems_of(job.problems[:10]),
            "warnings": import_jobs.problems_of(job.warnings[:WARNINGS_SHOWN]),
            "warnings_count": len(job.warnings),
            "more_warnings": max(len(job.warnings) - WARNINGS_SHOWN, 0),
        },
    )


@login_required
@require_POST
def records_import_job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Try an import that failed, or whose worker died, again (administrators only)."""
    job = import_jobs.records_import_job_get_for_user(user=request.user, pk=pk)
    try:
        import_jobs.records_import_job_retry(job=job, by=request.user)
    except import_jobs.ImportJobError as exc:
        messages.error(request, f"{exc}.")
    return redirect("analytics:records-import-job", pk=job.pk)


# --- The statistics pages ----------------------------------------------------------------------
# Administrators see everything and may recompute; the Panel reads. The rule is
# selectors.statistics_access_for, called first by every view below.

# Years a URL may name: anything else is not a reporting year (404).
FIRST_YEAR, LAST_YEAR = 2000, 2100


def financial_year(year: int) -> str:
    return f"{year} to {year + 1}"


def _reporting_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404("Not a reporting year")
    return year


def _download_links(snapshot: StatisticsSnapshot | None) -> list[dict]:
    """The snapshot's downloads: CSV straight away, PDF and XLSX made on a worker."""
    return export_views.download_links(snapshot)


def _failed_run(year: int, latest: StatisticsSnapshot | None) -> StatisticsSnapshot | None:
    """The newest run if it failed after the snapshot shown (so its error is news)."""
    run = selectors.snapshot_latest_run(year)
    if run is None or run.succeeded or (latest and run.version < latest.version):
        return None
    return run


def _year_context(request: HttpRequest, year: int) -> dict:
    access = selectors.statistics_access_for(user=request.user)
    latest = selectors.snapshot_latest(year)
    failed_run = _failed_run(year, latest)
    return {
        "year": year,
        "financial_year": financial_year(year),
        "access": access,
        "snapshot": latest,
        "inputs": display.input_count_rows(latest.input_counts) if latest else [],
        "failed_run": failed_run,
        # The error's first line; the traceback is on the failed version's page.
        "failed_error": failed_run.error.strip().splitlines()[0] if failed_run else "",
        "downloads": _download_links(latest),
        "suppression_threshold": settings.STATISTICS_SUPPRESSION_THRESHOLD,
    }


@login_required
@replica_reads()  # read-only: the replica when there is one
def statistics_index(request: HttpRequest) -> HttpResponse:
    """Choose a reporting year; the year's latest figures: version, time, inputs, contents."""
    selectors.statistics_access_for(user=request.user)
    years = selectors.statistics_years()
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = next((y for y in years if selectors.snapshot_latest(y)), years[0])
    year = _reporting_year(year)
    context = _year_context(request, year)
    context["years"] = [(y, financial_year(y)) for y in sorted({*years, year}, reverse=True)]
    return render(request, "analytics/statistics_index.html", context)


def _snapshot_page(request: HttpRequest, snapshot: StatisticsSnapshot | None, context: dict):
    # The contents: the snapshot's tables by chapter, each with its headline figure and a link
    # to its page (analytics.contents). Nothing is drawn here.
    chapters = []
    if snapshot is not None and snapshot.succeeded:
        chapters = contents.snapshot_contents(snapshot.tables)
    context |= {"shown": snapshot, "chapters": chapters, "downloads": _download_links(snapshot)}
    return render(request, "analytics/statistics_year.html", context)


@login_required
@replica_reads()  # read-only: the replica when there is one
def statistics_year(request: HttpRequest, year: int) -> HttpResponse:
    """The contents of the year's latest snapshot: its tables by chapter, with their headline
    figures, each linking to its own page."""
    context = _year_context(request, _reporting_year(year))
    return _snapshot_page(request, context["snapshot"], context)


@login_required
@replica_reads()  # read-only: the replica when there is one
def snapshot_detail(request: HttpRequest, year: int, version: int) -> HttpResponse:
    """One version of the year's figures, as it was computed (a failed run shows its error)."""
    context = _year_context(request, _reporting_year(year))
    snapshot = selectors.snapshot_get(year=year, version=version)
    context["is_old_version"] = snapshot != context["snapshot"]
    context["version_links"] = True  # the contents link to this version's tables
    return _snapshot_page(request, snapshot, context)


# Per-table downloads: the formats that hold one table (the PDF is the whole document).
TABLE_DOWNLOAD_FORMATS = [("csv", "CSV"), ("xlsx", "XLSX (Excel)")]


def _table_url(snapshot: StatisticsSnapshot, table_id: str, *, latest: bool) -> str:
    if latest:
        return reverse("analytics:statistics-table", args=(snapshot.year, table_id))
    return reverse("analytics:snapshot-table", args=(snapshot.year, snapshot.version, table_id))


def _table_page(
    request: HttpRequest, snapshot: StatisticsSnapshot, table_id: str, context, *, latest: bool
):
    """A table's own page: its chart, data and notes (rendered once, analytics.pages), where
    it is in the report, the tables before and after it, and downloads of it alone. `latest`:
    reached as the year's latest figures (links stay there), else as a version's."""
    table = snapshot.table(table_id) if snapshot.succeeded else None
    if table is None:
        raise Http404("No such table in these figures")
    neighbours = contents.table_neighbours(snapshot.tables, table_id)
    downloads = []
    for fmt, label in TABLE_DOWNLOAD_FORMATS:
        url = reverse(
            "analytics:snapshot-table-download",
            args=(snapshot.year, snapshot.version, table_id, fmt),
        )
        # An internal-only table (the data quality by partnership) has no public file.
        public_url = "" if table.get("internal") else f"{url}?public=1"
        downloads.append({"format": label, "internal": url, "public": public_url})
    context |= {
        "shown": snapshot,
        "table": table,
        "chapter": contents.chapter_of(table),
        "headline": contents.headline(table),
        "report_reference": contents.report_reference(table, snapshot.year),
        "rendered": pages.snapshot_table(snapshot, table_id, public=False),
        "previous_table": neighbours.previous,
        "next_table": neighbours.next,
        "previous_url": neighbours.previous
        and _table_url(snapshot, neighbours.previous.id, latest=latest),
        "next_url": neighbours.next and _table_url(snapshot, neighbours.next.id, latest=latest),
        "contents_url": reverse("analytics:statistics-year", args=(snapshot.year,))
        if latest
        else reverse("analytics:snapshot-detail", args=(snapshot.year, snapshot.version)),
        "table_downloads": downloads,
        "by_version": not latest,
        "latest_has_table": context["snapshot"] is not None
        and context["snapshot"].table(table_id) is not None,
    }
    return render(request, "analytics/statistics_table.html", context)


@login_required
@replica_reads()  # read-only: the replica when there is one
def statistics_table(request: HttpRequest, year: int, table_id: str) -> HttpResponse:
    """One table of the year's latest snapshot, on a page of its own (404 if none)."""
    context = _year_context(request, _reporting_year(year))
    if context["snapshot"] is None:
        raise Http404("The year's figures have not been computed")
    return _table_page(request, context["snapshot"], table_id, context, latest=True)


@login_required
@replica_reads()  # read-only: the replica when there is one
def snapshot_table(request: HttpRequest, year: int, version: int, table_id: str) -> HttpResponse:
    """One table of one version of the year's figures, on a page of its own."""
    context = _year_context(request, _reporting_year(year))
    snapshot = selectors.snapshot_get(year=year, version=version)
    context["is_old_version"] = snapshot != context["snapshot"]
    return _table_page(request, snapshot, table_id, context, latest=False)


@login_required
@replica_reads()  # read-only: the replica when there is one
def snapshot_list(request: HttpRequest, year: int) -> HttpResponse:
    """Every run of the year, newest first."""
    context = _year_context(request, _reporting_year(year))
    context["runs"] = selectors.snapshot_list(year)
    return render(request, "analytics/snapshot_list.html", context)


@login_required
@replica_reads()  # read-only: the replica when there is one
def statistics_compare(request: HttpRequest, year: int) -> HttpResponse:
    """The year's latest figures beside the previous year's, table by table; without figures
    for the previous year, its side is `x` (not available), never 0."""
    context = _year_context(request, _reporting_year(year))
    previous = selectors.snapshot_latest(year - 1)
    tables = []
    if context["snapshot"] is not None:
        tables = [
            display.table_compare(table, previous.table(table["id"]) if previous else None)
            for table in context["snapshot"].tables
        ]
    context |= {
        "previous": previous,
        "previous_financial_year": financial_year(year - 1),
        "compared": tables,
        "not_available_note": NOT_AVAILABLE_NOTE,
    }
    return render(request, "analytics/statistics_compare.html", context)


@login_required
@require_POST
def statistics_recompute(request: HttpRequest, year: int) -> HttpResponse:
    """Recompute the year's figures as a new version (administrators only)."""
    selectors.statistics_access_for(user=request.user, write=True)
    year = _reporting_year(year)
    fy = financial_year(year)
    outcome = services.statistics_recompute_request(year=year, by=request.user)
    if outcome.failed:
        messages.error(request, f"Recomputing {fy} failed: the error is shown below.")
    elif outcome.version:
        messages.success(request, f"Recomputed {fy}: version {outcome.version} is shown below.")
    else:
        messages.success(
            request, f"Recomputing {fy}: the new version will appear when it is ready."
        )
    return redirect(f"{reverse('analytics:statistics-index')}?year={year}")


@login_required
@replica_reads()  # read-only: the replica when there is one
def statistics_data_quality(request: HttpRequest, year: int) -> HttpResponse:
    """Which partnerships leave the most unrecorded (worst first, by the characteristic
    chosen), and the Panel's feedback on the reviews' quality: from the year's latest
    snapshot, never from the records. Administrators and the Panel."""
    context = _year_context(request, _reporting_year(year))
    snapshot = context["snapshot"]
    partnerships = snapshot.table(data_quality.PARTNERSHIPS_TABLE) if snapshot else None
    feedback = snapshot.table(data_quality.FEEDBACK_TABLE) if snapshot else None
    ranking = None
    if partnerships is not None:
        ranking = data_quality.partnerships_ranked(
            partnerships, characteristic=request.GET.get("characteristic", "")
        )
    context |= {
        "partnerships": partnerships,
        "ranking": ranking,
        "feedback": table_layout(feedback) if feedback else None,
        "shown": snapshot,
        "characteristics_table": data_quality.CHARACTERISTICS_TABLE,
    }
    return render(request, "analytics/statistics_data_quality.html", context)


# --- Downloads of a snapshot ---------------------------------------------------------------------

PUBLIC_VALUES = frozenset({"1", "true", "yes"})


@login_required
def snapshot_download(request: HttpRequest, year: int, version: int, fmt: str) -> HttpResponse:
    """One version of the year's figures as CSV, internal or (`?public=1`) with small numbers
    suppressed, made in the request. Administrators and the Panel; every download is audited.

    PDF and XLSX are made on a worker (analytics.export_files): this address, kept for links
    made before, sends to the stored file when it is ready, else asks for it (once: asking
    again finds the same export, so a repeated GET never makes a second file) and sends to the
    page that shows its progress."""
    selectors.statistics_access_for(user=request.user)
    if fmt not in exports.FORMATS:
        raise Http404("No such export format")
    snapshot = selectors.snapshot_get(year=_reporting_year(year), version=version)
    if not snapshot.succeeded:
        raise Http404("That run failed: it has no figures to export")
    public = request.GET.get("public", "").lower() in PUBLIC_VALUES
    if fmt in exports.STORED_FORMATS:
        return export_views.request_and_redirect(request, snapshot=snapshot, fmt=fmt, public=public)
    with transaction.atomic():
        export = exports.snapshot_export(snapshot=snapshot, fmt=fmt, public=public, by=request.user)
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def snapshot_table_download(
    request: HttpRequest, year: int, version: int, table_id: str, fmt: str
) -> HttpResponse:
    """One table of one version as CSV or XLSX, internal or (`?public=1`) with small numbers
    suppressed. Administrators and the Panel; every download is audited."""
    selectors.statistics_access_for(user=request.user)
    if fmt not in exports.TABLE_FORMATS:
        raise Http404("No such export format")
    snapshot = selectors.snapshot_get(year=_reporting_year(year), version=version)
    if not snapshot.succeeded or snapshot.table(table_id) is None:
        raise Http404("No such table in these figures")
    public = request.GET.get("public", "").lower() in PUBLIC_VALUES
    if public and snapshot.table(table_id).get("internal"):
        raise Http404("This table is internal only: it has no public version")
    with transaction.atomic():
        export = exports.table_export(
            snapshot=snapshot, table_id=table_id, fmt=fmt, public=public, by=request.user
        )
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
