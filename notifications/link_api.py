"""Linked cases in the API (notifications.links): a SIN's links, as its page shows them to the
caller; linking it to another case; removing a link. The same services as the web."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safeguarding import policy
from safeguarding.api.parsers import LimitedJSONParser
from safeguarding.api.schema import UNAUTHENTICATED
from safeguarding.limits import REASON_MAX_CHARS

from . import links
from .models import LinkKind
from .selectors import notification_get_for_user


class LinkedCaseOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.ChoiceField(choices=LinkKind.choices)
    kind_label = serializers.CharField()
    visible = serializers.BooleanField(
        help_text="Whether you may see the other case. When false, only the kind is given: "
        "the other case is in another area."
    )
    notification = serializers.SerializerMethodField(
        help_text="The other SIN's id, when you may see it."
    )
    reference = serializers.CharField(help_text="The other SIN's reference, or empty.")
    reason = serializers.CharField(help_text="Why the cases are linked, or empty.")
    linked_at = serializers.DateTimeField(allow_null=True)

    def get_notification(self, view: links.LinkedCaseView) -> int | None:
        return view.other.pk if view.other is not None else None


class LinkedCaseInputSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=20, help_text="e.g. SIN-2024-000123")
    kind = serializers.ChoiceField(choices=LinkKind.choices)
    reason = serializers.CharField(max_length=REASON_MAX_CHARS)


class LinkedCaseRemoveInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX_CHARS)


NOT_FOUND = OpenApiResponse(description="No such SIN, or not in your scope")


class LinkedCaseListApi(APIView):
    parser_classes = [LimitedJSONParser]

    @extend_schema(
        operation_id="notification_linked_case_list",
        tags=["notifications"],
        summary="A SIN's linked cases",
        description="Each current link, the other case as far as you may see it: its "
        "reference, the date and the reason when it is in your scope, otherwise only the kind "
        "of link.",
        responses={
            200: LinkedCaseOutputSerializer(many=True),
            401: UNAUTHENTICATED,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        notification = notification_get_for_user(user=request.user, pk=pk)
        shown = links.linked_cases_for(user=request.user, notification=notification)
        return Response(LinkedCaseOutputSerializer(shown, many=True).data)

    @extend_schema(
        operation_id="notification_linked_case_add",
        tags=["notifications"],
        summary="Link a SIN to another case",
        description="The Panel may link any two submitted SINs; local authority users and "
        "partnership leads two they can both see. A reference that does not exist and one "
        "out of your scope give the same error.",
        request=LinkedCaseInputSerializer,
        responses={
            201: LinkedCaseOutputSerializer,
            400: OpenApiResponse(description="Field errors: {field: [messages]}"),
            401: UNAUTHENTICATED,
            403: OpenApiResponse(description="Your role cannot link cases"),
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        notification = notification_get_for_user(user=request.user, pk=pk)
        policy.require(policy.can_link_cases(request.user, notification))
        serializer = LinkedCaseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        link = links.linked_case_add(
            notification=notification, by=request.user, **serializer.validated_data
        )
        view = links.LinkedCaseView(link, link.other(notification))
        return Response(LinkedCaseOutputSerializer(view).data, status=status.HTTP_201_CREATED)


class LinkedCaseRemoveApi(APIView):
    parser_classes = [LimitedJSONParser]

    @extend_schema(
        operation_id="notification_linked_case_remove",
        tags=["notifications"],
        summary="Remove a link between two cases",
        description="With the reason; the link stays in both cases' histories.",
        request=LinkedCaseRemoveInputSerializer,
        responses={
            204: None,
            400: OpenApiResponse(description="Field errors: {field: [messages]}"),
            401: UNAUTHENTICATED,
            403: OpenApiResponse(description="Your role cannot remove links"),
            404: OpenApiResponse(description="No such SIN or link, or not in your scope"),
            409: OpenApiResponse(description="You cannot remove this link"),
        },
    )
    def post(self, request: Request, pk: int, link_pk: int) -> Response:
        notification = notification_get_for_user(user=request.user, pk=pk)
        policy.require(policy.can_link_cases(request.user, notification))
        link = links.linked_case_get(notification=notification, pk=link_pk)
        serializer = LinkedCaseRemoveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        links.linked_case_remove(link=link, by=request.user, **serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)
