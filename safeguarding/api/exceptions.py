"""The API's one exception handler (settings.REST_FRAMEWORK["EXCEPTION_HANDLER"]): a domain
error a service raised (`safeguarding.errors`) becomes a response here, so the API views call
the services without `except` blocks, and every endpoint answers a refusal the same way.

| error            | status | body                                                        |
|------------------|--------|-------------------------------------------------------------|
| `DomainInvalid`  | 400    | `{field: [messages]}` (under the view's `invalid_errors_key`) |
| `DomainNotFound` | 404    | `{"detail": message}`                                       |
| `DomainConflict` | 409    | `{"detail": message}` and the view's `conflict_data(exc)`   |
| `DomainError`    | 409    | `{"detail": message}`                                       |

Everything else is DRF's own handler.
"""

from __future__ import annotations

from typing import Any

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from safeguarding.errors import DomainConflict, DomainError, DomainInvalid, DomainNotFound


def domain_error_status(exc: DomainError) -> int:
    if isinstance(exc, DomainInvalid):
        return status.HTTP_400_BAD_REQUEST
    if isinstance(exc, DomainNotFound):
        return status.HTTP_404_NOT_FOUND
    return status.HTTP_409_CONFLICT


def domain_error_body(exc: DomainError, view: Any = None) -> dict:
    """The response's body. A view may nest field errors under a key (`invalid_errors_key`,
    when its request nests the fields) and add to a conflict what is saved now
    (`conflict_data(exc)`, so the client can compare and try again)."""
    if isinstance(exc, DomainInvalid):
        key = getattr(view, "invalid_errors_key", None)
        return {key: exc.errors} if key else exc.errors
    body = {"detail": str(exc)}
    conflict_data = getattr(view, "conflict_data", None)
    if isinstance(exc, DomainConflict) and conflict_data is not None:
        body.update(conflict_data(exc))
    return body


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DomainError):
        set_rollback()  # as DRF does for the errors it handles
        return Response(
            domain_error_body(exc, context.get("view")), status=domain_error_status(exc)
        )
    return drf_exception_handler(exc, context)
