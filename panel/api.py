"""REST API for partnership case-management systems: read the Panel's decisions on rapid
reviews and its response letters (their details, and the PDF), within the caller's scope.

Read-only: decisions and letters are written on the Panel's web pages. Reads go through the
selectors the web pages use, so a decision or letter outside the caller's scope is a 404, and
a partnership lead or local authority user sees only letters that have been sent (drafts are
the Panel's own).
"""

from __future__ import annotations

from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safeguarding.api.fields import CodeField
from safeguarding.api.pagination import ApiPagination, paginated_response
from safeguarding.api.schema import BAD_FILTER, UNAUTHENTICATED, filter_parameters

from . import selectors, services
from .models import Extent, Outcome, PanelDecision, Quality, ResponseLetter

# --- Output --------------------------------------------------------------------------------


def _quality(name: str) -> CodeField:
    model_field = PanelDecision._meta.get_field(name)
    choices, enum_name = (
        (Quality.choices, "PanelQualityEnum")
        if model_field.choices == Quality.choices
        else (Extent.choices, "PanelExtentEnum")
    )
    label = str(model_field.verbose_name)
    return CodeField(
        choices, enum_name=enum_name, read_only=True, help_text=label[:1].upper() + label[1:]
    )


class PanelDecisionOutputSerializer(serializers.ModelSerializer):
    review_id = serializers.IntegerField(read_only=True, help_text="The rapid review's id.")
    reference = serializers.CharField(
        source="review.notification.reference", read_only=True, help_text="The SIN's reference."
    )
    outcome = CodeField(
        Outcome.choices,
        enum_name="PanelOutcomeEnum",
        read_only=True,
        help_text="The Panel's view of the partnership's decision on an LCSPR.",
    )
    outcome_label = serializers.CharField(
        source="get_outcome_display", read_only=True, help_text="The outcome, as worded."
    )
    version = serializers.IntegerField(
        read_only=True, help_text="1: the decision as recorded; each correction adds one."
    )
    is_current = serializers.BooleanField(
        read_only=True, help_text="Whether this is the review's current decision."
    )
    correction_reason = serializers.CharField(
        read_only=True, help_text='Why this version corrected the last ("" for version 1).'
    )

    class Meta:
        model = PanelDecision
        fields = [
            "id",
            "review_id",
            "reference",
            "version",
            "is_current",
            "outcome",
            "outcome_label",
            "reasons",
            *PanelDecision.QUALITY_FIELDS,
            "feedback",
            "correction_reason",
            "decided_at",
        ]
        read_only_fields = fields

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for name in PanelDecision.QUALITY_FIELDS:
            fields[name] = _quality(name)
        return fields


class LetterPdfOutputSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The file name to save it as.")
    url = serializers.URLField(help_text="Where to download it (the letter's pdf endpoint).")


class ResponseLetterOutputSerializer(serializers.ModelSerializer):
    review_id = serializers.IntegerField(read_only=True, help_text="The rapid review's id.")
    decision_id = serializers.IntegerField(
        read_only=True, help_text="The decision (version) the letter gives."
    )
    reference = serializers.CharField(
        source="review.notification.reference", read_only=True, help_text="The SIN's reference."
    )
    status = CodeField(
        ResponseLetter.Status.choices,
        enum_name="ResponseLetterStatusEnum",
        read_only=True,
        help_text="Partnership leads and local authority users see sent letters only.",
    )
    sha256 = serializers.CharField(
        read_only=True, help_text='The PDF\'s SHA-256 checksum, hex ("" until it is made).'
    )
    page_count = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The PDF's pages; null until it is made."
    )
    pdf = serializers.SerializerMethodField(
        help_text="The PDF's file name and download link; null until it is made."
    )

    class Meta:
        model = ResponseLetter
        fields = [
            "id",
            "review_id",
            "reference",
            "decision_id",
            "version",
            "status",
            "sha256",
            "page_count",
            "pdf",
            "rendered_at",
            "sent_at",
        ]
        read_only_fields = fields

    @extend_schema_field(LetterPdfOutputSerializer(allow_null=True))
    def get_pdf(self, letter: ResponseLetter) -> dict | None:
        if not letter.pdf:
            return None
        url = reverse("panel-api:letter-pdf", args=[letter.pk])
        request = self.context.get("request")
        return {
            "name": letter.pdf_name,
            "url": request.build_absolute_uri(url) if request else url,
        }


