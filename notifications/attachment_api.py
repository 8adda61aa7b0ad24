"""REST API for a SIN's attachments: list and upload (multipart) at
/api/v1/notifications/<id>/attachments/, download at .../attachments/<id>/download/. Reads go
through `notification_get_for_user`, so a SIN outside the caller's scope is a 404, and the
upload calls the same service as the web page, so a file is refused with the same message."""

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

from safeguarding import files, policy
from safeguarding.api.schema import UNAUTHENTICATED
from safeguarding.downloads import safe_download

from . import attachments, selectors
from .models import NotificationAttachment
from .services import notification_attachment_add, notification_attachment_download

TAGS = ["notifications"]
NOT_FOUND = OpenApiResponse(description="No such SIN or attachment, or not in your scope")


class AttachmentOutputSerializer(serializers.ModelSerializer):
    name = serializers.CharField(
        source="original_name",
        help_text="The name it was uploaded with, cleaned; empty once the case is anonymised.",
    )
    type = serializers.ChoiceField(
        source="kind",
        choices=list(attachments.KINDS.items()),
        help_text="What the file is, recognised from its content.",
    )
    size = serializers.IntegerField(help_text="In bytes.")
    added_by = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField(
        help_text="Where to download the file; null once the case is anonymised (the file is "
        "deleted)."
    )

    class Meta:
        model = NotificationAttachment
        fields = [
            "id",
            "name",
            "description",
            "type",
            "content_type",
            "size",
            "sha256",
            "added_by",
            "added_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_added_by(self, attachment: NotificationAttachment) -> str:
        user = attachment.added_by
        return user.get_full_name() or user.get_username()

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download_url(self, attachment: NotificationAttachment) -> str | None:
        if not attachment.file:
            return None
        url = reverse(
            "notifications-api:attachment-download",
            args=[attachment.notification_id, attachment.pk],
        )
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class AttachmentUploadInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True,  # the service refuses an empty file with its message
        help_text=attachments.hint() + ". Recognised by its content, not its name.",
        error_messages={
            "required": attachments.REQUIRED,
            "invalid": attachments.REQUIRED,
            "empty": attachments.EMPTY,
        },
    )
    description = serializers.CharField(
        allow_blank=True,
        default="",
        max_length=attachments.DESCRIPTION_MAX_CHARS,
        error_messages={"max_length": attachments.DESCRIPTION_TOO_LONG},
    )


class AttachmentListCreateApi(APIView):
    # A file upload: multipart (or a form); JSON cannot carry a file.
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="notification_attachment_list",
        tags=TAGS,
        summary="A SIN's attachments",
        responses={
            200: AttachmentOutputSerializer(many=True),
            401: UNAUTHENTICATED,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        notification = selectors.notification_get_for_user(user=request.user, pk=pk)
        rows = selectors.attachment_list(notification=notification)
        return Response(
            AttachmentOutputSerializer(rows, many=True, context={"request": request}).data
        )

    @extend_schema(
        operation_id="notification_attachment_create",
        tags=TAGS,
        summary="Attach a file to a SIN",
        description="For local authority users of the SIN's authority, on a draft or a "
        "submitted SIN. One file per request, as multipart/form-data. Accepted: PDF, Word "
        "(DOCX), Excel (XLSX, not macro-enabled), PNG and JPEG, recognised by content; at most "
        f"{files.size_label(attachments.max_bytes())} each and {attachments.max_count()} per "
        "SIN (the service's settings). A refusal is 400 with `{file: [message]}`.",
        request={"multipart/form-data": AttachmentUploadInputSerializer},
        responses={
            201: AttachmentOutputSerializer,
            400: OpenApiResponse(
                response=OpenApiTypes.OBJECT, description="Field errors: {field: [messages]}"
            ),
            401: UNAUTHENTICATED,
            403: OpenApiResponse(description="Only the SIN's local authority adds attachments"),
            404: NOT_FOUND,
            413: OpenApiResponse(description="The request is larger than the service accepts"),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        notification = selectors.notification_get_for_user(user=request.user, pk=pk)
        policy.require(policy.can_edit_notification(request.user, notification))
        serializer = AttachmentUploadInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = notification_attachment_add(
            notification=notification,
            by=request.user,
            uploaded_file=serializer.validated_data["file"],
            description=serializer.validated_data["description"],
        )
        attachment = selectors.attachment_get(notification=notification, pk=attachment.pk)
        output = AttachmentOutputSerializer(attachment, context={"request": request}).data
        return Response(output, status=status.HTTP_201_CREATED)


class AttachmentDownloadApi(APIView):
    def perform_content_negotiation(self, request: Request, force: bool = False):
        # A client may ask for the file's type: errors are then JSON all the same.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="notification_attachment_download",
        tags=TAGS,
        summary="Download a SIN's attachment",
        description="The file as an attachment, of the type its content was recognised as. "
        "The download is recorded in the audit trail, as on the web pages.",
        responses={
            **{
                (200, content_type): OpenApiResponse(
                    response=OpenApiTypes.BINARY, description="The file"
                )
                for content_type in dict.fromkeys(files.CONTENT_TYPES.values())
            },
            401: UNAUTHENTICATED,
            404: OpenApiResponse(
                description="No such SIN or attachment, not in your scope, or its file was "
                "deleted when the case was anonymised"
            ),
        },
    )
    def get(self, request: Request, pk: int, attachment_pk: int) -> FileResponse:
        notification = selectors.notification_get_for_user(user=request.user, pk=pk)
        attachment = selectors.attachment_get(notification=notification, pk=attachment_pk)
        # A file deleted by anonymisation is a 404 (DomainNotFound), from the handler.
        return safe_download(
            notification_attachment_download(attachment=attachment, by=request.user)
        )
