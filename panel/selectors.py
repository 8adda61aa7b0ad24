"""Reads for the Panel, through the user's scope: another partnership's review or letter is a
404, the same as one that does not exist."""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import django_filters
from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone

from rapidreviews.models import PanelStage, RapidReview
from rapidreviews.selectors import (
    RapidReviewCaseFilter,
    rapid_review_get_for_user,
    rapid_review_list,
)
from safeguarding import policy
from safeguarding.audit import audit_read
from safeguarding.calendars import england_calendar
from safeguarding.codes import Role
from safeguarding.filters import (
    BooleanFilter,
    IntegerFilter,
    IsoDateFilter,
    choices_message,
    filters_apply,
    partnership_filter,
    reference_filter,
    region_filter,
)
from safeguarding.limits import id_or_none
from safeguarding.models import User
from safeguarding.scoping import authority_scope

from .models import Allocation, Outcome, PanelDecision, ResponseLetter
from .pauses import pause_messages_prefetch

AWAITING = "awaiting"
STAGES = [
    (AWAITING, "Awaiting the Panel's decision"),
    ("decided", "Decided, letter not sent yet"),
    ("letter_sent", "Letter sent"),
    ("all", "All submitted reviews"),
]
STAGE_CODES = [value for value, _ in STAGES]


class PanelQueueFilter(RapidReviewCaseFilter):
    """The Panel queue's filters: where the review is in the Panel's work, then what finds any
    review (reference, partnership, authority, region, submission dates, LCSPR decision)."""

    stage = django_filters.ChoiceFilter(
        choices=STAGES,
        method="filter_stage",
        help_text="awaiting (the default): no decision yet; decided: decided, no letter sent; "
        "letter_sent: a response letter was sent; all: every submitted review.",
        error_messages={"invalid_choice": choices_message("stage", STAGE_CODES)},
    )

    allocated_to = django_filters.CharFilter(
        method="filter_allocated_to",
        max_length=20,
        help_text="unallocated: no Panel member allocated; a Panel member's id: the reviews "
        "they are allocated to (as lead or not).",
    )

    def filter_allocated_to(self, reviews: QuerySet[RapidReview], name: str, value: str):
        return allocation_filter(reviews, value)

    def filter_stage(self, reviews: QuerySet[RapidReview], name: str, value: str):
        if value == "all":
            return reviews
        if value == AWAITING:
            return reviews.filter(AWAITING_Q).order_by("submitted_at", "id")
        # One stage: its rows in the order of its index (the longest waiting first).
        return reviews.filter(panel_stage=value).order_by("submitted_at", "id")


# Awaiting the Panel's decision: submitted, with the stage `panel_stage_refresh` stores, or with
# none stored at all (a review submitted by a process of the previous release during a rolling
# deploy, before the stage existed): such a review is never lost from the queue. The condition
# is the `rapid_review_awaiting_panel` index's, so the queue and its count read that index.
AWAITING_Q = Q(
    status=RapidReview.Status.SUBMITTED,
    panel_stage__in=[PanelStage.AWAITING, PanelStage.NOT_SUBMITTED],
    # Closed because its SIN was withdrawn or not progressed (issue 16): nothing to decide.
    closed_on_withdrawal=False,
)
DECIDED_STAGES = [PanelStage.DECIDED, PanelStage.LETTER_SENT]


