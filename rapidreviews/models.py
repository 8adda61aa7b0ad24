"""Rapid reviews: the safeguarding partnership's review of a notified incident, due 15 working
days after the SIN (DOMAIN.md §1 and §4). Each coded answer is blank until answered, so that
"not answered" is never confused with "no" or "not recorded"."""

from datetime import date

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from notifications.models import Notification
from safeguarding import policy
from safeguarding.codes import Ethnicity, Reason, Sex
from safeguarding.models import Partnership
from safeguarding.workingdays import ENGLAND, WorkingDayCalendar

from . import codes


def coded(choices, verbose_name: str) -> models.CharField:
    return models.CharField(verbose_name, max_length=30, choices=choices, blank=True)


# The review's narrative: the audit trail records that it changed, never what it says
# (safeguarding.audit.redact); the retention schedule removes it when the case is anonymised.
NARRATIVE_FIELDS = (
    "summary_of_facts",
    "relevant_information",
    "reflection",
    "immediate_action",
    "lcspr_rationale",
)


# Reflective questions name the paragraph of the report they draw on ("4.38").
SOURCE_REPORT = "the Panel's annual report 2023 to 2024"
SOURCE_PARAGRAPH_PATTERN = r"^[0-9]{1,2}\.[0-9]{1,3}$"


class PanelStage(models.TextChoices):
    """A review's place in the Panel's work: not submitted (""), awaiting the Panel's decision,
    decided with no letter sent yet, or a response letter sent."""

    NOT_SUBMITTED = "", "Not submitted"
    AWAITING = "awaiting", "Awaiting the Panel's decision"
    DECIDED = "decided", "Decided, letter not sent yet"
    LETTER_SENT = "letter_sent", "Letter sent"


