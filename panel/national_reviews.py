"""Writes for national review referrals (issue 18, item 3): one function per action, each in a
transaction, the national review's row locked, stale status changes refused (`version`).

A Panel member or the secretariat proposes a case (its rapid review) for an existing national
review or a new one (`national_review_propose_case`); the secretariat accepts or declines each
case, with a reason to decline (`national_review_case_accept`, `national_review_case_decline`),
and moves the review along `NationalReview.TRANSITIONS` (`national_review_commission`,
`national_review_decline`, `national_review_start`, `national_review_publish`).

Who is told (inbox and e-mail, `safeguarding.audiences.notify`):
- a case proposed: the Panel secretariat, who decide it;
- a case accepted: the leads of its partnership (the e-mail names the case by its reference
  only), and whoever proposed it; a case declined: whoever proposed it;
- a review commissioned or declined: whoever proposed it;
- a review published: the leads of the partnership of each accepted case.

Each case's history shows its proposal (the Panel only), acceptance, and decline (the Panel
only): the entries are written on its rapid review (panel.national_review_history)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from rapidreviews.codes import LearningTheme
from rapidreviews.models import RapidReview
from safeguarding import policy
from safeguarding.audiences import Audience, notify, panel_secretariat, partnership_leads
from safeguarding.audit import audit_log
from safeguarding.dates import long_date
from safeguarding.errors import DomainConflict, DomainError, DomainInvalid
from safeguarding.history import PANEL_ONLY
from safeguarding.models import AuditAction, User

from .models import NationalReview, NationalReviewCase

Status = NationalReview.Status
CaseStatus = NationalReviewCase.Status


class NationalReviewError(DomainError):
    """An action the review's or the case's state does not allow (a form error, or 409)."""


class NationalReviewInvalid(NationalReviewError, DomainInvalid):
    """What was given breaks a rule: messages by field."""


class NationalReviewConflict(NationalReviewError, DomainConflict):
    message = (
        "Someone else changed this national review after you opened it. Nothing has been "
        "saved: check the review as it is now and try again."
    )


def _review_url(review: NationalReview) -> str:
    return reverse("panel:national-review-detail", args=[review.pk])


def _reference(rapid_review: RapidReview) -> str:
    return rapid_review.notification.reference


def _tell(audience: Audience, review: NationalReview, *, subject: str, body: str, key: str):
    url = _review_url(review)
    notify(
        audience,
        subject=subject,
        body=body,
        url=url,
        email_body=f"{body}\n\nSign in to see the national review: {settings.SITE_URL}{url}\n",
        related=review,
        dedupe_key=key,
    )


def _person(user: User) -> Audience:
    """One person, in their inbox and at their own address (a proposal is theirs)."""
    return Audience((user,), (user.email,) if user.email else ())


def _check_proposer(by: User) -> None:
    if not policy.can_propose_national_review(by):
        raise NationalReviewError("Only the Panel can propose a case for a national review")


def _check_manager(by: User) -> None:
    if not policy.can_manage_national_reviews(by):
        raise NationalReviewError("Only the Panel secretariat can decide on national reviews")


def _locked(review: NationalReview, expected_version: int | None) -> NationalReview:
    current = NationalReview.objects.select_for_update().get(pk=review.pk)
    if expected_version is not None and current.version != expected_version:
        raise NationalReviewConflict(current)
    return current


def _check_case(rapid_review: RapidReview) -> str | None:
    """Why the case cannot be part of a national review, or None."""
    if rapid_review.status != RapidReview.Status.SUBMITTED:
        return f"{_reference(rapid_review)} has not been submitted to the Panel"
    return None


# --- Proposing cases -----------------------------------------------------------------------------


def _new_review_errors(*, title: str, theme: str, learning_theme: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = ["Enter the title of the new national review"]
    if not theme.strip():
        errors["theme"] = ["Enter the theme of the new national review"]
    if learning_theme and learning_theme not in LearningTheme.values:
        errors["learning_theme"] = ["Choose a learning theme from the list"]
    return errors


def _new_review(*, by: User, title: str, theme: str, learning_theme: str) -> NationalReview:
    review = NationalReview.objects.create(
        title=title.strip(), theme=theme.strip(), learning_theme=learning_theme, created_by=by
    )
    audit_log(
        actor=by,
        action=AuditAction.CREATE,
        obj=review,
        changes={"title": review.title, "learning_theme": learning_theme},
        message="National review proposed",
    )
    return review


def _add_case(
    *, review: NationalReview, rapid_review: RapidReview, by: User, reason: str, accept: bool
) -> NationalReviewCase:
    now = timezone.now()
    case = NationalReviewCase.objects.create(
        review=review,
        rapid_review=rapid_review,
        reason=reason,
        proposed_by=by,
        proposed_at=now,
        **({"status": CaseStatus.ACCEPTED, "decided_by": by, "decided_at": now} if accept else {}),
    )
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=rapid_review,
        # Proposals are the Panel's business until the secretariat accepts the case.
        changes={"national_review": review.pk, PANEL_ONLY: True},
        message=f"Proposed for national review: {review.title}",
    )
    if accept:
        _record_accepted(case, by=by)
    return case


def national_review_propose_case(
    *,
    rapid_review: RapidReview,
    by: User,
    reason: str,
    review: NationalReview | None = None,
    title: str = "",
    theme: str = "",
    learning_theme: str = "",
) -> NationalReviewCase:
    """Propose a submitted case for the national review `review`, or, without one, for a new
    national review with `title`, `theme` and an optional `learning_theme` code (the new
    review is proposed). `reason` is the Panel's own words. The secretariat is told."""
    _check_proposer(by)
    with transaction.atomic():
        errors: dict[str, list[str]] = {}
        if not reason.strip():
            errors["reason"] = ["Enter why the Panel proposes this case for a national review"]
        if (problem := _check_case(rapid_review)) is not None:
            errors["rapid_review"] = [problem]
        if review is not None:
            review = _locked(review, None)
            if review.status not in NationalReview.OPEN_STATUSES:
                errors["national_review"] = [
                    f"This national review is {review.get_status_display().lower()}: it takes "
                    "no more cases"
                ]
            elif review.cases.filter(rapid_review=rapid_review).exists():
                errors["national_review"] = [
                    f"{_reference(rapid_review)} is already proposed for this national review"
                ]
        else:
            errors.update(
                _new_review_errors(title=title, theme=theme, learning_theme=learning_theme)
            )
        if errors:
            raise NationalReviewInvalid(errors)
        if review is None:
            review = _new_review(by=by, title=title, theme=theme, learning_theme=learning_theme)
        case = _add_case(
            review=review, rapid_review=rapid_review, by=by, reason=reason.strip(), accept=False
        )
        _tell(
            panel_secretariat(),
            review,
            subject=f"Case proposed for the national review: {review.title}",
            body=f"{by.get_full_name() or by.username} proposed {_reference(rapid_review)} for "
            f"the national review “{review.title}”. Accept or decline it on the review's page.",
            key=f"national-review-case-{case.pk}-proposed",
        )
    return case


