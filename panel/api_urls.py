from django.urls import path

from . import api, conversation_api, meeting_api, national_review_api

app_name = "panel-api"

urlpatterns = [
    path("decisions/", api.PanelDecisionListApi.as_view(), name="decision-list"),
    path("decisions/<int:pk>/", api.PanelDecisionDetailApi.as_view(), name="decision-detail"),
    path("letters/", api.ResponseLetterListApi.as_view(), name="letter-list"),
    path("letters/<int:pk>/", api.ResponseLetterDetailApi.as_view(), name="letter-detail"),
    path("letters/<int:pk>/pdf/", api.ResponseLetterPdfApi.as_view(), name="letter-pdf"),
    path(
        "reviews/<int:review_pk>/messages/",
        conversation_api.ReviewMessagesApi.as_view(),
        name="review-messages",
    ),
    path(
        "reviews/<int:review_pk>/messages/attachments/<int:pk>/download/",
        conversation_api.ReviewMessageAttachmentApi.as_view(),
        name="review-message-attachment",
    ),
    path(
        "lcsprs/<int:lcspr_pk>/messages/",
        conversation_api.LcsprMessagesApi.as_view(),
        name="lcspr-messages",
    ),
    path(
        "lcsprs/<int:lcspr_pk>/messages/attachments/<int:pk>/download/",
        conversation_api.LcsprMessageAttachmentApi.as_view(),
        name="lcspr-message-attachment",
    ),
    path(
        "reviews/<int:review_pk>/allocations/",
        api.ReviewAllocationListApi.as_view(),
        name="allocation-list",
    ),
    path("workload/", api.PanelWorkloadApi.as_view(), name="workload"),
    path(
        "allocate-automatically/",
        api.AutoAllocateApi.as_view(),
        name="allocate-automatically",
    ),
    path("meetings/", meeting_api.MeetingListApi.as_view(), name="meeting-list"),
    path("meetings/<int:pk>/", meeting_api.MeetingDetailApi.as_view(), name="meeting-detail"),
    path(
        "meetings/<int:pk>/cancel/", meeting_api.MeetingCancelApi.as_view(), name="meeting-cancel"
    ),
    path(
        "meetings/<int:pk>/agenda/", meeting_api.MeetingAgendaApi.as_view(), name="meeting-agenda"
    ),
    path(
        "meetings/<int:pk>/agenda/<int:item_pk>/",
        meeting_api.AgendaItemDetailApi.as_view(),
        name="agenda-item-detail",
    ),
    path(
        "national-reviews/",
        national_review_api.NationalReviewListApi.as_view(),
        name="national-review-list",
    ),
    path(
        "national-reviews/<int:pk>/",
        national_review_api.NationalReviewDetailApi.as_view(),
        name="national-review-detail",
    ),
    path(
        "national-reviews/<int:pk>/status/",
        national_review_api.NationalReviewStatusApi.as_view(),
        name="national-review-status",
    ),
    path(
        "national-reviews/cases/<int:pk>/decision/",
        national_review_api.NationalReviewCaseDecideApi.as_view(),
        name="national-review-case-decide",
    ),
    path(
        "reviews/<int:review_pk>/national-review-proposals/",
        national_review_api.NationalReviewProposeApi.as_view(),
        name="national-review-propose",
    ),
]
