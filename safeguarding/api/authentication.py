"""API authentication: a token as before; a browser session only once it has passed the
second factor (a password alone opens no case through the API either)."""

from drf_spectacular.authentication import SessionScheme
from rest_framework.authentication import SessionAuthentication

from ..second_factor import second_factor_pending


class VerifiedSessionAuthentication(SessionAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and second_factor_pending(request._request.user):
            return None  # treated as signed out: 401/403
        return result


class VerifiedSessionScheme(SessionScheme):
    """In the schema it is the session cookie scheme it extends (`cookieAuth`)."""

    target_class = VerifiedSessionAuthentication