def national_review_add_cases(
    review: NationalReview,
    rapid_reviews: Iterable[RapidReview],
    *,
    by: User,
    reason: str,
) -> list[NationalReviewCase]:
    """Add many cases to a national review at once (a saved cohort, say), each with the same
    `reason`. Cases the review holds already (in any status) are left as they are. When `by`
    is the secretariat and the review is commissioned or in progress the cases are added
    accepted (their partnerships told); otherwise they are proposed, for the secretariat to
    decide (the secretariat told once). Any case not submitted refuses them all. Returns the
    cases added, in the order given."""
    _check_proposer(by)
    rapid_reviews = list(dict.fromkeys(rapid_reviews))
    with transaction.atomic():
        review = _locked(review, None)
        errors: dict[str, list[str]] = {}
        if not reason.strip():
            errors["reason"] = ["Enter why the Panel proposes these cases"]
        if review.status not in NationalReview.OPEN_STATUSES:
            errors["national_review"] = [
                f"This national review is {review.get_status_display().lower()}: it takes no "
                "more cases"
            ]
        problems = [p for r in rapid_reviews if (p := _check_case(r)) is not None]
        if problems:
            errors["rapid_reviews"] = problems
        if errors:
            raise NationalReviewInvalid(errors)
        accept = (
            policy.can_manage_national_reviews(by)
            and review.status in NationalReview.ACCEPTING_STATUSES
        )
        held = set(review.cases.values_list("rapid_review_id", flat=True))
        added = [
            _add_case(
                review=review,
                rapid_review=rapid_review,
                by=by,
                reason=reason.strip(),
                accept=accept,
            )
            for rapid_review in rapid_reviews
            if rapid_review.pk not in held
        ]
        if added and not accept:
            _tell(
                panel_secretariat(),
                review,
                subject=f"Cases proposed for the national review: {review.title}",
                body=f"{by.get_full_name() or by.username} proposed {len(added)} case"
                f"{'s' if len(added) != 1 else ''} for the national review “{review.title}”. "
                "Accept or decline each on the review's page.",
                key=f"national-review-{review.pk}-cases-{added[0].pk}-{added[-1].pk}",
            )
    return added


