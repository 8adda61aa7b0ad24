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
