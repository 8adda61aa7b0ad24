"""The bench's baseline view, routed only when BENCH_VIEWS is on (never in production): a
response with no template and no query, through the same middleware as every page."""

from django.http import HttpRequest, HttpResponse


def minimal(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