# --- Deciding a case -----------------------------------------------------------------------------


def _record_accepted(case: NationalReviewCase, *, by: User) -> None:
    """The acceptance in the case's history, and the partnership told (by the case's reference
    only) and the proposer."""
    review, rapid_review = case.review, case.rapid_review
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=rapid_review,
        changes={"national_review": review.pk},
        message=f"Accepted into national review: {review.title}",
    )
    reference = _reference(rapid_review)
    _tell(
        partnership_leads(rapid_review.partnership),
        review,
        subject=f"Case {reference} is part of a national review",
        body=f"The Child Safeguarding Practice Review Panel has included case {reference} in "
        f"its national review “{review.title}”.",
        key=f"national-review-case-{case.pk}-accepted",
    )
    if case.proposed_by_id != by.pk:
        _tell(
            _person(case.proposed_by),
            review,
            subject=f"Accepted: {reference} in the national review “{review.title}”",
            body=f"The secretariat accepted {reference}, which you proposed, into the national "
            f"review “{review.title}”.",
            key=f"national-review-case-{case.pk}-accepted-proposer",
        )


def _locked_case(case: NationalReviewCase) -> NationalReviewCase:
    _locked(case.review, None)  # one decision on a review's cases at a time
    return (
        NationalReviewCase.objects.select_for_update()
        .select_related("review", "rapid_review__notification", "rapid_review__partnership")
        .get(pk=case.pk)
    )


def _check_undecided(case: NationalReviewCase) -> None:
    if case.status != CaseStatus.PROPOSED:
        raise NationalReviewError(
            f"{_reference(case.rapid_review)} has already been "
            f"{case.get_status_display().lower()} for this national review"
        )


@transaction.atomic
def national_review_case_accept(
    *, case: NationalReviewCase, by: User, reason: str = ""
) -> NationalReviewCase:
    """Accept a proposed case into its national review, which must be commissioned or in
    progress. The partnership's leads are told, and whoever proposed it."""
    _check_manager(by)
    case = _locked_case(case)
    _check_undecided(case)
    if case.review.status not in NationalReview.ACCEPTING_STATUSES:
        raise NationalReviewError(
            "Cases are accepted once the national review is commissioned: commission it first"
            if case.review.status == Status.PROPOSED
            else f"This national review is {case.review.get_status_display().lower()}"
        )
    case.status = CaseStatus.ACCEPTED
    case.decided_by, case.decided_at = by, timezone.now()
    case.decision_reason = reason.strip()
    case.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    _record_accepted(case, by=by)
    return case


