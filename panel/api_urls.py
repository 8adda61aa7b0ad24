from django.urls import path

from . import api

app_name = "panel-api"

urlpatterns = [
    path("decisions/", api.PanelDecisionListApi.as_view(), name="decision-list"),
    path("decisions/<int:pk>/", api.PanelDecisionDetailApi.as_view(), name="decision-detail"),
    path("letters/", api.ResponseLetterListApi.as_view(), name="letter-list"),
    path("letters/<int:pk>/", api.ResponseLetterDetailApi.as_view(), name="letter-detail"),
    path("letters/<int:pk>/pdf/", api.ResponseLetterPdfApi.as_view(), name="letter-pdf"),
]
