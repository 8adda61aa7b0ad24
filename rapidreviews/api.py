"""REST API for partnership case-management systems: read rapid reviews in the caller's scope,
save a section, submit.

The serializers only parse: that an answer belongs to the section and is one of its field's
codes, a whole number or text. Every rule is applied by the services the web pages call
(`rapid_review_section_save`, `rapid_review_themes_save`, `rapid_review_submit`), so a rule
is written, and worded, once. Reads go through the selectors, so a review outside the caller's
scope is a 404.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import PurePath

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safeguarding import codes as safeguarding_codes
from safeguarding.api.fields import CodeField, CodeLists, answer_field_for, choices_message
from safeguarding.api.pagination import ApiPagination, paginated_response
from safeguarding.api.parsers import LimitedJSONParser
from safeguarding.api.schema import BAD_FILTER, UNAUTHENTICATED, filter_parameters
from safeguarding.api.serializers import (
    AlignedErrorsListSerializer,
    LocalAuthorityOutputSerializer,
    NeverPartialSerializer,
    PartnershipOutputSerializer,
)
from safeguarding.calendars import england_calendar
from safeguarding.models import User
from safeguarding.workingdays import WorkingDayCalendar

from . import codes, selectors, services
from .models import RapidReview, RapidReviewTheme
from .sections import SECTION_BY_KEY, SECTIONS, Section

# Every answer of every section, in the order of the task list.
ANSWER_FIELDS: tuple[str, ...] = tuple(name for section in SECTIONS for name in section.fields)

# Sections saved through PATCH: those with answers, and the themes. The full review document
# has its own upload.
THEMES = "themes"
PATCHABLE_SECTIONS = tuple(s.key for s in SECTIONS if s.fields or s.key == THEMES)


# One named enum per code list in the schema (YesNoUnknownEnum...), not one per question.
CODE_LISTS = CodeLists(safeguarding_codes, codes)


INVALID_NUMBER = {"age_years": "Age must be a whole number from 0 to 17"}  # as the web form


def answer_field(name: str, **kwargs) -> serializers.Field:
    """The serializer field for one answer, from the model field that stores it."""
    return answer_field_for(
        RapidReview._meta.get_field(name),
        code_lists=CODE_LISTS,
        invalid_number=INVALID_NUMBER.get(name),
        **kwargs,
    )


# --- Input -------------------------------------------------------------------------------


class RapidReviewAnswersInputSerializer(serializers.Serializer):
    """Any of the section's answers; those left out keep their saved value. In the schema every
    answer is listed; a request may give only the answers of the section in its path."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {name: answer_field(name, required=False) for name in ANSWER_FIELDS}

    def to_internal_value(self, data):
        section: Section | None = self.context.get("section")
        errors = {}
        if section is not None and isinstance(data, Mapping):
            errors = {
                key: [f"{key} is not a question in the section '{section.title}' ({section.key})"]
                for key in data
                if key not in section.fields
            }
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if not isinstance(exc.detail, Mapping):
                raise
            errors = {**exc.detail, **errors}
        if errors:
            raise serializers.ValidationError(errors)
        return value


class RapidReviewThemeInputSerializer(serializers.Serializer):
    theme = CodeField(
        codes.LearningTheme.choices,
        enum_name="LearningThemeEnum",
        error_messages={
            "required": "Select the theme",
            "invalid_choice": choices_message("Theme", codes.LearningTheme.values),
        },
    )
    present = serializers.BooleanField(
        help_text="Whether the theme features in the review.",
        error_messages={
            "required": "Say whether the theme features in the review",
            "invalid": "present must be true or false",
        },
    )
    good_practice = serializers.BooleanField(
        default=False,
        help_text="Whether good practice was identified.",
        error_messages={"invalid": "good_practice must be true or false"},
    )

    class Meta:
        # Themes' errors as a list aligned with the themes, as a SIN's children's.
        list_serializer_class = AlignedErrorsListSerializer


