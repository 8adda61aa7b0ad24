"""REST API for national reviews (issue 18, item 3), through the services and selectors the
web pages use: the Panel and administrators list and read every review; a partnership lead
reads a review holding one of its accepted cases (its own cases only, the others counted); a
Panel member or the secretariat proposes a case; the secretariat decides cases and moves a
review along its statuses (with the `version` it read)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rapidreviews.codes import LearningTheme
from rapidreviews.selectors import rapid_review_get_for_user
from safeguarding import policy
from safeguarding.api.fields import CodeField
from safeguarding.api.parsers import LimitedJSONParser
from safeguarding.api.schema import UNAUTHENTICATED
from safeguarding.limits import REASON_MAX_CHARS

from . import national_review_selectors as selectors
from . import national_reviews as services
from .models import NationalReview, NationalReviewCase

TAGS = ["panel"]
NOT_FOUND = OpenApiResponse(description="No such national review, or not one you may see")
NOT_SECRETARIAT = OpenApiResponse(description="Only the Panel secretariat decides")
FIELD_ERRORS = OpenApiResponse(description="Field errors: {field: [messages]}")


class NationalReviewCaseOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    review_id = serializers.IntegerField(source="rapid_review_id", help_text="The rapid review.")
    reference = serializers.CharField(
        source="rapid_review.notification.reference", help_text="The SIN's reference."
    )
    partnership = serializers.CharField(source="rapid_review.partnership.code")
    status = CodeField(NationalReviewCase.Status.choices, enum_name="NationalReviewCaseStatusEnum")
    reason = serializers.CharField(
        help_text="Why the Panel proposed the case (blank for a partnership lead)."
    )
    proposed_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_reason = serializers.CharField(help_text="Blank for a partnership lead.")


class NationalReviewOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField(help_text="Send it back to change the status.")
    title = serializers.CharField()
    theme = serializers.CharField()
    learning_theme = CodeField(
        LearningTheme.choices, enum_name="LearningThemeEnum", allow_blank=True
    )
    status = CodeField(NationalReview.Status.choices, enum_name="NationalReviewStatusEnum")
    created_at = serializers.DateTimeField()
    published_on = serializers.DateField(allow_null=True)
    published_url = serializers.CharField()
    decline_reason = serializers.CharField()


class NationalReviewDetailOutputSerializer(NationalReviewOutputSerializer):
    cases = NationalReviewCaseOutputSerializer(
        many=True,
        source="shown_cases",
        help_text="The cases you may see: every case for the Panel and administrators; for a "
        "partnership lead, its own accepted cases.",
    )
    cases_in_other_areas = serializers.IntegerField(
        source="others",
        help_text="For a partnership lead: how many accepted cases are in other areas.",
    )


class ProposeInputSerializer(serializers.Serializer):
    national_review = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="An open national review's id; leave out to propose a new review.",
    )
    title = serializers.CharField(
        max_length=200, required=False, default="", help_text="For a new review."
    )
    theme = serializers.CharField(
        max_length=REASON_MAX_CHARS, required=False, default="", help_text="For a new review."
    )
    learning_theme = serializers.ChoiceField(
        choices=LearningTheme.choices,
        required=False,
        default="",
        allow_blank=True,
        help_text="For a new review, optional.",
    )
    reason = serializers.CharField(max_length=REASON_MAX_CHARS, help_text="The Panel's words.")


class CaseDecisionInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["accept", "decline"])
    reason = serializers.CharField(
        max_length=REASON_MAX_CHARS,
        required=False,
        default="",
        allow_blank=True,
        help_text="Required to decline.",
    )


class StatusInputSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    status = serializers.ChoiceField(
        choices=list(services.STEPS),
        help_text="The status to move to: one step forward (or declined, from proposed).",
    )
    reason = serializers.CharField(
        max_length=REASON_MAX_CHARS, required=False, default="", allow_blank=True
    )
    published_on = serializers.DateField(required=False, allow_null=True, default=None)
    published_url = serializers.URLField(
        max_length=500, required=False, default="", allow_blank=True
    )


def _detail(request: Request, review: NationalReview, code: int = 200) -> Response:
    cases = selectors.national_review_cases(user=request.user, review=review)
    review.shown_cases, review.others = cases.shown, cases.others
    data = NationalReviewDetailOutputSerializer(review).data
    if not cases.sees_all:
        # A partnership lead sees what the page shows it: its cases by reference, never the
        # Panel's reasons for proposing them or the secretariat's for deciding.
        for case in data["cases"]:
            case["reason"] = case["decision_reason"] = ""
    return Response(data, status=code)


class NationalReviewListApi(APIView):
    @extend_schema(
        operation_id="panel_national_review_list",
        tags=TAGS,
        summary="List national reviews",
        description="The newest first. The Panel and administrators only.",
        parameters=[
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                required=False,
                enum=NationalReview.Status.values,
                description="Keep the reviews with this status.",
            )
        ],
        responses={
            200: NationalReviewOutputSerializer(many=True),
            401: UNAUTHENTICATED,
            403: OpenApiResponse(description="You may not see the list of national reviews"),
        },
    )
    def get(self, request: Request) -> Response:
        status_code = request.query_params.get("status", "")
        if status_code not in NationalReview.Status.values:
            status_code = ""
        reviews = selectors.national_review_list(user=request.user, status=status_code)
        return Response(NationalReviewOutputSerializer(reviews, many=True).data)


class NationalReviewDetailApi(APIView):
    @extend_schema(
        operation_id="panel_national_review_retrieve",
        tags=TAGS,
        summary="One national review, with its cases as you may see them",
        responses={
            200: NationalReviewDetailOutputSerializer,
            401: UNAUTHENTICATED,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        review = selectors.national_review_get_for_user(user=request.user, pk=pk)
        return _detail(request, review)


class NationalReviewProposeApi(APIView):
    parser_classes = [LimitedJSONParser]

    @extend_schema(
        operation_id="panel_national_review_propose",
        tags=TAGS,
        summary="Propose a case for a national review",
        description="For an open national review (`national_review`), or a new one (`title`, "
        "`theme`, optional `learning_theme`). Panel members and the secretariat. The "
        "secretariat is told.",
        request=ProposeInputSerializer,
        responses={
            201: NationalReviewDetailOutputSerializer,
            400: FIELD_ERRORS,
            401: UNAUTHENTICATED,
            403: OpenApiResponse(description="Only the Panel proposes cases"),
            404: OpenApiResponse(description="No such rapid review"),
        },
    )
    def post(self, request: Request, review_pk: int) -> Response:
        rapid_review = rapid_review_get_for_user(user=request.user, pk=review_pk, with_shared=False)
        policy.require(policy.can_propose_national_review(request.user, rapid_review))
        body = ProposeInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        review = None
        if data.get("national_review"):
            choices = selectors.national_review_choices(
                user=request.user, rapid_review=rapid_review
            )
            review = choices.filter(pk=data["national_review"]).first()
            if review is None:
                raise services.NationalReviewInvalid(
                    {
                        "national_review": [
                            "No open national review with this id, or it holds the case already"
                        ]
                    }
                )
        case = services.national_review_propose_case(
            rapid_review=rapid_review,
            by=request.user,
            reason=data["reason"],
            review=review,
            title=data["title"],
            theme=data["theme"],
            learning_theme=data["learning_theme"],
        )
        return _detail(request, case.review, status.HTTP_201_CREATED)


class NationalReviewCaseDecideApi(APIView):
    parser_classes = [LimitedJSONParser]

    @extend_schema(
        operation_id="panel_national_review_case_decide",
        tags=TAGS,
        summary="Accept or decline a case proposed for a national review",
        description="A reason is required to decline. Accepting needs the review commissioned "
        "or in progress; the case's partnership is told.",
        request=CaseDecisionInputSerializer,
        responses={
            200: NationalReviewCaseOutputSerializer,
            400: FIELD_ERRORS,
            401: UNAUTHENTICATED,
            403: NOT_SECRETARIAT,
            404: OpenApiResponse(description="No such case in a national review"),
            409: OpenApiResponse(description="Already decided, or the review's status: {detail}"),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        case = selectors.national_review_case_get_for_user(user=request.user, pk=pk)
        policy.require(policy.can_manage_national_reviews(request.user, case))
        body = CaseDecisionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if data["decision"] == "accept":
            case = services.national_review_case_accept(
                case=case, by=request.user, reason=data["reason"]
            )
        else:
            case = services.national_review_case_decline(
                case=case, by=request.user, reason=data["reason"]
            )
        return Response(NationalReviewCaseOutputSerializer(case).data)


class NationalReviewStatusApi(APIView):
    parser_classes = [LimitedJSONParser]

    @extend_schema(
        operation_id="panel_national_review_status",
        tags=TAGS,
        summary="Move a national review to its next status",
        description="proposed → commissioned (or declined, with `reason`) → in_progress → "
        "published (with `published_on` and `published_url`). Send the `version` you read: a "
        "stale version is a 409 and nothing changes.",
        request=StatusInputSerializer,
        responses={
            200: NationalReviewDetailOutputSerializer,
            400: FIELD_ERRORS,
            401: UNAUTHENTICATED,
            403: NOT_SECRETARIAT,
            404: NOT_FOUND,
            409: OpenApiResponse(description="Stale version, or not allowed from its status"),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        review = selectors.national_review_get_for_user(user=request.user, pk=pk)
        policy.require(policy.can_manage_national_reviews(request.user, review))
        body = StatusInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        review = services.national_review_move(
            review=review,
            by=request.user,
            target=data["status"],
            expected_version=data["version"],
            reason=data["reason"],
            published_on=data["published_on"],
            published_url=data["published_url"],
        )
        return _detail(request, review)
