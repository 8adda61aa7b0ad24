"""REST API for the messages between the Panel and the partnership on a rapid review or an
LCSPR (panel.conversations): read the conversation, send a message (multipart, with files),
download a message's attachment. The same selector decides what the caller sees as on the web
page (a partnership never sees an internal note; anyone outside the conversation gets a 404)
and the same service sends, with the same rules. Messages are never changed or removed: there
are no update or delete endpoints."""

from __future__ import annotations

from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lcsprs.models import Lcspr
from rapidreviews.models import RapidReview
from safeguarding import files
from safeguarding.api.fields import CodeField
from safeguarding.api.parsers import LimitedJSONParser
from safeguarding.api.schema import UNAUTHENTICATED
from safeguarding.downloads import safe_download

from . import conversations
from .models import CaseMessage, CaseMessageAttachment, MessageKind

TAGS = ["panel"]
NOT_FOUND = OpenApiResponse(
    description="No such case or attachment, or you are not in its conversation (the Panel and "
    "the case's partnership leads only)"
)


class CaseMessageAttachmentOutputSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", help_text="The uploaded name, cleaned.")
    type = serializers.ChoiceField(
        source="kind",
        choices=list(conversations.KINDS.items()),
        help_text="What the file is, recognised from its content.",
    )
    size = serializers.IntegerField(help_text="In bytes.")
    download_url = serializers.SerializerMethodField(help_text="Where to download the file.")

    class Meta:
        model = CaseMessageAttachment
        fields = ["id", "name", "type", "content_type", "size", "sha256", "download_url"]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField())
    def get_download_url(self, attachment: CaseMessageAttachment) -> str:
        message = attachment.message
        if message.review_id:
            url = reverse(
                "panel-api:review-message-attachment", args=[message.review_id, attachment.pk]
            )
        else:
            url = reverse(
                "panel-api:lcspr-message-attachment", args=[message.lcspr_id, attachment.pk]
            )
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class CaseMessageOutputSerializer(serializers.ModelSerializer):
    kind = CodeField(
        MessageKind.choices,
        enum_name="CaseMessageKindEnum",
        read_only=True,
        help_text="question (the Panel asks for further information), reply (the partnership "
        "answers a question), message (either side), internal_note (the Panel only; never "
        "shown to the partnership).",
    )
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    body = serializers.CharField(read_only=True, help_text="What the message says.")
    from_panel = serializers.BooleanField(
        read_only=True, help_text="Sent by the Panel (true) or the partnership (false)."
    )
    sender = serializers.SerializerMethodField(help_text="The sender's name.")
    in_reply_to = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The question a reply answers."
    )
    pauses_target = serializers.BooleanField(
        read_only=True, help_text="A question that paused the review's decision target."
    )
    pause_ended_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When that pause ended (null while open)."
    )
    attachments = CaseMessageAttachmentOutputSerializer(many=True, read_only=True)

    class Meta:
        model = CaseMessage
        fields = [
            "id",
            "kind",
            "kind_label",
            "body",
            "from_panel",
            "sender",
            "sent_at",
            "in_reply_to",
            "pauses_target",
            "pause_ended_at",
            "attachments",
        ]
        read_only_fields = fields

    def get_sender(self, message: CaseMessage) -> str:
        return message.sender.get_full_name() or message.sender.get_username()


class CaseMessageInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=MessageKind.choices,
        help_text="The Panel: question, message or internal_note; the case's partnership "
        "leads: reply or message.",
        error_messages={"invalid_choice": conversations.KIND_REQUIRED},
    )
    body = serializers.CharField(
        help_text="What the message says.",
        error_messages={"blank": conversations.BODY_REQUIRED},
    )
    in_reply_to = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="For a reply: the question it answers (default: the oldest waiting for one).",
    )
    pause_target = serializers.BooleanField(
        required=False,
        default=False,
        help_text="For a question on a rapid review: pause its decision target until the "
        "partnership replies.",
    )
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        required=False,
        default=list,
        help_text="Files to attach (multipart/form-data): "
        + "PDF, Word (DOCX), Excel (XLSX), PNG or JPEG, recognised by content.",
    )


SEND_DESCRIPTION = (
    "Send a message on the case, as multipart/form-data (with `files`) or JSON (without). The "
    "kinds the caller's side may send, and the other rules, are the web page's. A refusal is "
    "400 with `{field: [messages]}`. Nothing sent can be changed or removed afterwards."
)


def _list(request: Request, **where) -> Response:
    rows = conversations.case_message_list(user=request.user, **where)
    return Response(CaseMessageOutputSerializer(rows, many=True, context={"request": request}).data)


def _send(request: Request, **where) -> Response:
    serializer = CaseMessageInputSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    message = conversations.case_message_send(
        user=request.user,
        **where,
        kind=data["kind"],
        body=data["body"],
        uploads=data["files"],
        in_reply_to=data.get("in_reply_to"),
        pause_target=data["pause_target"],
    )
    sent = conversations.case_message_list(user=request.user, **where).get(pk=message.pk)
    output = CaseMessageOutputSerializer(sent, context={"request": request}).data
    return Response(output, status=status.HTTP_201_CREATED)