class RapidReviewSectionInputSerializer(NeverPartialSerializer):
    """PATCH saves part of a review, but this body is never partial: without `version` a
    save could overwrite someone else's."""

    version = serializers.IntegerField(
        min_value=0,
        help_text="The section's version you started from (the review's section_versions). "
        "If someone has saved the section since, nothing is saved and the answer is 409.",
        error_messages={
            "required": "Give the version of the section you started from",
            "invalid": "version must be a whole number",
        },
    )
    answers = RapidReviewAnswersInputSerializer(
        required=False,
        help_text="Every section but themes: {question: code, number or text}. Questions "
        'left out keep their saved answers; "" (null for a number) clears an answer. '
        "Questions that no longer apply given other answers are cleared.",
    )
    themes = RapidReviewThemeInputSerializer(
        many=True,
        required=False,
        help_text="The themes section only. Themes left out keep their saved answers.",
    )

    def validate(self, attrs: dict) -> dict:
        section: Section = self.context["section"]
        wanted, unwanted = ("themes", "answers") if section.key == THEMES else ("answers", "themes")
        errors = {}
        if wanted not in attrs:
            errors[wanted] = [f"Give the {wanted} of the section '{section.title}'"]
        if unwanted in attrs:
            errors[unwanted] = [f"The section '{section.title}' takes {wanted}, not {unwanted}"]
        themes = [item["theme"] for item in attrs.get("themes", [])]
        repeated = sorted({theme for theme in themes if themes.count(theme) > 1})
        if repeated:
            errors["themes"] = [f"Give each theme once: {', '.join(repeated)}"]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class RapidReviewSubmitInputSerializer(serializers.Serializer):
    accept_not_recorded = serializers.BooleanField(
        default=False,
        help_text="Confirm that the answers recorded as 'not recorded' are not recorded in the "
        "review. Required (true) when there are any.",
        error_messages={"invalid": "accept_not_recorded must be true or false"},
    )


# --- Output ------------------------------------------------------------------------------


class RapidReviewThemeOutputSerializer(serializers.ModelSerializer):
    theme = CodeField(codes.LearningTheme.choices, enum_name="LearningThemeEnum", read_only=True)

    class Meta:
        model = RapidReviewTheme
        fields = ["theme", "present", "good_practice"]
        read_only_fields = fields


class DocumentOutputSerializer(serializers.Serializer):
    name = serializers.CharField()
    page_count = serializers.IntegerField(allow_null=True, help_text="null for a Word document")


class CompletenessOutputSerializer(serializers.Serializer):
    unanswered = serializers.ListField(
        child=serializers.CharField(), help_text="Questions to answer before submission."
    )
    not_recorded = serializers.ListField(
        child=serializers.CharField(),
        help_text="Questions answered 'not recorded': allowed, but a quality warning to accept "
        "on submission (accept_not_recorded).",
    )
    themes_missing = serializers.ListField(
        child=serializers.CharField(), help_text="Core themes still to answer."
    )
    document_missing = serializers.BooleanField(
        help_text="The full review document is still to upload."
    )
    complete = serializers.BooleanField(help_text="Whether the review can be submitted.")


SUMMARY_FIELDS = [
    "id",
    "notification_id",
    "reference",
    "local_authority",
    "partnership",
    "status",
    "overdue",
    "due_date",
    "original_due_date",
    "working_days_late",
    "working_days_late_against_original_due_date",
    "submitted_at",
    "working_days_taken",
    "submitted_on_time",
    "closed_on_withdrawal",
    "updated_at",
]


class RapidReviewSummaryOutputSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(
        source="notification.reference", read_only=True, help_text="The SIN's reference."
    )
    local_authority = LocalAuthorityOutputSerializer(
        source="notification.local_authority", read_only=True
    )
    partnership = PartnershipOutputSerializer(read_only=True)
    status = CodeField(
        RapidReview.Status.choices, enum_name="RapidReviewStatusEnum", read_only=True
    )
    overdue = serializers.SerializerMethodField(help_text="Not submitted and past its due date.")
    working_days_late = serializers.SerializerMethodField(
        help_text="Working days past the due date (the extended one, after an extension): up "
        "to submission, or up to today while the review is running. 0 when on time."
    )
    working_days_late_against_original_due_date = serializers.SerializerMethodField(
        help_text="Working days past the original due date, before any extension (the same as "
        "working_days_late without one): up to submission, or up to today while the review is "
        "running. 0 when on time."
    )

    class Meta:
        model = RapidReview
        fields = SUMMARY_FIELDS
        read_only_fields = fields

    def get_overdue(self, review: RapidReview) -> bool:
        return review.is_overdue(_today(self))

    def get_working_days_late(self, review: RapidReview) -> int:
        return review.working_days_late(_today(self), _calendar(self))

    def get_working_days_late_against_original_due_date(self, review: RapidReview) -> int:
        return review.working_days_late(_today(self), _calendar(self), original=True)


def _today(serializer: serializers.Serializer) -> date:
    return serializer.context.get("today") or timezone.localdate()


def _calendar(serializer: serializers.Serializer) -> WorkingDayCalendar:
    """The working-day calendar the view read once for the request (one query)."""
    return serializer.context.get("calendar") or england_calendar()


