"""REST API for local authority case-management systems (issue 3).

The serializers only parse types and choices; every rule about a SIN is applied by
`services.notification_create`, the same services the web journey calls, so a rule is written
(and worded) once. Reads go through the selectors, so a SIN outside the caller's scope is a 404.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safeguarding import policy
from safeguarding.api.fields import DATE_INVALID, choices_message
from safeguarding.api.pagination import ApiPagination, paginated_response
from safeguarding.api.parsers import LimitedJSONParser
from safeguarding.api.schema import BAD_FILTER, UNAUTHENTICATED, filter_parameters
from safeguarding.api.serializers import (
    AlignedErrorsListSerializer,
    LocalAuthorityOutputSerializer,
)
from safeguarding.codes import Reason, Sex
from safeguarding.limits import NARRATIVE_MAX_CHARS, REASON_MAX_CHARS, too_long_message

from . import rules
from .models import AbuseOrNeglect, Notification, NotificationChild, Withdrawal
from .selectors import (
    NotificationFilter,
    notification_get_for_user,
    notification_list_api_rows,
)
from .services import ChildData, notification_create


class IsLocalAuthorityUserOrReadOnly(BasePermission):
    """Anyone signed in may read (within their scope); only local authority users notify."""

    message = "Only local authority users can create notifications."

    def has_permission(self, request: Request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return policy.can_notify(request.user)


# --- Input -------------------------------------------------------------------------------


class NotificationChildInputSerializer(serializers.Serializer):
    child_reference = serializers.CharField(
        max_length=40,
        help_text="Pseudonymous reference such as 'Child A'. Unique within the notification.",
        error_messages={
            "required": "Enter a reference for the child",
            "blank": "Enter a reference for the child",
            "max_length": "Reference for the child must be 40 characters or fewer",
        },
    )
    name = serializers.CharField(
        max_length=200,
        allow_blank=True,
        default="",
        help_text="Identifying; optional.",
        error_messages={"max_length": "Child's name must be 200 characters or fewer"},
    )
    date_of_birth = serializers.DateField(
        allow_null=True,
        default=None,
        help_text="Give the date of birth, the age, or both.",
        error_messages={"invalid": DATE_INVALID},
    )
    age_years = serializers.IntegerField(
        allow_null=True,
        default=None,
        help_text="Age in whole years on the date of the incident (0 to 17).",
        error_messages={"invalid": "Age must be a whole number from 0 to 17"},
    )
    sex = serializers.ChoiceField(
        choices=Sex.choices,
        error_messages={
            "required": "Select the child's sex",
            "invalid_choice": choices_message("Sex", Sex.values),
        },
    )
    harm = serializers.ChoiceField(
        choices=Reason.choices,
        help_text="What happened to this child.",
        error_messages={
            "required": "Select what happened to this child",
            "invalid_choice": choices_message("Harm", Reason.values),
        },
    )

    class Meta:
        # Children's type errors as a list aligned with the children: the shape the service
        # gives for its rules, so clients handle one format.
        list_serializer_class = AlignedErrorsListSerializer


class NotificationCreateInputSerializer(serializers.Serializer):
    local_authority = serializers.CharField(
        required=False,
        help_text="Optional. A SIN is always made for the caller's own local authority; if "
        "given, this must be its ONS code.",
    )
    incident_date = serializers.DateField(
        allow_null=True, default=None, error_messages={"invalid": DATE_INVALID}
    )
    date_aware = serializers.DateField(
        allow_null=True,
        default=None,
        help_text="When the local authority became aware. The 5 working days to notify the "
        "Panel start the day after.",
        error_messages={"invalid": DATE_INVALID},
    )
    reason = serializers.ChoiceField(
        choices=Reason.choices,
        allow_blank=True,
        default="",
        error_messages={"invalid_choice": choices_message("Reason", Reason.values)},
    )
    abuse_or_neglect = serializers.ChoiceField(
        choices=AbuseOrNeglect.choices,
        allow_blank=True,
        default="",
        help_text="'not_suspected' only for the death of a looked-after child.",
        error_messages={
            "invalid_choice": choices_message("Abuse or neglect", AbuseOrNeglect.values)
        },
    )
    child_looked_after_death = serializers.BooleanField(
        allow_null=True,
        default=None,
        help_text="Whether this is the death of a looked-after child (required to submit).",
        error_messages={"invalid": "Death of a looked-after child must be true or false"},
    )
    placement_postcode = serializers.CharField(allow_blank=True, default="")
    imd_decile = serializers.IntegerField(
        allow_null=True,
        default=None,
        help_text="1 (most deprived 10%) to 10. Null: looked up from the postcode when possible.",
        error_messages={"invalid": "IMD decile must be a whole number from 1 to 10"},
    )
    summary = serializers.CharField(
        allow_blank=True,
        default="",
        max_length=NARRATIVE_MAX_CHARS,
        error_messages={"max_length": too_long_message(NARRATIVE_MAX_CHARS)},
    )
    children = NotificationChildInputSerializer(many=True, required=False)
    submit = serializers.BooleanField(
        default=False,
        help_text="false: save a draft. true: submit it to the Panel, which needs every answer.",
    )
    lateness_reason = serializers.CharField(
        allow_blank=True,
        default="",
        max_length=REASON_MAX_CHARS,
        error_messages={"max_length": too_long_message(REASON_MAX_CHARS)},
        help_text="Required when submitting more than 5 working days after the date aware.",
    )

    def to_internal_value(self, data):
        # Refused before the children are read one by one: a request with thousands of them
        # costs no more than one with a few.
        children = data.get("children") if hasattr(data, "get") else None
        if isinstance(children, list):
            errors = rules.children_count_errors(
                count=len(children), maximum=settings.NOTIFICATION_MAX_CHILDREN
            )
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


# --- Output ------------------------------------------------------------------------------


class NotificationChildOutputSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField(
        help_text="Only for users of the notifying local authority; null for everyone else."
    )

    class Meta:
        model = NotificationChild
        fields = [
            "id",
            "child_reference",
            "name",
            "date_of_birth",
            "age_years",
            "sex",
            "harm",
            "is_child_in_focus",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_name(self, child: NotificationChild) -> str | None:
        return child.name if self.context.get("show_child_names") else None


class NotificationOutputSerializer(serializers.ModelSerializer):
    local_authority = LocalAuthorityOutputSerializer()
    # A draft may not have these answers yet: "" (declared so that the schema says so).
    reason = serializers.ChoiceField(choices=Reason.choices, allow_blank=True, read_only=True)
    abuse_or_neglect = serializers.ChoiceField(
        choices=AbuseOrNeglect.choices, allow_blank=True, read_only=True
    )
    imd_source = serializers.ChoiceField(
        choices=Notification._meta.get_field("imd_source").choices,
        allow_blank=True,
        read_only=True,
    )
    children = serializers.SerializerMethodField()
    rapid_review_due_date = serializers.DateField(
        source="rapid_review.due_date",
        allow_null=True,
        read_only=True,
        help_text="When the partnership's rapid review is due (submitted SINs only).",
    )
    # Issue 16: read-only here; the Panel secretariat marks and reinstates on the web.
    rapid_review_needed = serializers.BooleanField(
        source="needs_rapid_review",
        read_only=True,
        help_text="false for a looked-after child's death where abuse or neglect is not "
        "suspected: no rapid review is opened (the Panel shares it with DfE and Ofsted).",
    )
    withdrawal = serializers.ChoiceField(
        choices=Withdrawal.choices,
        allow_blank=True,
        read_only=True,
        help_text="Set when the Panel secretariat marked the SIN withdrawn or not progressed "
        '(its rapid review is then closed and it is left out of the figures); "" otherwise.',
    )
    withdrawal_reason = serializers.CharField(
        read_only=True, help_text='The secretariat\'s reason; "" when not withdrawn.'
    )
    withdrawn_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When it was marked; null when not withdrawn."
    )

    class Meta:
        model = Notification
        fields = [
            "id",
            "reference",
            "status",
            "version",
            "local_authority",
            "incident_date",
            "date_aware",
            "reason",
            "abuse_or_neglect",
            "child_looked_after_death",
            "placement_postcode",
            "imd_decile",
            "imd_source",
            "summary",
            "child_in_focus_override_reason",
            "lateness_reason",
            "notified_at",
            "working_days_to_notify",
            "notified_on_time",
            "rapid_review_due_date",
            "rapid_review_needed",
            "withdrawal",
            "withdrawal_reason",
            "withdrawn_at",
            "children",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(NotificationChildOutputSerializer(many=True))
    def get_children(self, notification: Notification) -> list[dict]:
        show_names = policy.can_see_child_identity(self.context["request"].user, notification)
        # One child serializer per answer, kept for the rest of the list: building a
        # ModelSerializer's fields costs more than writing a row (issue 14).
        serializers_by_answer = self.__dict__.setdefault("_child_serializers", {})
        if show_names not in serializers_by_answer:
            serializers_by_answer[show_names] = NotificationChildOutputSerializer(
                context={**self.context, "show_child_names": show_names}
            )
        child_serializer = serializers_by_answer[show_names]
        return [child_serializer.to_representation(child) for child in notification.children.all()]


# --- Views -------------------------------------------------------------------------------

FIELD_ERRORS_EXAMPLE = OpenApiExample(
    "Field errors",
    value={
        "incident_date": ["Date of the incident must be today or in the past"],
        "children": [
            {},
            {
                "age_years": [
                    "Age must match the date of birth: the child was 10 on the date of the incident"
                ]
            },
        ],
    },
    response_only=True,
    status_codes=["400"],
)


class NotificationListCreateApi(APIView):
    permission_classes = [IsAuthenticated, IsLocalAuthorityUserOrReadOnly]
    parser_classes = [LimitedJSONParser]  # children are a nested list: JSON only
    pagination_class = ApiPagination

    @extend_schema(
        operation_id="notification_list",
        tags=["notifications"],
        summary="List the SINs in your scope",
        description="Local authority users see their authority's SINs (drafts included); "
        "partnership leads the submitted SINs of their partnership's authorities; the Panel "
        "every submitted SIN.",
        parameters=filter_parameters(NotificationFilter),
        responses={
            200: NotificationOutputSerializer(many=True),
            400: BAD_FILTER,
            401: UNAUTHENTICATED,
        },
    )
    def get(self, request: Request) -> Response:
        notifications = notification_list_api_rows(user=request.user, filters=request.query_params)
        return paginated_response(self, request, notifications, NotificationOutputSerializer)

    @extend_schema(
        operation_id="notification_create",
        tags=["notifications"],
        summary="Create a SIN, as a draft or submitted",
        description="The SIN is for the caller's own local authority. With `submit: true` it is "
        "submitted at once: it gets its reference, the working days to notify are stored, the "
        "partnership's rapid review is opened and the partnership and the Panel are told. "
        "Every rule is the web form's; on a problem nothing is saved and the answer is 400 "
        "with `{field: [messages]}` (children's errors in a list aligned with `children`).",
        request=NotificationCreateInputSerializer,
        responses={
            201: NotificationOutputSerializer,
            400: OpenApiResponse(
                response=OpenApiTypes.OBJECT,
                description="Field errors: {field: [messages]}; `children` is a list of "
                "{field: [messages]} aligned with the request's children.",
                examples=[FIELD_ERRORS_EXAMPLE],
            ),
            401: UNAUTHENTICATED,
            403: OpenApiResponse(description="Only local authority users create SINs"),
            409: OpenApiResponse(description="The SIN's state does not allow this"),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = NotificationCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        authority = request.user.local_authority
        claimed = data.pop("local_authority", None)
        if claimed is not None and claimed.strip().upper() != authority.ons_code:
            raise serializers.ValidationError(
                {
                    "local_authority": [
                        f"You can only notify for your own local authority, {authority.name} "
                        f"({authority.ons_code}): remove local_authority or give that code"
                    ]
                }
            )
        children = [ChildData(**child) for child in data.pop("children", [])]
        # A rule the SIN breaks is a 400 with the service's messages, from the exception handler.
        notification = notification_create(
            local_authority=authority, by=request.user, children=children, **data
        )
        notification = notification_get_for_user(user=request.user, pk=notification.pk)
        output = NotificationOutputSerializer(notification, context={"request": request})
        location = reverse("notifications-api:notification-detail", args=[notification.pk])
        return Response(output.data, status=status.HTTP_201_CREATED, headers={"Location": location})


class NotificationDetailApi(APIView):
    @extend_schema(
        operation_id="notification_retrieve",
        tags=["notifications"],
        summary="One SIN",
        responses={
            200: NotificationOutputSerializer,
            401: UNAUTHENTICATED,
            404: OpenApiResponse(description="No such SIN, or not in your scope"),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        notification = notification_get_for_user(user=request.user, pk=pk)
        return Response(
            NotificationOutputSerializer(notification, context={"request": request}).data
        )
