"""The service's own error pages (templates/404.html, 403.html, 500.html) under DEBUG too.

With DEBUG on (`make run`) Django answers a wrong address, a case out of the user's scope or a
crash with its technical debug page, which is not what users of the demo should see: a case of
another authority must look exactly like one that does not exist. This middleware, innermost
in settings.MIDDLEWARE, answers those with the same handlers Django uses when DEBUG is off.
DEBUG_TECHNICAL_ERRORS=1 brings the technical pages back for a developer who asks for them.
With DEBUG off it does nothing: Django already uses the handlers.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.core import signals
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.core.handlers.exception import get_exception_response
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, get_resolver, get_urlconf

logger = logging.getLogger("django.request")


def _service_pages_wanted() -> bool:
    return settings.DEBUG and not settings.DEBUG_TECHNICAL_ERRORS


class ServiceErrorPagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _service_pages_wanted():
            resolver = _resolver(request)
            try:
                resolver.resolve(request.path_info)
            except Resolver404 as exc:
                # Below CommonMiddleware, so a missing trailing slash is still redirected.
                return get_exception_response(request, resolver, 404, exc)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _service_pages_wanted():
            return None
        resolver = _resolver(request)
        for kinds, status in (
            (Http404, 404),
            (PermissionDenied, 403),
            ((SuspiciousOperation, BadRequest), 400),
        ):
            if isinstance(exception, kinds):
                return get_exception_response(request, resolver, status, exception)
        # A crash: told to the console (and got_request_exception's listeners) as Django
        # would, with the traceback, and answered with the service's page.
        signals.got_request_exception.send(sender=None, request=request)
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exception,
            extra={"status_code": 500, "request": request},
        )
        return resolver.resolve_error_handler(500)(request)


def _resolver(request: HttpRequest):
    return get_resolver(getattr(request, "urlconf", None) or get_urlconf())
