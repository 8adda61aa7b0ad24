"""Counting requests per key in the cache (Redis in production, shared by every worker): the
failed-token and password-reset limits. DRF's throttles count authenticated API requests
(safeguarding.api.throttling)."""

from __future__ import annotations

from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle


def parse_rate(rate: str) -> tuple[int, int]:
    """ "30/minute" -> (30, 60), as DRF reads its throttle rates."""
    return SimpleRateThrottle.parse_rate(None, rate)


def _key(scope: str, ident: str) -> str:
    return f"throttle:{scope}:{ident}"


def rate_exceeded(*, scope: str, ident: str, rate: str) -> bool:
    """Whether `ident` has used up `rate` in the current window (counting nothing)."""
    allowed, _ = parse_rate(rate)
    return (cache.get(_key(scope, ident)) or 0) >= allowed


def rate_count(*, scope: str, ident: str, rate: str) -> int:
    """Count one request of `ident`; the window starts with its first request. Returns the
    count in the window."""
    _, period = parse_rate(rate)
    key = _key(scope, ident)
    cache.add(key, 0, timeout=period)
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, timeout=period)
        return 1
