from django.urls import path

from . import api

app_name = "lcsprs-api"

urlpatterns = [
    path("", api.LcsprListApi.as_view(), name="lcspr-list"),
    path("<int:pk>/", api.LcsprDetailApi.as_view(), name="lcspr-detail"),
    path("<int:pk>/final-report/", api.LcsprFinalReportApi.as_view(), name="lcspr-final-report"),
    path(
        "<int:pk>/final-report/versions/<int:number>/",
        api.LcsprFinalReportDownloadApi.as_view(),
        name="lcspr-final-report-download",
    ),
    path("<int:pk>/feedback/", api.LcsprFeedbackApi.as_view(), name="lcspr-feedback"),
]
