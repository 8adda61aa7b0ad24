"""One paginator for every list in the API."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from safeguarding.audit import audit_list


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
    and previous pages (a page past the last is a 404). The page's ids are recorded in the
    audit trail as one list read."""
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(queryset, request, view=view)
    paging = {paginator.page_query_param, paginator.page_size_query_param}
    audit_list(
        user=request.user,
        model=queryset.model,
        ids=[obj.pk for obj in page],
        filters={k: v for k, v in request.query_params.items() if k not in paging},
        page=paginator.page.number,
    )
    data = serializer_class(page, many=True, context={"request": request, **(context or {})}).data
    return paginator.get_paginated_response(data)
