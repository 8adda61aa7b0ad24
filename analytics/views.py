"""The annual figures' pages: form -> service -> redirect."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from safeguarding import policy
from safeguarding.db_routers import replica_reads

from . import contents, display, exports, importer, pages, selectors, services
from .forms import RecordsImportForm
from .models import StatisticsSnapshot

logger = logging.getLogger(__name__)

# Problems listed on the page; the command lists every one.
PROBLEMS_SHOWN = 1_000


def _administrators_only(request: HttpRequest) -> None:
    policy.require(policy.can_manage_statistics(request.user))


def _summary(result: importer.ImportResult) -> str:
    if result.dry_run:
        return (
            f"{result.filename} is ready to import: {result.added:,} record(s) would be added, "
            f"{result.already_imported:,} already imported. Nothing has been imported yet."
        )
    return (
        f"Imported {result.filename}: {result.added:,} record(s) added, "
        f"{result.already_imported:,} already imported."
    )


@login_required
def records_import(request: HttpRequest) -> HttpResponse:
    """Upload historic records (administrators only). A file with problems is refused whole,
    with every problem listed; rows already imported that differ from their record are
    listed as warnings."""
    _administrators_only(request)
    posted = request.method == "POST"
    form = RecordsImportForm(request.POST, request.FILES) if posted else RecordsImportForm()
    result = None
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        result = importer.records_import(
            file=upload,
            filename=upload.name,
            by=request.user,
            dry_run=form.cleaned_data["dry_run"],
        )
        if result.errors:
            count = len(result.errors)
            form.add_error(
                "file",
                f"The file has {count:,} problem{pluralize(count)}: nothing was imported. "
                "Correct the rows listed below and upload it again",
            )
        elif not result.warnings and not result.dry_run:
            messages.success(request, _summary(result))
            return redirect("analytics:records-import")
    return render(
        request,
        "analytics/import.html",
        {
            "form": form,
            "result": result,
            "summary": _summary(result) if result and result.ok else "",
            "errors": result.errors[:PROBLEMS_SHOWN] if result else [],
            "more_errors": max(len(result.errors) - PROBLEMS_SHOWN, 0) if result else 0,
            "warnings": result.warnings[:PROBLEMS_SHOWN] if result else [],
            "columns": [c for c in importer.COLUMNS if c not in importer.OPTIONAL_COLUMNS],
            "optional_columns": importer.OPTIONAL_COLUMNS,
        },
    )


# --- The statistics pages ----------------------------------------------------------------------
# Administrators see everything and may recompute; the Panel reads. The rule is
# selectors.statistics_access_for, called first by every view below.

# Years a URL may name: anything else is not a reporting year (404).
FIRST_YEAR, LAST_YEAR = 2000, 2100
DOWNLOAD_FORMATS = [("csv", "CSV"), ("xlsx", "XLSX (Excel)"), ("pdf", "PDF")]


def financial_year(year: int) -> str:
    return f"{year} to {year + 1}"


def _reporting_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404("Not a reporting year")
    return year


def _download_links(snapshot: StatisticsSnapshot | None) -> list[dict]:
    """Links to the snapshot's exports, internal and public; none until the download view
    exists (or when there is no succeeded snapshot)."""
    if snapshot is None or not snapshot.succeeded:
        return []
    links = []
    for fmt, label in DOWNLOAD_FORMATS:
        try:
            url = reverse(
                "analytics:snapshot-download", args=(snapshot.year, snapshot.version, fmt)
            )
        except NoReverseMatch:
            return []
        links.append({"format": label, "internal": url, "public": f"{url}?public=1"})
    return links


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
        downloads.append({"format": label, "internal": url, "public": f"{url}?public=1"})
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
    """The year's latest figures beside the previous year's, table by table."""
    context = _year_context(request, _reporting_year(year))
    previous = selectors.snapshot_latest(year - 1)
    tables = []
    if context["snapshot"] is not None and previous is not None:
        tables = [
            display.table_compare(table, previous.table(table["id"]))
            for table in context["snapshot"].tables
        ]
    context |= {
        "previous": previous,
        "previous_financial_year": financial_year(year - 1),
        "compared": tables,
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


# --- Downloads of a snapshot ---------------------------------------------------------------------

PUBLIC_VALUES = frozenset({"1", "true", "yes"})


@login_required
def snapshot_download(request: HttpRequest, year: int, version: int, fmt: str) -> HttpResponse:
    """One version of the year's figures as CSV, XLSX or PDF, internal or (`?public=1`) with
    small numbers suppressed. Administrators and the Panel; every download is audited."""
    selectors.statistics_access_for(user=request.user)
    if fmt not in exports.FORMATS:
        raise Http404("No such export format")
    snapshot = selectors.snapshot_get(year=_reporting_year(year), version=version)
    if not snapshot.succeeded:
        raise Http404("That run failed: it has no figures to export")
    public = request.GET.get("public", "").lower() in PUBLIC_VALUES
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
    with transaction.atomic():
        export = exports.table_export(
            snapshot=snapshot, table_id=table_id, fmt=fmt, public=public, by=request.user
        )
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
