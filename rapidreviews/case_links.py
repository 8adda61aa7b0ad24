"""The rapid review's link in the case's "This case" panel (safeguarding.case_links)."""

from django.urls import reverse

from notifications.models import Notification
from safeguarding.case_links import CaseLink, register
from safeguarding.models import User

from . import selectors
from .models import RapidReview


def case_review(
    user: User, notification: Notification, *, with_shared: bool = True
) -> RapidReview | None:
    """The case's rapid review when the user may see it (none before the SIN is submitted;
    `with_shared`: as in `selectors.rapid_review_list`)."""
    review = getattr(notification, "rapid_review", None)
    if review is None:
        return None
    visible = selectors.rapid_review_list(user=user, with_shared=with_shared)
    return review if visible.filter(pk=review.pk).exists() else None


def review_case_links(user: User, notification: Notification) -> list[CaseLink]:
    review = case_review(user, notification)
    if review is None:
        return []
    url = reverse("rapidreviews:review-detail", args=[review.pk])
    return [CaseLink("review", "Rapid review", url)]


register("rapidreviews", review_case_links, order=20)
