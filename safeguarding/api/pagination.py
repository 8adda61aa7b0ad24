"""One paginator for every list in the API."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView


class ApiPagination(PageNumberPagination):
    """`page` and `page_size`; page_size comes from settings.REST_FRAMEWORK["PAGE_SIZE"], and
    a client may ask for up to 200 a page."""

    page_size_query_param = "page_size"
    max_page_size = 200


def paginated_response(
    view: APIView,
    request: Request,
    queryset: QuerySet,
    serializer_class: type[BaseSerializer],
    context: dict | None = None,
) -> Response:
    """One page of `queryset` in `serializer_class`, with the count and the links to the next
    and previous pages (a page past the last is a 404)."""
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(queryset, request, view=view)
    data = serializer_class(page, many=True, context={"request": request, **(context or {})}).data
    return paginator.get_paginated_response(data)
