from django.urls import path

from . import views

app_name = "rapidreviews"

urlpatterns = [
    path("", views.review_queue, name="review-queue"),
    path("<int:pk>/", views.review_detail, name="review-detail"),
    path("<int:pk>/submit/", views.review_submit, name="review-submit"),
    path("<int:pk>/submitted/", views.review_confirmation, name="review-confirmation"),
    path("<int:pk>/reopen/", views.review_reopen, name="review-reopen"),
    path("<int:pk>/share/", views.review_share, name="review-share"),
    path("<int:pk>/extension/", views.extension_request, name="extension-request"),
    path(
        "<int:pk>/extension/<int:ext_pk>/decide/",
        views.extension_decide,
        name="extension-decide",
    ),
    # Before the generic section pattern, which would otherwise take "document".
    path("<int:pk>/document/", views.review_document, name="review-document"),
    path(
        "<int:pk>/document/download/",
        views.review_document_download,
        name="review-document-download",
    ),
    path("<int:pk>/<slug:section_key>/", views.review_section, name="review-section"),
]
