"""Serious Incident Notifications (SINs): one per incident, from a local authority to the
Panel, with one or more children (DOMAIN.md §3)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from safeguarding.codes import (
    CareOrder,
    ChildInNeed,
    ChildProtectionPlan,
    Ethnicity,
    LookedAfter,
    Reason,
    Sex,
    YesNoNotRecorded,
)
from safeguarding.dates import long_date
from safeguarding.encrypted import EncryptedDateField, EncryptedTextField
from safeguarding.models import LocalAuthority, Partnership

from .codes import (
    AGENCIES_MAX_LENGTH,
    CriminalProceedings,
    IncidentLocation,
    IncidentSetting,
    YesNoUnknown,
    agencies_labels,
)


class AbuseOrNeglect(models.TextChoices):
    KNOWN = "known", "Known"
    SUSPECTED = "suspected", "Suspected"
    NOT_SUSPECTED = "not_suspected", "Not suspected (looked-after child's death)"


# Issue 16: who notified and who signed the notification off (names and contact details).
NOTIFIER_FIELDS = (
    "notifier_name",
    "notifier_role",
    "notifier_telephone",
    "notifier_email",
    "sign_off_name",
    "sign_off_role",
)


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
    *NOTIFIER_FIELDS,
)
CHILD_IDENTIFYING_FIELDS = ("name", "date_of_birth", "health_needs")


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

    # --- Where and how it happened (issue 16): the statutory form's incident questions, all
    # optional. Rules (notifications.rules.incident_place_errors) and database constraints
    # below: another authority's area names that authority (never the notifier's own).
    incident_time = models.TimeField("time of the incident", null=True, blank=True)
    incident_location = models.CharField(
        "where it happened", max_length=20, choices=IncidentLocation.choices, blank=True
    )
    incident_local_authority = models.ForeignKey(
        LocalAuthority,
        verbose_name="local authority where it happened",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    incident_place_outside_england = models.CharField(
        "where outside England", max_length=200, blank=True
    )
    incident_setting = models.CharField(
        "setting", max_length=20, choices=IncidentSetting.choices, blank=True
    )
    incident_setting_other = models.CharField("other setting", max_length=200, blank=True)
    # Codes of notifications.codes.Agency joined by commas (agencies_split / agencies_join).
    agencies_involved = models.CharField(
        "agencies involved at the time", max_length=AGENCIES_MAX_LENGTH, blank=True
    )
    police_involvement = models.CharField(
        "police involvement", max_length=10, choices=YesNoUnknown.choices, blank=True
    )
    criminal_proceedings = models.CharField(
        "criminal proceedings", max_length=10, choices=CriminalProceedings.choices, blank=True
    )
    media_interest = models.CharField(
        "likely media interest", max_length=10, choices=YesNoUnknown.choices, blank=True
    )

    # --- Notifier and sign-off (issue 16): who notified (prefilled from their account when the
    # draft starts) and the senior manager who signed it off. Personal data: encrypted at rest,
    # redacted in the audit trail, removed on anonymisation (PERSONAL_FIELDS).
    notifier_name = EncryptedTextField("notifier's name", max_length=200, blank=True)
    notifier_role = EncryptedTextField("notifier's role or job title", max_length=200, blank=True)
    notifier_telephone = EncryptedTextField("notifier's telephone", max_length=30, blank=True)
    notifier_email = EncryptedTextField("notifier's email address", max_length=254, blank=True)
    sign_off_name = EncryptedTextField("senior manager's name", max_length=200, blank=True)
    sign_off_role = EncryptedTextField("senior manager's role", max_length=200, blank=True)

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
            # Issue 16: the authority where it happened is given exactly when it was elsewhere
            # in England, and is never the notifier's own.
            models.CheckConstraint(
                name="notification_incident_authority_only_elsewhere",
                condition=Q(
                    incident_location="elsewhere_england", incident_local_authority__isnull=False
                )
                | (
                    ~Q(incident_location="elsewhere_england")
                    & Q(incident_local_authority__isnull=True)
                ),
            ),
            models.CheckConstraint(
                name="notification_incident_authority_not_own",
                condition=Q(incident_local_authority__isnull=True)
                | ~Q(incident_local_authority=models.F("local_authority")),
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
    def agencies_involved_display(self) -> str:
        return agencies_labels(self.agencies_involved)

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
    def rapid_review_note(self) -> str:
        """Who reviews it, for the areas it is shared with (the SIN's page and the e-mail):
        its partnership, or why no rapid review is written."""
        if self.is_withdrawn:
            return f"no rapid review is written ({self.get_withdrawal_display().lower()})"
        if not self.needs_rapid_review:
            return (
                "no rapid review is needed (a looked-after child's death where abuse or neglect "
                "is not suspected)"
            )
        return f"{self.local_authority.partnership} writes its rapid review"

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

    # --- The statutory form's questions about each child (issue 16), all optional: blank is
    # "not answered", never "no" (DOMAIN.md §4).
    ethnicity = models.CharField(max_length=30, choices=Ethnicity.choices, blank=True)
    disability = models.CharField(max_length=20, choices=YesNoNotRecorded.choices, blank=True)
    # Identifying (the child's circumstances in words): encrypted at rest, redacted in the
    # audit trail and removed on anonymisation, like `name` (CHILD_IDENTIFYING_FIELDS).
    health_needs = EncryptedTextField("known health needs", max_length=2000, blank=True)
    # Legal status at the time of the incident (children's social care, DOMAIN.md §4).
    child_in_need = models.CharField(max_length=20, choices=ChildInNeed.choices, blank=True)
    child_protection_plan = models.CharField(
        max_length=20, choices=ChildProtectionPlan.choices, blank=True
    )
    looked_after = models.CharField(max_length=20, choices=LookedAfter.choices, blank=True)
    care_order = models.CharField(max_length=20, choices=CareOrder.choices, blank=True)
    # Only when the child lives in another authority's area than the notifying one's.
    home_local_authority = models.ForeignKey(
        LocalAuthority,
        verbose_name="home local authority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Only if different from the notifying local authority",
    )
    # --- end of the statutory questions

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


class NotificationAttachment(models.Model):
    """A document sent with a SIN (the statutory form's incident report, letters, legal
    documents, forms): a PDF, DOCX, XLSX, PNG or JPEG judged by its content
    (`notifications.attachments`). The file is stored encrypted under a generated key; the name
    it was uploaded with is kept, cleaned, only to show and to name downloads. A submitted
    SIN's attachments are never removed; anonymising the closed case deletes the file and what
    may name the child (its name and description)."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField("storage key", upload_to="notification-attachments/%Y/%m/", blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField("size in bytes")
    sha256 = models.CharField(max_length=64, blank=True)
    description = models.CharField(max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        indexes = [models.Index(fields=["notification", "added_at"], name="attachment_by_sin")]

    def __str__(self) -> str:
        return self.original_name or f"Attachment {self.pk}"

    @property
    def is_available(self) -> bool:
        """False once the case is anonymised and the file deleted."""
        return bool(self.file)


class PossibleDuplicate(models.Model):
    """Two submitted SINs whose children match (notifications.duplicates), perhaps the same
    incident notified twice (by two authorities, or twice by one). Recorded as an ordered pair
    (the lower id first) so that a pair is found once; the Panel secretariat decides whether
    they are the same incident. Nothing is merged and statistics are unchanged."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        SAME_INCIDENT = "same_incident", "Same incident"
        DISMISSED = "dismissed", "Not the same incident"

    # Allowed transitions, {target: {sources}}: a decided pair is reopened before it is decided
    # again, so a decision is never replaced silently.
    TRANSITIONS = {
        Status.SAME_INCIDENT: {Status.OPEN},
        Status.DISMISSED: {Status.OPEN},
        Status.OPEN: {Status.SAME_INCIDENT, Status.DISMISSED},
    }

    first = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    found_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    # Optimistic locking: every decision bumps it, and a decision on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-found_at", "-id"]
        indexes = [
            # The secretariat's list: open pairs, newest first, read in index order.
            models.Index(fields=["status", "found_at", "id"], name="possible_duplicate_status"),
            # A SIN's pairs: `first` is served by the unique pair's index.
            models.Index(fields=["second"], name="possible_duplicate_second"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="possible_duplicate_pair"),
            models.CheckConstraint(
                name="possible_duplicate_ordered_pair", condition=Q(first__lt=models.F("second"))
            ),
            models.CheckConstraint(
                name="possible_duplicate_decided_has_who_and_when",
                condition=Q(status="open") | Q(decided_by__isnull=False, decided_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Possible duplicate: {self.first} and {self.second}"

    def other(self, notification: Notification) -> Notification:
        """The pair's other SIN."""
        return self.second if notification.pk == self.first_id else self.first


class NotificationShare(models.Model):
    """Another area told about a SIN (issue 16, item 3): a local authority or a safeguarding
    partnership where a child was placed or normally lived. Its users (an authority's) or its
    leads (a partnership's) read the submitted SIN, never change it, and never see its rapid
    review, which stays with the notifying area's partnership (notifications.selectors)."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="shares")
    local_authority = models.ForeignKey(
        LocalAuthority, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    # When the area was told (on submission, or when added to a submitted SIN); None on a draft.
    told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["added_at", "id"]
        # The scope's EXISTS (notifications.selectors._shared_with) looks a reader's area up
        # with the SIN: one index each, led by the area.
        indexes = [
            models.Index(fields=["local_authority", "notification"], name="share_authority"),
            models.Index(fields=["partnership", "notification"], name="share_partnership"),
        ]
        constraints = [
            models.CheckConstraint(
                name="notification_share_one_target",
                condition=Q(local_authority__isnull=False, partnership__isnull=True)
                | Q(local_authority__isnull=True, partnership__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["notification", "local_authority"],
                condition=Q(local_authority__isnull=False),
                name="unique_notification_share_authority",
            ),
            models.UniqueConstraint(
                fields=["notification", "partnership"],
                condition=Q(partnership__isnull=False),
                name="unique_notification_share_partnership",
            ),
        ]

    def __str__(self) -> str:
        return str(self.target)

    @property
    def target(self):
        """The authority or the partnership told."""
        return self.local_authority or self.partnership


class LinkKind(models.TextChoices):
    SIBLING = "sibling", "Sibling or child in the same household"
    SAME_FAMILY_EARLIER = "same_family_earlier", "Same family, earlier case"
    DUPLICATE = "duplicate", "Duplicate notification of the same incident"
    OTHER = "other", "Other"


class LinkedCase(models.Model):
    """Two submitted SINs linked as related cases (issue 17, item 4): siblings across two SINs,
    the same family in an earlier year, a duplicate found at notification. Stored once for the
    unordered pair (the lower id first); both cases show it, each reader seeing the other case
    only as far as their scope allows (notifications.links). Removing a link keeps the row,
    with who removed it and why, for the cases' histories; a removed pair can be linked again."""

    first = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=LinkKind.choices)
    # Free text that may identify people: encrypted at rest, never written to the audit trail.
    reason = EncryptedTextField(max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removal_reason = EncryptedTextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["second"], name="linked_case_second")]
        constraints = [
            models.CheckConstraint(
                name="linked_case_ordered_pair", condition=Q(first__lt=models.F("second"))
            ),
            models.UniqueConstraint(
                fields=["first", "second"],
                condition=Q(removed_at__isnull=True),
                name="linked_case_one_current_link",
            ),
            models.CheckConstraint(
                name="linked_case_removed_has_who",
                condition=Q(removed_at__isnull=True) | Q(removed_by__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Linked cases: {self.first} and {self.second}"

    @property
    def is_current(self) -> bool:
        return self.removed_at is None

    def other(self, notification: Notification) -> Notification:
        return self.second if notification.pk == self.first_id else self.first
