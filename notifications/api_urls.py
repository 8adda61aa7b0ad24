from django.urls import path

from . import api, attachment_api, link_api

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
    path("<int:pk>/links/", link_api.LinkedCaseListApi.as_view(), name="linked-case-list"),
    path(
        "<int:pk>/links/<int:link_pk>/remove/",
        link_api.LinkedCaseRemoveApi.as_view(),
        name="linked-case-remove",
    ),
]
