from django.urls import path

from . import views

app_name = "rapidreviews"

urlpatterns = [
    path("", views.review_queue, name="review-queue"),
    path("<int:pk>/", views.review_detail, name="review-detail"),
    path("<int:pk>/submit/", views.review_submit, name="review-submit"),
    path("<int:pk>/reopen/", views.review_reopen, name="review-reopen"),
    path("<int:pk>/<slug:section_key>/", views.review_section, name="review-section"),
]