SEND_RESPONSES = {
    201: CaseMessageOutputSerializer,
    400: OpenApiResponse(
        response=OpenApiTypes.OBJECT, description="Field errors: {field: [messages]}"
    ),
    401: UNAUTHENTICATED,
    404: NOT_FOUND,
    413: OpenApiResponse(description="The request is larger than the service accepts"),
}
LIST_RESPONSES = {
    200: CaseMessageOutputSerializer(many=True),
    401: UNAUTHENTICATED,
    404: NOT_FOUND,
}
SEND_REQUEST = {
    "multipart/form-data": CaseMessageInputSerializer,
    "application/json": CaseMessageInputSerializer,
}


class ReviewMessagesApi(APIView):
    parser_classes = [MultiPartParser, FormParser, LimitedJSONParser]

    @extend_schema(
        operation_id="rapid_review_message_list",
        tags=TAGS,
        summary="Messages on a rapid review",
        description="Oldest first. The Panel sees every message; the review's partnership "
        "leads every message but the Panel's internal notes.",
        responses=LIST_RESPONSES,
    )
    def get(self, request: Request, review_pk: int) -> Response:
        review = conversations.conversation_review_get_for_user(user=request.user, pk=review_pk)
        return _list(request, review=review)

    @extend_schema(
        operation_id="rapid_review_message_send",
        tags=TAGS,
        summary="Send a message on a rapid review",
        description=SEND_DESCRIPTION,
        request=SEND_REQUEST,
        responses=SEND_RESPONSES,
    )
    def post(self, request: Request, review_pk: int) -> Response:
        review = conversations.conversation_review_get_for_user(user=request.user, pk=review_pk)
        return _send(request, review=review)


class LcsprMessagesApi(APIView):
    parser_classes = [MultiPartParser, FormParser, LimitedJSONParser]

    @extend_schema(
        operation_id="lcspr_message_list",
        tags=TAGS,
        summary="Messages on an LCSPR",
        description="Oldest first. The Panel sees every message; the LCSPR's partnership "
        "leads every message but the Panel's internal notes.",
        responses=LIST_RESPONSES,
    )
    def get(self, request: Request, lcspr_pk: int) -> Response:
        lcspr = conversations.conversation_lcspr_get_for_user(user=request.user, pk=lcspr_pk)
        return _list(request, lcspr=lcspr)

    @extend_schema(
        operation_id="lcspr_message_send",
        tags=TAGS,
        summary="Send a message on an LCSPR",
        description=SEND_DESCRIPTION,
        request=SEND_REQUEST,
        responses=SEND_RESPONSES,
    )
    def post(self, request: Request, lcspr_pk: int) -> Response:
        lcspr = conversations.conversation_lcspr_get_for_user(user=request.user, pk=lcspr_pk)
        return _send(request, lcspr=lcspr)


DOWNLOAD_RESPONSES = {
    **{
        (200, content_type): OpenApiResponse(response=OpenApiTypes.BINARY, description="The file")
        for content_type in dict.fromkeys(files.CONTENT_TYPES.values())
    },
    401: UNAUTHENTICATED,
    404: NOT_FOUND,
}


def _download(request: Request, attachment_pk: int, **where) -> FileResponse:
    attachment = conversations.case_message_attachment_get_for_user(
        user=request.user, pk=attachment_pk, **where
    )
    # A missing file is a 404 (DomainNotFound), from the handler.
    return safe_download(
        conversations.case_message_attachment_download(attachment=attachment, by=request.user)
    )


class ReviewMessageAttachmentApi(APIView):
    def perform_content_negotiation(self, request: Request, force: bool = False):
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="rapid_review_message_attachment_download",
        tags=TAGS,
        summary="Download a file sent with a message on a rapid review",
        description="Recorded in the audit trail, as on the web page.",
        responses=DOWNLOAD_RESPONSES,
    )
    def get(self, request: Request, review_pk: int, pk: int) -> FileResponse:
        review: RapidReview = conversations.conversation_review_get_for_user(
            user=request.user, pk=review_pk
        )
        return _download(request, pk, review=review)


class LcsprMessageAttachmentApi(APIView):
    def perform_content_negotiation(self, request: Request, force: bool = False):
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="lcspr_message_attachment_download",
        tags=TAGS,
        summary="Download a file sent with a message on an LCSPR",
        description="Recorded in the audit trail, as on the web page.",
        responses=DOWNLOAD_RESPONSES,
    )
    def get(self, request: Request, lcspr_pk: int, pk: int) -> FileResponse:
        lcspr: Lcspr = conversations.conversation_lcspr_get_for_user(user=request.user, pk=lcspr_pk)
        return _download(request, pk, lcspr=lcspr)
