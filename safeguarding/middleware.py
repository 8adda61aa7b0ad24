"""The second factor, enforced for every page: a person signed in with their password but not
yet with a code is sent to the code page (or to set up an authenticator app, the first time),
whatever page they asked for, and comes back to it afterwards."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.http import urlencode

from .second_factor import authenticator_get, second_factor_pending

# The pages served before the second factor: signing in and out, setting up and entering a
# code, resetting a forgotten password, and the health check.
OPEN_URL_NAMES = frozenset(
    {
        "login",
        "logout",
        "healthz",
        "second-factor-setup",
        "second-factor-verify",
        "second-factor-recovery",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "invitation-accept",
    }
)
# The API answers for itself: a token is unchanged, and a session that has not passed the
# second factor is not accepted (safeguarding.api.authentication).
OPEN_PREFIXES = ("/api/",)


class SecondFactorMiddleware:
    """After django_otp's OTPMiddleware, which tells whether the session is verified."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if second_factor_pending(request.user) and not self._is_open(request):
            return self._redirect(request)
        return self.get_response(request)

    @staticmethod
    def _is_open(request: HttpRequest) -> bool:
        path = request.path_info
        if path.startswith((settings.STATIC_URL, *OPEN_PREFIXES)):
            return True
        try:
            return resolve(path).url_name in OPEN_URL_NAMES
        except Resolver404:
            return False

    @staticmethod
    def _redirect(request: HttpRequest) -> HttpResponse:
        target = (
            "second-factor-verify"
            if authenticator_get(user=request.user)
            else "second-factor-setup"
        )
        url = redirect(target).url
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)
