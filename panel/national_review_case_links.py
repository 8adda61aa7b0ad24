"""National reviews in the case's "This case" panel (safeguarding.case_links): the reviews
the case is part of, as the user may see them, and, for the Panel, the link to propose the case
for a national review."""

from django.urls import reverse

from notifications.models import Notification
from rapidreviews.case_links import case_review
from rapidreviews.models import RapidReview
from safeguarding import policy
from safeguarding.case_links import CaseLink, register
from safeguarding.models import User

from . import national_review_selectors


def national_review_case_links(user: User, notification: Notification) -> list[CaseLink]:
    review = case_review(user, notification, with_shared=False)
    if review is None:
        return []
    links = [
        CaseLink(
            "national_review",
            f"National review: {case.review.title} ({case.get_status_display().lower()})",
            reverse("panel:national-review-detail", args=[case.review_id]),
        )
        for case in national_review_selectors.national_review_cases_for_case(
            user=user, rapid_review=review
        )
    ]
    if policy.can_propose_national_review(user) and review.status == RapidReview.Status.SUBMITTED:
        links.append(
            CaseLink(
                "national_review_propose",
                "Propose for a national review",
                reverse("panel:national-review-propose", args=[review.pk]),
            )
        )
    return links


register("panel-national-reviews", national_review_case_links, order=45)
