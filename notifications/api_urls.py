from django.urls import path

from . import api, attachment_api

app_name = "notifications-api"

urlpatterns = [
    path("", api.NotificationListCreateApi.as_view(), name="notification-list"),
    path("<int:pk>/", api.NotificationDetailApi.as_view(), name="notification-detail"),
    path(
        "<int:pk>/attachments/",
        attachment_api.AttachmentListCreateApi.as_view(),
        name="attachment-list",
    ),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/download/",
        attachment_api.AttachmentDownloadApi.as_view(),
        name="attachment-download",
    ),
    path("<int:pk>/shares/", api.NotificationShareAddApi.as_view(), name="notification-shares"),
]
