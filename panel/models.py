"""Panel decisions on rapid reviews and the response letters that tell partnerships of them
(DOMAIN.md §1 "Panel response letter"). A decision is recorded once; a correction is a new
version with a reason, so the history keeps every version as its own row."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from rapidreviews import codes as review_codes
from rapidreviews.models import RapidReview
from safeguarding.encrypted import EncryptedTextField


class Outcome(models.TextChoices):
    """Whether the Panel agrees with the partnership's decision on an LCSPR (3.94-3.96)."""

    AGREE = "agree", "Agreed"
    DISAGREE = "disagree", "Did not agree"
    UNABLE_TO_CONCLUDE = "unable_to_conclude", "Unable to conclude"


class Quality(models.TextChoices):
    """How well the rapid review did something (analysis, the child's lived experience, race,
    ethnicity and culture)."""

    GOOD = "good", "Good"
    ADEQUATE = "adequate", "Adequate"
    NEEDS_IMPROVEMENT = "needs_improvement", "Needs improvement"


class Extent(models.TextChoices):
    """Whether the rapid review did something at all (characteristics recorded, good practice
    identified)."""

    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"


NOT_RECORDED = "Not recorded"


def answer_field(label: str, scale: type[models.TextChoices]) -> models.CharField:
    """One structured feedback answer on `scale` (Quality or Extent), blank when not
    recorded: the Panel's questions on rapid reviews and on LCSPRs' final reports alike."""
    return models.CharField(label, max_length=30, choices=scale.choices, blank=True)


