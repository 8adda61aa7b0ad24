from django.urls import path

from . import conversation_views, meeting_views, national_review_views, views

app_name = "panel"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("overview/", views.overview, name="overview"),
    path("decisions/", views.decision_list, name="decision-list"),
    path("letters/", views.letter_list, name="letter-list"),
    path("reviews/<int:review_pk>/decision/", views.decision, name="decision"),
    path("reviews/<int:review_pk>/letter/", views.letter_draft, name="letter-draft"),
    path("reviews/<int:review_pk>/letter/preview/", views.letter_preview, name="letter-preview"),
    path("reviews/<int:review_pk>/letter/send/", views.letter_send, name="letter-send"),
    path("letters/<int:pk>/retry/", views.letter_retry, name="letter-retry"),
    path("letters/<int:pk>/download/", views.letter_download, name="letter-download"),
    # Messages between the Panel and the partnership (panel.conversations)
    path(
        "reviews/<int:review_pk>/messages/",
        conversation_views.review_messages,
        name="review-messages",
    ),
    path(
        "reviews/<int:review_pk>/messages/end-pause/",
        conversation_views.review_pause_end,
        name="review-message-pause-end",
    ),
    path(
        "reviews/<int:review_pk>/messages/attachments/<int:pk>/",
        conversation_views.review_message_attachment,
        name="review-message-attachment",
    ),
    path(
        "lcsprs/<int:lcspr_pk>/messages/", conversation_views.lcspr_messages, name="lcspr-messages"
    ),
    path(
        "lcsprs/<int:lcspr_pk>/messages/attachments/<int:pk>/",
        conversation_views.lcspr_message_attachment,
        name="lcspr-message-attachment",
    ),
    path("reviews/<int:review_pk>/allocation/", views.allocation, name="allocation"),
    path("workload/", views.workload, name="workload"),
    path("allocate-automatically/", views.allocate_automatically, name="allocate-automatically"),
    path("meetings/", meeting_views.meeting_list, name="meeting-list"),
    path("meetings/new/", meeting_views.meeting_add, name="meeting-add"),
    path("meetings/<int:pk>/", meeting_views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/edit/", meeting_views.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/cancel/", meeting_views.meeting_cancel, name="meeting-cancel"),
    path("meetings/<int:pk>/held/", meeting_views.meeting_held, name="meeting-held"),
    path(
        "meetings/<int:pk>/agenda/add/",
        meeting_views.meeting_agenda_add,
        name="meeting-agenda-add",
    ),
    path(
        "meetings/<int:pk>/agenda-pack/",
        meeting_views.meeting_agenda_pack,
        name="meeting-agenda-pack",
    ),
    path(
        "agenda-items/<int:pk>/remove/",
        meeting_views.agenda_item_remove,
        name="agenda-item-remove",
    ),
    path("agenda-items/<int:pk>/move/", meeting_views.agenda_item_move, name="agenda-item-move"),
    # National reviews (panel.national_reviews)
    path(
        "national-reviews/",
        national_review_views.national_review_list,
        name="national-review-list",
    ),
    path(
        "national-reviews/<int:pk>/",
        national_review_views.national_review_detail,
        name="national-review-detail",
    ),
    path(
        "national-reviews/<int:pk>/cohort/",
        national_review_views.national_review_cohort,
        name="national-review-cohort",
    ),
    path(
        "national-reviews/<int:pk>/status/",
        national_review_views.national_review_status,
        name="national-review-status",
    ),
    path(
        "national-reviews/cases/<int:pk>/decide/",
        national_review_views.national_review_case_decide,
        name="national-review-case-decide",
    ),
    path(
        "reviews/<int:review_pk>/national-review/",
        national_review_views.national_review_propose,
        name="national-review-propose",
    ),
]
