"""Closing a rapid review when the Panel secretariat marks its SIN withdrawn or not progressed,
and reopening it on reinstatement (notifications.services.withdrawal calls both, inside its
transaction). Closed, a review takes no step, sends no reminder and is never overdue."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from safeguarding.audit import audit_log
from safeguarding.models import AuditAction, User

from ..models import RapidReview, RapidReviewExtension

EXTENSION_CLOSED_REASON = "Closed: the notification was withdrawn or not progressed"


@transaction.atomic
def rapid_review_close_on_withdrawal(*, review: RapidReview, by: User, reason: str) -> RapidReview:
    """Close the review; a pending extension request is declined, as nothing is due any more."""
    review = RapidReview.objects.select_for_update().get(pk=review.pk)
    if review.closed_on_withdrawal:
        return review
    review.closed_on_withdrawal = True
    review.save(update_fields=["closed_on_withdrawal", "updated_at"])
    declined = RapidReviewExtension.objects.filter(
        review=review, status=RapidReviewExtension.Status.PENDING
    ).update(
        status=RapidReviewExtension.Status.DECLINED,
        decided_by=by,
        decided_at=timezone.now(),
        decision_reason=EXTENSION_CLOSED_REASON,
    )
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=review,
        changes={"closed_on_withdrawal": [False, True], "extensions_declined": declined},
        message=f"Closed: the notification was withdrawn or not progressed: {reason}",
    )
    _panel_stage_refresh(review)
    return review


@transaction.atomic
def rapid_review_reopen_on_reinstatement(
    *, review: RapidReview, by: User, reason: str
) -> RapidReview:
    """Reopen a closed review with its due date as before (overdue when that has passed)."""
    review = RapidReview.objects.select_for_update().get(pk=review.pk)
    if not review.closed_on_withdrawal:
        return review
    review.closed_on_withdrawal = False
    review.save(update_fields=["closed_on_withdrawal", "updated_at"])
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=review,
        changes={"closed_on_withdrawal": [True, False]},
        message=f"Reopened: the notification was reinstated: {reason}",
    )
    _panel_stage_refresh(review)
    return review


def _panel_stage_refresh(review: RapidReview) -> None:
    from panel.services import panel_stage_refresh  # the Panel app builds on this one

    panel_stage_refresh(reviews=[review.pk])
