"""The annual figures: statistics engine and exports.

A `StatisticsSnapshot` is one computation of every table for a reporting year: immutable and
versioned. Recomputing adds the next version; a failed run is recorded with its error, and the
latest succeeded snapshot stays the one shown (analytics.selectors.snapshot_latest).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class SnapshotImmutable(Exception):
    """A snapshot, once written, is never changed: recompute to get a new version."""


class StatisticsSnapshot(models.Model):
    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    year = models.PositiveSmallIntegerField(
        help_text="Reporting year: 2023 is 1 April 2023 to 31 March 2024, by incident date"
    )
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices)
    computed_at = models.DateTimeField(auto_now_add=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    input_counts = models.JSONField(default=dict, blank=True)
    tables = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-year", "-version"]
        get_latest_by = "version"
        constraints = [
            models.UniqueConstraint(fields=["year", "version"], name="statistics_snapshot_version"),
            models.CheckConstraint(
                name="statistics_snapshot_version_positive", condition=Q(version__gte=1)
            ),
            models.CheckConstraint(
                name="statistics_snapshot_failed_has_error",
                condition=~Q(status="failed") | ~Q(error=""),
            ),
        ]
        indexes = [models.Index(fields=["year", "status", "-version"])]

    def __str__(self) -> str:
        return f"Annual figures {self.year} to {self.year + 1}, version {self.version}"

    def save(self, *args, **kwargs) -> None:
        # Immutability is data integrity, not business logic: the database trigger
        # (migration 0002) refuses UPDATE and DELETE too.
        if self.pk is not None and not self._state.adding:
            raise SnapshotImmutable(f"{self} is immutable; recompute to add a new version.")
        super().save(*args, **kwargs)

    @property
    def succeeded(self) -> bool:
        return self.status == self.Status.SUCCEEDED

    def table(self, table_id: str) -> dict | None:
        return next((t for t in self.tables if t["id"] == table_id), None)
