"""REST API for Panel meetings and their agendas (issue 17, item 2): the Panel and
administrators read them; the secretariat schedules, changes and cancels meetings (with the
`version` it read) and sets their agendas, through the services the web pages use."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rapidreviews.models import RapidReview
from rapidreviews.selectors import rapid_review_list
from safeguarding import policy
from safeguarding.api.fields import CodeField
from safeguarding.api.parsers import LimitedJSONParser
from safeguarding.api.schema import UNAUTHENTICATED
from safeguarding.audit import audit_list

from . import meeting_selectors, meeting_services
from .models import Outcome, PanelMeeting

TAGS = ["panel"]
NOT_FOUND = OpenApiResponse(description="No such meeting, or you may not see Panel meetings")
NOT_SECRETARIAT = OpenApiResponse(description="Only the Panel secretariat arranges meetings")
FIELD_ERRORS = OpenApiResponse(description="Field errors: {field: [messages]}")


class AttendeeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")
    username = serializers.CharField()


class AgendaItemOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField(help_text="1 for the first item.")
    review_id = serializers.IntegerField(help_text="The rapid review's id.")
    reference = serializers.CharField(
        source="review.notification.reference", help_text="The SIN's reference."
    )
    partnership = serializers.CharField(source="review.partnership.code")
    submitted_at = serializers.DateTimeField(source="review.submitted_at")
    summary = serializers.CharField(
        source="review.summary_of_facts", help_text="The partnership's summary of the facts."
    )
    child_reference = serializers.SerializerMethodField(
        help_text="The child in focus's pseudonymous reference (never a name)."
    )
    decision_id = serializers.SerializerMethodField(
        help_text="The review's current Panel decision (null: not decided)."
    )
    decision_outcome = serializers.SerializerMethodField(
        help_text="Its outcome code: " + ", ".join(Outcome.values) + "; null: not decided."
    )
    decided_at_meeting = serializers.SerializerMethodField(
        help_text="Whether the current decision was recorded at this meeting."
    )

    def get_child_reference(self, item) -> str:
        child = item.review.notification.child_in_focus
        return child.child_reference if child else ""

    def get_decision_id(self, item) -> int | None:
        decision = getattr(item, "current_decision", None)
        return decision.pk if decision else None

    def get_decision_outcome(self, item) -> str | None:
        decision = getattr(item, "current_decision", None)
        return decision.outcome if decision else None

    def get_decided_at_meeting(self, item) -> bool:
        decision = getattr(item, "current_decision", None)
        return bool(decision and decision.meeting_id == item.meeting_id)


class MeetingOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField(help_text="Send it back to change or cancel the meeting.")
    title = serializers.CharField(help_text='The kind of meeting, e.g. "Panel meeting".')
    date = serializers.DateField()
    start_time = serializers.SerializerMethodField(help_text="HH:MM, 24-hour clock.")
    location = serializers.CharField(help_text='Where: a room, or "Online".')
    status = CodeField(PanelMeeting.Status.choices, enum_name="PanelMeetingStatusEnum")
    cancellation_reason = serializers.CharField()
    attendees = AttendeeOutputSerializer(many=True, source="attendee_list")

    def get_start_time(self, meeting: PanelMeeting) -> str:
        return f"{meeting.start_time:%H:%M}"


class MeetingDetailOutputSerializer(MeetingOutputSerializer):
    agenda = AgendaItemOutputSerializer(many=True, source="agenda_items")


class MeetingInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, help_text="The version you read (required to change a meeting)."
    )
    title = serializers.CharField(max_length=200, default="Panel meeting")
    date = serializers.DateField(help_text="Not in the past for a new meeting.")
    start_time = serializers.TimeField(help_text="HH:MM, 24-hour clock.")
    location = serializers.CharField(max_length=200)
    attendees = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        default=list,
        help_text="Ids of active Panel members.",
    )


class MeetingCancelInputSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    reason = serializers.CharField(max_length=2000)


class AgendaAddInputSerializer(serializers.Serializer):
    reviews = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        allow_empty=False,
        max_length=100,
        help_text="Ids of submitted rapid reviews, added to the end of the agenda in this order.",
    )


def _with_lists(meeting: PanelMeeting, user, agenda: bool) -> PanelMeeting:
    meeting.attendee_list = list(meeting.attendees.order_by("pk"))
    if agenda:
        meeting.agenda_items = meeting_selectors.agenda_list(user=user, meeting=meeting)
        audit_list(user=user, model=RapidReview, ids=[i.review_id for i in meeting.agenda_items])
    return meeting


def _detail(request: Request, meeting: PanelMeeting, code: int = 200) -> Response:
    meeting = _with_lists(meeting, request.user, agenda=True)
    return Response(MeetingDetailOutputSerializer(meeting).data, status=code)


def _details(data: dict) -> meeting_services.MeetingDetails:
    members = meeting_selectors.meeting_attendee_choices().filter(pk__in=data["attendees"])
    found = {member.pk: member for member in members}
    if set(data["attendees"]) - set(found):
        raise meeting_services.MeetingInvalid(
            {"attendees": ["Attendees must be active Panel members"]}
        )
    return meeting_services.MeetingDetails(
        title=data["title"],
        date=data["date"],
        start_time=data["start_time"],
        location=data["location"],
        attendees=[found[pk] for pk in dict.fromkeys(data["attendees"])],
    )


class MeetingListApi(APIView):
    parser_classes = [LimitedJSONParser]

    @extend_schema(
        operation_id="panel_meeting_list",
        tags=TAGS,
        summary="List Panel meetings",
        description="Upcoming meetings, the soonest first, then past ones, the latest first. "
        "Panel members, the secretariat and administrators only.",
        responses={
            200: MeetingOutputSerializer(many=True),
            401: UNAUTHENTICATED,
            403: OpenApiResponse(description="You may not see Panel meetings"),
        },
    )
    def get(self, request: Request) -> Response:
        upcoming, past = meeting_selectors.panel_meeting_list(
            user=request.user, today=timezone.localdate()
        )
        meetings = [_with_lists(m, request.user, agenda=False) for m in upcoming + past]
        return Response(MeetingOutputSerializer(meetings, many=True).data)

    @extend_schema(
        operation_id="panel_meeting_create",
        tags=TAGS,
        summary="Schedule a Panel meeting",
        description="Its attendees are told in their inbox and by e-mail.",
        request=MeetingInputSerializer,
        responses={
            201: MeetingDetailOutputSerializer,
            400: FIELD_ERRORS,
            401: UNAUTHENTICATED,
            403: NOT_SECRETARIAT,
        },
    )
    def post(self, request: Request) -> Response:
        policy.require(policy.can_manage_meetings(request.user))
        body = MeetingInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        meeting = meeting_services.panel_meeting_create(
            by=request.user, details=_details(body.validated_data)
        )
        return _detail(request, meeting, status.HTTP_201_CREATED)


class MeetingDetailApi(APIView):
    parser_classes = [LimitedJSONParser]

    @extend_schema(
        operation_id="panel_meeting_retrieve",
        tags=TAGS,
        summary="One Panel meeting, with its agenda",
        responses={200: MeetingDetailOutputSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        meeting = meeting_selectors.panel_meeting_get_for_user(user=request.user, pk=pk)
        return _detail(request, meeting)

    @extend_schema(
        operation_id="panel_meeting_update",
        tags=TAGS,
        summary="Change a scheduled Panel meeting",
        description="Send every field, with the `version` you read: a stale version is a 409 "
        "and nothing is saved. Members newly attending are told they are added; the others "
        "are told when the date, time or place moves.",
        request=MeetingInputSerializer,
        responses={
            200: MeetingDetailOutputSerializer,
            400: FIELD_ERRORS,
            401: UNAUTHENTICATED,
            403: NOT_SECRETARIAT,
            404: NOT_FOUND,
            409: OpenApiResponse(
                description="Changed by someone else since `version`, or "
                "cancelled or held: {detail}"
            ),
        },
    )
    def patch(self, request: Request, pk: int) -> Response:
        meeting = meeting_selectors.panel_meeting_get_for_user(user=request.user, pk=pk)
        policy.require(policy.can_manage_meetings(request.user, meeting))
        body = MeetingInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if body.validated_data.get("version") is None:
            raise meeting_services.MeetingInvalid({"version": ["This field is required."]})
        meeting = meeting_services.panel_meeting_update(
            meeting=meeting,
            by=request.user,
            details=_details(body.validated_data),
            expected_version=body.validated_data["version"],
        )
        return _detail(request, meeting)


class MeetingCancelApi(APIView):
    parser_classes = [LimitedJSONParser]

    @extend_schema(
        operation_id="panel_meeting_cancel",
        tags=TAGS,
        summary="Cancel a scheduled Panel meeting",
        description="With the reason, which its attendees are told.",
        request=MeetingCancelInputSerializer,
        responses={
            200: MeetingDetailOutputSerializer,
            400: FIELD_ERRORS,
            401: UNAUTHENTICATED,
            403: NOT_SECRETARIAT,
            404: NOT_FOUND,
            409: OpenApiResponse(description="Stale version, or already cancelled: {detail}"),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        meeting = meeting_selectors.panel_meeting_get_for_user(user=request.user, pk=pk)
        policy.require(policy.can_manage_meetings(request.user, meeting))
        body = MeetingCancelInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        meeting = meeting_services.panel_meeting_cancel(
            meeting=meeting,
            by=request.user,
            reason=body.validated_data["reason"],
            expected_version=body.validated_data["version"],
        )
        return _detail(request, meeting)


class MeetingAgendaApi(APIView):
    parser_classes = [LimitedJSONParser]

    @extend_schema(
        operation_id="panel_meeting_agenda_add",
        tags=TAGS,
        summary="Add rapid reviews to a meeting's agenda",
        description="Submitted reviews, each once per meeting, added at the end in the order "
        "given. Any review refused refuses them all.",
        request=AgendaAddInputSerializer,
        responses={
            201: MeetingDetailOutputSerializer,
            400: FIELD_ERRORS,
            401: UNAUTHENTICATED,
            403: NOT_SECRETARIAT,
            404: NOT_FOUND,
            409: OpenApiResponse(description="The meeting is cancelled: {detail}"),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        meeting = meeting_selectors.panel_meeting_get_for_user(user=request.user, pk=pk)
        policy.require(policy.can_manage_meetings(request.user, meeting))
        body = AgendaAddInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ids = list(dict.fromkeys(body.validated_data["reviews"]))
        visible = rapid_review_list(user=request.user, with_shared=False).filter(pk__in=ids)
        found = {review.pk: review for review in visible}
        missing = [str(pk) for pk in ids if pk not in found]
        if missing:
            raise meeting_services.MeetingInvalid(
                {"reviews": [f"No rapid review with id {', '.join(missing)}"]}
            )
        meeting_services.agenda_items_add(
            meeting=meeting, reviews=[found[pk] for pk in ids], by=request.user
        )
        return _detail(request, meeting, status.HTTP_201_CREATED)


class AgendaItemDetailApi(APIView):
    @extend_schema(
        operation_id="panel_agenda_item_destroy",
        tags=TAGS,
        summary="Take a rapid review off a meeting's agenda",
        responses={
            204: OpenApiResponse(description="Removed; the items after it move up"),
            401: UNAUTHENTICATED,
            403: NOT_SECRETARIAT,
            404: OpenApiResponse(description="No such agenda item"),
            409: OpenApiResponse(
                description="The meeting is cancelled, or the review's decision was taken "
                "at it: {detail}"
            ),
        },
    )
    def delete(self, request: Request, pk: int, item_pk: int) -> Response:
        meeting = meeting_selectors.panel_meeting_get_for_user(user=request.user, pk=pk)
        item = get_object_or_404(meeting.agenda.all(), pk=item_pk)
        policy.require(policy.can_manage_meetings(request.user, meeting))
        meeting_services.agenda_item_remove(item=item, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
