"""Sessions that end: after SESSION_IDLE_TIMEOUT_SECONDS without a request, and
SESSION_ABSOLUTE_SECONDS after signing in, whatever the person does. A session that ends this
way is audited and the person lands on the sign-in page with a banner saying why.

Ending every session a person has (sign-out, password change) works through the session hash:
`User.session_epoch` is mixed into it, so bumping the epoch makes Django sign out every session
signed with the old hash, and a password change does the same through the password."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.db.models import F
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

SIGNED_IN_AT = "safeguarding.signed_in_at"
LAST_SEEN_AT = "safeguarding.last_seen_at"


def duration_words(seconds: int) -> str:
    """ "30 minutes", "12 hours", "1 minute": for the banner and the warning dialog."""
    for unit, size in (("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"


def sessions_end_all(*, user) -> None:
    """End every session the person is signed in with, on every device."""
    get_user_model().objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)


def session_end_reason(request: HttpRequest, now: float) -> str | None:
    """Why the signed-in session must end now, in words for the person, or None."""
    session = request.session
    last_seen = session.get(LAST_SEEN_AT)
    signed_in = session.get(SIGNED_IN_AT)
    if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT_SECONDS:
        idle = duration_words(settings.SESSION_IDLE_TIMEOUT_SECONDS)
        return f"You were signed out because you had not used the service for {idle}."
    if signed_in is not None and now - signed_in > settings.SESSION_ABSOLUTE_SECONDS:
        limit = duration_words(settings.SESSION_ABSOLUTE_SECONDS)
        return f"You were signed out because you had been signed in for {limit}."
    return None


def _last_seen_stale(request: HttpRequest, now: float) -> bool:
    """Whether this request must record itself as the session's last activity. Any request
    other than a read does (the keep-alive among them); a GET or HEAD only when the recorded
    time is SESSION_LAST_SEEN_RESOLUTION_SECONDS old, so browsing does not write the session
    on every page. The idle clock therefore starts at most that long before the last read."""
    if request.method not in ("GET", "HEAD"):
        return True
    last_seen = request.session.get(LAST_SEEN_AT)
    return last_seen is None or now - last_seen >= settings.SESSION_LAST_SEEN_RESOLUTION_SECONDS


class SessionLifetimeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            reason = session_end_reason(request, now)
            if reason is not None:
                # Read by the sign-out audit receiver, so the entry says why.
                request.session_end_reason = reason
                logout(request)
                messages.info(request, f"{reason} Sign in again to continue.")
                if request.path.startswith("/api/"):
                    return self.get_response(request)  # the API answers 401/403 itself
                return redirect_to_login(
                    request.get_full_path() if request.method == "GET" else "/"
                )
            request.session.setdefault(SIGNED_IN_AT, now)
            if _last_seen_stale(request, now):
                request.session[LAST_SEEN_AT] = now
        return self.get_response(request)


@receiver(user_logged_in)
def _start_session_clock(sender, request, user, **kwargs) -> None:
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now