def _decline_case(case: NationalReviewCase, *, by: User, reason: str) -> None:
    case.status = CaseStatus.DECLINED
    case.decided_by, case.decided_at = by, timezone.now()
    case.decision_reason = reason
    case.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    review, reference = case.review, _reference(case.rapid_review)
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=case.rapid_review,
        changes={"national_review": review.pk, PANEL_ONLY: True},
        message=f"Declined for national review: {review.title}: {reason}",
    )
    _tell(
        _person(case.proposed_by),
        review,
        subject=f"Declined: {reference} for the national review “{review.title}”",
        body=f"The secretariat declined {reference}, which you proposed for the national "
        f"review “{review.title}”: {reason}",
        key=f"national-review-case-{case.pk}-declined",
    )


@transaction.atomic
def national_review_case_decline(
    *, case: NationalReviewCase, by: User, reason: str
) -> NationalReviewCase:
    """Decline a proposed case, with the reason; whoever proposed it is told."""
    _check_manager(by)
    if not reason.strip():
        raise NationalReviewInvalid({"reason": ["Enter why the case is declined"]})
    case = _locked_case(case)
    _check_undecided(case)
    _decline_case(case, by=by, reason=reason.strip())
    return case


# --- Moving the review along its statuses ---------------------------------------------------------


def _move(
    review: NationalReview, *, by: User, target: str, expected_version: int
) -> tuple[NationalReview, str]:
    _check_manager(by)
    review = _locked(review, expected_version)
    if review.status not in NationalReview.TRANSITIONS[target]:
        raise NationalReviewError(
            f"This national review is {review.get_status_display().lower()}: it cannot be "
            f"{Status(target).label.lower()} now"
        )
    before = review.status
    review.status = target
    review.version += 1
    return review, before


def _audit_move(review: NationalReview, *, by: User, before: str, extra: dict | None = None):
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=review,
        changes={"status": [before, review.status], **(extra or {})},
        message=f"National review {review.get_status_display().lower()}",
    )


@transaction.atomic
def national_review_commission(
    *, review: NationalReview, by: User, expected_version: int
) -> NationalReview:
    """Accept a proposed national review: it is commissioned, and its cases can be accepted.
    Whoever proposed it is told."""
    review, before = _move(
        review, by=by, target=Status.COMMISSIONED, expected_version=expected_version
    )
    review.commissioned_by, review.commissioned_at = by, timezone.now()
    review.save(
        update_fields=["status", "version", "commissioned_by", "commissioned_at", "updated_at"]
    )
    _audit_move(review, by=by, before=before)
    _tell(
        _person(review.created_by),
        review,
        subject=f"Commissioned: the national review “{review.title}”",
        body=f"The secretariat commissioned the national review “{review.title}” you proposed.",
        key=f"national-review-{review.pk}-commissioned",
    )
    return review


@transaction.atomic
def national_review_decline(
    *, review: NationalReview, by: User, reason: str, expected_version: int
) -> NationalReview:
    """Turn down a proposed national review, with the reason. The cases proposed for it are
    declined with it; whoever proposed the review and each case is told."""
    if not reason.strip():
        raise NationalReviewInvalid({"reason": ["Enter why the national review is declined"]})
    review, before = _move(review, by=by, target=Status.DECLINED, expected_version=expected_version)
    review.decline_reason = reason.strip()
    review.declined_by, review.declined_at = by, timezone.now()
    review.save(
        update_fields=[
            "status",
            "version",
            "decline_reason",
            "declined_by",
            "declined_at",
            "updated_at",
        ]
    )
    _audit_move(review, by=by, before=before, extra={"reason": review.decline_reason})
    _tell(
        _person(review.created_by),
        review,
        subject=f"Declined: the national review “{review.title}”",
        body=f"The secretariat declined the national review “{review.title}” you proposed: "
        f"{review.decline_reason}",
        key=f"national-review-{review.pk}-declined",
    )
    pending = review.cases.filter(status=CaseStatus.PROPOSED).select_related(
        "review", "rapid_review__notification", "proposed_by"
    )
    for case in pending.select_for_update(of=("self",)):
        _decline_case(
            case, by=by, reason=f"The national review was declined: {review.decline_reason}"
        )
    return review


