"""Writes for extensions to a rapid review's due date (DOMAIN.md §1): the partnership asks, the
Panel secretariat decides."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from safeguarding import policy
from safeguarding.audiences import notify, panel_secretariat, partnership_leads
from safeguarding.audit import audit_log
from safeguarding.dates import long_date
from safeguarding.models import AuditAction, User

from .. import rules
from ..models import RapidReview, RapidReviewExtension
from .reviews import RapidReviewError, RapidReviewInvalid

# Extensions to the due date (DOMAIN.md §1: the partnership may ask; the Panel decides).


def rapid_review_extension_refusal(*, review: RapidReview, by: User) -> str | None:
    """Why `by` cannot ask for an extension to the review now, or None when they can. The
    request service applies it; pages use it to offer the request only when it would work."""
    if not policy.can_edit_review(by, review):
        return "Only a lead of the review's partnership can ask for an extension"
    if review.closed_on_withdrawal:
        return (
            "This rapid review is closed because the notification was withdrawn or not progressed"
        )
    if review.status == RapidReview.Status.SUBMITTED:
        return (
            "This rapid review has been submitted to the Panel, so its due date can no longer "
            "be extended"
        )
    if review.extensions.filter(status=RapidReviewExtension.Status.PENDING).exists():
        return (
            "An extension has already been requested and is waiting for a decision from the "
            "Panel secretariat"
        )
    return None


@transaction.atomic
def rapid_review_extension_request(
    *, review: RapidReview, by: User, reason: str, proposed_date: date | None
) -> RapidReviewExtension:
    """A partnership lead asks for more time: a reason and a proposed due date, a working day
    after the current one. One request waits for a decision at a time. The Panel secretariat
    is told after this commits."""
    review = RapidReview.objects.select_for_update().get(pk=review.pk)
    refusal = rapid_review_extension_refusal(review=review, by=by)
    if refusal:
        raise RapidReviewError(refusal)
    errors = rules.extension_request_errors(
        reason=reason, proposed_date=proposed_date, due_date=review.due_date
    )
    if errors:
        raise RapidReviewInvalid(errors)
    extension = RapidReviewExtension.objects.create(
        review=review, requested_by=by, reason=reason.strip(), proposed_date=proposed_date
    )
    audit_log(
        actor=by,
        action=AuditAction.CREATE,
        obj=review,
        changes={
            "extension": extension.pk,
            "due_date": review.due_date.isoformat(),
            "proposed_date": proposed_date.isoformat(),
        },
        message=f"Asked for an extension to {long_date(proposed_date)}: {extension.reason}",
    )
    _tell_secretariat_of_extension_request(extension, review)
    return extension


@transaction.atomic
def rapid_review_extension_decide(
    *,
    extension: RapidReviewExtension,
    by: User,
    approve: bool,
    decision_reason: str = "",
    new_due_date: date | None = None,
) -> RapidReviewExtension:
    """The Panel secretariat approves a pending request, moving the review's due date to
    `new_due_date` (the proposed date when not given), or declines it with a reason. The
    original due date never changes. A review already submitted is judged on time or late
    against the new due date. The partnership's leads are told after this commits."""
    if not policy.can_decide_extension(by, extension.review):
        raise RapidReviewError("Only the Panel secretariat can decide on an extension")
    review = RapidReview.objects.select_for_update().get(pk=extension.review_id)
    extension = RapidReviewExtension.objects.select_for_update().get(pk=extension.pk)
    status = RapidReviewExtension.Status
    target = status.APPROVED if approve else status.DECLINED
    if extension.status not in RapidReviewExtension.TRANSITIONS[target]:
        raise RapidReviewError("This extension request has already been decided")
    new_due_date = (new_due_date or extension.proposed_date) if approve else None
    errors = rules.extension_decision_errors(
        approve=approve,
        decision_reason=decision_reason,
        new_due_date=new_due_date,
        due_date=review.due_date,
    )
    if errors:
        raise RapidReviewInvalid(errors)
    extension.status = target
    extension.decided_by = by
    extension.decided_at = timezone.now()
    extension.decision_reason = decision_reason.strip()
    extension.new_due_date = new_due_date
    extension.save(
        update_fields=["status", "decided_by", "decided_at", "decision_reason", "new_due_date"]
    )
    changes: dict[str, Any] = {"extension": extension.pk, "status": ["pending", str(target)]}
    if approve:
        changes["due_date"] = [review.due_date.isoformat(), new_due_date.isoformat()]
        review.due_date = new_due_date
        fields = ["due_date", "updated_at"]
        if review.status == RapidReview.Status.SUBMITTED and review.submitted_at:
            on_time = timezone.localdate(review.submitted_at) <= new_due_date
            if on_time != review.submitted_on_time:
                changes["submitted_on_time"] = [review.submitted_on_time, on_time]
                review.submitted_on_time = on_time
                fields.append("submitted_on_time")
        review.save(update_fields=fields)
        message = (
            f"Extension approved by the Panel secretariat: now due {long_date(new_due_date)} "
            f"(originally {long_date(review.original_due_date)})"
        )
    else:
        message = (
            f"Extension to {long_date(extension.proposed_date)} declined by the Panel secretariat"
        )
    if extension.decision_reason:
        message += f": {extension.decision_reason}"
    audit_log(actor=by, action=AuditAction.UPDATE, obj=review, changes=changes, message=message)
    _tell_leads_of_extension_decision(extension, review)
    return extension


def _tell_secretariat_of_extension_request(
    extension: RapidReviewExtension, review: RapidReview
) -> None:
    """The Panel secretariat (safeguarding.audiences)."""
    reference = review.notification.reference
    url = reverse("rapidreviews:extension-decide", args=[review.pk, extension.pk])
    dates = f"from {long_date(review.due_date)} to {long_date(extension.proposed_date)}"
    notify(
        panel_secretariat(),
        subject=f"{reference}: {review.partnership} asks for more time for its rapid review",
        body=f"They ask to move the due date {dates}.",
        url=url,
        # The reason may describe the case, so it stays in the service, not in the e-mail.
        email_body=(
            f"{review.partnership} asks to move the due date of its rapid review of "
            f"{reference} {dates}.\n\nSign in to read the reason and decide: "
            f"{settings.SITE_URL}{url}\n"
        ),
        related=review,
        dedupe_key=f"rapid-review-extension-requested-{extension.pk}",
    )


def _tell_leads_of_extension_decision(extension: RapidReviewExtension, review: RapidReview) -> None:
    """The partnership's leads (safeguarding.audiences)."""
    reference = review.notification.reference
    url = reverse("rapidreviews:review-detail", args=[review.pk])
    if extension.status == RapidReviewExtension.Status.APPROVED:
        subject = f"{reference}: extension approved, now due {long_date(review.due_date)}"
        body = (
            f"The Panel secretariat has approved your request for more time. The rapid review "
            f"is now due on {long_date(review.due_date)} (originally "
            f"{long_date(review.original_due_date)})."
        )
    else:
        subject = f"{reference}: extension declined"
        body = (
            f"The Panel secretariat has declined your request to move the due date to "
            f"{long_date(extension.proposed_date)}. The rapid review is still due on "
            f"{long_date(review.due_date)}."
        )
    notify(
        partnership_leads(review.partnership),
        subject=subject,
        body=body,
        url=url,
        email_body=f"{body}\n\nSign in to read the decision: {settings.SITE_URL}{url}\n",
        related=review,
        dedupe_key=f"rapid-review-extension-{extension.status}-{extension.pk}",
    )
