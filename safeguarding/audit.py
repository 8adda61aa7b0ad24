"""The audit trail: one helper, `audit_log`, that every app calls to record who did what to
which object, when and from where. The request's address and user agent are picked up from
the request being served, so services need only say who acted and on what."""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models import Q
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from . import policy
from .models import AuditAction, AuditEvent


@dataclass(frozen=True)
class RequestOrigin:
    ip_address: str | None
    user_agent: str
    path: str


_current_origin: contextvars.ContextVar[RequestOrigin | None] = contextvars.ContextVar(
    "audit_request_origin", default=None
)


@dataclass
class _RequestReads:
    """What the request being served read, written by the middleware as it answers."""

    records: dict[tuple[type[models.Model], Any], tuple[Any, models.Model]] = field(
        default_factory=dict
    )
    lists: list[tuple[Any, type[models.Model], dict]] = field(default_factory=list)
    # The request already left its trace (a download's "Exported" entry, say).
    audited: bool = False


_current_reads: contextvars.ContextVar[_RequestReads | None] = contextvars.ContextVar(
    "audit_request_reads", default=None
)

# Reads are recorded for these verbs when the answer is a success or a redirect.
READ_METHODS = frozenset({"GET", "HEAD"})
# A list's filters are kept to this many keys, each value to this many characters.
LIST_FILTERS_MAX = 20
LIST_FILTER_VALUE_MAX = 100


def storable(value: object, limit: int) -> str:
    """Text from the request as the database can store it: PostgreSQL refuses NUL characters
    and unpaired surrogates (which a client can put in a query string or header) in text and
    JSON, and the audit entry must never fail because of what a client sent."""
    text = str(value).encode("utf-8", "replace").decode("utf-8").replace("\x00", "\ufffd")
    return text[:limit]


def request_origin(request: HttpRequest) -> RequestOrigin:
    ip = request.META.get("REMOTE_ADDR") or None
    if settings.AUDIT_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            # The entry our proxy appended (the last): those before it are the client's word.
            ip = forwarded.split(",")[-1].strip() or ip
    return RequestOrigin(
        ip_address=ip,
        user_agent=storable(request.META.get("HTTP_USER_AGENT", ""), 300),
        path=storable(request.path, 300),
    )


