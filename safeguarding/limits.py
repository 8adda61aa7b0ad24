"""Requests that cannot exhaust the server: a body over the limit is refused from its
Content-Length, before anything reads it, and a form Django refuses to parse (too big, too
many fields or files) is answered with a page saying so, not a 500.

Pages answer 413 with a GOV.UK page; the API (/api/) answers 413 with `{"detail": ...}`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
    UnreadablePostError,
)
from django.shortcuts import render

API_PREFIX = "/api/"
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


# The API's file uploads (multipart): a SIN attachment, a message on a rapid review or an
# LCSPR with its files (panel.conversation_api), and an LCSPR's final report (lcsprs.api).
# They may send what a page may.
API_UPLOAD_PATH = re.compile(
    r"^/api/v1/(notifications/\d+/attachments|panel/(reviews|lcsprs)/\d+/messages"
    r"|lcsprs/\d+/final-report)/$"
)


# The upload page of historic records (analytics): a file of up to IMPORT_MAX_BYTES, which
# may be more than other pages take (100,000 rows are some 40 MB as CSV).
IMPORT_UPLOAD_PATH = "/statistics/import/"


def body_limit(request: HttpRequest) -> int:
    """The most a request to this path may send: files only in a multipart upload."""
    if request.path.startswith(API_PREFIX) and not (
        API_UPLOAD_PATH.match(request.path) and request.content_type == "multipart/form-data"
    ):
        return settings.API_MAX_BODY_BYTES
    if request.path == IMPORT_UPLOAD_PATH and request.content_type == "multipart/form-data":
        return max(settings.REQUEST_MAX_BODY_BYTES, settings.IMPORT_MAX_BYTES + 1024 * 1024)
    return settings.REQUEST_MAX_BODY_BYTES


def too_large(request: HttpRequest, message: str) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": message}, status=413)
    if not hasattr(request, "user"):
        request.user = AnonymousUser()  # the page's header asks; sign-in is not needed here
    return render(request, "413.html", {"message": message}, status=413)


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = body_limit(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads nothing of a body without a usable length
        if length > limit:
            return too_large(
                request,
                f"The request is too large: it is {_megabytes(length)} and the most this "
                f"service accepts is {_megabytes(limit)}",
            )
        if request.method == "POST" and request.content_type in FORM_TYPES:
            # Parse the form here (as the CSRF check would), so Django's own limits are
            # answered with a page rather than an error further in.
            try:
                request.POST  # noqa: B018
            except RequestDataTooBig:
                return too_large(
                    request,
                    "The form is too large: the most its answers (not counting files) may be "
                    f"is {_megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}",
                )
            except (TooManyFieldsSent, TooManyFilesSent):
                return too_large(request, "The form has too many fields or files")
            except UnreadablePostError:
                # The client went away mid-upload: nobody is waiting for the answer.
                return HttpResponseBadRequest("The request body could not be read")
        return self.get_response(request)


# --- Ids in query strings and forms --------------------------------------------------------
_ID = re.compile(r"[0-9]{1,19}")
ID_MAX = 2**63 - 1  # PostgreSQL's bigint


def id_or_none(value: object) -> int | None:
    """An id typed into a query string or a form field: ASCII digits that fit the database's
    bigint, else None (never a ValueError from "²", whose isdigit() is true, nor a database
    error from a number too large for the column)."""
    text = str(value if value is not None else "").strip()
    if not _ID.fullmatch(text):
        return None
    number = int(text)
    return number if 0 < number <= ID_MAX else None


# --- Free text --------------------------------------------------------------------------------
# The most characters a free-text answer may have, on the web forms (with GOV.UK's character
# count) and in the API alike: enough for any real answer, and a cap on what one request can
# make the service store, index and render into a PDF.
NARRATIVE_MAX_CHARS = 10_000  # a SIN's summary, a review's narrative, the Panel's reasons
REASON_MAX_CHARS = 2_000  # why something was late, changed, reopened, extended or decided
LETTER_MAX_CHARS = 20_000  # the text of a response letter


def too_long_message(maximum: int) -> str:
    return f"Enter {maximum:,} characters or fewer"