class RapidReview(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        DRAFTING = "drafting", "Drafting"
        SUBMITTED = "submitted", "Submitted"

    # {target: {sources}}: submitted once drafted; the secretariat may reopen a submitted review.
    TRANSITIONS = {
        Status.DRAFTING: {Status.NOT_STARTED, Status.SUBMITTED},
        Status.SUBMITTED: {Status.NOT_STARTED, Status.DRAFTING},
    }

    class Step(models.TextChoices):
        EDIT = "edit", "Change the answers"
        SUBMIT = "submit", "Submit to the Panel"
        REOPEN = "reopen", "Reopen for the partnership"

    # Every step: the statuses it is taken from, the status it leads to (each move is one of
    # TRANSITIONS; editing a review already being drafted keeps its status) and who may take
    # it. Pages offer exactly the steps `available_transitions` gives and the services refuse
    # any other, so a button is never shown that the service would refuse.
    STEPS = {
        Step.EDIT: (
            frozenset({Status.NOT_STARTED, Status.DRAFTING}),
            Status.DRAFTING,
            policy.can_edit_review,
        ),
        Step.SUBMIT: (
            frozenset(TRANSITIONS[Status.SUBMITTED]),
            Status.SUBMITTED,
            policy.can_edit_review,
        ),
        Step.REOPEN: (frozenset({Status.SUBMITTED}), Status.DRAFTING, policy.can_reopen_review),
    }

    notification = models.OneToOneField(
        Notification, on_delete=models.PROTECT, related_name="rapid_review"
    )

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="rapid_reviews"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    clock_started_on = models.DateField(help_text="The date of the SIN: the start event")
    due_date = models.DateField(db_index=True, help_text="15 working days after the SIN")
    original_due_date = models.DateField(help_text="The due date before any extension")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Incident type as reviewed (may differ from the SIN's reason).
    incident_type = coded(Reason.choices, "incident type as reviewed")

    # Characteristics of the child in focus.
    sex = coded(Sex.choices, "sex")
    age_years = models.PositiveSmallIntegerField("age at the incident", null=True, blank=True)
    gender_differs = coded(
        codes.YesNoNotRecorded.choices,
        "gender identity different to sex registered at birth, or non-binary",
    )
    lgbtq = coded(codes.YesNoNotRecorded.choices, "LGBTQ+")
    disability = coded(codes.YesNoNotRecorded.choices, "disability")
    neurodivergent = coded(codes.YesNoNotRecorded.choices, "neurodivergent")
    ethnicity = coded(Ethnicity.choices, "ethnicity")
    young_carer = coded(codes.YoungCarer.choices, "young carer")

    # Likely cause.
    cause_of_death = coded(codes.CauseOfDeath.choices, "likely cause of death")
    cause_of_harm = coded(codes.CauseOfHarm.choices, "likely cause of serious harm")

    # Children's social care (Table 4).
    family_known_to_csc = coded(codes.FamilyKnownToCsc.choices, "family known to CSC")
    child_in_need = coded(codes.ChildInNeed.choices, "child in need")
    child_protection_plan = coded(codes.ChildProtectionPlan.choices, "child protection plan")
    looked_after = coded(codes.LookedAfter.choices, "looked after")
    care_order = coded(codes.CareOrder.choices, "care order")

    # Needs of the child (Table C).
    education_status = coded(codes.EducationStatus.choices, "education status")
    missing_education = coded(codes.MissingEducation.choices, "child missing school")
    neet = coded(codes.YesNoUnknown.choices, "not in education, employment or training")
    send_support = coded(codes.YesNoUnknown.choices, "SEND support")
    ehc_plan = coded(codes.EhcPlan.choices, "EHC plan")
    speech_language = coded(codes.SpeechLanguage.choices, "speech and language support")
    camhs = coded(codes.Camhs.choices, "CAMHS")
    youth_offending = coded(codes.YouthOffending.choices, "known to youth offending services")
    mental_health = coded(codes.MentalHealth.choices, "mental health condition")
    mental_health_linked = coded(
        codes.YesNoUnclear.choices, "mental health condition linked to the incident"
    )

    # Parents or relevant adults.
    young_parent = coded(codes.YesNoUnknown.choices, "young parent (under 25)")
    parent_under_18 = coded(codes.YesNoUnknown.choices, "parent under 18")
    parent_care_leaver = coded(codes.YesNoUnknown.choices, "parent is a care leaver")
    parent_disability = coded(codes.YesNoUnknown.choices, "parent with a disability")
    parent_mental_health = coded(codes.YesNoUnknown.choices, "parent with mental health needs")
    parent_substance_misuse = coded(codes.SubstanceMisuse.choices, "parental substance misuse")

    # Risk factors and abuse types (Table D).
    neglect = coded(codes.YesNoUnknown.choices, "neglect")
    housing_issues = coded(codes.YesNoUnknown.choices, "housing issues")
    financial_hardship = coded(codes.YesNoUnknown.choices, "financial hardship")
    domestic_abuse = coded(codes.YesNoUnknown.choices, "domestic abuse")
    intergenerational_abuse = coded(
        codes.YesNoUnknown.choices, "history of intergenerational abuse"
    )
    hidden_men = coded(codes.YesNoUnknown.choices, "hidden men")
    gang_youth_violence = coded(codes.YesNoUnknown.choices, "gang-related and/or youth violence")
    cce = coded(codes.YesNoUnknown.choices, "child criminal exploitation")
    victim_offender_overlap = coded(codes.YesNoUnknown.choices, "victim/offender overlap")
    bullying = coded(codes.YesNoUnknown.choices, "bullying")
    online_harm = coded(codes.YesNoUnknown.choices, "online harm")
    repeat_missing = coded(codes.YesNoUnknown.choices, "repeat missing episodes")
    physical_abuse = coded(codes.AbuseContext.choices, "physical abuse")
    emotional_abuse = coded(codes.AbuseContext.choices, "emotional abuse")
    sexual_abuse = coded(codes.AbuseContext.choices, "sexual abuse/exploitation")
    child_on_child_abuse = coded(codes.ChildOnChildAbuse.choices, "child on child abuse")

    # Narrative.
    summary_of_facts = models.TextField("summary of facts", blank=True)
    relevant_information = models.TextField("relevant information", blank=True)
    reflection = models.TextField("reflection", blank=True)
    immediate_action = models.TextField("immediate safeguarding action", blank=True)

    # The partnership's decision.
    lcspr_decision = coded(codes.LcsprDecision.choices, "decision on an LCSPR")
    lcspr_rationale = models.TextField("rationale for the decision", blank=True)

    # The full review document.
    document = models.FileField(upload_to="rapid-reviews/%Y/%m/", blank=True)
    document_name = models.CharField(max_length=200, blank=True)
    document_page_count = models.PositiveIntegerField(null=True, blank=True)

    # Quality warnings the partnership accepted ("not recorded" answers), at submission.
    not_recorded_accepted = models.BooleanField(default=False)

    # Submission.
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    working_days_taken = models.IntegerField(null=True, blank=True)
    submitted_on_time = models.BooleanField(null=True, blank=True)

    # Shared by the Panel with the Department for Education and Ofsted: their viewers read the
    # review (its page and its document) while it is submitted and shared
    # (rapidreviews.services.sharing; reversible, each change audited).
    shared_with_regulators_at = models.DateTimeField(
        "shared with DfE and Ofsted", null=True, blank=True
    )
    shared_with_regulators_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Closed because the Panel secretariat marked its SIN withdrawn or not progressed
    # (notifications.services.withdrawal): no step may be taken, no reminder is sent and it is
    # never overdue. A reinstatement reopens it with its due date as before.
    closed_on_withdrawal = models.BooleanField(default=False)

    # Where the review is in the Panel's work, stored so the Panel queue and the home pages'
    # counts are indexed reads, not anti-joins over every review and decision. Written only by
    # `panel.services.panel_stage_refresh` (the services that submit or reopen a review,
    # record a decision or send a letter call it; so must a bulk loader, after its inserts).
    panel_stage = models.CharField(
        max_length=12, choices=PanelStage.choices, blank=True, default=PanelStage.NOT_SUBMITTED
    )

    # Optimistic locking per section: {section key: version}. A save from an older version of
    # its section is refused; two people may still work on different sections at once.
    section_versions = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            # The rapid review queue: still to submit by due date, then submitted by due date
            # (two indexed queries, rapidreviews.selectors.rapid_review_queue).
            models.Index(
                fields=["due_date", "id"],
                condition=~Q(status="submitted"),
                name="rapid_review_open_due",
            ),
            models.Index(
                fields=["due_date", "id"],
                condition=Q(status="submitted"),
                name="rapid_review_submitted_due",
            ),
            # The Panel queue and its counts: awaiting the longest first, and every stage.
            # Awaiting: a submitted review whose stage says so, or was never stored (written
            # by a process of the previous release during a rolling deploy): never lost.
            models.Index(
                fields=["submitted_at", "id"],
                condition=Q(status="submitted", panel_stage__in=["awaiting", ""]),
                name="rapid_review_awaiting_panel",
            ),
            models.Index(fields=["panel_stage", "submitted_at", "id"], name="rapid_review_stage"),
        ]
        constraints = [
            models.CheckConstraint(
                name="rapid_review_age_0_to_17",
                condition=Q(age_years__isnull=True) | Q(age_years__lte=17),
            ),
            models.CheckConstraint(
                name="rapid_review_submitted_has_timeliness",
                condition=~Q(status="submitted")
                | Q(submitted_at__isnull=False, working_days_taken__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Rapid review for {self.notification}"

    @property
    def authority_partnership_id(self) -> int:
        """The partnership covering the local authority now, whose leads act on the case
        (policy.is_lead_of): the same as `partnership_id` unless the authority moved after
        this case closed."""
        return self.notification.local_authority.partnership_id

    def step_allowed(self, step: str, user) -> bool:
        """`user` may take `step` now: the review's status allows it and so does the policy."""
        sources, _target, allowed = self.STEPS[step]
        return not self.closed_on_withdrawal and self.status in sources and allowed(user, self)

    def available_transitions(self, user) -> list[str]:
        """The steps `user` may take now, in the order of the table."""
        return [step for step in self.STEPS if self.step_allowed(step, user)]

    def take_step(self, step: str) -> list[str]:
        """Move to the step's status, which the table must allow from the current one (the
        service has checked `step_allowed` under a row lock); the fields changed."""
        sources, target, _allowed = self.STEPS[step]
        if self.status not in sources:
            raise ValueError(f"A {self.status} rapid review cannot take the step '{step}'")
        if self.status == target:
            return []
        assert self.status in self.TRANSITIONS[target], (self.status, target)
        self.status = target
        return ["status"]

    def is_overdue(self, today) -> bool:
        """Not submitted, not closed and past its (possibly extended) due date."""
        return (
            self.status != self.Status.SUBMITTED
            and not self.closed_on_withdrawal
            and self.due_date < today
        )

    def working_days_late(
        self, today: date, calendar: WorkingDayCalendar = ENGLAND, *, original: bool = False
    ) -> int:
        """Working days past the due date (the original one, before any extension, with
        `original`): up to submission, or up to today while the review is running. 0 when on
        time. Reports show both (DOMAIN.md §1)."""
        if self.closed_on_withdrawal and not self.submitted_at:
            return 0  # closed, so not running: nothing is late
        end = timezone.localdate(self.submitted_at) if self.submitted_at else today
        due = self.original_due_date if original else self.due_date
        return max(0, calendar.working_days_between(due, end))

    def section_version(self, key: str) -> int:
        return int(self.section_versions.get(key, 0))


class RapidReviewTheme(models.Model):
    """A learning and practice theme of the review: present or not, and whether good practice
    was identified (3.84-3.89)."""

    review = models.ForeignKey(RapidReview, on_delete=models.CASCADE, related_name="themes")
    theme = models.CharField(max_length=30, choices=codes.LearningTheme.choices)
    present = models.BooleanField()
    good_practice = models.BooleanField(default=False)

    class Meta:
        ordering = ["review", "theme"]
        constraints = [
            models.UniqueConstraint(fields=["review", "theme"], name="unique_review_theme")
        ]

    def __str__(self) -> str:
        return f"{self.get_theme_display()}: {'present' if self.present else 'not present'}"


class RapidReviewExtension(models.Model):
    """A partnership's request for more time on its rapid review, and the Panel secretariat's
    decision. An approved extension moves the review's due date; the original due date stays,
    so reports can show days late against both (DOMAIN.md §1)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    # {target: {sources}}: the secretariat decides a pending request once.
    TRANSITIONS = {
        Status.APPROVED: {Status.PENDING},
        Status.DECLINED: {Status.PENDING},
    }

    review = models.ForeignKey(RapidReview, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField("why an extension is needed")
    proposed_date = models.DateField("proposed due date")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField("reason for the decision", blank=True)
    new_due_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review"],
                condition=Q(status="pending"),
                name="rapid_review_one_pending_extension",
            ),
            models.CheckConstraint(
                name="rapid_review_extension_approved_has_new_due_date",
                condition=~Q(status="approved") | Q(new_due_date__isnull=False),
            ),
            models.CheckConstraint(
                name="rapid_review_extension_decided_has_decider",
                condition=Q(status="pending")
                | Q(decided_by__isnull=False, decided_at__isnull=False),
            ),
            models.CheckConstraint(
                name="rapid_review_extension_declined_has_reason",
                condition=~Q(status="declined") | ~Q(decision_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"Extension to {self.proposed_date:%-d %B %Y} for {self.review}"


class ReflectiveQuestion(models.Model):
    """Reference data: a question for the partnership to consider when its case falls within
    one of the annual report's spotlight themes (rapidreviews.reflection). Written in our own
    words from the theme's findings; `source_paragraph` is the paragraph of the report the
    question draws on. Administrators edit them in the admin; an inactive question is kept but
    no longer shown."""

    theme = models.CharField(max_length=30, choices=codes.SpotlightTheme.choices)
    audience = models.CharField(max_length=20, choices=codes.ReflectionAudience.choices)
    text = models.TextField("question")
    source_paragraph = models.CharField(
        "source paragraph",
        max_length=7,
        validators=[
            RegexValidator(
                SOURCE_PARAGRAPH_PATTERN,
                "Enter the report's paragraph number, like 4.38",
            )
        ],
        help_text="The paragraph of the Panel's annual report 2023 to 2024 the question draws "
        "on, like 4.38",
    )
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Position among the theme's questions for the same audience"
    )
    active = models.BooleanField(default=True, help_text="Shown on the pages of matching cases")

    class Meta:
        ordering = ["theme", "audience", "order", "id"]
        indexes = [
            models.Index(
                fields=["theme", "audience", "order"],
                condition=Q(active=True),
                name="reflective_question_active",
            )
        ]
        constraints = [
            models.CheckConstraint(
                name="reflective_question_source_paragraph",
                condition=Q(source_paragraph__regex=SOURCE_PARAGRAPH_PATTERN),
            ),
            models.CheckConstraint(name="reflective_question_has_text", condition=~Q(text="")),
        ]

    def __str__(self) -> str:
        return f"{self.get_theme_display()}, {self.get_audience_display().lower()}: {self.text}"

    @property
    def source(self) -> str:
        return f"From {SOURCE_REPORT}, paragraph {self.source_paragraph}"
