"""What the apps' list filters share. Each list's filters are a django-filter `FilterSet` in
its app's selectors, applied by the list's selector with `filters_apply`, so the web page and
the API filter a list the same way and with the same query parameters.

The fields parse query strings as the API has always parsed them (DRF's rules): an empty
value is no filter, true/false are strict, and a value that does not parse is an error on its
parameter (`FilterInvalid`, a 400 in the API) rather than silently ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet

from .codes import RegionCode
from .dates import validate_date_in_service_range
from .errors import DomainInvalid
from .models import LocalAuthority

# The words DRF's BooleanField takes, so `?overdue=1` and `?overdue=True` still work.
TRUE_VALUES = frozenset({"t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on"})
TRUE_VALUES |= {"On", "ON", "1"}
FALSE_VALUES = frozenset({"f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off"})
FALSE_VALUES |= {"Off", "OFF", "0"}

DATE_INVALID = "Enter a date in the format YYYY-MM-DD, like 2024-03-27"

# DRF's wording for a value that is not one of the choices, as the API has always said it.
INVALID_CHOICE = '"%(value)s" is not a valid choice.'


def choices_message(what: str, values: Iterable[str]) -> str:
    """The message for a value that is not one of the codes, listing them."""
    return f"{what} must be one of: {', '.join(values)}"


class FilterInvalid(DomainInvalid):
    """A filter's value does not parse: messages by query parameter."""


class StrictBooleanField(forms.Field):
    """true or false (or nothing); anything else is an error rather than no filter, which is
    what Django's NullBooleanField would make of `?overdue=maybe`."""

    default_error_messages = {"invalid": "Must be a valid boolean."}  # DRF's wording

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        if str(value) in TRUE_VALUES:
            return True
        if str(value) in FALSE_VALUES:
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (django-filter's NumberFilter takes decimals)."""

    field_class = forms.IntegerField


class IsoDateFilter(django_filters.DateFilter):
    """A date written YYYY-MM-DD, whatever the site's date input formats, within the service's
    years (a range to 9999 is refused rather than queried)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        kwargs.setdefault("validators", [validate_date_in_service_range])
        kwargs.setdefault("error_messages", {"invalid": DATE_INVALID})
        super().__init__(*args, **kwargs)


def filters_apply(
    filterset_class: type[django_filters.FilterSet],
    queryset: QuerySet,
    filters: Mapping[str, Any] | None,
    **kwargs: Any,
) -> QuerySet:
    """`queryset` filtered by `filters` (a query string, or a form's cleaned data); no
    filters, no filtering. Raises FilterInvalid naming each parameter that does not parse."""
    if not filters:
        return queryset
    filterset = filterset_class(data=filters, queryset=queryset, **kwargs)
    if not filterset.is_valid():
        raise FilterInvalid({field: list(messages) for field, messages in filterset.errors.items()})
    return filterset.qs


def region_filter(field_name: str) -> django_filters.ChoiceFilter:
    """The region of the case's local authority, by its code (e.g. london): `field_name` is the
    path to the region's code through the authority (`…local_authority__region__code`).

    The region's authorities are looked up first (one small query) and the cases filtered by
    those ids: given the ids, PostgreSQL knows how many cases match and reads a list's page in
    its sort index, where a join through the region made it expect a few hundred and sort every
    matching case (a region's SIN list at 100,000 SINs: 62 ms of a page's query, issue 14)."""
    authority = field_name.removesuffix("__region__code")

    def in_region(queryset, name: str, value: str):
        if not value:
            return queryset
        ids = list(LocalAuthority.objects.filter(region__code=value).values_list("pk", flat=True))
        return queryset.filter(**{f"{authority}__in": ids})

    return django_filters.ChoiceFilter(
        field_name=field_name,
        method=in_region,
        choices=RegionCode.choices,
        help_text="The region's code: " + ", ".join(RegionCode.values) + ".",
        error_messages={"invalid_choice": choices_message("region", RegionCode.values)},
    )


def reference_filter(field_name: str) -> django_filters.CharFilter:
    """Part of the SIN reference the case began with."""
    return django_filters.CharFilter(
        field_name=field_name,
        lookup_expr="icontains",
        max_length=20,
        help_text="Part of the SIN reference, e.g. SIN-2024-",
        error_messages={"max_length": "Ensure this field has no more than 20 characters."},
    )


def partnership_filter(field_name: str) -> django_filters.CharFilter:
    return django_filters.CharFilter(
        field_name=field_name,
        max_length=80,
        help_text="The partnership's code, e.g. leeds",
        error_messages={"max_length": "Ensure this field has no more than 80 characters."},
    )
