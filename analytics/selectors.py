"""Reads of the annual figures."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Max, Min, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from notifications.models import Notification
from safeguarding import policy
from safeguarding.models import User

from .models import StatisticsSnapshot
from .tasks import current_reporting_year


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


# --- The statistics pages ---------------------------------------------------------------------

# Who may see the annual figures: `safeguarding.policy.can_read_statistics` (administrators,
# and the Panel read-only) and `can_manage_statistics` (administrators: recompute, import).


@dataclass(frozen=True)
class StatisticsAccess:
    can_recompute: bool
    can_import: bool


def statistics_access_for(*, user: User, write: bool = False) -> StatisticsAccess:
    """What `user` may do on the statistics pages; PermissionDenied (403) if they may not see
    them at all, or if `write` is asked for by someone with read-only access."""
    manage = policy.can_manage_statistics(user)
    if manage or (policy.can_read_statistics(user) and not write):
        return StatisticsAccess(can_recompute=manage, can_import=manage)
    raise PermissionDenied


def snapshot_latest_run(year: int) -> StatisticsSnapshot | None:
    """The year's newest run, succeeded or failed (without the tables)."""
    return snapshot_list(year).first()


def snapshot_get(*, year: int, version: int) -> StatisticsSnapshot:
    """One version of the year's figures, or 404."""
    return get_object_or_404(
        StatisticsSnapshot.objects.select_related("computed_by"), year=year, version=version
    )


def statistics_years() -> list[int]:
    """Reporting years to choose from, newest first: those with a snapshot and those with
    submitted notifications (by incident date). The current reporting year when neither."""
    years = set(StatisticsSnapshot.objects.order_by().values_list("year", flat=True).distinct())
    span = Notification.objects.filter(status=Notification.Status.SUBMITTED).aggregate(
        first=Min("incident_date"), last=Max("incident_date")
    )
    if span["first"] and span["last"]:
        years |= set(
            range(current_reporting_year(span["first"]), current_reporting_year(span["last"]) + 1)
        )
    return sorted(years, reverse=True) or [current_reporting_year(timezone.localdate())]
