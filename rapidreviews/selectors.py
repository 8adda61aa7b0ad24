"""Reads of rapid reviews, through the user's scope: another partnership's review is a 404."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from safeguarding.codes import Role
from safeguarding.models import User
from safeguarding.scoping import authority_scope

from .models import RapidReview


def rapid_review_list(*, user: User) -> QuerySet[RapidReview]:
    return RapidReview.objects.filter(
        authority_scope(user, "notification__local_authority")
    ).select_related("notification", "notification__local_authority", "partnership")


def rapid_review_queue(*, user: User, today: date | None = None) -> QuerySet[RapidReview]:
    """Reviews still to submit first, most urgent (earliest due) first; submitted ones last."""
    today = today or timezone.localdate()
    return rapid_review_list(user=user).order_by(
        Case(
            When(status=RapidReview.Status.SUBMITTED, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        "due_date",
        "id",
    )


def rapid_review_get_for_user(*, user: User, pk: int) -> RapidReview:
    return get_object_or_404(rapid_review_list(user=user), pk=pk)


def rapid_review_get_for_editing(*, user: User, pk: int) -> RapidReview:
    """A review the user may edit: partnership leads of the review's partnership only."""
    review = rapid_review_get_for_user(user=user, pk=pk)
    if user.role != Role.PARTNERSHIP_LEAD or user.partnership_id != review.partnership_id:
        raise PermissionDenied
    return review
