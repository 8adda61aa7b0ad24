"""Rapid reviews move with their local authority to a new partnership (safeguarding.moves):
every review not yet submitted (or reopened), and, listed on the check page, the extension
requests waiting on those reviews. A submitted review stays with the partnership that wrote it."""

from safeguarding.moves import CaseCarrier, register_case_carrier

from .models import RapidReview, RapidReviewExtension


def _open_reviews(authority):
    return (
        RapidReview.objects.filter(notification__local_authority=authority)
        .exclude(status=RapidReview.Status.SUBMITTED)
        .select_related("notification")
        .order_by("due_date", "pk")
    )


def _pending_extensions(authority):
    return (
        RapidReviewExtension.objects.filter(
            review__notification__local_authority=authority,
            status=RapidReviewExtension.Status.PENDING,
        )
        .select_related("review__notification")
        .order_by("pk")
    )


register_case_carrier(
    CaseCarrier(
        key="rapid_reviews",
        label="Open rapid reviews",
        open_cases=_open_reviews,
        reference=lambda review: review.notification.reference,
    )
)
register_case_carrier(
    CaseCarrier(
        key="extension_requests",
        label="Extension requests waiting for a decision",
        open_cases=_pending_extensions,
        reference=lambda extension: extension.review.notification.reference,
        moves=False,  # they belong to their review, which moves
    )
)
