from django.urls import path

from . import api

app_name = "notifications-api"

urlpatterns = [
    path("", api.NotificationListCreateApi.as_view(), name="notification-list"),
    path("<int:pk>/", api.NotificationDetailApi.as_view(), name="notification-detail"),
    path("<int:pk>/shares/", api.NotificationShareAddApi.as_view(), name="notification-shares"),
]
