from django.urls import path

from . import api

app_name = "lcsprs-api"

urlpatterns = [
    path("", api.LcsprListApi.as_view(), name="lcspr-list"),
    path("<int:pk>/", api.LcsprDetailApi.as_view(), name="lcspr-detail"),
]
