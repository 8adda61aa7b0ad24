"""Reads of rapid reviews, through the user's scope: another partnership's review is a 404."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, Exists, IntegerField, OuterRef, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from safeguarding import policy
from safeguarding.models import User
from safeguarding.scoping import authority_scope
from safeguarding.workingdays import WorkingDayCalendar

from .models import RapidReview, RapidReviewExtension


def rapid_review_list(*, user: User) -> QuerySet[RapidReview]:
    return RapidReview.objects.filter(
        authority_scope(user, "notification__local_authority")
    ).select_related("notification", "notification__local_authority", "partnership")


def rapid_review_queue(*, user: User, today: date | None = None) -> QuerySet[RapidReview]:
    """Reviews still to submit first, most urgent (earliest due) first; submitted ones last.
    Each says whether an extension request is waiting for a decision (`extension_pending`)."""
    today = today or timezone.localdate()
    pending = RapidReviewExtension.objects.filter(
        review=OuterRef("pk"), status=RapidReviewExtension.Status.PENDING
    )
    return (
        rapid_review_list(user=user)
        .annotate(extension_pending=Exists(pending))
        .order_by(
            Case(
                When(status=RapidReview.Status.SUBMITTED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            "due_date",
            "id",
        )
    )


def rapid_review_get_for_user(*, user: User, pk: int) -> RapidReview:
    return get_object_or_404(rapid_review_list(user=user), pk=pk)


def rapid_review_get_for_editing(*, user: User, pk: int) -> RapidReview:
    """A review the user may edit: partnership leads of the review's partnership only."""
    review = rapid_review_get_for_user(user=user, pk=pk)
    policy.require(policy.can_edit_review(user, review))
    return review


def rapid_review_extension_list(*, review: RapidReview) -> QuerySet[RapidReviewExtension]:
    """A review's extension requests, newest first (read the review through its selector)."""
    return review.extensions.select_related("requested_by", "decided_by")


def rapid_review_extension_get_for_deciding(
    *, user: User, review_pk: int, pk: int
) -> RapidReviewExtension:
    """An extension request the Panel secretariat may decide: a 404 when the review is out of
    the user's scope or the request belongs to another review; a 403 for any other role."""
    review = rapid_review_get_for_user(user=user, pk=review_pk)
    extension = get_object_or_404(rapid_review_extension_list(review=review), pk=pk)
    policy.require(policy.can_decide_extension(user, review))
    extension.review = review
    return extension


def rapid_review_extension_pending_count(*, user: User) -> int:
    return RapidReviewExtension.objects.filter(
        review__in=rapid_review_list(user=user), status=RapidReviewExtension.Status.PENDING
    ).count()


def rapid_review_filter_overdue(
    reviews: QuerySet[RapidReview], *, today: date
) -> QuerySet[RapidReview]:
    """The reviews not yet submitted and past their (possibly extended) due date on `today`:
    `RapidReview.is_overdue` in the database."""
    return reviews.exclude(status=RapidReview.Status.SUBMITTED).filter(due_date__lt=today)


def rapid_review_due_soon_count(*, user: User, due_by: date) -> int:
    """Reviews not yet submitted that are overdue or due on or before `due_by`."""
    # Overdue the day after `due_by`: everything still running that is due by then.
    return rapid_review_filter_overdue(
        rapid_review_list(user=user), today=due_by + timedelta(days=1)
    ).count()


@dataclass(frozen=True)
class RapidReviewDeadline:
    """Where a review stands against its due date, for the queue and the review's page."""

    status: str  # "overdue", "due_soon", or the review's own status
    working_days_left: int  # up to the due date; negative once past it
    working_days_late: int  # against the due date: at submission, or as of today
    # Against the original due date when an extension moved it; None without one.
    working_days_late_against_original: int | None

    @property
    def extended(self) -> bool:
        return self.working_days_late_against_original is not None


def rapid_review_deadline(
    *, review: RapidReview, today: date, calendar: WorkingDayCalendar, due_soon_by: date
) -> RapidReviewDeadline:
    """A review not yet submitted is overdue after its due date, and due soon from `today` up
    to `due_soon_by` (both days included). Days late count to submission, or to today while
    the review is running, against the due date and (when extended) the original due date."""
    if review.is_overdue(today):
        status = "overdue"
    elif review.status != RapidReview.Status.SUBMITTED and review.due_date <= due_soon_by:
        status = "due_soon"
    else:
        status = review.status
    extended = review.due_date != review.original_due_date
    return RapidReviewDeadline(
        status=status,
        working_days_left=calendar.working_days_between(today, review.due_date),
        working_days_late=review.working_days_late(today, calendar),
        working_days_late_against_original=review.working_days_late(today, calendar, original=True)
        if extended
        else None,
    )
