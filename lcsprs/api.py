"""REST API for partnership case-management systems: read the LCSPRs in the caller's scope,
tracked to publication.

Read-only: LCSPRs are commissioned and moved on on the web pages (a write here is a 405). The
date the Panel received the final report is the Panel's to record, as on the web pages. Reads
go through the selectors (`lcspr_queue` and `lcspr_get_for_user`, both on `lcspr_list`), so an
LCSPR outside the caller's scope is a 404.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safeguarding.api.fields import CodeField
from safeguarding.api.pagination import ApiPagination, paginated_response
from safeguarding.api.schema import BAD_FILTER, UNAUTHENTICATED, filter_parameters
from safeguarding.api.serializers import PartnershipOutputSerializer

from . import selectors
from .models import Lcspr
from .timescales import PANEL_NOTICE_DAYS


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
        read_only=True,
        allow_null=True,
        help_text="When the Panel received the final report; null until then. Recorded by the "
        "Panel (a member or the secretariat) on the service, never set by a partnership: this "
        "API does not accept it.",
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
    # A CharField, not a URLField: "" until published is not a URI, and the schema said it was.
    published_url = serializers.CharField(
        read_only=True, help_text='The link to the published report ("" until published).'
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


class LcsprListApi(APIView):
    pagination_class = ApiPagination

    @extend_schema(
        operation_id="lcspr_list",
        tags=TAGS,
        summary="List the LCSPRs in your scope",
        description="Partnership leads see their partnership's LCSPRs; local authority users "
        "their authority's; the Panel every LCSPR. Overdue LCSPRs come first, then those still "
        "running by due date, published ones last.",
        parameters=filter_parameters(selectors.LcsprFilter),
        responses={
            200: LcsprOutputSerializer(many=True),
            400: BAD_FILTER,
            401: UNAUTHENTICATED,
        },
    )
    def get(self, request: Request) -> Response:
        today: date = timezone.localdate()
        lcsprs = selectors.lcspr_queue(user=request.user, today=today, filters=request.query_params)
        return paginated_response(self, request, lcsprs, LcsprOutputSerializer, {"today": today})


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
