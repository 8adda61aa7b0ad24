import time

from django.conf import settings
from django.http import HttpRequest

from .navigation import navigation_for
from .second_factor import second_factor_pending
from .sessions import LAST_SEEN_AT


def service(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    pending = second_factor_pending(user)
    return {
        "service_name": settings.SERVICE_NAME,
        "service_phase": settings.SERVICE_PHASE,
        # Before the second factor, the header offers only signing out: no menu, no account.
        "second_factor_pending": pending,
        "navigation": [] if pending else navigation_for(request),
        # The GOV.UK timeout warning (static/js/session-timeout.js), from data attributes.
        "session_timeout_seconds": _idle_seconds_left(request),
        "session_warning_seconds": settings.SESSION_TIMEOUT_WARNING_SECONDS,
    }


def _idle_seconds_left(request: HttpRequest) -> int:
    """How long this session may stay idle from now: the full idle timeout less the time since
    the activity the server last recorded (a page read records itself only once the recorded
    time is a minute old, sessions.SESSION_LAST_SEEN_RESOLUTION_SECONDS), so the browser's
    warning never promises more than the server allows."""
    idle = settings.SESSION_IDLE_TIMEOUT_SECONDS
    session = getattr(request, "session", None)
    last_seen = session.get(LAST_SEEN_AT) if session is not None else None
    if last_seen is None:
        return idle
    return max(0, min(idle, round(idle - (time.time() - last_seen))))
