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


class Cohort(models.Model):
    """A saved cohort of rapid reviews (issue 18, item 4): its definition
    (analytics.cohort_definitions: a reporting year, the population it is compared within and
    its criteria) and its stored random sample (the seed and size that reproduce it,
    analytics.cohorts.cohort_sample_ids). Edited with optimistic locking (`version`); every
    change, and every new draw of the sample, is in the audit trail. Appendix F's three
    spotlight cohorts are saved cohorts too (`spotlight` names them; migration
    0005_spotlight_cohorts)."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    definition = models.JSONField()
    spotlight = models.CharField(
        max_length=40, blank=True, help_text="Appendix F's spotlight theme this cohort is"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    sample_seed = models.BigIntegerField(null=True, blank=True)
    sample_size = models.PositiveIntegerField(null=True, blank=True)
    sampled_at = models.DateTimeField(null=True, blank=True)
    sampled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    archived = models.BooleanField(default=False)

    class Meta:
        ordering = ["archived", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["spotlight"], condition=~Q(spotlight=""), name="cohort_one_per_spotlight"
            ),
            models.CheckConstraint(
                name="cohort_sample_seed_and_size_together",
                condition=Q(sample_seed__isnull=True, sample_size__isnull=True)
                | Q(sample_seed__isnull=False, sample_size__gte=1),
            ),
        ]

    def __str__(self) -> str:
        return f"Cohort {self.name}"

    @property
    def year(self) -> int:
        return int(self.definition.get("year", 0))

    @property
    def has_sample(self) -> bool:
        return self.sample_seed is not None


class StatisticsExport(models.Model):
    """A PDF or XLSX of a snapshot made on a worker (analytics.export_files): one row per
    snapshot, format, audience (internal, or public at a suppression threshold) and layout
    version, so the file is made once and then served from storage. Its progress is recorded
    as it is made, for the page the analyst waits on."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "XLSX (Excel)"

    class Audience(models.TextChoices):
        INTERNAL = "internal", "Internal"
        PUBLIC = "public", "Public"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting"
        RENDERING = "rendering", "Being made"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    snapshot = models.ForeignKey(
        StatisticsSnapshot, on_delete=models.CASCADE, related_name="exports"
    )
    format = models.CharField(max_length=10, choices=Format.choices)
    audience = models.CharField(max_length=10, choices=Audience.choices)
    # The suppression threshold of a public file; 0 for an internal one (nothing suppressed).
    threshold = models.PositiveSmallIntegerField(default=0)
    # analytics.exports.LAYOUT_VERSIONS when it was asked for: a new layout makes a new file.
    layout_version = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    stage = models.CharField(max_length=100, blank=True)
    file_name = models.CharField(max_length=300, blank=True, help_text="Name in storage")
    size = models.PositiveBigIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["snapshot", "format", "audience", "threshold"]
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "format", "audience", "threshold", "layout_version"],
                name="statistics_export_once",
            ),
            models.CheckConstraint(
                name="statistics_export_threshold_public_only",
                condition=Q(audience="internal", threshold=0)
                | Q(audience="public", threshold__gte=1),
            ),
            models.CheckConstraint(
                name="statistics_export_ready_has_file",
                condition=~Q(status="ready") | ~Q(file_name=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_audience_display()} {self.get_format_display()} of {self.snapshot}"

    @property
    def public(self) -> bool:
        return self.audience == self.Audience.PUBLIC

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RENDERING)

    @property
    def percent(self) -> int:
        if self.status == self.Status.READY:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)

    @property
    def error_summary(self) -> str:
        """The error's first line: what the page shows (the traceback is in the log)."""
        lines = self.error.strip().splitlines()
        return lines[0] if lines else ""


class RecordsImportJob(models.Model):
    """An upload of historic records imported on a worker (issue 19, item 1; the import itself
    is analytics.importer): the file as uploaded (compressed, and encrypted by the default
    storage like every stored file) until the import has finished, what is being done to it,
    how far it has gone and, once finished, what it did. Progress while the import runs is
    not written here (the import's one transaction would hide it): it is in the cache
    (analytics.imports), and the result is written here after the transaction."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        CHECKING = "checking", "Checking rows"
        IMPORTING = "importing", "Importing"
        SUCCEEDED = "succeeded", "Finished"
        REFUSED = "refused", "Refused: nothing imported"
        FAILED = "failed", "Failed"

    RUNNING = (Status.QUEUED, Status.CHECKING, Status.IMPORTING)
    FINISHED = (Status.SUCCEEDED, Status.REFUSED)
    CLAIMABLE = (Status.QUEUED, Status.FAILED)

    file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    filename = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0, help_text="The file's size as uploaded")
    dry_run = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(
        null=True, blank=True, help_text="About how many rows the file has (blank: not known)"
    )
    rows_checked = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    already_imported = models.PositiveIntegerField(default=0)
    # Every problem and warning: [[row, column, value, reason], ...] (analytics.importer's
    # RowProblem), compact because a refused file of 100,000 rows may have many.
    problems = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                name="records_import_job_failed_has_error",
                condition=~Q(status="failed") | ~Q(error=""),
            ),
        ]

    def __str__(self) -> str:
        return f"Import of {self.filename} ({self.pk})"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING
