"""Sharing a submitted rapid review with the Department for Education and Ofsted.

By default their viewers read no rapid review (the narratives are the partnership's and the
Panel's). A Panel member or the secretariat may share one that has been submitted; from then
on, while it stays submitted, the viewers read it, read-only: its page and its document
(`rapidreviews.selectors.rapid_review_list`). Stopping sharing takes it away again. Each
change is audited. The request says which state it wants (shared or not), so two people
acting at once never undo each other's choice by toggling."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from safeguarding import policy
from safeguarding.audit import audit_log
from safeguarding.models import AuditAction, User

from ..models import RapidReview
from .reviews import RapidReviewError


@transaction.atomic
def rapid_review_sharing_set(*, review: RapidReview, by: User, share: bool) -> RapidReview:
    """Share the review with DfE and Ofsted (`share`), or stop sharing it. Sharing needs a
    submitted review; stopping is always allowed. Asking for the state it is already in
    changes nothing and records nothing."""
    if not policy.can_share_review(by, review):
        raise RapidReviewError("Only Panel members and the Panel secretariat can share a review")
    locked = RapidReview.objects.select_for_update().get(pk=review.pk)
    if share and locked.status != RapidReview.Status.SUBMITTED:
        raise RapidReviewError("Only a submitted rapid review can be shared with DfE and Ofsted")
    if (locked.shared_with_regulators_at is not None) == share:
        return locked
    before = locked.shared_with_regulators_at
    locked.shared_with_regulators_at = timezone.now() if share else None
    locked.shared_with_regulators_by = by if share else None
    locked.save(
        update_fields=["shared_with_regulators_at", "shared_with_regulators_by", "updated_at"]
    )
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=locked,
        changes={
            "shared_with_regulators_at": [
                before.isoformat() if before else None,
                locked.shared_with_regulators_at.isoformat() if share else None,
            ]
        },
        message="Shared with DfE and Ofsted" if share else "No longer shared with DfE and Ofsted",
    )
    return locked
