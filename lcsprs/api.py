"""REST API for partnership case-management systems: read the LCSPRs in the caller's scope,
tracked to publication; upload the final report (multipart, the partnership's leads) and
download any version of it; record the Panel's structured feedback (the Panel).

LCSPRs are commissioned and moved on on the web pages; the writes here are the final report
and the feedback, through the same services as the pages, so the rules and messages are the
same. Reads go through the selectors (`lcspr_queue` and `lcspr_get_for_user`, both on
`lcspr_list`), so an LCSPR outside the caller's scope is a 404.
"""

from __future__ import annotations

from datetime import date

from django.http import FileResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from panel.models import Extent, Quality
from rapidreviews import documents
from rapidreviews.codes import LearningTheme
from safeguarding import policy
from safeguarding.api.fields import CodeField
from safeguarding.api.pagination import ApiPagination, paginated_response
from safeguarding.api.parsers import LimitedJSONParser
from safeguarding.api.schema import BAD_FILTER, UNAUTHENTICATED, filter_parameters
from safeguarding.api.serializers import PartnershipOutputSerializer
from safeguarding.downloads import safe_download
from safeguarding.limits import NARRATIVE_MAX_CHARS, REASON_MAX_CHARS

from . import selectors, services
from .models import Lcspr, LcsprFinalReport
from .timescales import PANEL_NOTICE_DAYS


class FinalReportOutputSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="number", help_text="1 for the first upload.")
    name = serializers.CharField(help_text="The name it was uploaded with, cleaned.")
    type = serializers.CharField(source="kind", help_text='"pdf" or "docx", from its content.')
    page_count = serializers.IntegerField(
        allow_null=True, help_text="null when a Word document does not say"
    )
    replacement_reason = serializers.CharField(help_text="Why it replaced the previous version.")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = LcsprFinalReport
        fields = [
            "version",
            "name",
            "type",
            "page_count",
            "size_bytes",
            "replacement_reason",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField())
    def get_download_url(self, report: LcsprFinalReport) -> str:
        url = reverse(
            "lcsprs-api:lcspr-final-report-download", args=[report.lcspr_id, report.number]
        )
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


def _quality(label: str) -> CodeField:
    return CodeField(
        Quality.choices,
        enum_name="PanelQualityEnum",
        allow_blank=True,
        read_only=True,
        help_text=f'{label} ("" until the Panel gives its feedback).',
    )


def _extent(label: str) -> CodeField:
    return CodeField(
        Extent.choices,
        enum_name="PanelExtentEnum",
        allow_blank=True,
        read_only=True,
        help_text=f'{label} ("" until the Panel gives its feedback).',
    )


