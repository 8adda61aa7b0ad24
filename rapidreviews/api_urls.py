from django.urls import path

from . import api

app_name = "rapidreviews-api"

urlpatterns = [
    path("", api.RapidReviewListApi.as_view(), name="review-list"),
    path("<int:pk>/", api.RapidReviewDetailApi.as_view(), name="review-detail"),
    path(
        "<int:pk>/sections/<slug:section_key>/",
        api.RapidReviewSectionApi.as_view(),
        name="review-section",
    ),
    path("<int:pk>/submit/", api.RapidReviewSubmitApi.as_view(), name="review-submit"),
]
