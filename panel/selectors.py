"""Reads for the Panel, through the user's scope: another partnership's review or letter is a
404, the same as one that does not exist."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import django_filters
from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
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
from safeguarding.models import User
from safeguarding.scoping import authority_scope

from .models import Outcome, PanelDecision, ResponseLetter

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
    if not (filters or {}).get("stage"):
        reviews = reviews.filter(AWAITING_Q).order_by("submitted_at", "id")
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
