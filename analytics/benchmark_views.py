"""The benchmarking page (issue 19, item 5): an area's figures beside its region's and
England's. Who may see which area: analytics.benchmarking, asked first by both views."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from safeguarding import policy
from safeguarding.audit import audit_read

from . import benchmarking, selectors
from .layout import table_layout
from .views import FIRST_YEAR, LAST_YEAR, financial_year


def _chosen(request: HttpRequest):
    """The area and the year asked for (the latest year with figures by default), and the
    years to choose from. Http404 for an area the user may not benchmark or a year that is
    not a reporting year."""
    policy.require(policy.can_benchmark(request.user))
    area = benchmarking.benchmark_area_for(request.user, request.GET.get("area", "").strip())
    years = benchmarking.benchmark_years()
    raw_year = request.GET.get("year", "").strip()
    if raw_year:
        # ASCII digits only: "²".isdigit() is true, but int("²") raises.
        if not (raw_year.isascii() and raw_year.isdecimal()) or not (
            FIRST_YEAR <= int(raw_year) <= LAST_YEAR
        ):
            raise Http404("Not a reporting year")
        year = int(raw_year)
    else:
        year = years[0] if years else None
    return area, year, years


@login_required
@require_GET
def benchmarking_page(request: HttpRequest) -> HttpResponse:
    """The chosen area's figures beside its region's and England's, for a reporting year."""
    area, year, years = _chosen(request)
    snapshot = selectors.snapshot_latest(year) if year is not None else None
    figures = None
    if area is not None and snapshot is not None:
        figures = benchmarking.benchmark_figures(area=area, snapshot=snapshot)
        # The figures of the area are a read of it (written when the page is served).
        audit_read(user=request.user, obj=area.obj)
    query = {"year": year} if year is not None else {}
    shown_years = sorted({*years, *([year] if year is not None else [])}, reverse=True)
    if area is not None:
        query["area"] = area.key
    return render(
        request,
        "analytics/benchmarking.html",
        {
            "area": area,
            "year": year,
            "financial_year": financial_year(year) if year is not None else "",
            "years": [(y, financial_year(y)) for y in shown_years],
            "area_groups": benchmarking.benchmark_areas_for(request.user),
            "chooses_area": benchmarking.picks_any_area(request.user),
            "snapshot": snapshot,
            "figures": figures,
            "layouts": [table_layout(table) for table in figures.tables] if figures else [],
            "download_url": (
                f"{reverse('analytics:benchmarking-download')}?{urlencode(query)}"
                if figures
                else ""
            ),
            "suppression_threshold": settings.STATISTICS_SUPPRESSION_THRESHOLD,
        },
    )


@login_required
@require_GET
def benchmarking_download(request: HttpRequest) -> HttpResponse:
    """What the page shows as CSV (audited); back to the page when there is nothing to
    download yet (no area chosen, no figures for the year)."""
    area, year, _years = _chosen(request)
    snapshot = selectors.snapshot_latest(year) if year is not None else None
    if area is None or snapshot is None:
        return redirect(f"{reverse('analytics:benchmarking')}?{request.GET.urlencode()}")
    figures = benchmarking.benchmark_figures(area=area, snapshot=snapshot)
    with transaction.atomic():
        export = benchmarking.benchmark_export(benchmark=figures, by=request.user)
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
