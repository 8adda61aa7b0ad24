from django.urls import path

from . import api

app_name = "panel-api"

urlpatterns = [
    path("decisions/", api.PanelDecisionListApi.as_view(), name="decision-list"),
    path("decisions/<int:pk>/", api.PanelDecisionDetailApi.as_view(), name="decision-detail"),
    path("letters/", api.ResponseLetterListApi.as_view(), name="letter-list"),
    path("letters/<int:pk>/", api.ResponseLetterDetailApi.as_view(), name="letter-detail"),
    path("letters/<int:pk>/pdf/", api.ResponseLetterPdfApi.as_view(), name="letter-pdf"),
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
]
