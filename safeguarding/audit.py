"""The audit trail: one helper, `audit_log`, that every app calls to record who did what to
which object, when and from where. The request's address and user agent are picked up from
the request being served, so services need only say who acted and on what."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from .models import AuditAction, AuditEvent


@dataclass(frozen=True)
class RequestOrigin:
    ip_address: str | None
    user_agent: str
    path: str


_current_origin: contextvars.ContextVar[RequestOrigin | None] = contextvars.ContextVar(
    "audit_request_origin", default=None
)


def request_origin(request: HttpRequest) -> RequestOrigin:
    ip = request.META.get("REMOTE_ADDR") or None
    if settings.AUDIT_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            ip = forwarded.split(",")[0].strip() or ip
    return RequestOrigin(
        ip_address=ip,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        path=request.path[:300],
    )


class AuditRequestMiddleware:
    """Makes the current request's origin available to `audit_log` for the request's duration."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_origin.set(request_origin(request))
        try:
            return self.get_response(request)
        finally:
            _current_origin.reset(token)


def audit_log(
    *,
    actor,
    action: AuditAction | str,
    obj: models.Model | None = None,
    changes: dict | None = None,
    message: str = "",
    actor_username: str = "",
) -> AuditEvent:
    """Append one event to the audit trail. Call it inside the transaction of the change it
    records, so that the change and its record commit or roll back together."""
    origin = _current_origin.get()
    actor_obj = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=actor_obj,
        actor_username=actor_username or (actor_obj.get_username() if actor_obj else ""),
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        changes=changes or {},
        message=message,
        ip_address=origin.ip_address if origin else None,
        user_agent=origin.user_agent if origin else "",
        request_path=origin.path if origin else "",
    )


def audit_events_for(obj: models.Model) -> models.QuerySet[AuditEvent]:
    """An object's history, newest first."""
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    )


@receiver(user_logged_in)
def _record_login(sender, request, user, **kwargs) -> None:
    audit_log(actor=user, action=AuditAction.LOGIN, obj=user)


@receiver(user_logged_out)
def _record_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        # A session ended by the idle or absolute timeout says so (safeguarding.sessions).
        reason = getattr(request, "session_end_reason", "")
        audit_log(actor=user, action=AuditAction.LOGOUT, obj=user, message=reason)


@receiver(user_login_failed)
def _record_login_failure(sender, credentials, request=None, **kwargs) -> None:
    # The username tried is kept (it may be a mistyped real one); the password never is.
    audit_log(
        actor=None,
        action=AuditAction.LOGIN_FAILED,
        actor_username=str(credentials.get("username", ""))[:150],
    )
