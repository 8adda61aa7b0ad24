"""Documents prepared on a worker (safeguarding.documents) on the web: the page its requester
waits on (it checks for itself, with JavaScript, until the document is ready; without, a
"Check again" link), its status for that check, trying a failed one again, and the download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import documents
from .downloads import safe_download
from .files import size_label
from .models import PreparedDocument


def document_url(document: PreparedDocument) -> str:
    return reverse("prepared-document", args=[document.pk])


def request_and_redirect(request: HttpRequest, *, kind: str, subject) -> HttpResponse:
    """For the apps' "Download ..." buttons (a POST): ask for the document, then show its page."""
    try:
        document = documents.document_request(kind=kind, subject=subject, by=request.user)
    except documents.DocumentOutOfReach as exc:
        raise Http404 from exc
    return redirect(document_url(document))


@never_cache
@login_required
@require_GET
def document_status_page(request: HttpRequest, pk: int) -> HttpResponse:
    document = documents.prepared_document_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "safeguarding/prepared_document.html",
        {
            "document": document,
            "size": size_label(document.size) if document.size is not None else "",
            "status_url": reverse("prepared-document-status", args=[document.pk]),
        },
    )


@never_cache
@login_required
@require_GET
def document_status(request: HttpRequest, pk: int) -> HttpResponse:
    """What the waiting page asks every few seconds."""
    document = documents.prepared_document_get_for_user(user=request.user, pk=pk)
    return JsonResponse({"status": document.status})


@login_required
@require_POST
def document_retry(request: HttpRequest, pk: int) -> HttpResponse:
    document = documents.prepared_document_get_for_user(user=request.user, pk=pk)
    try:
        documents.document_retry(document=document, by=request.user)
    except documents.DocumentOutOfReach as exc:
        raise Http404 from exc
    except documents.DocumentError as exc:
        messages.error(request, f"{exc}.")
    return redirect(document_url(document))


@never_cache
@login_required
@require_GET
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    document = documents.prepared_document_get_for_user(user=request.user, pk=pk)
    try:
        download = documents.document_download(document=document, by=request.user)
    except documents.DocumentOutOfReach as exc:
        raise Http404 from exc
    except documents.DocumentError:
        return redirect(document_url(document))
    return safe_download(download)
