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

from safeguarding import codes as safeguarding_codes
from safeguarding import policy
from safeguarding.api.fields import (
    DATE_INVALID,
    CodeField,
    CodeLists,
    answer_field_for,
    choices_message,
)
from safeguarding.api.pagination import ApiPagination, paginated_response
from safeguarding.api.parsers import LimitedJSONParser
from safeguarding.api.schema import BAD_FILTER, UNAUTHENTICATED, filter_parameters
from safeguarding.api.serializers import (
    AlignedErrorsListSerializer,
    LocalAuthorityOutputSerializer,
    PartnershipOutputSerializer,
)
from safeguarding.codes import Reason, Sex
from safeguarding.limits import NARRATIVE_MAX_CHARS, REASON_MAX_CHARS, too_long_message
from safeguarding.models import LocalAuthority, Partnership

from . import duplicates, rules
from .attachment_api import AttachmentOutputSerializer
from .codes import (
    Agency,
    CriminalProceedings,
    IncidentLocation,
    IncidentSetting,
    YesNoUnknown,
    agencies_split,
)
from .models import (
    AbuseOrNeglect,
    Notification,
    NotificationChild,
    NotificationShare,
    PossibleDuplicate,
    Withdrawal,
)
from .selectors import (
    NotificationFilter,
    notification_get_for_editing,
    notification_get_for_user,
    notification_list_api_rows,
    notification_read_through_share,
)
from .services import (
    ChildData,
    IncidentPlaceData,
    NotificationInvalid,
    NotifierData,
    ShareTarget,
    notification_create,
    notification_share_add,
)


class IsLocalAuthorityUserOrReadOnly(BasePermission):
    """Anyone signed in may read (within their scope); only local authority users notify."""

    message = "Only local authority users can create notifications."

    def has_permission(self, request: Request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return policy.can_notify(request.user)


# --- Input -------------------------------------------------------------------------------

# The child's statutory questions (issue 16): each code list one schema component, shared with
# the rapid review API's (EthnicityEnum, YesNoNotRecordedEnum, ChildInNeedEnum, …).
CODE_LISTS = CodeLists(safeguarding_codes)
CHILD_CODED_FIELDS = (
    "ethnicity",
    "disability",
    "child_in_need",
    "child_protection_plan",
    "looked_after",
    "care_order",
)


def _child_code_field(name: str, **kwargs) -> serializers.Field:
    return answer_field_for(
        NotificationChild._meta.get_field(name), code_lists=CODE_LISTS, **kwargs
    )


class HomeLocalAuthorityField(serializers.SlugRelatedField):
    """A local authority by its ONS code."""

    def __init__(self, **kwargs):
        super().__init__(
            slug_field="ons_code",
            queryset=LocalAuthority.objects.all(),
            allow_null=True,
            default=None,
            help_text="The ONS code of the child's home local authority, only if different "
            "from the notifying one; null otherwise.",
            error_messages={
                "does_not_exist": "Enter the ONS code of a local authority in England for the "
                "child's home local authority",
                "invalid": "Enter the ONS code of a local authority in England for the "
                "child's home local authority",
            },
            **kwargs,
        )

    def to_internal_value(self, data):
        return super().to_internal_value(data.strip().upper() if isinstance(data, str) else data)


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

    # --- The statutory questions about the child (issue 16), all optional.
    ethnicity = _child_code_field("ethnicity", default="")
    disability = _child_code_field("disability", default="")
    health_needs = serializers.CharField(
        max_length=REASON_MAX_CHARS,
        allow_blank=True,
        default="",
        help_text="Known health needs. Identifying; optional.",
        error_messages={"max_length": f"Known health needs: {too_long_message(REASON_MAX_CHARS)}"},
    )
    child_in_need = _child_code_field("child_in_need", default="")
    child_protection_plan = _child_code_field("child_protection_plan", default="")
    looked_after = _child_code_field("looked_after", default="")
    care_order = _child_code_field("care_order", default="")
    home_local_authority = HomeLocalAuthorityField()
    # --- end of the statutory questions

    class Meta:
        # Children's type errors as a list aligned with the children: the shape the service
        # gives for its rules, so clients handle one format.
        list_serializer_class = AlignedErrorsListSerializer


class NotificationShareInputSerializer(serializers.Serializer):
    """Another area to tell (issue 16, item 3): one local authority OR one partnership."""

    local_authority = serializers.SlugRelatedField(
        slug_field="ons_code",
        queryset=LocalAuthority.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="ONS code of a local authority to tell, e.g. E08000035.",
        error_messages={"does_not_exist": "No local authority has the ONS code {value}"},
    )
    partnership = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Partnership.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Code of a safeguarding partnership to tell.",
        error_messages={"does_not_exist": "No safeguarding partnership has the code {value}"},
    )

    class Meta:
        list_serializer_class = AlignedErrorsListSerializer

    def target(self, data: dict) -> ShareTarget:
        return ShareTarget(local_authority=data["local_authority"], partnership=data["partnership"])


