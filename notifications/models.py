"""Serious Incident Notifications (SINs): one per incident, from a local authority to the
Panel, with one or more children (DOMAIN.md §3)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from safeguarding.codes import Reason, Sex
from safeguarding.dates import long_date
from safeguarding.encrypted import EncryptedDateField, EncryptedTextField
from safeguarding.models import LocalAuthority


class AbuseOrNeglect(models.TextChoices):
    KNOWN = "known", "Known"
    SUSPECTED = "suspected", "Suspected"
    NOT_SUSPECTED = "not_suspected", "Not suspected (looked-after child's death)"


class Withdrawal(models.TextChoices):
    """Why a submitted SIN does not go on (issue 16): the Panel secretariat's decision, with a
    reason; reversible. A SIN marked so has its rapid review closed and is left out of the
    annual figures (counted on a line of its own in the timeliness table)."""

    NOT_MEETING_CRITERIA = "not_meeting_criteria", "Does not meet the criteria"
    WITHDRAWN = "withdrawn", "Withdrawn at the authority's request"


# What identifies a child or tells their circumstances in words. The audit trail records that
# these changed, never their values (safeguarding.audit.redact), and the retention schedule
# removes them when a closed case is anonymised.
PERSONAL_FIELDS = (
    "placement_postcode",
    "summary",
    "child_in_focus_override_reason",
    "lateness_reason",
)
CHILD_IDENTIFYING_FIELDS = ("name", "date_of_birth")


class Notification(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    # Allowed transitions, {target: {sources}}: a SIN is submitted once; later changes are
    # amendments of a submitted SIN, with a reason.
    TRANSITIONS = {Status.SUBMITTED: {Status.DRAFT}}

    reference = models.CharField(max_length=20, unique=True, null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, related_name="notifications"
    )

    incident_date = models.DateField(null=True, blank=True)
    date_aware = models.DateField("date the local authority became aware", null=True, blank=True)
    reason = models.CharField(max_length=20, choices=Reason.choices, blank=True)
    abuse_or_neglect = models.CharField(max_length=20, choices=AbuseOrNeglect.choices, blank=True)
    child_looked_after_death = models.BooleanField(
        "death of a looked-after child", null=True, blank=True
    )
    # Identifying, so encrypted at rest; statistics use the coded imd_decile beside it.
    placement_postcode = EncryptedTextField(max_length=8, blank=True)
    imd_decile = models.PositiveSmallIntegerField(
        "IMD decile", null=True, blank=True, help_text="1 (most deprived 10%) to 10; blank: unknown"
    )
    imd_source = models.CharField(
        "where the IMD decile came from",
        max_length=10,
        blank=True,
        choices=[("entered", "Entered"), ("postcode", "Looked up from the postcode")],
    )
    summary = models.TextField(blank=True)
    child_in_focus_override_reason = models.TextField(blank=True)
    lateness_reason = models.TextField(blank=True)

    # Set once, on submission: the clock and the outcome against the 5-working-day deadline.
    notified_at = models.DateTimeField("date submitted", null=True, blank=True)
    working_days_to_notify = models.IntegerField(null=True, blank=True)
    notified_on_time = models.BooleanField(null=True, blank=True)

    # Where the record came from: the service's own journey, or `import_records` (historic data
    # and other systems'), which has less than a live submission (DOMAIN.md §6).
    source = models.CharField(
        max_length=10,
        choices=[("service", "Recorded in the service"), ("import", "Imported")],
        default="service",
    )
    # Imported records: a digest of the row's identifying columns, so that importing the same
    # file twice adds nothing; and the number of children, as the file has no row per child.
    import_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    imported_children_count = models.PositiveSmallIntegerField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Optimistic locking: every write bumps it, and a write based on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    # Withdrawn or not progressed (Withdrawal; notifications.services.withdrawal): blank while
    # the SIN goes on. Who decided, when and why; a reinstatement clears them (the history
    # keeps both steps).
    withdrawal = models.CharField(
        "withdrawn or not progressed", max_length=25, choices=Withdrawal.choices, blank=True
    )
    withdrawal_reason = models.TextField("reason for the withdrawal", blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # The retention schedule (README, Retention): when an abandoned draft's authority was last
    # warned of its deletion, and when the closed case's identifying data was removed.
    retention_warned_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["local_authority", "status"]),
            models.Index(fields=["status", "notified_at"]),
            # The SIN list's sorts (notifications.selectors.SORTS), read in index order so a
            # page stops after its rows: nationally, and within one authority. The reference
            # sort uses the reference's unique index; its search, a trigram index on
            # UPPER(reference) (PostgreSQL only, migration 0005).
            models.Index(fields=["created_at", "id"], name="notification_created"),
            models.Index(
                fields=["local_authority", "created_at", "id"], name="notification_la_created"
            ),
            models.Index(fields=["incident_date", "id"], name="notification_incident"),
            models.Index(fields=["notified_at", "id"], name="notification_notified"),
            # A reporting year's SINs (analytics.engine.year_records): submitted, by incident date.
            models.Index(
                fields=["incident_date"],
                condition=Q(status="submitted"),
                name="notification_statistics_year",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="notification_imd_decile_1_to_10",
                condition=Q(imd_decile__isnull=True) | Q(imd_decile__gte=1, imd_decile__lte=10),
            ),
            models.CheckConstraint(
                name="notification_submitted_has_reference",
                condition=Q(status="draft")
                | Q(
                    reference__isnull=False,
                    notified_at__isnull=False,
                    working_days_to_notify__isnull=False,
                    notified_on_time__isnull=False,
                ),
            ),
            models.CheckConstraint(
                name="notification_not_suspected_only_for_looked_after_death",
                condition=~Q(abuse_or_neglect="not_suspected")
                | Q(child_looked_after_death=True, reason="death"),
            ),
            models.CheckConstraint(
                name="notification_withdrawn_is_submitted_with_reason",
                condition=Q(withdrawal="")
                | Q(status="submitted", withdrawn_at__isnull=False) & ~Q(withdrawal_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return self.reference or self.draft_name

    @property
    def draft_name(self) -> str:
        """What users call a draft, which has no reference yet: "Draft: death, 24 May 2024",
        or "Draft started 2 December 2026" before the incident date is known."""
        if self.incident_date:
            reason = self.get_reason_display().lower() if self.reason else ""
            return f"Draft: {reason + ', ' if reason else ''}{long_date(self.incident_date)}"
        if self.created_at:
            return f"Draft started {long_date(timezone.localdate(self.created_at))}"
        return "New notification"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_withdrawn(self) -> bool:
        """Withdrawn or not progressed (either Withdrawal)."""
        return bool(self.withdrawal)

    @property
    def needs_rapid_review(self) -> bool:
        """Whether the partnership reviews it: not for a looked-after child's death where
        abuse or neglect is not suspected (report 3.2: DfE and Ofsted act on those)."""
        return self.abuse_or_neglect != AbuseOrNeglect.NOT_SUSPECTED

    @property
    def child_in_focus(self) -> "NotificationChild | None":
        return next((child for child in self.children.all() if child.is_child_in_focus), None)


class NotificationChild(models.Model):
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="children"
    )
    child_reference = models.CharField(
        max_length=40, help_text="Pseudonymous reference, e.g. Child A"
    )
    # Identifying, so encrypted at rest (safeguarding.encrypted): the database cannot filter or
    # sort on them. Statistics use age_years, worked out from the date of birth when saved.
    name = EncryptedTextField(max_length=200, blank=True, help_text="Identifying; optional")
    date_of_birth = EncryptedDateField(null=True, blank=True)
    age_years = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices)
    harm = models.CharField(max_length=20, choices=Reason.choices)
    is_child_in_focus = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification"],
                condition=Q(is_child_in_focus=True),
                name="one_child_in_focus_per_notification",
            ),
            models.UniqueConstraint(
                fields=["notification", "child_reference"], name="unique_child_reference"
            ),
            models.CheckConstraint(
                name="child_age_0_to_17",
                condition=Q(age_years__isnull=True) | Q(age_years__lte=17),
            ),
            models.CheckConstraint(
                name="child_has_age_or_date_of_birth",
                condition=Q(age_years__isnull=False) | Q(date_of_birth__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.child_reference


class ReferenceSequence(models.Model):
    """The last number given for a reference prefix and year (SIN-2024-000123)."""

    prefix = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="unique_reference_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_number}"
