"""Reads of national reviews and their cases (issue 18, item 3), scoped in one place.

- The Panel and administrators see every national review and every case in it.
- A partnership lead sees a review only when one of its own cases (a rapid review in the
  lead's scope, `rapidreviews.selectors.rapid_review_list`) is accepted in it; in it, only its
  own accepted cases, the others counted ("N cases in other areas"), never named.
- Anyone else sees none: a 404, the same as a review that does not exist.

Each read of a review's cases is recorded in the audit trail against the cases shown."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from rapidreviews.models import RapidReview
from rapidreviews.selectors import rapid_review_list
from safeguarding import policy
from safeguarding.audit import audit_list, audit_read
from safeguarding.models import User

from .models import NationalReview, NationalReviewCase

ACCEPTED = NationalReviewCase.Status.ACCEPTED


def _own_reviews(user: User) -> QuerySet[RapidReview]:
    return rapid_review_list(user=user, with_shared=False)


def _national_reviews(user: User) -> QuerySet[NationalReview]:
    """Every national review the user may open."""
    if policy.can_see_national_reviews(user):
        return NationalReview.objects.all()
    if policy.is_partnership_lead(user):
        accepted = NationalReviewCase.objects.filter(
            status=ACCEPTED, rapid_review__in=_own_reviews(user)
        )
        return NationalReview.objects.filter(pk__in=accepted.values("review_id"))
    return NationalReview.objects.none()


def national_review_list(*, user: User, status: str = "") -> QuerySet[NationalReview]:
    """The national reviews, the newest first, each with its numbers of cases accepted and
    waiting for a decision (`accepted_count`, `proposed_count`); `status` keeps one status
    (an unknown status keeps none). A 403 for anyone but the Panel and administrators."""
    policy.require(policy.can_see_national_reviews(user))
    reviews = _national_reviews(user).annotate(
        accepted_count=Count("cases", filter=Q(cases__status=ACCEPTED)),
        proposed_count=Count("cases", filter=Q(cases__status=NationalReviewCase.Status.PROPOSED)),
    )
    if status:
        reviews = reviews.filter(status=status)
    return reviews.select_related("created_by").order_by("-created_at", "-pk")


def national_review_get_for_user(*, user: User, pk: int) -> NationalReview:
    """The national review, or 404 (out of scope or missing); the read is audited."""
    review = (
        _national_reviews(user)
        .filter(pk=pk)
        .select_related("created_by", "declined_by", "commissioned_by", "published_by")
        .first()
    )
    if review is None:
        raise Http404("No such national review")
    audit_read(user=user, obj=review)
    return review


@dataclass
class ReviewCases:
    """A national review's cases as the reader may see them: `shown` in full, and how many
    accepted cases are in other areas (`others`), for a partnership lead."""

    shown: list[NationalReviewCase] = field(default_factory=list)
    others: int = 0
    sees_all: bool = False


def national_review_cases(*, user: User, review: NationalReview) -> ReviewCases:
    """The review's cases for `user` (read the review through `national_review_get_for_user`
    first): the Panel and administrators every case, whatever its status; a partnership lead
    its own accepted cases, and a count of the others accepted. The read is recorded against
    the rapid reviews shown."""
    cases = review.cases.select_related(
        "rapid_review__notification__local_authority",
        "rapid_review__partnership",
        "proposed_by",
        "decided_by",
    ).order_by("proposed_at", "pk")
    if policy.can_see_national_reviews(user):
        result = ReviewCases(shown=list(cases), sees_all=True)
    else:
        accepted = cases.filter(status=ACCEPTED)
        own = list(accepted.filter(rapid_review__in=_own_reviews(user)))
        result = ReviewCases(shown=own, others=accepted.count() - len(own))
    audit_list(
        user=user,
        model=RapidReview,
        ids=[case.rapid_review_id for case in result.shown],
        filters={"national_review": review.pk},
    )
    return result


def national_review_case_get_for_user(*, user: User, pk: int) -> NationalReviewCase:
    """A case proposed for a national review, for deciding it: the Panel and administrators
    only (for anyone else, a 404); the read is audited against its rapid review."""
    if not policy.can_see_national_reviews(user):
        raise Http404("No such case in a national review")
    case = (
        NationalReviewCase.objects.filter(pk=pk)
        .select_related(
            "review",
            "rapid_review__notification__local_authority",
            "rapid_review__partnership",
            "proposed_by",
            "decided_by",
        )
        .first()
    )
    if case is None:
        raise Http404("No such case in a national review")
    audit_read(user=user, obj=case.rapid_review)
    return case


def national_review_choices(*, user: User, rapid_review: RapidReview) -> QuerySet[NationalReview]:
    """The national reviews a case may be proposed for: those still open (proposed,
    commissioned, in progress) that do not hold the case already, by title."""
    if not policy.can_see_national_reviews(user):
        return NationalReview.objects.none()
    return (
        NationalReview.objects.filter(status__in=NationalReview.OPEN_STATUSES)
        .exclude(cases__rapid_review=rapid_review)
        .order_by("title", "pk")
    )


def national_review_cases_for_case(
    *, user: User, rapid_review: RapidReview
) -> QuerySet[NationalReviewCase]:
    """The national reviews a case is in, as the user may see them: for the Panel and
    administrators every proposal not declined; for a partnership lead, the reviews it is
    accepted in."""
    cases = NationalReviewCase.objects.filter(rapid_review=rapid_review).select_related("review")
    if policy.can_see_national_reviews(user):
        return cases.exclude(status=NationalReviewCase.Status.DECLINED)
    if policy.is_partnership_lead(user) and _own_reviews(user).filter(pk=rapid_review.pk).exists():
        return cases.filter(status=ACCEPTED)
    return cases.none()


def national_review_waiting_count(*, user: User) -> int:
    """What waits on the secretariat: proposed national reviews, and cases proposed for a
    review still open."""
    if not policy.can_see_national_reviews(user):
        return 0
    reviews = NationalReview.objects.filter(status=NationalReview.Status.PROPOSED).count()
    cases = NationalReviewCase.objects.filter(
        status=NationalReviewCase.Status.PROPOSED,
        review__status__in=NationalReview.OPEN_STATUSES,
    ).count()
    return reviews + cases
