"""The annual figures' pages: form -> service -> redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize

from . import importer
from .forms import RecordsImportForm

# Problems listed on the page; the command lists every one.
PROBLEMS_SHOWN = 1_000


def _administrators_only(request: HttpRequest) -> None:
    if not request.user.is_administrator:
        raise PermissionDenied


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
            "columns": importer.COLUMNS,
        },
    )
