"""What needs attention on rapid reviews: extension requests waiting for the Panel
secretariat, and reviews close to (or past) their due date for the partnership's leads."""

from django.urls import reverse
from django.utils import timezone

from safeguarding import policy
from safeguarding.attention import AttentionItem, register
from safeguarding.calendars import england_calendar
from safeguarding.models import User
from safeguarding.workingdays import add_working_days

from . import selectors
from .timescales import DUE_SOON_WORKING_DAYS, RAPID_REVIEW_DEADLINE_WORKING_DAYS


@register
def extension_requests(user: User) -> list[AttentionItem]:
    if not policy.can_decide_extension(user):
        return []
    return [
        AttentionItem(
            title="Extension requests waiting for a decision",
            count=selectors.rapid_review_extension_pending_count(user=user),
            # The list filtered to the reviews with a request waiting.
            url=reverse("rapidreviews:review-queue") + "?extension_pending=on",
            description="Partnerships asking for more time for a rapid review.",
        )
    ]


@register
def rapid_reviews_due_soon(user: User) -> list[AttentionItem]:
    if not policy.is_partnership_lead(user):
        return []
    due_by = add_working_days(timezone.localdate(), DUE_SOON_WORKING_DAYS, england_calendar())
    return [
        AttentionItem(
            title=f"Rapid reviews due within {DUE_SOON_WORKING_DAYS} working days or overdue",
            count=selectors.rapid_review_due_soon_count(user=user, due_by=due_by),
            url=reverse("rapidreviews:review-queue"),
            description=(
                f"Rapid reviews are due with the Panel {RAPID_REVIEW_DEADLINE_WORKING_DAYS} "
                "working days after the notification. Ask for an extension from the review's "
                "page if you need more time."
            ),
            urgent=True,
        )
    ]


@register
def shared_reviews(user: User) -> list[AttentionItem]:
    """A DfE or Ofsted viewer: the rapid reviews the Panel has shared with them."""
    if not policy.is_regulator(user):
        return []
    return [
        AttentionItem(
            title="Rapid reviews the Panel has shared with you",
            count=selectors.rapid_review_list(user=user).count(),
            url=reverse("rapidreviews:review-queue"),
            description="Read-only. The Panel may stop sharing a review at any time.",
        )
    ]
