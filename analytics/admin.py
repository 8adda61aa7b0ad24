from django.contrib import admin

from safeguarding.admin import ReadOnlyAdmin

from .models import StatisticsSnapshot


@admin.register(StatisticsSnapshot)
class StatisticsSnapshotAdmin(ReadOnlyAdmin):
    """Read-only: a snapshot is never changed; recomputing adds a new version."""

    list_display = ["year", "version", "status", "computed_at", "computed_by"]
    list_filter = ["year", "status"]
    date_hierarchy = "computed_at"
