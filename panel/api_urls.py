from django.urls import path

from . import api, meeting_api

app_name = "panel-api"

urlpatterns = [
    path("decisions/", api.PanelDecisionListApi.as_view(), name="decision-list"),
    path("decisions/<int:pk>/", api.PanelDecisionDetailApi.as_view(), name="decision-detail"),
    path("letters/", api.ResponseLetterListApi.as_view(), name="letter-list"),
    path("letters/<int:pk>/", api.ResponseLetterDetailApi.as_view(), name="letter-detail"),
    path("letters/<int:pk>/pdf/", api.ResponseLetterPdfApi.as_view(), name="letter-pdf"),
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
]
