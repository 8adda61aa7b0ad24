"""The OpenAPI description of a list's filters, read from its FilterSet (the one the list's
selector applies), so the schema documents exactly the query parameters the list takes."""

from __future__ import annotations

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from safeguarding.filters import StrictBooleanField

UNAUTHENTICATED = OpenApiResponse(description="No or invalid token")
BAD_FILTER = OpenApiResponse(
    response=OpenApiTypes.OBJECT, description="A filter value is invalid: {field: [messages]}"
)

_TYPES: list[tuple[type[forms.Field], OpenApiTypes]] = [
    (forms.DateField, OpenApiTypes.DATE),
    (forms.IntegerField, OpenApiTypes.INT),
    (StrictBooleanField, OpenApiTypes.BOOL),
]


def filter_parameters(filterset_class: type[django_filters.FilterSet]) -> list[OpenApiParameter]:
    """One optional query parameter per filter: its type, its codes (a choice) and its help
    text."""
    parameters = []
    for name, filter_ in filterset_class.base_filters.items():
        field = filter_.field
        kind = next((t for cls, t in _TYPES if isinstance(field, cls)), OpenApiTypes.STR)
        choices = getattr(field, "choices", None)
        enum = [value for value, _ in choices if value != ""] if choices else None
        parameters.append(
            OpenApiParameter(
                name,
                kind,
                OpenApiParameter.QUERY,
                required=False,
                enum=enum,
                description=str(field.help_text or ""),
            )
        )
    return parameters


# The answers every operation may give whatever its own view says, documented once here (a
# postprocessing hook in SPECTACULAR_SETTINGS) rather than on each view: the body is DRF's
# `{"detail": message}` or, for 400, messages by field.
_ERROR_BODY = {"type": "object", "additionalProperties": True}
_COMMON_RESPONSES: dict[str, str] = {
    "401": "No or invalid token",
    "403": "Signed in, but this role may not do this",
    "429": "Too many requests: try again after the time in the Retry-After header",
}
_LIST_RESPONSES = {"400": "A query parameter is invalid: {parameter: [messages]}"}
_PAGED_RESPONSES = {"404": "A page past the last one"}
_RECORD_RESPONSES = {"404": "No such record, or not one the caller may see"}
_WRITE_RESPONSES = {
    "400": "The request is invalid: {field: [messages]}",
    "409": "The record's state does not allow this, or it changed since it was read",
}


def error_responses_postprocess(result: dict, generator, request, public) -> dict:
    """Add the error responses each operation can give and does not document itself, so a
    client (and the schemathesis run in the tests) can rely on the schema's list of statuses."""
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            extra = dict(_COMMON_RESPONSES)
            parameters = {p.get("name") for p in operation.get("parameters", [])}
            if "{" in path:
                extra |= _RECORD_RESPONSES
            if "page" in parameters:
                extra |= _LIST_RESPONSES | _PAGED_RESPONSES
            elif method == "get" and any(
                p.get("in") == "query" for p in operation.get("parameters", [])
            ):
                extra |= _LIST_RESPONSES
            if method in ("post", "put", "patch", "delete"):
                extra |= _WRITE_RESPONSES
            responses = operation["responses"]
            for code, description in extra.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": _ERROR_BODY}},
                    },
                )
    return result