# --- Views ---------------------------------------------------------------------------------

TAGS = ["panel"]
DECISION_NOT_FOUND = OpenApiResponse(description="No such decision, or not in your scope")
LETTER_NOT_FOUND = OpenApiResponse(
    description="No such letter, or not in your scope (partnership leads and local authority "
    "users see sent letters only)"
)


class PanelDecisionListApi(APIView):
    pagination_class = ApiPagination

    @extend_schema(
        operation_id="panel_decision_list",
        tags=TAGS,
        summary="List the Panel's decisions in your scope",
        description="The Panel and administrators see every decision; partnership leads their "
        "partnership's; local authority users their authority's. A correction is a new "
        "version: every version is listed, the latest decided first, unless `current=true`.",
        parameters=filter_parameters(selectors.PanelDecisionFilter),
        responses={
            200: PanelDecisionOutputSerializer(many=True),
            400: BAD_FILTER,
            401: UNAUTHENTICATED,
        },
    )
    def get(self, request: Request) -> Response:
        decisions = selectors.panel_decision_list_for_user(
            user=request.user, filters=request.query_params
        )
        return paginated_response(self, request, decisions, PanelDecisionOutputSerializer)


class PanelDecisionDetailApi(APIView):
    @extend_schema(
        operation_id="panel_decision_retrieve",
        tags=TAGS,
        summary="One version of a Panel decision",
        responses={
            200: PanelDecisionOutputSerializer,
            401: UNAUTHENTICATED,
            404: DECISION_NOT_FOUND,
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        decision = selectors.panel_decision_get_for_user(user=request.user, pk=pk)
        if decision is None:
            raise exceptions.NotFound("No such decision, or not in your scope")
        return Response(PanelDecisionOutputSerializer(decision, context={"request": request}).data)


class ResponseLetterListApi(APIView):
    pagination_class = ApiPagination

    @extend_schema(
        operation_id="panel_letter_list",
        tags=TAGS,
        summary="List the Panel's response letters in your scope",
        description="Every version of each letter, by review and newest version first. The "
        "Panel and administrators see every letter, drafts included; partnership leads and "
        "local authority users the sent letters of reviews in their scope.",
        parameters=filter_parameters(selectors.ResponseLetterFilter),
        responses={
            200: ResponseLetterOutputSerializer(many=True),
            400: BAD_FILTER,
            401: UNAUTHENTICATED,
        },
    )
    def get(self, request: Request) -> Response:
        letters = selectors.response_letter_list(user=request.user, filters=request.query_params)
        letters = letters.order_by("review_id", "-version")
        return paginated_response(self, request, letters, ResponseLetterOutputSerializer)


class ResponseLetterDetailApi(APIView):
    @extend_schema(
        operation_id="panel_letter_retrieve",
        tags=TAGS,
        summary="One response letter's details",
        description="The letter's PDF is at `pdf.url` once it has been made.",
        responses={
            200: ResponseLetterOutputSerializer,
            401: UNAUTHENTICATED,
            404: LETTER_NOT_FOUND,
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        letter = selectors.response_letter_get_for_user(user=request.user, pk=pk)
        return Response(ResponseLetterOutputSerializer(letter, context={"request": request}).data)


class ResponseLetterPdfApi(APIView):
    def perform_content_negotiation(self, request: Request, force: bool = False):
        # A client may ask for application/pdf: errors are then JSON all the same.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="panel_letter_pdf",
        tags=TAGS,
        summary="Download a response letter's PDF",
        description="The PDF as the partnership was sent it, as an attachment. The download "
        "is recorded in the audit trail, as on the web pages.",
        responses={
            (200, "application/pdf"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="The letter's PDF"
            ),
            401: UNAUTHENTICATED,
            404: OpenApiResponse(
                description="No such letter, not in your scope, or its PDF is not made yet"
            ),
        },
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        letter = selectors.response_letter_get_for_user(user=request.user, pk=pk)
        # A letter whose PDF is not made yet is a 404 (LetterNotMade), from the handler.
        download = services.response_letter_download(letter=letter, by=request.user)
        return FileResponse(
            download.file,
            as_attachment=True,
            filename=download.filename,
            content_type="application/pdf",
        )
