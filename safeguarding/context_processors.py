from django.conf import settings
from django.http import HttpRequest

from .navigation import navigation_for
from .second_factor import second_factor_pending


def service(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        "service_name": settings.SERVICE_NAME,
        "service_phase": settings.SERVICE_PHASE,
        # Before the second factor, the menu offers only signing out.
        "navigation": [] if second_factor_pending(user) else navigation_for(request),
    }