class NotificationShareAddInputSerializer(NotificationShareInputSerializer):
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The SIN's version you read; a SIN changed since is refused (409).",
    )
    amendment_reason = serializers.CharField(
        allow_blank=True,
        default="",
        max_length=REASON_MAX_CHARS,
        help_text="Required for a submitted SIN: why the area is added.",
        error_messages={"max_length": too_long_message(REASON_MAX_CHARS)},
    )


# --- Issue 16: where and how it happened; the notifier and sign-off ------------------------


AUTHORITY_UNKNOWN = "Enter the ONS code of a local authority in England"


def _code(choices, enum_name: str, label: str, values, **kwargs) -> CodeField:
    return CodeField(
        choices,
        enum_name=enum_name,
        allow_blank=True,
        default="",
        error_messages={"invalid_choice": choices_message(label, values)},
        **kwargs,
    )


def _text(label: str, max_length: int, **kwargs) -> serializers.CharField:
    return serializers.CharField(
        allow_blank=True,
        default="",
        max_length=max_length,
        error_messages={"max_length": f"{label} must be {max_length} characters or fewer"},
        **kwargs,
    )


class IncidentPlaceInputSerializer(serializers.Serializer):
    """Where and how it happened: every answer optional ("" or null: not given)."""

    incident_time = serializers.TimeField(
        allow_null=True,
        default=None,
        format="%H:%M",
        help_text="The time of the incident, if known (HH:MM, 24-hour).",
        error_messages={"invalid": "Enter the time of the incident like 14:30"},
    )
    incident_location = _code(
        IncidentLocation.choices,
        "IncidentLocationEnum",
        "Where it happened",
        IncidentLocation.values,
    )
    incident_local_authority = serializers.CharField(
        allow_null=True,
        allow_blank=True,
        default=None,
        max_length=20,
        help_text="ONS code of the local authority where it happened: required when "
        "incident_location is elsewhere_england (never your own), ignored otherwise.",
        error_messages={"max_length": AUTHORITY_UNKNOWN},
    )
    incident_place_outside_england = _text(
        "Where outside England",
        200,
        help_text="Required when incident_location is outside_england, ignored otherwise.",
    )
    incident_setting = _code(
        IncidentSetting.choices, "IncidentSettingEnum", "Setting", IncidentSetting.values
    )
    incident_setting_other = _text(
        "The other setting",
        200,
        help_text="Required when incident_setting is other, ignored otherwise.",
    )
    agencies_involved = serializers.ListField(
        child=CodeField(
            Agency.choices,
            enum_name="AgencyEnum",
            error_messages={"invalid_choice": choices_message("Agencies involved", Agency.values)},
        ),
        default=list,
        max_length=len(Agency.values),
        help_text="Agencies involved with the child at the time (any of them, each once).",
    )
    police_involvement = _code(
        YesNoUnknown.choices, "YesNoUnknownEnum", "Police involvement", YesNoUnknown.values
    )
    criminal_proceedings = _code(
        CriminalProceedings.choices,
        "CriminalProceedingsEnum",
        "Criminal proceedings",
        CriminalProceedings.values,
    )
    media_interest = _code(
        YesNoUnknown.choices, "YesNoUnknownEnum", "Likely media interest", YesNoUnknown.values
    )

    def validate_incident_local_authority(self, value: str | None) -> LocalAuthority | None:
        if not value or not value.strip():
            return None
        authority = LocalAuthority.objects.filter(ons_code=value.strip().upper()).first()
        if authority is None:
            raise serializers.ValidationError(AUTHORITY_UNKNOWN)
        return authority


