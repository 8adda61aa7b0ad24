"""PDF and XLSX exports of a snapshot made on a worker (analytics.export_files), on the web:
asking for one (a POST), the page the analyst waits on (it refreshes itself while the file is
being made: no JavaScript needed), and the download. Whoever may read the statistics
(selectors.statistics_access_for, checked first) sees every export of a snapshot."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from safeguarding.downloads import safe_download
from safeguarding.files import size_label

from . import export_files, exports, selectors
from .models import StatisticsExport, StatisticsSnapshot

# Seconds between the waiting page's refreshes.
REFRESH_SECONDS = 3
PREPARE_LABELS = {"pdf": "Prepare the PDF", "xlsx": "Prepare the spreadsheet"}
PUBLIC_VALUES = frozenset({"1", "true", "yes"})


def export_status_url(export: StatisticsExport) -> str:
    snapshot = export.snapshot
    return reverse("analytics:export-status", args=(snapshot.year, snapshot.version, export.pk))


def export_download_url(export: StatisticsExport) -> str:
    snapshot = export.snapshot
    return reverse("analytics:export-download", args=(snapshot.year, snapshot.version, export.pk))


def _snapshot(year: int, version: int) -> StatisticsSnapshot:
    snapshot = selectors.snapshot_get(year=year, version=version)
    if not snapshot.succeeded:
        raise Http404("That run failed: it has no figures to export")
    return snapshot


def request_and_redirect(
    request: HttpRequest, *, snapshot: StatisticsSnapshot, fmt: str, public: bool
) -> HttpResponse:
    """Ask for the file (or find it), then show its page; straight to the file when ready."""
    export = export_files.statistics_export_request(
        snapshot=snapshot, fmt=fmt, public=public, by=request.user
    )
    if export.status == StatisticsExport.Status.READY:
        return redirect(export_download_url(export))
    return redirect(export_status_url(export))


@login_required
@require_POST
def export_request(request: HttpRequest, year: int, version: int) -> HttpResponse:
    """ "Prepare the PDF" / "Prepare the spreadsheet" (and "Try again"): a worker makes it."""
    selectors.statistics_access_for(user=request.user)
    snapshot = _snapshot(year, version)
    fmt = request.POST.get("format", "")
    if fmt not in exports.STORED_FORMATS:
        messages.error(request, "Choose the PDF or the spreadsheet to prepare.")
        return redirect(reverse("analytics:snapshot-detail", args=(year, version)) + "#downloads")
    public = request.POST.get("public", "").lower() in PUBLIC_VALUES
    export = export_files.statistics_export_request(
        snapshot=snapshot, fmt=fmt, public=public, by=request.user
    )
    return redirect(export_status_url(export))


@never_cache
@login_required
@require_GET
def export_status(request: HttpRequest, year: int, version: int, pk: int) -> HttpResponse:
    """The page the analyst waits on: progress while the file is made, then the download, or
    the error with "Try again"."""
    selectors.statistics_access_for(user=request.user)
    export = export_files.statistics_export_get(snapshot=_snapshot(year, version), pk=pk)
    if export_files.statistics_export_stale(export):  # its worker died: ask for it again
        again = export_files.statistics_export_request(
            snapshot=export.snapshot,
            fmt=export.format,
            public=export.public,
            threshold=export.threshold if export.public else None,
            by=request.user,
        )
        if again.pk != export.pk:  # made at an older layout: the current one's page
            return redirect(export_status_url(again))
        export = again
    return render(
        request,
        "analytics/export_status.html",
        {
            "export": export,
            "snapshot": export.snapshot,
            "financial_year": exports.financial_year(export.snapshot.year),
            "refresh_seconds": REFRESH_SECONDS if export.is_pending else None,
            "size": size_label(export.size) if export.size is not None else "",
            "filename": exports.snapshot_filename(
                export.snapshot, fmt=export.format, public=export.public
            ),
            "prepare_label": PREPARE_LABELS[export.format],
            "download_url": export_download_url(export),
            "year_url": reverse("analytics:snapshot-detail", args=(year, version)),
        },
    )


@never_cache
@login_required
@require_GET
def export_download(request: HttpRequest, year: int, version: int, pk: int) -> HttpResponse:
    """The stored file; every download is audited. Not ready yet: back to its page."""
    selectors.statistics_access_for(user=request.user)
    export = export_files.statistics_export_get(snapshot=_snapshot(year, version), pk=pk)
    try:
        download = export_files.statistics_export_open(export=export, by=request.user)
    except export_files.ExportError:
        if export.status == StatisticsExport.Status.READY:  # its stored file has gone
            export = export_files.statistics_export_request(
                snapshot=export.snapshot,
                fmt=export.format,
                public=export.public,
                threshold=export.threshold or None,
                by=request.user,
            )
        return redirect(export_status_url(export))
    return safe_download(download)


def download_links(snapshot: StatisticsSnapshot | None) -> list[dict]:
    """The year page's downloads of the snapshot, one row per format: CSV straight away; PDF
    and XLSX, for each audience, the file when ready, its page while being made, or a button
    to prepare it (again, when it failed)."""
    if snapshot is None or not snapshot.succeeded:
        return []
    made = {}
    for export in export_files.statistics_export_list(snapshot=snapshot):
        export.snapshot = snapshot
        made[(export.format, export.public)] = export
    args = (snapshot.year, snapshot.version)
    csv_url = reverse("analytics:snapshot-download", args=(*args, "csv"))
    rows = [
        {
            "format": "CSV",
            "cells": [
                {"public": False, "url": csv_url},
                {"public": True, "url": f"{csv_url}?public=1"},
            ],
        }
    ]
    request_url = reverse("analytics:export-request", args=args)
    for fmt in ("xlsx", "pdf"):  # the order the page has always listed them in
        cells = []
        for public in (False, True):
            export = made.get((fmt, public))
            cell = {
                "public": public,
                "export": export,
                "prepare": PREPARE_LABELS[fmt],
                "fmt": fmt,
                "request_url": request_url,
            }
            if export is not None and export.status == StatisticsExport.Status.READY:
                cell["url"] = export_download_url(export)
            elif export is not None:
                cell["status_url"] = export_status_url(export)
            cells.append(cell)
        rows.append({"format": StatisticsExport.Format(fmt).label, "cells": cells})
    return rows