class RapidReviewOutputSerializer(RapidReviewSummaryOutputSerializer):
    section_versions = serializers.SerializerMethodField(
        help_text="Each section's version, to send back when saving it (0: never saved)."
    )
    themes = RapidReviewThemeOutputSerializer(many=True, read_only=True)
    document = serializers.SerializerMethodField(
        help_text="The full review document, once uploaded."
    )
    completeness = serializers.SerializerMethodField(
        help_text="What still blocks submission, and the quality warnings to accept."
    )

    class Meta:
        model = RapidReview
        fields = [
            *SUMMARY_FIELDS,
            "section_versions",
            *ANSWER_FIELDS,
            "themes",
            "document",
            "not_recorded_accepted",
            "completeness",
        ]
        read_only_fields = fields

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for name in ANSWER_FIELDS:
            fields[name] = answer_field(name, read_only=True)
        return fields

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_section_versions(self, review: RapidReview) -> dict[str, int]:
        return {section.key: review.section_version(section.key) for section in SECTIONS}

    @extend_schema_field(DocumentOutputSerializer(allow_null=True))
    def get_document(self, review: RapidReview) -> dict | None:
        if not (review.document or review.document_name):
            return None
        return {
            "name": review.document_name or PurePath(review.document.name).name,
            "page_count": review.document_page_count,
        }

    @extend_schema_field(CompletenessOutputSerializer)
    def get_completeness(self, review: RapidReview) -> dict:
        check = services.rapid_review_completeness(review)
        return {
            "unanswered": [gap.field for gap in check.unanswered],
            "not_recorded": [gap.field for gap in check.not_recorded],
            "themes_missing": list(check.themes_missing),
            "document_missing": check.document_missing,
            "complete": check.complete,
        }


class RapidReviewConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    section = serializers.CharField(
        required=False, help_text="The section's key (a conflict with someone's save)."
    )
    version = serializers.IntegerField(
        required=False,
        help_text="The section's current version: send it to save your answers over these.",
    )
    answers = serializers.DictField(
        required=False, help_text="The section's saved answers (every section but themes)."
    )
    themes = RapidReviewThemeOutputSerializer(
        many=True, required=False, help_text="The saved themes (the themes section)."
    )


# --- Views -------------------------------------------------------------------------------

TAGS = ["rapid reviews"]
NOT_FOUND = OpenApiResponse(description="No such rapid review, or not in your scope")
NOT_A_LEAD = OpenApiResponse(
    description="Only a partnership lead of the review's partnership may change it"
)
LEADS_ONLY = "Only a partnership lead of the review's partnership can change its rapid review"
SECTION_PARAMETER = OpenApiParameter(
    "section_key",
    str,
    OpenApiParameter.PATH,
    enum=list(PATCHABLE_SECTIONS),
    description="The section: "
    + "; ".join(f"{key}: {SECTION_BY_KEY[key].title}" for key in PATCHABLE_SECTIONS),
)


def _review_for_editing(user: User, pk: int) -> RapidReview:
    try:
        return selectors.rapid_review_get_for_editing(user=user, pk=pk)
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(LEADS_ONLY) from exc


def _review_response(request: Request, pk: int) -> Response:
    review = selectors.rapid_review_get_for_user(user=request.user, pk=pk)
    context = {"request": request, "calendar": england_calendar()}
    return Response(RapidReviewOutputSerializer(review, context=context).data)


class RapidReviewListApi(APIView):
    pagination_class = ApiPagination

    @extend_schema(
        operation_id="rapid_review_list",
        tags=TAGS,
        summary="List the rapid reviews in your scope",
        description="Partnership leads see their partnership's reviews; local authority users "
        "their authority's; the Panel every review. Reviews still to submit come first, the "
        "earliest due first; submitted reviews last. Each item is a summary: the review itself "
        "has the answers.",
        parameters=filter_parameters(selectors.RapidReviewFilter),
        responses={
            200: RapidReviewSummaryOutputSerializer(many=True),
            400: BAD_FILTER,
            401: UNAUTHENTICATED,
        },
    )
    def get(self, request: Request) -> Response:
        today = timezone.localdate()
        reviews = selectors.rapid_review_queue(
            user=request.user, today=today, filters=request.query_params
        )
        return paginated_response(
            self,
            request,
            reviews,
            RapidReviewSummaryOutputSerializer,
            {"today": today, "calendar": england_calendar()},
        )


