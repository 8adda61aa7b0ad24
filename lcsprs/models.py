"""Local Child Safeguarding Practice Reviews, tracked to publication (DOMAIN.md §1): completed
and published within 6 months of the rapid review, and sent to the Panel at least 7 days
before publication. The partnership decides to hold one in its rapid review, or later, after
the Panel's letter."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from panel.models import Extent, Quality, answer_field
from rapidreviews import codes as review_codes
from rapidreviews.models import RapidReview
from safeguarding import policy
from safeguarding.models import Partnership

from .timescales import PANEL_NOTICE_DAYS, lcspr_final_report_due_date


class Lcspr(models.Model):
    class Status(models.TextChoices):
        COMMISSIONED = "commissioned", "Commissioned"
        IN_PROGRESS = "in_progress", "In progress"
        FINAL_REPORT_SENT = "final_report_sent", "Final report sent to the Panel"
        PUBLISHED = "published", "Published"

    # {target: {sources}}: one step at a time, never back.
    TRANSITIONS = {
        Status.IN_PROGRESS: {Status.COMMISSIONED},
        Status.FINAL_REPORT_SENT: {Status.IN_PROGRESS},
        Status.PUBLISHED: {Status.FINAL_REPORT_SENT},
    }
    # Actions that keep the status: when they are allowed.
    PLANNING_STATUSES = frozenset(
        {Status.COMMISSIONED, Status.IN_PROGRESS, Status.FINAL_REPORT_SENT}
    )
    FEEDBACK_STATUSES = frozenset({Status.FINAL_REPORT_SENT, Status.PUBLISHED})

    class Step(models.TextChoices):
        START = "start", "Start the review"
        FINAL_REPORT = "final_report", "Record that the Panel received the final report"
        PUBLISH = "publish", "Record publication"
        PLANNED_PUBLICATION = "planned_publication", "Set the planned publication date"
        FEEDBACK = "feedback", "Record the Panel's feedback"
        UPLOAD_FINAL_REPORT = "upload_final_report", "Upload the final report"

    # Every step: the statuses it is taken from (status changes follow TRANSITIONS) and who
    # may take it. The page offers exactly the steps `available_transitions` gives, and the
    # services refuse any other, so a button is never shown that the service would refuse.
    STEPS = {
        Step.START: (TRANSITIONS[Status.IN_PROGRESS], policy.can_edit_lcspr),
        # The Panel records its receipt of the final report; the partnership cannot type it.
        Step.FINAL_REPORT: (TRANSITIONS[Status.FINAL_REPORT_SENT], policy.can_record_lcspr_receipt),
        Step.PUBLISH: (TRANSITIONS[Status.PUBLISHED], policy.can_edit_lcspr),
        Step.PLANNED_PUBLICATION: (PLANNING_STATUSES, policy.can_edit_lcspr),
        Step.FEEDBACK: (FEEDBACK_STATUSES, policy.can_give_lcspr_feedback),
        # The partnership uploads its final report once the review is under way (the first
        # upload moves it to "final report sent"), and may replace it, with a reason, until
        # publication (`services.lcspr_final_report_upload`).
        Step.UPLOAD_FINAL_REPORT: (
            frozenset({Status.IN_PROGRESS, Status.FINAL_REPORT_SENT}),
            policy.can_edit_lcspr,
        ),
    }

    class CorrectableDate(models.TextChoices):
        """The dates that can be corrected, with a reason, on the "Correct a date" page."""

        PLANNED_PUBLICATION = "planned_publication_date", "Planned publication date"
        ACTUAL_PUBLICATION = "actual_publication_date", "Publication date"
        FINAL_REPORT_RECEIVED = "final_report_received_on", "Date the Panel received the report"

    # Every correctable date: the statuses in which it may be corrected and who may correct it
    # (the people who may set it). It must have been set first.
    CORRECTABLE_DATES = {
        CorrectableDate.PLANNED_PUBLICATION: (PLANNING_STATUSES, policy.can_edit_lcspr),
        CorrectableDate.ACTUAL_PUBLICATION: (
            frozenset({Status.PUBLISHED}),
            policy.can_edit_lcspr,
        ),
        CorrectableDate.FINAL_REPORT_RECEIVED: (
            FEEDBACK_STATUSES,
            policy.can_record_lcspr_receipt,
        ),
    }

    rapid_review = models.OneToOneField(RapidReview, on_delete=models.PROTECT, related_name="lcspr")
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="lcsprs")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.COMMISSIONED)
    clock_started_on = models.DateField(
        help_text="The date the rapid review was submitted: the start of the 6 months"
    )
    due_date = models.DateField(
        db_index=True, help_text="6 calendar months after the rapid review was submitted"
    )

    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_reason = models.TextField("why the LCSPR was commissioned")

    started_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    final_report_received_on = models.DateField(
        "date the Panel received the final report", null=True, blank=True
    )
    final_report_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The current version of the uploaded final report (`LcsprFinalReport.number`); 0 while
    # none is uploaded (a report sent by e-mail is recorded by the Panel, without a file).
    final_report_version = models.PositiveIntegerField(default=0)
    planned_publication_date = models.DateField(null=True, blank=True)
    actual_publication_date = models.DateField(null=True, blank=True)
    published_url = models.URLField("link to the published report", max_length=500, blank=True)
    published_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    panel_feedback = models.TextField("the Panel's feedback", blank=True)
    panel_feedback_at = models.DateTimeField(null=True, blank=True)
    panel_feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The Panel's consideration of the LCSPR and its structured feedback on the final report
    # (issue 18): the same quality scale as on rapid reviews, plus the LCSPR's own questions.
    # The annual figures count LCSPRs by the date the Panel considered them (DOMAIN.md §1).
    considered_on = models.DateField(
        "date the Panel considered the LCSPR", null=True, blank=True, db_index=True
    )
    feedback_analysis_quality = answer_field("thoroughness of analysis", Quality)
    feedback_lived_experience = answer_field("the child's lived experience", Quality)
    feedback_race_ethnicity_culture = answer_field(
        "consideration of race, ethnicity and culture", Quality
    )
    recommendations_smart = answer_field("recommendations are SMART", Extent)
    child_voice_heard = answer_field("the child's voice was heard", Extent)

    # The structured feedback on the final report, in the order pages, letters and the
    # statistics show it (the learning themes are `LcsprLearningTheme` rows).
    FEEDBACK_QUALITY_FIELDS = (
        "feedback_analysis_quality",
        "feedback_lived_experience",
        "feedback_race_ethnicity_culture",
        "recommendations_smart",
        "child_voice_heard",
    )

    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic locking: every change adds one; a change made from an older version is refused.
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "LCSPR"
        verbose_name_plural = "LCSPRs"
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                name="lcspr_report_sent_has_received_date",
                condition=~Q(status__in=["final_report_sent", "published"])
                | Q(final_report_received_on__isnull=False),
            ),
            models.CheckConstraint(
                name="lcspr_published_has_date_and_link",
                condition=~Q(status="published")
                | (Q(actual_publication_date__isnull=False) & ~Q(published_url="")),
            ),
            models.CheckConstraint(
                name="lcspr_published_after_final_report",
                condition=Q(actual_publication_date__isnull=True)
                | Q(final_report_received_on__isnull=True)
                | Q(actual_publication_date__gte=F("final_report_received_on")),
            ),
            models.CheckConstraint(
                name="lcspr_feedback_has_author",
                condition=Q(panel_feedback="")
                | Q(panel_feedback_at__isnull=False, panel_feedback_by__isnull=False),
            ),
        ]
        indexes = [
            # "Publishing soon" on the Panel's home page (selectors._publishing_soon): the
            # unpublished ones by planned date, not a scan of every LCSPR (issue 14).
            models.Index(
                fields=["planned_publication_date"],
                name="lcspr_unpublished_planned",
                condition=~Q(status="published"),
            ),
        ]

    def __str__(self) -> str:
        return f"LCSPR for {self.rapid_review.notification}"

    @property
    def authority_partnership_id(self) -> int:
        """The partnership covering the local authority now, whose leads act on the case
        (policy.is_lead_of): the same as `partnership_id` unless the authority moved after
        this case closed."""
        return self.rapid_review.notification.local_authority.partnership_id

    def step_allowed(self, step: str, user) -> bool:
        """`user` may take `step` now: the LCSPR's status allows it and so does the policy."""
        sources, allowed = self.STEPS[step]
        return self.status in sources and allowed(user, self)

    def available_transitions(self, user) -> list[str]:
        """The steps `user` may take now, in the order of the table."""
        return [step for step in self.STEPS if self.step_allowed(step, user)]

    def correctable_dates(self, user) -> list[str]:
        """The dates `user` may correct now: set, in a status that allows it, theirs to set."""
        return [
            which
            for which, (statuses, allowed) in self.CORRECTABLE_DATES.items()
            if self.status in statuses
            and self.date_value(which) is not None
            and allowed(user, self)
            # Once a file is uploaded, the date the Panel received it is the upload's.
            and not (which == self.CorrectableDate.FINAL_REPORT_RECEIVED and self.has_final_report)
        ]

    def date_value(self, which: str) -> date | None:
        """The current value of one of the `CorrectableDate`s."""
        return {
            self.CorrectableDate.PLANNED_PUBLICATION: self.planned_publication_date,
            self.CorrectableDate.ACTUAL_PUBLICATION: self.actual_publication_date,
            self.CorrectableDate.FINAL_REPORT_RECEIVED: self.final_report_received_on,
        }[which]

    @property
    def has_final_report(self) -> bool:
        """The partnership has uploaded its final report on the service."""
        return self.final_report_version > 0

    def is_overdue(self, today: date) -> bool:
        return self.status != self.Status.PUBLISHED and self.due_date < today

    @property
    def final_report_due_date(self) -> date | None:
        """The last day for the Panel to receive the final report: 7 days before the planned
        publication date; None until that is set."""
        if self.planned_publication_date is None:
            return None
        return lcspr_final_report_due_date(self.planned_publication_date)

    @property
    def panel_notice_days(self) -> int | None:
        """Days between the Panel receiving the final report and publication (actual, or else
        planned); None until both are known."""
        publication = self.actual_publication_date or self.planned_publication_date
        if self.final_report_received_on is None or publication is None:
            return None
        return (publication - self.final_report_received_on).days

    @property
    def panel_notice_short(self) -> bool:
        """The final report reached (or will reach) the Panel fewer than 7 days before
        publication."""
        days = self.panel_notice_days
        return days is not None and days < PANEL_NOTICE_DAYS