def panel_queue(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[RapidReview]:
    """Submitted rapid reviews, the longest waiting first: by default those without a Panel
    decision; `filters` (`PanelQueueFilter`, raising FilterInvalid on a value that does not
    parse) may ask for decided ones instead. Each says whether it is `decided` and whether a
    response letter was sent (`letter_sent`), from its stored `panel_stage` (indexed)."""
    policy.require(policy.can_see_panel_queue(user))
    reviews = (
        rapid_review_list(user=user, with_shared=False)
        .filter(status=RapidReview.Status.SUBMITTED)
        .annotate(
            decided=ExpressionWrapper(Q(panel_stage__in=DECIDED_STAGES), BooleanField()),
            letter_sent=ExpressionWrapper(Q(panel_stage=PanelStage.LETTER_SENT), BooleanField()),
        )
        # Those still waiting for a decision first (when the filters show decided ones too).
        .order_by(
            Case(When(panel_stage__in=DECIDED_STAGES, then=Value(1)), default=Value(0)),
            "submitted_at",
            "id",
        )
    )
    reviews = reviews.prefetch_related(current_allocations_prefetch(), pause_messages_prefetch())
    if not (filters or {}).get("stage"):
        reviews = reviews.filter(AWAITING_Q).order_by("submitted_at", "id")
    if (filters or {}).get("allocated_to") == ME:
        filters = {**filters, "allocated_to": str(user.pk)}
    return filters_apply(PanelQueueFilter, reviews, filters)


def panel_awaiting_count(*, user: User) -> int:
    """How many submitted reviews await the Panel's decision: an indexed count."""
    policy.require(policy.can_see_panel_queue(user))
    return rapid_review_list(user=user, with_shared=False).filter(AWAITING_Q).count()


def panel_review_get_for_user(*, user: User, pk: int) -> RapidReview:
    """A rapid review with its decisions, read by anyone who may see the review (never by DfE
    and Ofsted: sharing a review with them shares the review, not the Panel's decision)."""
    return rapid_review_get_for_user(user=user, pk=pk, with_shared=False)


def panel_decision_list(*, review: RapidReview) -> QuerySet[PanelDecision]:
    """Every version of the review's decision, newest first."""
    return review.panel_decisions.select_related("decided_by", "meeting").order_by("-version")


REVIEW_ID_INVALID = "review must be a rapid review's id"


class PanelDecisionFilter(django_filters.FilterSet):
    """The filters of the list of decisions across reviews."""

    current = BooleanFilter(
        field_name="is_current",
        help_text="true: only each review's current decision; false: only the versions a "
        "correction replaced.",
        error_messages={"invalid": "current must be true or false"},
    )
    review = IntegerFilter(
        field_name="review_id",
        min_value=1,
        help_text="The rapid review's id: its decision's versions.",
        error_messages={"invalid": REVIEW_ID_INVALID, "min_value": REVIEW_ID_INVALID},
    )
    outcome = django_filters.ChoiceFilter(
        choices=Outcome.choices,
        help_text="The Panel's view of the partnership's LCSPR decision: "
        + ", ".join(Outcome.values)
        + ".",
        error_messages={"invalid_choice": choices_message("outcome", Outcome.values)},
    )
    partnership = partnership_filter("review__partnership__code")
    local_authority = django_filters.CharFilter(
        field_name="review__notification__local_authority__ons_code",
        max_length=9,
        help_text="ONS code of the SIN's local authority, e.g. E08000035",
        error_messages={"max_length": "Ensure this field has no more than 9 characters."},
    )
    region = region_filter("review__notification__local_authority__region__code")
    decided_from = IsoDateFilter(
        field_name="decided_at",
        lookup_expr="date__gte",
        help_text="Decided on or after this date (YYYY-MM-DD).",
    )
    decided_to = IsoDateFilter(
        field_name="decided_at",
        lookup_expr="date__lte",
        help_text="Decided on or before this date (YYYY-MM-DD).",
    )
    reference = reference_filter("review__notification__reference")


def panel_decision_list_for_user(
    *, user: User, filters: Mapping[str, Any] | None = None
) -> QuerySet[PanelDecision]:
    """Every version of the decisions on the reviews the user may see (the reviews' scope, as
    on the review's page), the latest decided first, filtered by `PanelDecisionFilter`
    (raises FilterInvalid on a filter that does not parse)."""
    decisions = (
        PanelDecision.objects.filter(review__in=rapid_review_list(user=user, with_shared=False))
        .select_related(
            "review__notification__local_authority", "review__partnership", "decided_by"
        )
        .order_by("-decided_at", "-id")
    )
    return filters_apply(PanelDecisionFilter, decisions, filters)


def panel_decision_get_for_user(*, user: User, pk: int) -> PanelDecision | None:
    """One version of a decision in the user's scope (None out of scope); the read is recorded
    in the audit trail."""
    decision = panel_decision_list_for_user(user=user).filter(pk=pk).first()
    if decision is not None:
        audit_read(user=user, obj=decision)
    return decision


def panel_decision_current(*, review: RapidReview) -> PanelDecision | None:
    return review.panel_decisions.filter(is_current=True).select_related("decided_by").first()


class ResponseLetterFilter(django_filters.FilterSet):
    """The filters of the list of letters across reviews."""

    review = IntegerFilter(
        field_name="review_id",
        min_value=1,
        help_text="The rapid review's id: its letters.",
        error_messages={"invalid": REVIEW_ID_INVALID, "min_value": REVIEW_ID_INVALID},
    )
    status = django_filters.ChoiceFilter(
        choices=ResponseLetter.Status.choices,
        help_text="The letter's status: " + ", ".join(ResponseLetter.Status.values) + ".",
        error_messages={"invalid_choice": choices_message("status", ResponseLetter.Status.values)},
    )
    partnership = partnership_filter("review__partnership__code")
    region = region_filter("review__notification__local_authority__region__code")
    sent_from = IsoDateFilter(
        field_name="sent_at",
        lookup_expr="date__gte",
        help_text="Sent on or after this date (YYYY-MM-DD).",
    )
    sent_to = IsoDateFilter(
        field_name="sent_at",
        lookup_expr="date__lte",
        help_text="Sent on or before this date (YYYY-MM-DD).",
    )
    reference = reference_filter("review__notification__reference")


def response_letter_list(
    *, user: User, filters: Mapping[str, Any] | None = None
) -> QuerySet[ResponseLetter]:
    """Letters the user may see: the Panel and administrators every letter; anyone else the
    sent letters of reviews in their scope (drafts are the Panel's own). Filtered by
    `ResponseLetterFilter` (raises FilterInvalid on a filter that does not parse)."""
    letters = ResponseLetter.objects.filter(
        authority_scope(
            user, "review__notification__local_authority", partnership="review__partnership"
        )
    ).select_related("review__notification", "review__partnership", "decision")
    if not policy.can_see_panel_queue(user):
        letters = letters.filter(status=ResponseLetter.Status.SENT)
    return filters_apply(ResponseLetterFilter, letters, filters)


def response_letter_queue(
    *, user: User, filters: Mapping[str, Any] | None = None
) -> QuerySet[ResponseLetter]:
    """`response_letter_list` in the order the Panel deals with letters: failed ones first,
    then those not sent yet (the oldest first), then sent ones, the latest sent first."""
    urgency = Case(
        When(status=ResponseLetter.Status.FAILED, then=Value(0)),
        When(status=ResponseLetter.Status.SENT, then=Value(2)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        response_letter_list(user=user, filters=filters)
        .select_related("review__notification__local_authority")
        .annotate(urgency=urgency)
        .order_by("urgency", F("sent_at").desc(nulls_last=True), "created_at", "id")
    )


def response_letter_list_for_review(*, user: User, review: RapidReview) -> QuerySet[ResponseLetter]:
    return response_letter_list(user=user).filter(review=review).order_by("-version")


def response_letter_get_for_user(*, user: User, pk: int) -> ResponseLetter:
    """The letter, or 404 out of scope; the read is recorded in the audit trail."""
    letter = get_object_or_404(response_letter_list(user=user), pk=pk)
    audit_read(user=user, obj=letter)
    return letter


def response_letter_open_draft(*, review: RapidReview) -> ResponseLetter | None:
    return review.response_letters.filter(
        status=ResponseLetter.Status.DRAFTED, send_requested_at__isnull=True
    ).first()


@dataclass(frozen=True)
class PanelOverview:
    awaiting_decision: int
    year_start: date
    year_end: date
    decisions_by_outcome: list[tuple[str, int]]
    letters_not_sent: int


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def panel_overview(*, user: User, today: date) -> PanelOverview:
    """Counts for the Panel's overview, in the database. Decisions are counted once each (their
    current version), in the financial year (1 April to 31 March) containing `today`, by the
    date of the current version."""
    awaiting = panel_awaiting_count(user=user)
    start = date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    end = date(start.year + 1, 3, 31)
    # The year's days as a range of times (from its first midnight to the next year's), so
    # the count reads the index on decided_at rather than each decision's date.
    counts = PanelDecision.objects.filter(
        is_current=True,
        decided_at__gte=_midnight(start),
        decided_at__lt=_midnight(end + timedelta(days=1)),
    ).aggregate(
        **{outcome.value: Count("pk", filter=Q(outcome=outcome.value)) for outcome in Outcome}
    )
    # The reviews' scope on the letters themselves: nationally no join, an indexed count.
    letters_not_sent = (
        ResponseLetter.objects.filter(
            authority_scope(
                user, "review__notification__local_authority", partnership="review__partnership"
            )
        )
        .exclude(status=ResponseLetter.Status.SENT)
        .count()
    )
    return PanelOverview(
        awaiting_decision=awaiting,
        year_start=start,
        year_end=end,
        decisions_by_outcome=[(outcome.label, counts[outcome.value]) for outcome in Outcome],
        letters_not_sent=letters_not_sent,
    )


# --- Allocation (issue 17, item 1) --------------------------------------------------------------

UNALLOCATED = "unallocated"
ME = "me"


def open_case_q(prefix: str = "") -> Q:
    """An open case: a review submitted and awaiting the Panel's decision (the queue's
    AWAITING_Q), seen through `prefix` (e.g. "review__")."""
    return Q(*[(f"{prefix}{key}", value) for key, value in AWAITING_Q.children])


def panel_member_list() -> QuerySet[User]:
    """Active Panel members, whom reviews can be allocated to, by name."""
    return User.objects.filter(role=Role.PANEL_MEMBER, is_active=True).order_by(
        "first_name", "last_name", "username"
    )


def member_name(user: User) -> str:
    return user.get_full_name() or user.username


def allocation_list(*, review: RapidReview) -> QuerySet[Allocation]:
    """Every allocation the review has had, current ones first, then the latest first."""
    return (
        review.panel_allocations.select_related("member", "allocated_by", "ended_by")
        .annotate(ended=ExpressionWrapper(Q(ended_at__isnull=False), BooleanField()))
        .order_by("ended", "-is_lead", "-allocated_at", "-id")
    )


def allocation_current(*, review: RapidReview) -> list[Allocation]:
    """The review's current allocations, the lead first."""
    return list(
        review.panel_allocations.filter(ended_at__isnull=True)
        .select_related("member")
        .order_by("-is_lead", "member__first_name", "member__last_name", "id")
    )


def allocation_version(*, review: RapidReview) -> int:
    """A counter that every change to the review's allocations moves on (each change adds or
    ends at least one row; rows are never deleted): a form carries it, so that a change made
    since the form was opened is noticed rather than overwritten."""
    counts = review.panel_allocations.aggregate(
        made=Count("pk"), ended=Count("pk", filter=Q(ended_at__isnull=False))
    )
    return counts["made"] + counts["ended"]


def current_allocations_prefetch() -> Prefetch:
    """The reviews' current allocations (lead first) as `current_allocations`."""
    return Prefetch(
        "panel_allocations",
        queryset=Allocation.objects.filter(ended_at__isnull=True)
        .select_related("member")
        .order_by("-is_lead", "id"),
        to_attr="current_allocations",
    )


def allocation_filter(reviews: QuerySet[RapidReview], value: str) -> QuerySet[RapidReview]:
    """Reviews allocated to a member (their id), or not allocated to anyone ("unallocated")."""
    current = Allocation.objects.filter(review=OuterRef("pk"), ended_at__isnull=True)
    if value == UNALLOCATED:
        return reviews.exclude(Exists(current))
    member_id = id_or_none(value)
    if member_id is None:
        return reviews.none()
    return reviews.filter(Exists(current.filter(member_id=member_id)))


def my_reviews(*, user: User) -> QuerySet[RapidReview]:
    """The reviews the member is allocated to (lead or not) that await the Panel's decision,
    the longest waiting first."""
    return (
        RapidReview.objects.filter(AWAITING_Q)
        .filter(
            Exists(
                Allocation.objects.filter(review=OuterRef("pk"), member=user, ended_at__isnull=True)
            )
        )
        .select_related("notification", "partnership")
        .prefetch_related(pause_messages_prefetch())
        .order_by("submitted_at", "id")
    )


@dataclass(frozen=True)
class MemberWorkload:
    member: User
    available: bool
    cap: int
    open_cap_set: bool
    open_as_lead: int
    open_as_other: int
    due_soon: int
    overdue: int
    profile_version: int

    @property
    def name(self) -> str:
        return member_name(self.member)

    @property
    def open_cases(self) -> int:
        return self.open_as_lead + self.open_as_other

    @property
    def over_cap(self) -> bool:
        return self.open_cases > self.cap


def allocation_workload(*, user: User, today: date | None = None) -> list[MemberWorkload]:
    """Each active Panel member's workload: available or not, their cap, their open cases as
    lead and as another member, and how many of those are due soon or overdue against the
    decision target."""
    from .targets import DUE_SOON, OVERDUE, decision_target_status

    policy.require(policy.can_see_workload(user))
    today = today or timezone.localdate()
    calendar = england_calendar()
    members = list(panel_member_list().select_related("panel_profile"))
    open_rows = (
        Allocation.objects.filter(open_case_q("review__"), ended_at__isnull=True)
        .select_related("review")
        .prefetch_related(pause_messages_prefetch("review__messages"))
        .order_by("id")
    )
    tally: dict[int, Counter] = {member.pk: Counter() for member in members}
    for allocation in open_rows:
        counts = tally.get(allocation.member_id)
        if counts is None:  # an inactive member's cases are not counted
            continue
        counts["lead" if allocation.is_lead else "other"] += 1
        status = decision_target_status(allocation.review, today=today, calendar=calendar)
        if status == DUE_SOON:
            counts["due_soon"] += 1
        elif status == OVERDUE:
            counts["overdue"] += 1
    rows = []
    for member in members:
        profile = getattr(member, "panel_profile", None)
        counts = tally[member.pk]
        rows.append(
            MemberWorkload(
                member=member,
                available=bool(profile and profile.available),
                cap=profile.cap if profile else settings.PANEL_ALLOCATION_DEFAULT_CAP,
                open_cap_set=bool(profile and profile.open_case_cap is not None),
                open_as_lead=counts["lead"],
                open_as_other=counts["other"],
                due_soon=counts["due_soon"],
                overdue=counts["overdue"],
                profile_version=profile.version if profile else 0,
            )
        )
    return rows
