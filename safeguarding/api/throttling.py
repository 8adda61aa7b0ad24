"""API throttling. Failed token authentication is counted per client address and answered
429 beyond settings.API_FAILED_TOKEN_RATE, so that tokens cannot be guessed at speed;
authenticated clients are limited per user (and so per token) by DRF's UserRateThrottle at
settings.API_USER_RATE."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header
from rest_framework.throttling import UserRateThrottle

from safeguarding.lockout import client_ip
from safeguarding.throttling import parse_rate, rate_count, rate_exceeded

FAILED_TOKEN_SCOPE = "api-token-failure"  # noqa: S105 (a cache key)
LAST_USED_EVERY = timedelta(minutes=1)


class ThrottledTokenAuthentication(TokenAuthentication):
    """Knox's token authentication (`Authorization: Token <token>`), refusing with 429 an
    address that has sent too many wrong tokens, before its next token is even checked."""

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.authenticate_header(request).lower().encode():
            return None  # no token: another authentication (the session) may apply
        ip = client_ip(request._request) or "unknown"
        rate = settings.API_FAILED_TOKEN_RATE
        if rate_exceeded(scope=FAILED_TOKEN_SCOPE, ident=ip, rate=rate):
            raise exceptions.Throttled(wait=parse_rate(rate)[1])
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            rate_count(scope=FAILED_TOKEN_SCOPE, ident=ip, rate=rate)
            raise
        except (UnicodeDecodeError, ValueError) as exc:
            # Knox decodes the token as UTF-8 and as hex: bytes that are neither are a wrong
            # token like any other (counted), not a 500.
            rate_count(scope=FAILED_TOKEN_SCOPE, ident=ip, rate=rate)
            raise exceptions.AuthenticationFailed("Invalid token.") from exc

    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        # When the token was last used, for its owner's page: written at most once a minute.
        now = timezone.now()
        type(token).objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_EVERY)
        ).update(last_used_at=now)
        return user, token


class ThrottledTokenScheme(OpenApiAuthenticationExtension):
    """The schema's security scheme for it: `Authorization: Token <token>`, as before knox."""

    target_class = ThrottledTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.authenticate_header(None)
        )


class ApiUserRateThrottle(UserRateThrottle):
    """Requests per signed-in user (so per token), settings.API_USER_RATE."""

    scope = "user"

    def get_rate(self) -> str:
        return settings.API_USER_RATE
