from django.urls import path

from . import views

app_name = "lcsprs"

urlpatterns = [
    path("", views.lcspr_list, name="lcspr-list"),
    path("<int:pk>/", views.lcspr_detail, name="lcspr-detail"),
    path("<int:pk>/start/", views.lcspr_start, name="lcspr-start"),
    path("<int:pk>/final-report/", views.lcspr_final_report, name="lcspr-final-report"),
    path(
        "<int:pk>/planned-publication/",
        views.lcspr_planned_publication,
        name="lcspr-planned-publication",
    ),
    path("<int:pk>/publish/", views.lcspr_publish, name="lcspr-publish"),
    path("<int:pk>/feedback/", views.lcspr_feedback, name="lcspr-feedback"),
    path(
        "<int:pk>/final-report/upload/",
        views.lcspr_final_report_upload,
        name="lcspr-final-report-upload",
    ),
    path(
        "<int:pk>/final-report/versions/<int:number>/",
        views.lcspr_final_report_download,
        name="lcspr-final-report-download",
    ),
    path("<int:pk>/correct-a-date/", views.lcspr_date_correct, name="lcspr-date-correct"),
    path(
        "commission/rapid-review/<int:review_pk>/",
        views.lcspr_commission,
        name="lcspr-commission",
    ),
]
