"""Reads of the annual figures."""

from django.db.models import QuerySet

from .models import StatisticsSnapshot


def snapshot_latest(year: int) -> StatisticsSnapshot | None:
    """The latest succeeded snapshot of the year: a failed run never replaces it."""
    return (
        StatisticsSnapshot.objects.filter(year=year, status=StatisticsSnapshot.Status.SUCCEEDED)
        .order_by("-version")
        .first()
    )


def snapshot_list(year: int) -> QuerySet[StatisticsSnapshot]:
    """Every run for the year, succeeded or failed, newest first (without the tables)."""
    return (
        StatisticsSnapshot.objects.filter(year=year)
        .select_related("computed_by")
        .defer("tables")
        .order_by("-version")
    )