class LcsprLearningTheme(models.Model):
    """A learning theme the Panel identified in an LCSPR's final report, coded as the rapid
    review's learning and practice themes (DOMAIN.md §4)."""

    lcspr = models.ForeignKey(Lcspr, on_delete=models.CASCADE, related_name="learning_themes")
    theme = models.CharField(max_length=30, choices=review_codes.LearningTheme.choices)

    class Meta:
        ordering = ["lcspr", "theme"]
        constraints = [
            models.UniqueConstraint(fields=["lcspr", "theme"], name="unique_lcspr_theme")
        ]

    def __str__(self) -> str:
        return self.get_theme_display()


class LcsprFinalReport(models.Model):
    """One version of the LCSPR's final report, as the partnership uploaded it (a PDF or a Word
    DOCX, checked as the rapid review's document is). Nothing is lost: a replacement before
    publication adds a version, with its reason, and the newest is the current report."""

    lcspr = models.ForeignKey(Lcspr, on_delete=models.PROTECT, related_name="final_reports")
    number = models.PositiveIntegerField("version")
    file = models.FileField(upload_to="lcsprs/final-reports/%Y/%m/")
    # The name it was uploaded with, cleaned: only shown, and used to name the download.
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)  # what the content is: "pdf" or "docx"
    page_count = models.PositiveIntegerField(null=True, blank=True)
    size_bytes = models.PositiveIntegerField()
    replacement_reason = models.TextField("why the report was replaced", blank=True)
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["lcspr", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["lcspr", "number"], name="unique_lcspr_report_version"),
            models.CheckConstraint(
                name="lcspr_report_replacement_has_reason",
                condition=Q(number=1) | ~Q(replacement_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.number})"