class NotifierInputSerializer(serializers.Serializer):
    """Who notifies (name and e-mail default to the caller's account) and the senior manager
    who signed the notification off."""

    notifier_name = _text(
        "The notifier's name", 200, help_text="Blank: the caller's name from their account."
    )
    notifier_role = _text("The notifier's role", 200)
    notifier_telephone = _text(
        "Telephone number", 30, help_text="A UK number: digits and spaces, or +44."
    )
    notifier_email = _text(
        "Email address", 254, help_text="Blank: the caller's e-mail address from their account."
    )
    sign_off_name = _text("The senior manager's name", 200)
    sign_off_role = _text("The senior manager's role", 200)


INCIDENT_PLACE_INPUT = tuple(IncidentPlaceInputSerializer().fields)
NOTIFIER_INPUT = tuple(NotifierInputSerializer().fields)


class NotificationCreateInputSerializer(IncidentPlaceInputSerializer, NotifierInputSerializer):
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
    shares = NotificationShareInputSerializer(
        many=True,
        required=False,
        help_text="Other areas to tell: each a local_authority or a partnership (not the "
        "notifying authority nor its partnership). Told when the SIN is submitted.",
    )
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
    # --- The statutory questions about the child (issue 16).
    ethnicity = _child_code_field("ethnicity", read_only=True)
    disability = _child_code_field("disability", read_only=True)
    health_needs = serializers.SerializerMethodField(
        help_text="Known health needs. Identifying: only for users of the notifying local "
        "authority; null for everyone else."
    )
    child_in_need = _child_code_field("child_in_need", read_only=True)
    child_protection_plan = _child_code_field("child_protection_plan", read_only=True)
    looked_after = _child_code_field("looked_after", read_only=True)
    care_order = _child_code_field("care_order", read_only=True)
    home_local_authority = LocalAuthorityOutputSerializer(
        allow_null=True,
        read_only=True,
        help_text="Only when different from the notifying local authority; null otherwise.",
    )
    # --- end of the statutory questions

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
            *CHILD_CODED_FIELDS,
            "health_needs",
            "home_local_authority",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_name(self, child: NotificationChild) -> str | None:
        return child.name if self.context.get("show_child_names") else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_health_needs(self, child: NotificationChild) -> str | None:
        return child.health_needs if self.context.get("show_child_names") else None


