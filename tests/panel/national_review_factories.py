"""Helpers for the national review tests: a Panel member, the secretariat, leads of Leeds and
Bristol, and a national review proposed with a first case."""

from __future__ import annotations

from panel import national_reviews
from panel.models import NationalReview, NationalReviewCase

from .factories import PanelReviewFactory

TITLE = "Children harmed outside the family"
THEME = "How services respond to harm outside the family, for children aged 11 to 17"
REASON = "Harm from adults outside the family that services did not see in time."


def bristol_review(bristol):
    """A submitted rapid review of a Bristol case."""
    return PanelReviewFactory(notification__local_authority=bristol)


def propose(rapid_review, by, *, review: NationalReview | None = None) -> NationalReviewCase:
    return national_reviews.national_review_propose_case(
        rapid_review=rapid_review,
        by=by,
        reason=REASON,
        review=review,
        title=TITLE if review is None else "",
        theme=THEME if review is None else "",
        learning_theme="" if review is not None else "curiosity",
    )


def commissioned(by_member, by_secretariat, rapid_review=None) -> NationalReviewCase:
    """A commissioned review with one case proposed."""
    case = propose(rapid_review or PanelReviewFactory(), by_member)
    national_reviews.national_review_commission(
        review=case.review, by=by_secretariat, expected_version=case.review.version
    )
    case.refresh_from_db()
    return case
