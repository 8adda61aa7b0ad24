from django.conf import settings
from django.http import HttpRequest

from .navigation import navigation_for


def service(request: HttpRequest) -> dict:
    return {
        "service_name": settings.SERVICE_NAME,
        "service_phase": settings.SERVICE_PHASE,
        "navigation": navigation_for(request),
        # The GOV.UK timeout warning (static/js/session-timeout.js), from data attributes.
        "session_timeout_seconds": settings.SESSION_IDLE_TIMEOUT_SECONDS,
        "session_warning_seconds": settings.SESSION_TIMEOUT_WARNING_SECONDS,
    }
