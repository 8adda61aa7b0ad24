"""Response headers Django and django-csp do not send: Permissions-Policy on every response,
and `Cache-Control: no-store, private` on every response to a signed-in person (pages and API
alike), so nothing about a child is kept by the browser's or a shared cache. Static files are
served by WhiteNoise above this middleware and keep their long cache lifetimes."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control


class ResponseHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        # Read after the view: DRF sets the token's user on the request as it authenticates.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response
