from django.contrib import admin
from django.http import HttpRequest

from .models import StatisticsSnapshot


@admin.register(StatisticsSnapshot)
class StatisticsSnapshotAdmin(admin.ModelAdmin):
    """Read-only: a snapshot is never changed; recomputing adds a new version."""

    list_display = ["year", "version", "status", "computed_at", "computed_by"]
    list_filter = ["year", "status"]
    date_hierarchy = "computed_at"

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
