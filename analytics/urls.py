from django.urls import path

from . import views

app_name = "analytics"

urlpatterns = [
    path("import/", views.records_import, name="records-import"),
]