class PanelDecision(models.Model):
    """One version of the Panel's decision on a rapid review. Version 1 is the decision as
    recorded; each correction adds the next version with its reason and becomes current."""

    review = models.ForeignKey(
        RapidReview, on_delete=models.PROTECT, related_name="panel_decisions"
    )
    version = models.PositiveSmallIntegerField()
    is_current = models.BooleanField(default=True)
    outcome = models.CharField(
        "the Panel's view of the partnership's LCSPR decision",
        max_length=30,
        choices=Outcome.choices,
    )
    # The reasons and the structured feedback are required of every decision recorded in the
    # service (panel.forms, panel.services); they are blank only on decisions imported from
    # historic records (analytics.importer), which hold no more than the outcome and its date.
    reasons = models.TextField("reasons for the Panel's view", blank=True)
    analysis_quality = answer_field("thoroughness of analysis", Quality)
    lived_experience = answer_field("the child's lived experience", Quality)
    race_ethnicity_culture = answer_field("consideration of race, ethnicity and culture", Quality)
    characteristics_recorded = answer_field("characteristics of the child recorded", Extent)
    good_practice_identified = answer_field("good practice identified", Extent)
    feedback = models.TextField("feedback on the review's quality", blank=True)
    correction_reason = models.TextField("reason for the correction", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    # The Panel meeting the decision was taken at, when recorded from the meeting's page
    # (issue 17); null for one recorded from the queue, or imported.
    meeting = models.ForeignKey(
        "PanelMeeting",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )

    # The structured quality feedback, in the order pages and letters show it.
    QUALITY_FIELDS = (
        "analysis_quality",
        "lived_experience",
        "race_ethnicity_culture",
        "characteristics_recorded",
        "good_practice_identified",
    )

    class Meta:
        ordering = ["review", "-version"]
        indexes = [
            # The Panel overview's decisions of the year (current versions, by time decided).
            models.Index(
                fields=["decided_at"],
                condition=Q(is_current=True),
                name="panel_decision_current_at",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "version"], name="panel_decision_unique_version"
            ),
            models.UniqueConstraint(
                fields=["review"],
                condition=Q(is_current=True),
                name="panel_decision_one_current",
            ),
            models.CheckConstraint(
                name="panel_decision_version_positive", condition=Q(version__gte=1)
            ),
            models.CheckConstraint(
                name="panel_decision_correction_has_reason",
                condition=Q(version=1) | ~Q(correction_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"Panel decision (version {self.version}) on {self.review.notification}"

    def quality_rows(self) -> list[tuple[str, str]]:
        """(question, answer) for each structured feedback answer ("Not recorded" when blank,
        on an imported historic decision)."""
        rows = []
        for name in self.QUALITY_FIELDS:
            label = str(self._meta.get_field(name).verbose_name)
            answer = getattr(self, f"get_{name}_display")() or NOT_RECORDED
            rows.append((label[:1].upper() + label[1:], answer))
        return rows


class ResponseLetter(models.Model):
    """A version of the Panel's letter to the partnership. Drafted (and edited) in the service,
    then rendered to PDF and e-mailed by a worker. Each letter is kept, so every version stays
    downloadable."""

    class Status(models.TextChoices):
        DRAFTED = "drafted", "Draft"
        RENDERING = "rendering", "Being sent"
        RENDERED = "rendered", "PDF made, being e-mailed"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed, will be retried"

    # States from which a worker may claim the letter to render and send it. A `rendering`
    # claim older than panel.services.STALE_CLAIM is also taken (its worker died).
    CLAIMABLE = {Status.DRAFTED, Status.RENDERED, Status.FAILED}

    review = models.ForeignKey(
        RapidReview, on_delete=models.PROTECT, related_name="response_letters"
    )
    decision = models.ForeignKey(PanelDecision, on_delete=models.PROTECT, related_name="letters")
    version = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFTED)
    # The letter's text as edited, plain text: escaped and set in paragraphs by
    # templates/panel/letter.html, so nothing typed is ever treated as markup.
    body = models.TextField("letter text")
    pdf = models.FileField(upload_to="panel-letters/%Y/%m/", blank=True)
    pdf_name = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField("SHA-256 checksum", max_length=64, blank=True)
    page_count = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    send_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    send_requested_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["review", "-version"]
        indexes = [
            # The home pages' counts: letters not sent yet, and letters sent recently.
            models.Index(
                fields=["status"], condition=~Q(status="sent"), name="response_letter_not_sent"
            ),
            models.Index(fields=["sent_at"], name="response_letter_sent_at"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "version"], name="response_letter_unique_version"
            ),
            # One draft being edited per review at a time.
            models.UniqueConstraint(
                fields=["review"],
                condition=Q(status="drafted", send_requested_at__isnull=True),
                name="response_letter_one_open_draft",
            ),
            models.CheckConstraint(
                name="response_letter_sent_has_pdf",
                condition=~Q(status__in=["rendered", "sent"])
                | (~Q(pdf="") & ~Q(sha256="") & Q(rendered_at__isnull=False)),
            ),
            models.CheckConstraint(
                name="response_letter_sent_has_time",
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Response letter (version {self.version}) on {self.review.notification}"

    @property
    def is_open_draft(self) -> bool:
        return self.status == self.Status.DRAFTED and self.send_requested_at is None


# --- Conversations on a case (issue 17, item 3): panel.conversations ---------------------------


class MessageKind(models.TextChoices):
    """What a message on a case is. Questions and internal notes are the Panel's; replies are
    the partnership's; a general message is either side's. Internal notes never reach the
    partnership (panel.conversations.case_message_list is the one place that says so)."""

    QUESTION = "question", "Question from the Panel"
    REPLY = "reply", "Reply"
    MESSAGE = "message", "Message"
    INTERNAL_NOTE = "internal_note", "Internal note – Panel only"


class CaseMessage(models.Model):
    """One message on a rapid review or an LCSPR, between the Panel and the partnership. Sent
    once and never changed (a correction is a new message): the only later change is the end of
    a question's pause on the decision target. The body is encrypted at rest (it may name a
    child)."""

    review = models.ForeignKey(
        RapidReview, null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    lcspr = models.ForeignKey(
        "lcsprs.Lcspr", null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    kind = models.CharField(max_length=20, choices=MessageKind.choices)
    body = EncryptedTextField("message")
    # Which side sent it, as they were when they sent it (a person's role may change later).
    from_panel = models.BooleanField()
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    in_reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies"
    )
    # A question may pause the rapid review's decision target until the partnership replies
    # (panel.pauses); the pause ends at the first partnership reply or when the Panel ends it.
    pauses_target = models.BooleanField(default=False)
    pause_ended_at = models.DateTimeField(null=True, blank=True)
    pause_ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["sent_at", "id"]
        indexes = [
            models.Index(fields=["review", "sent_at"], name="case_message_by_review"),
            models.Index(fields=["lcspr", "sent_at"], name="case_message_by_lcspr"),
            # The home pages' counts of questions awaiting a reply.
            models.Index(
                fields=["kind"], condition=Q(kind="question"), name="case_message_questions"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="case_message_one_case",
                condition=(Q(review__isnull=False) & Q(lcspr__isnull=True))
                | (Q(review__isnull=True) & Q(lcspr__isnull=False)),
            ),
            models.CheckConstraint(
                name="case_message_kind_side",
                condition=Q(kind="message")
                | Q(kind__in=["question", "internal_note"], from_panel=True)
                | Q(kind="reply", from_panel=False),
            ),
            models.CheckConstraint(
                name="case_message_pause_on_question",
                condition=Q(pauses_target=False) | Q(kind="question", review__isnull=False),
            ),
            models.CheckConstraint(
                name="case_message_pause_end_needs_pause",
                condition=Q(pause_ended_at__isnull=True) | Q(pauses_target=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.review or self.lcspr}"

    @property
    def case(self) -> models.Model:
        return self.review if self.review_id else self.lcspr

    @property
    def pause_open(self) -> bool:
        return self.pauses_target and self.pause_ended_at is None


class CaseMessageAttachment(models.Model):
    """A file sent with a message: a PDF, DOCX, XLSX, PNG or JPEG judged by its content
    (safeguarding.files), stored under a generated key; the uploaded name, cleaned, is kept
    only to show and to name downloads."""

    message = models.ForeignKey(CaseMessage, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField("storage key", upload_to="case-message-attachments/%Y/%m/")
    original_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField("size in bytes")
    sha256 = models.CharField(max_length=64)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["message", "id"]

    def __str__(self) -> str:
        return self.original_name


# --- Allocation of rapid reviews to Panel members (issue 17, item 1) ---------------------------


class PanelMemberProfile(models.Model):
    """A Panel member's part in allocation: whether they take new cases, and how many open
    cases they may hold (blank: settings.PANEL_ALLOCATION_DEFAULT_CAP). Round robin gives the
    next review to the available member whose last automatic allocation is the oldest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="panel_profile"
    )
    available = models.BooleanField("available for new cases", default=False)
    open_case_cap = models.PositiveSmallIntegerField(
        "most open cases at a time", null=True, blank=True
    )
    last_auto_allocated_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Panel member profile of {self.user}"

    @property
    def cap(self) -> int:
        if self.open_case_cap is not None:
            return self.open_case_cap
        return settings.PANEL_ALLOCATION_DEFAULT_CAP


class Allocation(models.Model):
    """A Panel member allocated to a rapid review, as its lead or as another member. A
    reallocation ends the row (ended_at, ended_by, end_reason) and adds a new one, so every
    allocation the review ever had stays. At most one current lead per review."""

    review = models.ForeignKey(
        RapidReview, on_delete=models.PROTECT, related_name="panel_allocations"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_allocations"
    )
    is_lead = models.BooleanField("lead member", default=False)
    # Made by the round robin (on submission or the secretariat's button), not by a person's
    # choice of member.
    automatic = models.BooleanField(default=False)
    reason = models.TextField("reason for the reallocation", blank=True)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    allocated_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    end_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["review", "-allocated_at", "-id"]
        indexes = [
            # A member's current allocations: "My reviews", the workload and the caps.
            models.Index(
                fields=["member"], condition=Q(ended_at__isnull=True), name="allocation_current"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["review"],
                condition=Q(is_lead=True, ended_at__isnull=True),
                name="allocation_one_current_lead",
            ),
            models.UniqueConstraint(
                fields=["review", "member"],
                condition=Q(ended_at__isnull=True),
                name="allocation_member_once_per_review",
            ),
            models.CheckConstraint(
                name="allocation_ended_has_time",
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("allocated_at")),
            ),
        ]

    def __str__(self) -> str:
        role = "lead" if self.is_lead else "member"
        return f"{self.member} ({role}) on {self.review.notification}"

    @property
    def is_current(self) -> bool:
        return self.ended_at is None


# --- Panel meetings (issue 17, item 2) ----------------------------------------------------------


class PanelMeeting(models.Model):
    """A meeting of the Panel where decisions are taken: when and where, who attends and the
    reviews on its agenda (`AgendaItem`). Edited with optimistic locking (`version`)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    # Allowed transitions, {target: {sources}}: a cancelled or held meeting stays so.
    TRANSITIONS = {
        Status.HELD: {Status.SCHEDULED},
        Status.CANCELLED: {Status.SCHEDULED},
    }

    title = models.CharField("kind of meeting", max_length=200, default="Panel meeting")
    date = models.DateField("date of the meeting")
    start_time = models.TimeField("start time")
    location = models.CharField("where", max_length=200)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="panel_meetings", blank=True
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    cancellation_reason = models.TextField("reason for cancelling", blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["date", "start_time", "pk"]
        indexes = [models.Index(fields=["date", "start_time"], name="panel_meeting_when")]
        constraints = [
            models.CheckConstraint(
                name="panel_meeting_cancelled_has_reason",
                condition=~Q(status="cancelled")
                | (~Q(cancellation_reason="") & Q(cancelled_at__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} on {self.date:%-d %B %Y}"


class AgendaItem(models.Model):
    """A rapid review on a meeting's agenda, at a position. A review is on a meeting's agenda
    once; it may be on a later meeting's too (deferred)."""

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="agenda")
    review = models.ForeignKey(RapidReview, on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveIntegerField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "review"], name="agenda_item_review_once_per_meeting"
            ),
            # Deferred: moving an item swaps two positions within one transaction.
            models.UniqueConstraint(
                fields=["meeting", "position"],
                name="agenda_item_unique_position",
                deferrable=models.Deferrable.DEFERRED,
            ),
        ]

    def __str__(self) -> str:
        return f"Item {self.position} of {self.meeting}"


# --- National review referrals (issue 18, item 3): panel.national_reviews ------------------------


class NationalReview(models.Model):
    """A national or thematic review the Panel runs on several cases: proposed by a Panel
    member (with a first case), commissioned or declined by the secretariat, then in
    progress and published. Edited with optimistic locking (`version`)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        COMMISSIONED = "commissioned", "Commissioned"
        IN_PROGRESS = "in_progress", "In progress"
        PUBLISHED = "published", "Published"
        DECLINED = "declined", "Declined"

    # {target: {sources}}: one step forward at a time, never back; only a proposed review can
    # be declined, and a declined or published review stays so.
    TRANSITIONS = {
        Status.COMMISSIONED: {Status.PROPOSED},
        Status.IN_PROGRESS: {Status.COMMISSIONED},
        Status.PUBLISHED: {Status.IN_PROGRESS},
        Status.DECLINED: {Status.PROPOSED},
    }
    # Cases may be proposed for a review still to be decided or being done; they are accepted
    # only once the review is commissioned (a case is never told it is in a review the
    # secretariat may yet decline).
    OPEN_STATUSES = frozenset({Status.PROPOSED, Status.COMMISSIONED, Status.IN_PROGRESS})
    ACCEPTING_STATUSES = frozenset({Status.COMMISSIONED, Status.IN_PROGRESS})

    title = models.CharField(max_length=200)
    theme = models.TextField("theme", help_text="What the review looks at, in the Panel's words")
    learning_theme = models.CharField(
        "main learning theme",
        max_length=40,
        choices=review_codes.LearningTheme.choices,
        blank=True,
        help_text="Optional: the theme code it is counted under in the Panel's analyses",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    commissioned_at = models.DateTimeField(null=True, blank=True)
    commissioned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_on = models.DateField("date published", null=True, blank=True)
    published_url = models.URLField("link to the published review", max_length=500, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decline_reason = models.TextField("reason for declining", blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status"], name="national_review_status")]
        constraints = [
            models.CheckConstraint(
                name="national_review_declined_has_reason",
                condition=~Q(status="declined")
                | (~Q(decline_reason="") & Q(declined_at__isnull=False)),
            ),
            models.CheckConstraint(
                name="national_review_published_has_link",
                condition=~Q(status="published")
                | (~Q(published_url="") & Q(published_on__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"National review: {self.title}"


class NationalReviewCase(models.Model):
    """A case (its rapid review) proposed for a national review, with the Panel's reason;
    the secretariat accepts or declines it (a decline with its reason). Once per review."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    # {target: {sources}}: decided once.
    TRANSITIONS = {
        Status.ACCEPTED: {Status.PROPOSED},
        Status.DECLINED: {Status.PROPOSED},
    }

    review = models.ForeignKey(NationalReview, on_delete=models.PROTECT, related_name="cases")
    rapid_review = models.ForeignKey(
        RapidReview, on_delete=models.PROTECT, related_name="national_review_cases"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    reason = models.TextField("why the Panel proposes the case")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField("reason for the decision", blank=True)

    class Meta:
        ordering = ["review", "proposed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "rapid_review"], name="national_review_case_once"
            ),
            models.CheckConstraint(
                name="national_review_case_decided_has_time",
                condition=Q(status="proposed")
                | (Q(decided_at__isnull=False) & Q(decided_by__isnull=False)),
            ),
            models.CheckConstraint(
                name="national_review_case_declined_has_reason",
                condition=~Q(status="declined") | ~Q(decision_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rapid_review.notification} in the {self.review}"
