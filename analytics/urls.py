from django.urls import path

from . import views

app_name = "analytics"

urlpatterns = [
    path("import/", views.records_import, name="records-import"),
    path("", views.statistics_index, name="statistics-index"),
    path("<int:year>/", views.statistics_year, name="statistics-year"),
    path("<int:year>/compare/", views.statistics_compare, name="statistics-compare"),
    path("<int:year>/recompute/", views.statistics_recompute, name="statistics-recompute"),
    path("<int:year>/versions/", views.snapshot_list, name="snapshot-list"),
    path("<int:year>/versions/<int:version>/", views.snapshot_detail, name="snapshot-detail"),
    path(
        "<int:year>/v<int:version>/download.<str:fmt>",
        views.snapshot_download,
        name="snapshot-download",
    ),
]