class LcsprOutputSerializer(serializers.ModelSerializer):
    rapid_review_id = serializers.IntegerField(read_only=True, help_text="The rapid review's id.")
    reference = serializers.CharField(
        source="rapid_review.notification.reference",
        read_only=True,
        help_text="The SIN's reference.",
    )
    partnership = PartnershipOutputSerializer(read_only=True)
    status = CodeField(Lcspr.Status.choices, enum_name="LcsprStatusEnum", read_only=True)
    overdue = serializers.SerializerMethodField(help_text="Not published and past its due date.")
    due_date = serializers.DateField(
        read_only=True, help_text="6 calendar months after the rapid review was submitted."
    )
    clock_started_on = serializers.DateField(
        read_only=True, help_text="The date the rapid review was submitted."
    )
    final_report_received_on = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text="When the Panel received the final report; null until then. Recorded by the "
        "Panel (a member or the secretariat) on the service, never set by a partnership: this "
        "API does not accept it.",
    )
    panel_notice_days = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="Days between the Panel receiving the final report and publication (actual, "
        "or else planned); null until both are known.",
    )
    panel_notice_short = serializers.BooleanField(
        read_only=True,
        help_text=f"The final report reached (or will reach) the Panel fewer than "
        f"{PANEL_NOTICE_DAYS} days before publication.",
    )
    # A CharField, not a URLField: "" until published is not a URI, and the schema said it was.
    published_url = serializers.CharField(
        read_only=True, help_text='The link to the published report ("" until published).'
    )
    panel_feedback = serializers.CharField(
        read_only=True, help_text='The Panel\'s feedback on the final report ("" until given).'
    )
    final_report = serializers.SerializerMethodField(
        help_text="The current version of the uploaded final report; null until one is "
        "uploaded (a report sent by e-mail has a received date and no file)."
    )
    final_report_versions = serializers.SerializerMethodField(
        help_text="Every uploaded version, the current (newest) first."
    )
    considered_on = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text="The date the Panel considered the LCSPR; null until then.",
    )
    feedback_analysis_quality = _quality("Thoroughness of the analysis")
    feedback_lived_experience = _quality("The child's lived experience")
    feedback_race_ethnicity_culture = _quality("Consideration of race, ethnicity and culture")
    recommendations_smart = _extent("The recommendations are SMART")
    child_voice_heard = _extent("The child's voice was heard")
    learning_themes = serializers.SerializerMethodField(
        help_text="The learning themes the Panel identified (codes)."
    )

    class Meta:
        model = Lcspr
        fields = [
            "id",
            "rapid_review_id",
            "reference",
            "partnership",
            "status",
            "overdue",
            "clock_started_on",
            "due_date",
            "final_report_received_on",
            "planned_publication_date",
            "actual_publication_date",
            "published_url",
            "panel_notice_days",
            "panel_notice_short",
            "panel_feedback",
            "panel_feedback_at",
            "final_report",
            "final_report_versions",
            "considered_on",
            *Lcspr.FEEDBACK_QUALITY_FIELDS,
            "learning_themes",
            "version",
            "updated_at",
        ]
        read_only_fields = fields

    def get_overdue(self, lcspr: Lcspr) -> bool:
        return lcspr.is_overdue(self.context.get("today") or timezone.localdate())

    def _reports(self, lcspr: Lcspr) -> list[LcsprFinalReport]:
        # Newest first; read through the LCSPR the caller may see (prefetched on a list).
        return sorted(lcspr.final_reports.all(), key=lambda report: -report.number)

    @extend_schema_field(FinalReportOutputSerializer(allow_null=True))
    def get_final_report(self, lcspr: Lcspr) -> dict | None:
        reports = self._reports(lcspr)
        return (
            FinalReportOutputSerializer(reports[0], context=self.context).data if reports else None
        )

    @extend_schema_field(FinalReportOutputSerializer(many=True))
    def get_final_report_versions(self, lcspr: Lcspr) -> list[dict]:
        return FinalReportOutputSerializer(
            self._reports(lcspr), many=True, context=self.context
        ).data

    @extend_schema_field(
        serializers.ListField(child=CodeField(LearningTheme.choices, enum_name="LearningThemeEnum"))
    )
    def get_learning_themes(self, lcspr: Lcspr) -> list[str]:
        return sorted(theme.theme for theme in lcspr.learning_themes.all())


TAGS = ["LCSPRs"]


class LcsprListApi(APIView):
    pagination_class = ApiPagination

    @extend_schema(
        operation_id="lcspr_list",
        tags=TAGS,
        summary="List the LCSPRs in your scope",
        description="Partnership leads see their partnership's LCSPRs; local authority users "
        "their authority's; the Panel every LCSPR. Overdue LCSPRs come first, then those still "
        "running by due date, published ones last.",
        parameters=filter_parameters(selectors.LcsprFilter),
        responses={
            200: LcsprOutputSerializer(many=True),
            400: BAD_FILTER,
            401: UNAUTHENTICATED,
        },
    )
    def get(self, request: Request) -> Response:
        today: date = timezone.localdate()
        lcsprs = selectors.lcspr_queue(
            user=request.user, today=today, filters=request.query_params
        ).prefetch_related("final_reports", "learning_themes")
        return paginated_response(self, request, lcsprs, LcsprOutputSerializer, {"today": today})