class NotificationShareOutputSerializer(serializers.ModelSerializer):
    local_authority = LocalAuthorityOutputSerializer(allow_null=True)
    partnership = PartnershipOutputSerializer(allow_null=True)

    class Meta:
        model = NotificationShare
        fields = ["id", "local_authority", "partnership", "added_at", "told_at"]
        read_only_fields = fields


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
    shares = NotificationShareOutputSerializer(
        many=True, read_only=True, help_text="Other areas told (or to tell, on a draft)."
    )
    attachments = serializers.SerializerMethodField(
        help_text="The SIN's attachments (GET .../attachments/ lists them too)."
    )
    # Issue 16: where and how it happened, and the notifier.
    incident_time = serializers.TimeField(format="%H:%M", allow_null=True, read_only=True)
    incident_location = CodeField(
        IncidentLocation.choices,
        enum_name="IncidentLocationEnum",
        allow_blank=True,
        read_only=True,
    )
    incident_local_authority = LocalAuthorityOutputSerializer(allow_null=True, read_only=True)
    incident_setting = CodeField(
        IncidentSetting.choices, enum_name="IncidentSettingEnum", allow_blank=True, read_only=True
    )
    agencies_involved = serializers.SerializerMethodField()
    police_involvement = CodeField(
        YesNoUnknown.choices, enum_name="YesNoUnknownEnum", allow_blank=True, read_only=True
    )
    criminal_proceedings = CodeField(
        CriminalProceedings.choices,
        enum_name="CriminalProceedingsEnum",
        allow_blank=True,
        read_only=True,
    )
    media_interest = CodeField(
        YesNoUnknown.choices, enum_name="YesNoUnknownEnum", allow_blank=True, read_only=True
    )
    rapid_review_due_date = serializers.SerializerMethodField(
        help_text="When the partnership's rapid review is due (submitted SINs only; null for "
        "a SIN shared with the reader's area, whose rapid review is not theirs to see).",
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
            "incident_time",
            "incident_location",
            "incident_local_authority",
            "incident_place_outside_england",
            "incident_setting",
            "incident_setting_other",
            "agencies_involved",
            "police_involvement",
            "criminal_proceedings",
            "media_interest",
            "notifier_name",
            "notifier_role",
            "notifier_telephone",
            "notifier_email",
            "sign_off_name",
            "sign_off_role",
            "notified_at",
            "working_days_to_notify",
            "notified_on_time",
            "rapid_review_due_date",
            "rapid_review_needed",
            "withdrawal",
            "withdrawal_reason",
            "withdrawn_at",
            "children",
            "shares",
            "attachments",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_rapid_review_due_date(self, notification: Notification) -> str | None:
        review = getattr(notification, "rapid_review", None)
        if review is None:
            return None
        # The list's rows carry the mark (notification_list_api_rows); one SIN asks.
        shared_only = getattr(notification, "shared_with_me", None)
        if shared_only is None:
            shared_only = notification_read_through_share(
                user=self.context["request"].user, notification=notification
            )
        return None if shared_only or review.due_date is None else review.due_date.isoformat()

    @extend_schema_field(
        serializers.ListField(child=CodeField(Agency.choices, enum_name="AgencyEnum"))
    )
    def get_agencies_involved(self, notification: Notification) -> list[str]:
        return agencies_split(notification.agencies_involved)

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

    @extend_schema_field(AttachmentOutputSerializer(many=True))
    def get_attachments(self, notification: Notification) -> list[dict]:
        serializer = self.__dict__.setdefault(
            "_attachment_serializer", AttachmentOutputSerializer(context=self.context)
        )
        return [serializer.to_representation(a) for a in notification.attachments.all()]


class PossibleDuplicateOutputSerializer(serializers.Serializer):
    """One possible duplicate of a SIN (notifications.duplicates): the other SIN and the
    Panel secretariat's decision."""

    id = serializers.IntegerField(help_text="The pair's id.")
    status = serializers.ChoiceField(
        choices=PossibleDuplicate.Status.choices,
        help_text="open: not decided yet; same_incident: the Panel secretariat linked the two "
        "SINs as one incident (nothing is merged); dismissed: different incidents.",
    )
    found_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField(help_text="The reason for the decision; blank while open.")
    other_id = serializers.IntegerField(help_text="The other SIN's id.")
    other_reference = serializers.CharField()
    other_local_authority = LocalAuthorityOutputSerializer()
    other_incident_date = serializers.DateField()


class NotificationDetailOutputSerializer(NotificationOutputSerializer):
    possible_duplicates = serializers.SerializerMethodField(
        help_text="Submitted SINs whose children match this SIN's (same sex, same date of birth "
        "or else age, incident dates within 30 days), where you can see the other SIN too."
    )

    class Meta(NotificationOutputSerializer.Meta):
        fields = [*NotificationOutputSerializer.Meta.fields, "possible_duplicates"]
        read_only_fields = fields

    @extend_schema_field(PossibleDuplicateOutputSerializer(many=True))
    def get_possible_duplicates(self, notification: Notification) -> list[dict]:
        if notification.is_draft:
            return []
        pairs = duplicates.possible_duplicates_of(
            user=self.context["request"].user, notification=notification
        )
        rows = []
        for pair in pairs:
            other = pair.other(notification)
            rows.append(
                {
                    "id": pair.pk,
                    "status": pair.status,
                    "found_at": pair.found_at,
                    "decided_at": pair.decided_at,
                    "reason": pair.reason,
                    "other_id": other.pk,
                    "other_reference": other.reference,
                    "other_local_authority": other.local_authority,
                    "other_incident_date": other.incident_date,
                }
            )
        return PossibleDuplicateOutputSerializer(rows, many=True).data


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
        "and DfE and Ofsted viewers every submitted SIN. Local authority users and partnership "
        "leads also see, read-only, the submitted SINs another authority shared with their "
        "area (named it, or one of its authorities, as an area to tell).",
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
        data["shares"] = [
            NotificationShareInputSerializer().target(share) for share in data.pop("shares", [])
        ]
        place = {name: data.pop(name) for name in INCIDENT_PLACE_INPUT}
        place["agencies_involved"] = tuple(place["agencies_involved"])
        notifier = {name: data.pop(name) for name in NOTIFIER_INPUT}
        # A rule the SIN breaks is a 400 with the service's messages, from the exception handler.
        notification = notification_create(
            local_authority=authority,
            by=request.user,
            children=children,
            incident_place=IncidentPlaceData(**place),
            notifier=NotifierData(**notifier),
            **data,
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
            200: NotificationDetailOutputSerializer,
            401: UNAUTHENTICATED,
            404: OpenApiResponse(description="No such SIN, or not in your scope"),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        notification = notification_get_for_user(user=request.user, pk=pk)
        return Response(
            NotificationDetailOutputSerializer(notification, context={"request": request}).data
        )


class NotificationShareAddApi(APIView):
    parser_classes = [LimitedJSONParser]

    @extend_schema(
        operation_id="notification_share_add",
        tags=["notifications"],
        summary="Name another area to tell about a SIN",
        description="A local authority (`local_authority`, its ONS code) or a safeguarding "
        "partnership (`partnership`, its code), never the notifying authority nor its own "
        "partnership. Only the notifying authority's users. On a submitted SIN it is an "
        "amendment (`amendment_reason` required) and the area is told at once; its users (an "
        "authority's, with the leads of the partnership covering it) or leads (a "
        "partnership's) can then read the SIN.",
        request=NotificationShareAddInputSerializer,
        responses={
            201: NotificationShareOutputSerializer,
            400: OpenApiResponse(description="Field errors: {field: [messages]}"),
            401: UNAUTHENTICATED,
            403: OpenApiResponse(description="Not a user of the notifying local authority"),
            404: OpenApiResponse(description="No such SIN, or not in your scope"),
            409: OpenApiResponse(description="The SIN changed since `version`"),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        notification = notification_get_for_editing(user=request.user, pk=pk)
        serializer = NotificationShareAddInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        target = serializer.target(data)
        try:
            share = notification_share_add(
                notification=notification,
                by=request.user,
                target=target,
                expected_version=data["version"],
                amendment_reason=data["amendment_reason"],
            )
        except NotificationInvalid as exc:
            # The web form's one `area` is the field the API was given.
            field = "partnership" if target.partnership else "local_authority"
            errors = dict(exc.errors)
            if "area" in errors:
                errors[field] = errors.pop("area")
            raise serializers.ValidationError(errors) from exc
        share.refresh_from_db()
        return Response(
            NotificationShareOutputSerializer(share).data, status=status.HTTP_201_CREATED
        )
