from django.conf import settings
from django.http import HttpRequest

from .navigation import navigation_for
from .second_factor import second_factor_pending


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
        "session_timeout_seconds": settings.SESSION_IDLE_TIMEOUT_SECONDS,
        "session_warning_seconds": settings.SESSION_TIMEOUT_WARNING_SECONDS,
    }