@transaction.atomic
def national_review_start(
    *, review: NationalReview, by: User, expected_version: int
) -> NationalReview:
    """Record that a commissioned national review is in progress."""
    review, before = _move(
        review, by=by, target=Status.IN_PROGRESS, expected_version=expected_version
    )
    review.started_by, review.started_at = by, timezone.now()
    review.save(update_fields=["status", "version", "started_by", "started_at", "updated_at"])
    _audit_move(review, by=by, before=before)
    return review


@transaction.atomic
def national_review_publish(
    *,
    review: NationalReview,
    by: User,
    published_on: date | None,
    published_url: str,
    expected_version: int,
) -> NationalReview:
    """Record the publication of a national review in progress: its date (not in the future)
    and link. The leads of the partnership of each accepted case are told, each partnership
    once, naming its own cases only."""
    errors: dict[str, list[str]] = {}
    if published_on is None:
        errors["published_on"] = ["Enter the date the review was published"]
    elif published_on > timezone.localdate():
        errors["published_on"] = ["The date published must be today or in the past"]
    if not published_url.strip():
        errors["published_url"] = ["Enter the link to the published review"]
    if errors:
        raise NationalReviewInvalid(errors)
    review, before = _move(
        review, by=by, target=Status.PUBLISHED, expected_version=expected_version
    )
    review.published_on, review.published_url = published_on, published_url.strip()
    review.published_by = by
    review.save(
        update_fields=[
            "status",
            "version",
            "published_on",
            "published_url",
            "published_by",
            "updated_at",
        ]
    )
    _audit_move(review, by=by, before=before, extra={"published_on": str(published_on)})
    accepted = review.cases.filter(status=CaseStatus.ACCEPTED).select_related(
        "rapid_review__notification", "rapid_review__partnership"
    )
    by_partnership: dict[int, list[NationalReviewCase]] = {}
    for case in accepted.order_by("pk"):
        by_partnership.setdefault(case.rapid_review.partnership_id, []).append(case)
    for cases in by_partnership.values():
        references = ", ".join(_reference(case.rapid_review) for case in cases)
        _tell(
            partnership_leads(cases[0].rapid_review.partnership),
            review,
            subject=f"Published: the national review “{review.title}”",
            body=f"The Child Safeguarding Practice Review Panel published its national review "
            f"“{review.title}” on {long_date(published_on)}, which includes your case"
            f"{'s' if len(cases) != 1 else ''} {references}. Read it at {review.published_url}",
            key=f"national-review-{review.pk}-published-{cases[0].rapid_review.partnership_id}",
        )
    return review


def national_review_move(
    *,
    review: NationalReview,
    by: User,
    target: str,
    expected_version: int,
    reason: str = "",
    published_on: date | None = None,
    published_url: str = "",
) -> NationalReview:
    """Move the review to `target` through that status's own service (the status page and the
    API offer one choice of step); `reason` is for a decline, `published_on` and
    `published_url` for a publication."""
    if target == Status.COMMISSIONED:
        return national_review_commission(review=review, by=by, expected_version=expected_version)
    if target == Status.DECLINED:
        return national_review_decline(
            review=review, by=by, reason=reason, expected_version=expected_version
        )
    if target == Status.IN_PROGRESS:
        return national_review_start(review=review, by=by, expected_version=expected_version)
    if target == Status.PUBLISHED:
        return national_review_publish(
            review=review,
            by=by,
            published_on=published_on,
            published_url=published_url,
            expected_version=expected_version,
        )
    raise NationalReviewInvalid({"target": ["Choose one of the steps listed"]})


# The steps the secretariat takes on a review's status page and through the API, by the
# status each leads to (the page offers those `NationalReview.TRANSITIONS` allows from the
# review's status).
STEPS: dict[str, str] = {
    Status.COMMISSIONED: "Commission the review",
    Status.DECLINED: "Decline the review",
    Status.IN_PROGRESS: "Record that the review has started",
    Status.PUBLISHED: "Record its publication",
}


def national_review_steps(review: NationalReview) -> Sequence[tuple[str, str]]:
    """(target status, label) for each status the review can move to now."""
    return [
        (target, label)
        for target, label in STEPS.items()
        if review.status in NationalReview.TRANSITIONS[target]
    ]
