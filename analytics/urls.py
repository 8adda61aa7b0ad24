from django.urls import path

from . import benchmark_views, cohort_views, export_views, views

app_name = "analytics"

urlpatterns = [
    path("import/", views.records_import, name="records-import"),
    path("import/<int:pk>/", views.records_import_job, name="records-import-job"),
    path("import/<int:pk>/retry/", views.records_import_job_retry, name="records-import-job-retry"),
    path("", views.statistics_index, name="statistics-index"),
    # Benchmarking (issue 19): an area beside its region and England.
    path("benchmarking/", benchmark_views.benchmarking_page, name="benchmarking"),
    path(
        "benchmarking/download.csv",
        benchmark_views.benchmarking_download,
        name="benchmarking-download",
    ),
    path("<int:year>/", views.statistics_year, name="statistics-year"),
    path("<int:year>/compare/", views.statistics_compare, name="statistics-compare"),
    path(
        "<int:year>/data-quality/",
        views.statistics_data_quality,
        name="statistics-data-quality",
    ),
    path("<int:year>/recompute/", views.statistics_recompute, name="statistics-recompute"),
    path("<int:year>/versions/", views.snapshot_list, name="snapshot-list"),
    path("<int:year>/versions/<int:version>/", views.snapshot_detail, name="snapshot-detail"),
    path("<int:year>/tables/<slug:table_id>/", views.statistics_table, name="statistics-table"),
    path(
        "<int:year>/versions/<int:version>/tables/<slug:table_id>/",
        views.snapshot_table,
        name="snapshot-table",
    ),
    path(
        "<int:year>/v<int:version>/tables/<slug:table_id>.<str:fmt>",
        views.snapshot_table_download,
        name="snapshot-table-download",
    ),
    path(
        "<int:year>/v<int:version>/download.<str:fmt>",
        views.snapshot_download,
        name="snapshot-download",
    ),
    # PDF and XLSX made on a worker (issue 19): ask, wait on the status page, download.
    path(
        "<int:year>/v<int:version>/exports/",
        export_views.export_request,
        name="export-request",
    ),
    path(
        "<int:year>/v<int:version>/exports/<int:pk>/",
        export_views.export_status,
        name="export-status",
    ),
    path(
        "<int:year>/v<int:version>/exports/<int:pk>/download",
        export_views.export_download,
        name="export-download",
    ),
    # Cohorts (issue 18): the Panel reads, administrators save.
    path("cohorts/", cohort_views.cohort_list, name="cohort-list"),
    path("cohorts/new/", cohort_views.cohort_new, name="cohort-new"),
    path("cohorts/save/", cohort_views.cohort_save, name="cohort-save"),
    path("cohorts/<int:pk>/", cohort_views.cohort_detail, name="cohort-detail"),
    path("cohorts/<int:pk>/edit/", cohort_views.cohort_edit, name="cohort-edit"),
    path("cohorts/<int:pk>/compare/", cohort_views.cohort_compare, name="cohort-compare"),
    path(
        "cohorts/<int:pk>/comparison.<str:fmt>",
        cohort_views.cohort_compare_download,
        name="cohort-compare-download",
    ),
    path("cohorts/<int:pk>/sample/", cohort_views.cohort_sample, name="cohort-sample"),
    path(
        "cohorts/<int:pk>/cases.<str:fmt>",
        cohort_views.cohort_cases_download,
        name="cohort-cases-download",
    ),
    path("cohorts/<int:pk>/archive/", cohort_views.cohort_archive, name="cohort-archive"),
]