class AuditRequestMiddleware:
    """Makes the current request's origin available to `audit_log` for the request's duration."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_origin.set(request_origin(request))
        reads = _RequestReads()
        reads_token = _current_reads.set(reads)
        try:
            response = self.get_response(request)
            if request.method in READ_METHODS and response.status_code < 400:
                _write_reads(reads)
            return response
        finally:
            _current_reads.reset(reads_token)
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
    reads = _current_reads.get()
    if reads is not None:
        reads.audited = True
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


# --- Reads ------------------------------------------------------------------------------------
#
# Every read of a case is recorded, in one place per mechanism: the selectors that fetch one
# record for a user (`*_get_for_user`) call `audit_read`, and the places that cut a list into
# the page a person sees (the API's paginator, the web lists) call `audit_list`. Both only note
# the read; `AuditRequestMiddleware` writes the notes as the request is answered, in one
# INSERT, and only for a GET or HEAD that succeeded: a refused or missing record (403, 404)
# leaves no "viewed" entry, and neither does a form post (the change it makes is audited by
# its service). A request that has already written an entry (a download's "Exported") adds no
# "viewed" entry for it. Outside a request (tasks, commands) nothing is noted.


def audit_read(*, user, obj: models.Model) -> None:
    """Note that `user` is reading `obj` in the request being served."""
    reads = _current_reads.get()
    if reads is None or not getattr(user, "is_authenticated", False):
        return
    reads.records.setdefault((type(obj), obj.pk), (user, obj))


def audit_list(
    *,
    user,
    model: type[models.Model],
    ids: list,
    filters: dict | None = None,
    page: int | None = None,
) -> None:
    """Note that `user` is reading the records `ids` of `model` as one page of a list."""
    reads = _current_reads.get()
    if reads is None or not getattr(user, "is_authenticated", False):
        return
    kept = {
        storable(key, LIST_FILTER_VALUE_MAX): storable(value, LIST_FILTER_VALUE_MAX)
        for key, value in list((filters or {}).items())[:LIST_FILTERS_MAX]
        if value not in (None, "")
    }
    changes = {"ids": list(ids), "filters": kept}
    if page is not None:
        changes["page"] = page
    reads.lists.append((user, model, changes))


def audit_list_now(
    *, user, model: type[models.Model], ids: list, filters: dict | None = None
) -> None:
    """Record at once that `user` is reading the records `ids` of `model` as a list: for a
    list shown in answer to a form post (a cohort's sample), which the middleware's notes,
    written for GETs only, would miss. The entry is the same as `audit_list`'s."""
    if not getattr(user, "is_authenticated", False):
        return
    origin = _current_origin.get()
    AuditEvent.objects.create(
        actor=user,
        actor_username=user.get_username(),
        action=AuditAction.LIST,
        content_type=ContentType.objects.get_for_model(model),
        object_repr=f"{len(ids)} {model._meta.verbose_name_plural}"[:200],
        changes={"ids": list(ids), "filters": filters or {}},
        ip_address=origin.ip_address if origin else None,
        user_agent=origin.user_agent if origin else "",
        request_path=origin.path if origin else "",
    )


def _write_reads(reads: _RequestReads) -> None:
    if reads.audited or not (reads.records or reads.lists):
        return
    origin = _current_origin.get()
    where = {
        "ip_address": origin.ip_address if origin else None,
        "user_agent": origin.user_agent if origin else "",
        "request_path": origin.path if origin else "",
    }
    events = [
        AuditEvent(
            actor=user,
            actor_username=user.get_username(),
            action=AuditAction.VIEW,
            content_type=ContentType.objects.get_for_model(obj),  # cached: no query
            object_id=str(obj.pk),
            # A record's str() is its case reference, never a child's name.
            object_repr=str(obj)[:200],
            **where,
        )
        for user, obj in reads.records.values()
    ]
    events += [
        AuditEvent(
            actor=user,
            actor_username=user.get_username(),
            action=AuditAction.LIST,
            content_type=ContentType.objects.get_for_model(model),
            object_repr=f"{len(changes['ids'])} {model._meta.verbose_name_plural}"[:200],
            changes=changes,
            **where,
        )
        for user, model, changes in reads.lists
    ]
    AuditEvent.objects.bulk_create(events)  # one INSERT, whatever the request read


READ_ACTIONS = (AuditAction.VIEW, AuditAction.LIST)


REDACTED = "(changed)"


def redact(changes: dict, fields: Collection[str]) -> dict:
    """`changes` with the values of `fields` (a key's last dotted part: "Child A.name" is
    "name") replaced by "(changed)": what identifies a child or tells their circumstances in
    words is never copied into the append-only trail, which outlives the case's own record
    (retention anonymises the case, not its history)."""
    return {
        key: (
            ([REDACTED, REDACTED] if isinstance(value, list) else REDACTED)
            if key.rsplit(".", 1)[-1] in fields
            else value
        )
        for key, value in changes.items()
    }


def audit_events_for(obj: models.Model) -> models.QuerySet[AuditEvent]:
    """An object's history, newest first: what was done to it, not who read it (that is
    `case_access_log`)."""
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).exclude(action__in=READ_ACTIONS)


# How many reads "Who viewed this case" shows, newest first.
ACCESS_LOG_LIMIT = 50


def case_access_log(
    *, user, records: list[models.Model | None], limit: int = ACCESS_LOG_LIMIT
) -> list[AuditEvent] | None:
    """Who read the case's `records` (the SIN, its review, decisions, letters, LCSPR), newest
    first: opening one, downloading from it, or a list page that showed it. None for a user
    the policy does not let see the access log (the page then shows no such section).

    A list read holds the page's ids in `changes["ids"]`; it is found with a JSON containment
    lookup where the database has one (PostgreSQL). Where it has not (SQLite, the development
    default), list reads are left out and only openings and downloads are shown."""
    if not policy.can_see_access_log(user):
        return None
    records = [record for record in records if record is not None]
    if not records:
        return []
    opened, listed = Q(), Q()
    for record in records:
        content_type = ContentType.objects.get_for_model(record)
        opened |= Q(content_type=content_type, object_id=str(record.pk))
        listed |= Q(content_type=content_type, object_id="", changes__contains={"ids": [record.pk]})
    reads = Q(opened, action__in=[AuditAction.VIEW, AuditAction.EXPORT])
    if connection.features.supports_json_field_contains:
        reads |= Q(listed, action=AuditAction.LIST)
    events = list(
        AuditEvent.objects.filter(reads)
        .select_related("actor__local_authority", "actor__partnership")
        .order_by("-at", "-id")[:limit]
    )
    for event in events:
        event.description = read_description(event)
    return events


def read_description(event: AuditEvent) -> str:
    """A read in words, for "Who viewed this case": what was opened, the list it was seen in,
    or what was downloaded (the address and path stay in the access history export)."""
    if event.action == AuditAction.LIST:
        return f"Saw it in a list of {event.object_repr}"
    if event.action == AuditAction.EXPORT:
        return event.message or f"Downloaded {event.object_repr}"
    return f"Opened {event.object_repr}"


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