class RapidReviewDetailApi(APIView):
    @extend_schema(
        operation_id="rapid_review_retrieve",
        tags=TAGS,
        summary="One rapid review, with every answer",
        description='Coded answers are machine codes, "" while unanswered. `completeness` '
        "says what still blocks submission.",
        responses={200: RapidReviewOutputSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        return _review_response(request, pk)


SECTION_EXAMPLES = [
    OpenApiExample(
        "Decision on an LCSPR",
        value={
            "version": 0,
            "answers": {"lcspr_decision": "no_lcspr", "lcspr_rationale": "Learning is local."},
        },
        request_only=True,
    ),
    OpenApiExample(
        "Learning and practice themes",
        value={
            "version": 2,
            "themes": [
                {"theme": "coordination", "present": True, "good_practice": False},
                {"theme": "curiosity", "present": False},
            ],
        },
        request_only=True,
    ),
    OpenApiExample(
        "Field errors",
        value={
            "answers": {"lcspr_rationale": ["Enter the rationale for the partnership's decision"]}
        },
        response_only=True,
        status_codes=["400"],
    ),
]


class RapidReviewSectionApi(APIView):
    parser_classes = [LimitedJSONParser]
    # The exception handler's hooks: the services' field errors are the answers' (the request
    # nests them under `answers`), and a stale save's 409 shows what is saved now.
    invalid_errors_key = "answers"

    @staticmethod
    def conflict_data(exc: services.RapidReviewConflict) -> dict:
        current, section = exc.current, SECTION_BY_KEY[exc.section_key]
        data = {"section": section.key, "version": current.section_version(section.key)}
        if section.key == THEMES:
            themes = current.themes.all()
            data["themes"] = RapidReviewThemeOutputSerializer(themes, many=True).data
        else:
            data["answers"] = {name: getattr(current, name) for name in section.fields}
        return data

    @extend_schema(
        operation_id="rapid_review_section_update",
        tags=TAGS,
        summary="Save one section of a rapid review",
        description="The section's answers are saved together, with the rules of the web "
        "form. `version` guards against overwriting someone else's save: on 409 the body has "
        "the section's saved answers and current version.",
        parameters=[SECTION_PARAMETER],
        request=RapidReviewSectionInputSerializer,
        examples=SECTION_EXAMPLES,
        responses={
            200: RapidReviewOutputSerializer,
            400: OpenApiResponse(
                response=OpenApiTypes.OBJECT,
                description="Field errors: {field: [messages]}; an answer's errors are under "
                "`answers`, a theme's in a list aligned with `themes`.",
            ),
            401: UNAUTHENTICATED,
            403: NOT_A_LEAD,
            404: OpenApiResponse(description="No such review or section, or not in your scope"),
            409: OpenApiResponse(
                response=RapidReviewConflictSerializer,
                description="Someone saved the section after `version` (the body has their "
                "answers and the current version), or the review is submitted and read-only "
                "({detail} only).",
            ),
        },
    )
    def patch(self, request: Request, pk: int, section_key: str) -> Response:
        if section_key not in PATCHABLE_SECTIONS:
            raise exceptions.NotFound(
                f"No section '{section_key}'. Sections: {', '.join(PATCHABLE_SECTIONS)}"
            )
        section = SECTION_BY_KEY[section_key]
        review = _review_for_editing(request.user, pk)
        body = RapidReviewSectionInputSerializer(data=request.data, context={"section": section})
        body.is_valid(raise_exception=True)
        _section_save(review, section, body.validated_data, by=request.user)
        return _review_response(request, pk)


def _section_save(review: RapidReview, section: Section, data: dict, *, by: User) -> None:
    """Save a section with the web form's service. A refusal (read-only, stale version, a
    rule broken) is raised for the exception handler."""
    if section.key == THEMES:
        services.rapid_review_themes_save(
            review=review,
            by=by,
            themes={
                item["theme"]: (item["present"], item["good_practice"]) for item in data["themes"]
            },
            expected_version=data["version"],
        )
    else:
        # The whole section, as the web form sends it: left-out answers as saved.
        saved = {name: getattr(review, name) for name in section.fields}
        services.rapid_review_section_save(
            review=review,
            by=by,
            section_key=section.key,
            values={**saved, **data["answers"]},
            expected_version=data["version"],
        )


class RapidReviewSubmitApi(APIView):
    parser_classes = [LimitedJSONParser]

    @extend_schema(
        operation_id="rapid_review_submit",
        tags=TAGS,
        summary="Submit a rapid review to the Panel",
        description="Every question must be answered, every core theme recorded and the full "
        "review document uploaded. The review then becomes read-only; the working days taken "
        "and whether it met its due date are stored, and the Panel is told.",
        request=RapidReviewSubmitInputSerializer,
        responses={
            200: RapidReviewOutputSerializer,
            400: OpenApiResponse(
                response=OpenApiTypes.OBJECT,
                description="What blocks submission: {unanswered: [messages], themes: [...], "
                "document: [...], accept_not_recorded: [...]}",
                examples=[
                    OpenApiExample(
                        "Incomplete",
                        value={"unanswered": ["Narrative: answer reflection"]},
                        response_only=True,
                        status_codes=["400"],
                    )
                ],
            ),
            401: UNAUTHENTICATED,
            403: NOT_A_LEAD,
            404: NOT_FOUND,
            409: OpenApiResponse(description="Already submitted: {detail}"),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        review = _review_for_editing(request.user, pk)
        body = RapidReviewSubmitInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.rapid_review_submit(
            review=review,
            by=request.user,
            accept_not_recorded=body.validated_data["accept_not_recorded"],
        )
        return _review_response(request, pk)
