"""REST API for partnership case-management systems: read the LCSPRs in the caller's scope,
tracked to publication.

Read-only: LCSPRs are commissioned and moved on on the web pages. Reads go through the
selectors (`lcspr_queue` and `lcspr_get_for_user`, both on `lcspr_list`), so an LCSPR outside
the caller's scope is a 404.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rapidreviews.api import CodeField, PartnershipOutputSerializer, _choices_message

from . import selectors
from .models import Lcspr
from .timescales import PANEL_NOTICE_DAYS


class LcsprPagination(PageNumberPagination):
    # page_size comes from settings.REST_FRAMEWORK["PAGE_SIZE"]
    page_size_query_param = "page_size"
    max_page_size = 200


class LcsprFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=Lcspr.Status.choices,
        required=False,
        help_text="The LCSPR's status.",
        error_messages={"invalid_choice": _choices_message("status", Lcspr.Status.values)},
    )
    overdue = serializers.BooleanField(
        required=False,
        help_text="true: not published and past its due date; false: the others.",
        error_messages={"invalid": "overdue must be true or false"},
    )


class LcsprOutputSerializer(serializers.ModelSerializer):
    rapid_review_id = serializers.IntegerField(read_only=True, help_text="The rapid review's id.")
    reference = serializers.CharField(
        source="rapid_review.notification.reference",
        read_only=True,
        help_text="The SIN's reference.",
    )
    partnership = PartnershipOutputSerializer(read_only=True)
    status = CodeField(Lcspr.Status.choices, enum_name="LcsprStatusEnum", read_only=True)
    overdue = serializers.SerializerMethodField(help_text="Not published and past its due date.")
    due_date = serializers.DateField(
        read_only=True, help_text="6 calendar months after the rapid review was submitted."
    )
    clock_started_on = serializers.DateField(
        read_only=True, help_text="The date the rapid review was submitted."
    )
    final_report_received_on = serializers.DateField(
        read_only=True, allow_null=True, help_text="When the Panel received the final report."
    )
    panel_notice_days = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="Days between the Panel receiving the final report and publication (actual, "
        "or else planned); null until both are known.",
    )
    panel_notice_short = serializers.BooleanField(
        read_only=True,
        help_text=f"The final report reached (or will reach) the Panel fewer than "
        f"{PANEL_NOTICE_DAYS} days before publication.",
    )
    published_url = serializers.URLField(
        read_only=True, help_text='The published report ("" until published).'
    )
    panel_feedback = serializers.CharField(
        read_only=True, help_text='The Panel\'s feedback on the final report ("" until given).'
    )

    class Meta:
        model = Lcspr
        fields = [
            "id",
            "rapid_review_id",
            "reference",
            "partnership",
            "status",
            "overdue",
            "clock_started_on",
            "due_date",
            "final_report_received_on",
            "planned_publication_date",
            "actual_publication_date",
            "published_url",
            "panel_notice_days",
            "panel_notice_short",
            "panel_feedback",
            "panel_feedback_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_overdue(self, lcspr: Lcspr) -> bool:
        return lcspr.is_overdue(self.context.get("today") or timezone.localdate())


TAGS = ["LCSPRs"]
UNAUTHENTICATED = OpenApiResponse(description="No or invalid token")


class LcsprListApi(APIView):
    pagination_class = LcsprPagination

    @extend_schema(
        operation_id="lcspr_list",
        tags=TAGS,
        summary="List the LCSPRs in your scope",
        description="Partnership leads see their partnership's LCSPRs; local authority users "
        "their authority's; the Panel every LCSPR. Overdue LCSPRs come first, then those still "
        "running by due date, published ones last.",
        parameters=[LcsprFilterSerializer],
        responses={
            200: LcsprOutputSerializer(many=True),
            400: OpenApiResponse(
                response=OpenApiTypes.OBJECT,
                description="A filter value is invalid: {field: [messages]}",
            ),
            401: UNAUTHENTICATED,
        },
    )
    def get(self, request: Request) -> Response:
        query = {key: value for key, value in request.query_params.items() if value != ""}
        filters = LcsprFilterSerializer(data=query)
        filters.is_valid(raise_exception=True)
        today: date = timezone.localdate()
        lcsprs = selectors.lcspr_queue(user=request.user, today=today)
        if "status" in filters.validated_data:
            lcsprs = lcsprs.filter(status=filters.validated_data["status"])
        if "overdue" in filters.validated_data:
            lcsprs = lcsprs.filter(overdue=filters.validated_data["overdue"])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(lcsprs, request, view=self)
        data = LcsprOutputSerializer(
            page, many=True, context={"request": request, "today": today}
        ).data
        return paginator.get_paginated_response(data)


class LcsprDetailApi(APIView):
    @extend_schema(
        operation_id="lcspr_retrieve",
        tags=TAGS,
        summary="One LCSPR",
        responses={
            200: LcsprOutputSerializer,
            401: UNAUTHENTICATED,
            404: OpenApiResponse(description="No such LCSPR, or not in your scope"),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        lcspr = selectors.lcspr_get_for_user(user=request.user, pk=pk)
        return Response(LcsprOutputSerializer(lcspr, context={"request": request}).data)