class LcsprDetailApi(APIView):
    @extend_schema(
        operation_id="lcspr_retrieve",
        tags=TAGS,
        summary="One LCSPR",
        responses={
            200: LcsprOutputSerializer,
            401: UNAUTHENTICATED,
            404: OpenApiResponse(description="No such LCSPR, or not in your scope"),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        lcspr = selectors.lcspr_get_for_user(user=request.user, pk=pk)
        return Response(LcsprOutputSerializer(lcspr, context={"request": request}).data)


NOT_FOUND = OpenApiResponse(description="No such LCSPR or version, or not in your scope")


class FinalReportUploadInputSerializer(serializers.Serializer):
    document = serializers.FileField(
        allow_empty_file=True,  # the service refuses an empty file with its message
        help_text="The final report: a PDF or a Word (DOCX) document, recognised by its "
        "content, within the rapid review document's size limit.",
        error_messages={
            "required": "Select the final report",
            "invalid": "Select the final report",
            "empty": "Select the final report",
        },
    )
    reason = serializers.CharField(
        allow_blank=True,
        default="",
        max_length=REASON_MAX_CHARS,
        help_text="Why the report is replaced: required once a version is uploaded.",
    )
    version = serializers.IntegerField(
        help_text="The LCSPR's version you started from (`version` on the LCSPR).",
        error_messages={
            "required": "Give the version of the LCSPR you started from",
            "invalid": "version must be a whole number",
        },
    )


class LcsprFinalReportApi(APIView):
    # A file upload: multipart (or a form); JSON cannot carry a file.
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="lcspr_final_report_upload",
        tags=TAGS,
        summary="Upload (or replace) the LCSPR's final report",
        description="For leads of the LCSPR's partnership, while the LCSPR is in progress "
        "(the first upload moves it to final_report_sent and records today as the date the "
        "Panel received the report) or until publication (a replacement, with a `reason`; "
        "every version is kept). One file per request, as multipart/form-data. Accepted: PDF "
        "or Word (DOCX), recognised by content, at most "
        f"{documents.size_label(documents.document_max_bytes())}. A refusal is 400 with "
        "`{document: [message]}`; a stale `version` is 409.",
        request={"multipart/form-data": FinalReportUploadInputSerializer},
        responses={
            201: LcsprOutputSerializer,
            401: UNAUTHENTICATED,
            403: OpenApiResponse(description="Only the partnership's leads upload its report"),
            404: NOT_FOUND,
            409: OpenApiResponse(
                description="The LCSPR is not in progress or awaiting publication, or it "
                "changed since `version`"
            ),
            413: OpenApiResponse(description="The request is larger than the service accepts"),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        lcspr = selectors.lcspr_get_for_user(user=request.user, pk=pk)
        policy.require(policy.can_edit_lcspr(request.user, lcspr))
        body = FinalReportUploadInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.lcspr_final_report_upload(
            lcspr=lcspr,
            by=request.user,
            uploaded_file=body.validated_data["document"],
            reason=body.validated_data["reason"],
            expected_version=body.validated_data["version"],
        )
        lcspr = selectors.lcspr_get_for_user(user=request.user, pk=pk)
        output = LcsprOutputSerializer(lcspr, context={"request": request}).data
        return Response(output, status=201)


class LcsprFinalReportDownloadApi(APIView):
    def perform_content_negotiation(self, request: Request, force: bool = False):
        # A client may ask for the file's type: errors are then JSON all the same.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="lcspr_final_report_download",
        tags=TAGS,
        summary="Download a version of the LCSPR's final report",
        description="The file as an attachment, of the type its content was recognised as. "
        "The download is recorded in the audit trail, as on the web pages.",
        responses={
            **{
                (200, content_type): OpenApiResponse(
                    response=OpenApiTypes.BINARY, description="The file"
                )
                for content_type in documents.CONTENT_TYPES.values()
            },
            401: UNAUTHENTICATED,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, pk: int, number: int) -> FileResponse:
        lcspr = selectors.lcspr_get_for_user(user=request.user, pk=pk)
        report = selectors.lcspr_final_report_get(lcspr=lcspr, number=number)
        return safe_download(services.lcspr_final_report_download(report=report, by=request.user))


def _answer(scale, enum_name: str, field: str) -> CodeField:
    message = services.FEEDBACK_SCALES[field][1]
    return CodeField(
        scale.choices,
        enum_name=enum_name,
        error_messages={"required": message, "invalid_choice": message, "null": message},
    )


class FeedbackInputSerializer(serializers.Serializer):
    feedback_analysis_quality = _answer(Quality, "PanelQualityEnum", "feedback_analysis_quality")
    feedback_lived_experience = _answer(Quality, "PanelQualityEnum", "feedback_lived_experience")
    feedback_race_ethnicity_culture = _answer(
        Quality, "PanelQualityEnum", "feedback_race_ethnicity_culture"
    )
    recommendations_smart = _answer(Extent, "PanelExtentEnum", "recommendations_smart")
    child_voice_heard = _answer(Extent, "PanelExtentEnum", "child_voice_heard")
    learning_themes = serializers.ListField(
        child=CodeField(
            LearningTheme.choices,
            enum_name="LearningThemeEnum",
            error_messages={"invalid_choice": services.THEMES_REQUIRED},
        ),
        allow_empty=False,
        max_length=len(LearningTheme.choices),
        error_messages={"empty": services.THEMES_REQUIRED, "required": services.THEMES_REQUIRED},
    )
    considered_on = serializers.DateField(
        help_text="The date the Panel considered the LCSPR (YYYY-MM-DD): not in the future, "
        "not before the final report was received."
    )
    panel_feedback = serializers.CharField(
        max_length=NARRATIVE_MAX_CHARS, help_text="The Panel's written feedback."
    )
    version = serializers.IntegerField(
        help_text="The LCSPR's version you started from (`version` on the LCSPR).",
        error_messages={
            "required": "Give the version of the LCSPR you started from",
            "invalid": "version must be a whole number",
        },
    )


class LcsprFeedbackApi(APIView):
    parser_classes = [LimitedJSONParser]

    @extend_schema(
        operation_id="lcspr_feedback_record",
        tags=TAGS,
        summary="Record (or correct) the Panel's feedback on the final report",
        description="For the Panel (members and secretariat), once the final report is "
        "received. Every answer is required; sending it again corrects it (the history keeps "
        "what changed). The partnership's leads are told. A rule broken is 400 with "
        "`{field: [message]}`; a stale `version` is 409.",
        request=FeedbackInputSerializer,
        responses={
            200: LcsprOutputSerializer,
            401: UNAUTHENTICATED,
            403: OpenApiResponse(description="Only the Panel records its feedback"),
            404: NOT_FOUND,
            409: OpenApiResponse(
                description="The final report is not received yet, or the LCSPR changed since "
                "`version`"
            ),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        lcspr = selectors.lcspr_get_for_user(user=request.user, pk=pk)
        policy.require(policy.can_give_lcspr_feedback(request.user, lcspr))
        body = FeedbackInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        services.lcspr_feedback_record(
            lcspr=lcspr,
            by=request.user,
            answers=services.FeedbackAnswers(
                quality={name: data[name] for name in Lcspr.FEEDBACK_QUALITY_FIELDS},
                themes=list(dict.fromkeys(data["learning_themes"])),
                considered_on=data["considered_on"],
                feedback=data["panel_feedback"],
            ),
            expected_version=data["version"],
        )
        lcspr = selectors.lcspr_get_for_user(user=request.user, pk=pk)
        return Response(LcsprOutputSerializer(lcspr, context={"request": request}).data)
