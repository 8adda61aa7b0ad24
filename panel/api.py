"""REST API for partnership case-management systems: read the Panel's decisions on rapid
reviews and its response letters (their details, and the PDF), within the caller's scope.

Decisions and letters are read-only here: they are written on the Panel's web pages.
Allocations of reviews to Panel members are read (the Panel and administrators) and written
(the secretariat) through the same services as the allocation and workload pages.

Reads go through the selectors the web pages use, so a decision or letter outside the
caller's scope is a 404, and a partnership lead or local authority user sees only letters
that have been sent (drafts are the Panel's own).
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

from rapidreviews.models import RapidReview
from safeguarding import policy
from safeguarding.api.fields import CodeField
from safeguarding.api.pagination import ApiPagination, paginated_response
from safeguarding.api.parsers import LimitedJSONParser
from safeguarding.api.schema import BAD_FILTER, UNAUTHENTICATED, filter_parameters
from safeguarding.audit import audit_read
from safeguarding.limits import REASON_MAX_CHARS
from safeguarding.models import User

from . import allocations, selectors, services
from .models import Allocation, Extent, Outcome, PanelDecision, Quality, ResponseLetter
from .targets import decision_target, decision_target_status

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


# --- Allocation (issue 17, item 1) -----------------------------------------------------------

NOT_SECRETARIAT = OpenApiResponse(description="Only the Panel secretariat may do this")
NOT_PANEL = OpenApiResponse(
    description="Only the Panel and administrators read allocations and the workload"
)
REVIEW_NOT_FOUND = OpenApiResponse(description="No such rapid review, or not in your scope")


# Ids are checked against the database's integer range before any query.
USER_ID_MAX = 2**63 - 1


def _name(user: User | None) -> str:
    return selectors.member_name(user) if user is not None else ""


class AllocationOutputSerializer(serializers.ModelSerializer):
    review_id = serializers.IntegerField(read_only=True, help_text="The rapid review's id.")
    member_id = serializers.IntegerField(read_only=True, help_text="The Panel member's user id.")
    member_name = serializers.SerializerMethodField(help_text="The Panel member's name.")
    is_lead = serializers.BooleanField(read_only=True, help_text="The lead Panel member.")
    automatic = serializers.BooleanField(
        read_only=True, help_text="Made by the round robin rather than chosen by a person."
    )
    allocated_by = serializers.SerializerMethodField(
        help_text='Who allocated the member ("" when automatic on submission).'
    )
    is_current = serializers.BooleanField(read_only=True, help_text="Not ended.")
    reason = serializers.CharField(
        read_only=True, help_text='The reason given for the reallocation that made it, or "".'
    )
    end_reason = serializers.CharField(
        read_only=True, help_text='Why it ended (the reallocation\'s reason), or "".'
    )

    class Meta:
        model = Allocation
        fields = [
            "id",
            "review_id",
            "member_id",
            "member_name",
            "is_lead",
            "automatic",
            "allocated_by",
            "allocated_at",
            "reason",
            "is_current",
            "ended_at",
            "end_reason",
        ]
        read_only_fields = fields

    def get_member_name(self, allocation: Allocation) -> str:
        return _name(allocation.member)

    def get_allocated_by(self, allocation: Allocation) -> str:
        return _name(allocation.allocated_by)


class ReviewAllocationsOutputSerializer(serializers.Serializer):
    review_id = serializers.IntegerField(help_text="The rapid review's id.")
    version = serializers.IntegerField(
        help_text="Send it back as `version` to change the allocation: a change made since is "
        "refused (409) rather than overwritten."
    )
    decision_target = serializers.DateField(
        allow_null=True, help_text="The date the Panel aims to decide by."
    )
    decision_target_status = serializers.ChoiceField(
        choices=["", "due_soon", "overdue"],
        help_text='"overdue", "due_soon" (within 5 working days) or "" (not soon, or decided).',
    )
    allocations = AllocationOutputSerializer(
        many=True, help_text="Every allocation, current ones first (the lead first)."
    )


class AllocationInputSerializer(serializers.Serializer):
    lead = serializers.IntegerField(
        min_value=1, max_value=USER_ID_MAX, help_text="The lead Panel member's user id."
    )
    others = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=USER_ID_MAX),
        required=False,
        default=list,
        max_length=50,
        help_text="Other Panel members' user ids.",
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=REASON_MAX_CHARS,
        help_text="Required when anyone is taken off the review.",
    )
    version = serializers.IntegerField(
        min_value=0,
        max_value=USER_ID_MAX,
        help_text="The `version` read with the allocations: a stale one is refused (409).",
    )


def _allocations_body(request: Request, review: RapidReview) -> dict:
    return ReviewAllocationsOutputSerializer(
        {
            "review_id": review.pk,
            "version": selectors.allocation_version(review=review),
            "decision_target": decision_target(review),
            "decision_target_status": decision_target_status(review),
            "allocations": selectors.allocation_list(review=review),
        },
        context={"request": request},
    ).data


def _users(ids: list[int]) -> dict[int, User]:
    found = User.objects.in_bulk(ids)
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise exceptions.ValidationError(
            {"lead" if len(ids) == 1 else "others": [f"No such user: {missing[0]}"]}
        )
    return found


class ReviewAllocationListApi(APIView):
    parser_classes = [LimitedJSONParser]

    def _review(self, request: Request, review_pk: int) -> RapidReview:
        review = selectors.panel_review_get_for_user(user=request.user, pk=review_pk)
        if request.method == "POST":
            policy.require(policy.can_allocate(request.user, review))
        else:
            policy.require(policy.can_see_allocations(request.user, review))
        return review

    @extend_schema(
        operation_id="panel_allocation_list",
        tags=TAGS,
        summary="Who a rapid review is allocated to, and its allocation history",
        description="The Panel and administrators only. Every allocation the review has had "
        "(a reallocation ends rows and adds new ones), with the version to send back to "
        "change it and the Panel's decision target.",
        responses={
            200: ReviewAllocationsOutputSerializer,
            401: UNAUTHENTICATED,
            403: NOT_PANEL,
            404: REVIEW_NOT_FOUND,
        },
    )
    def get(self, request: Request, review_pk: int) -> Response:
        review = self._review(request, review_pk)
        audit_read(user=request.user, obj=review)
        return Response(_allocations_body(request, review))

    @extend_schema(
        operation_id="panel_allocation_set",
        tags=TAGS,
        summary="Allocate (or reallocate) a submitted rapid review",
        description="The Panel secretariat only, as on the allocation page: a lead Panel "
        "member and any others replace the current allocation; anyone taken off the review "
        "needs a `reason`. Each newly allocated member is told in the service and by e-mail.",
        request=AllocationInputSerializer,
        responses={
            200: ReviewAllocationsOutputSerializer,
            400: OpenApiResponse(description="Not Panel members, inactive, or no reason"),
            401: UNAUTHENTICATED,
            403: NOT_SECRETARIAT,
            404: REVIEW_NOT_FOUND,
            409: OpenApiResponse(
                description="Someone changed the allocation since `version`, or the review is "
                "not submitted or is closed"
            ),
        },
    )
    def post(self, request: Request, review_pk: int) -> Response:
        review = self._review(request, review_pk)
        body = AllocationInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        users = _users([data["lead"], *data["others"]])
        allocations.allocation_set(
            review=review,
            by=request.user,
            lead=users[data["lead"]],
            others=[users[pk] for pk in data["others"]],
            reason=data["reason"],
            expected_version=data["version"],
        )
        return Response(_allocations_body(request, review))


class MemberWorkloadOutputSerializer(serializers.Serializer):
    member_id = serializers.IntegerField(source="member.pk", help_text="The member's user id.")
    name = serializers.CharField(help_text="The member's name.")
    available = serializers.BooleanField(help_text="Available for new (automatic) cases.")
    cap = serializers.IntegerField(help_text="Most open cases at a time.")
    open_as_lead = serializers.IntegerField(help_text="Open cases as the lead member.")
    open_as_other = serializers.IntegerField(help_text="Open cases as another member.")
    due_soon = serializers.IntegerField(help_text="Open cases with the target due soon.")
    overdue = serializers.IntegerField(help_text="Open cases past their decision target.")


class PanelWorkloadApi(APIView):
    @extend_schema(
        operation_id="panel_workload",
        tags=TAGS,
        summary="Each Panel member's open cases",
        description="The Panel and administrators only. An open case is a review allocated "
        "to the member, submitted and awaiting the Panel's decision.",
        responses={
            200: MemberWorkloadOutputSerializer(many=True),
            401: UNAUTHENTICATED,
            403: NOT_PANEL,
        },
    )
    def get(self, request: Request) -> Response:
        rows = selectors.allocation_workload(user=request.user)
        return Response(MemberWorkloadOutputSerializer(rows, many=True).data)


class AutoAllocationOutputSerializer(serializers.Serializer):
    allocated = AllocationOutputSerializer(many=True, help_text="The allocations made.")
    left_unallocated = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Ids of the reviews nobody had room for (the secretariat is told).",
    )


class AutoAllocateApi(APIView):
    parser_classes = [LimitedJSONParser]

    @extend_schema(
        operation_id="panel_allocate_automatically",
        tags=TAGS,
        summary="Allocate every unallocated review automatically",
        description="The Panel secretariat only, as the button on the workload page: round "
        "robin among available Panel members under their cap.",
        request=None,
        responses={200: AutoAllocationOutputSerializer, 401: UNAUTHENTICATED, 403: NOT_SECRETARIAT},
    )
    def post(self, request: Request) -> Response:
        policy.require(policy.can_allocate(request.user))
        result = allocations.allocation_auto(by=request.user)
        return Response(
            AutoAllocationOutputSerializer(
                {
                    "allocated": result.allocated,
                    "left_unallocated": [review.pk for review in result.left_unallocated],
                }
            ).data
        )
