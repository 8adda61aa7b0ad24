"""Writes for allocating submitted rapid reviews to Panel members (issue 17, item 1): the
secretariat's choice of a lead and other members, the round robin that allocates unallocated
reviews automatically, and members' availability and caps. The web pages and the API call
these, so a rule is written once.

Every change ends rows and adds rows (`Allocation`), never edits who was allocated, so the
review's allocation page and its history keep every allocation it ever had."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone

from rapidreviews.models import RapidReview
from safeguarding import policy
from safeguarding.audiences import Audience, notify, panel_secretariat
from safeguarding.audit import audit_log
from safeguarding.codes import Role
from safeguarding.dates import long_date
from safeguarding.errors import DomainConflict, DomainInvalid
from safeguarding.history import PANEL_ONLY
from safeguarding.limits import REASON_MAX_CHARS
from safeguarding.models import AuditAction, User
from safeguarding.services import inbox_notify

from . import selectors
from .models import Allocation, PanelMemberProfile
from .selectors import AWAITING_Q, allocation_version, member_name, open_case_q
from .services import PanelError
from .targets import decision_target


class AllocationInvalid(PanelError, DomainInvalid):
    """The allocation asked for breaks the rules (shown next to the field, or HTTP 400)."""


class AllocationConflict(PanelError, DomainConflict):
    """Someone changed the allocations after the form was opened: nothing was saved."""

    message = (
        "Someone else changed this review's allocation after you opened the page. Nothing has "
        "been saved: check the allocation now and make your change again."
    )


def _member_audience(member: User) -> Audience:
    """One Panel member, in the inbox and by e-mail (unlike `panel_members()`, which the Panel
    reads in the service only: an allocation is addressed to the member personally)."""
    return Audience((member,), (member.email,) if member.email else ())


def _check_member(member: User | None, field_name: str) -> dict[str, list[str]]:
    if member is None:
        return {}
    if member.role != Role.PANEL_MEMBER:
        return {field_name: [f"{member_name(member)} is not a Panel member"]}
    if not member.is_active:
        return {field_name: [f"{member_name(member)}'s account is not active"]}
    return {}


def _lock_review(review: RapidReview) -> RapidReview:
    review = (
        RapidReview.objects.select_for_update()
        .select_related("notification", "partnership")
        .get(pk=review.pk)
    )
    if review.status != RapidReview.Status.SUBMITTED:
        raise PanelError("Only a rapid review submitted to the Panel can be allocated")
    if review.closed_on_withdrawal:
        raise PanelError("This rapid review is closed: its notification was withdrawn")
    return review


def _describe(pairs: Iterable[tuple[User, bool]]) -> str:
    return ", ".join(
        f"{member_name(member)}{' (lead)' if lead else ''}"
        for member, lead in sorted(pairs, key=lambda pair: (not pair[1], member_name(pair[0])))
    )


def _tell_member(allocation: Allocation) -> None:
    review = allocation.review
    reference = review.notification.reference
    target = decision_target(review)
    role = "the lead Panel member" if allocation.is_lead else "a Panel member"
    url = reverse("panel:decision", args=[review.pk])
    notify(
        _member_audience(allocation.member),
        subject=f"{reference}: rapid review allocated to you",
        body=(
            f"You have been allocated the rapid review for {reference} by {review.partnership} "
            f"as {role}. The Panel's decision is due by {long_date(target)}."
        ),
        url=url,
        related=review,
        dedupe_key=f"panel-allocation-{allocation.pk}",
    )


def _allocate(
    review: RapidReview,
    changes: Sequence[tuple[User, bool]],
    *,
    by: User | None,
    automatic: bool,
    reason: str,
    now: datetime,
) -> list[Allocation]:
    made = [
        Allocation.objects.create(
            review=review,
            member=member,
            is_lead=is_lead,
            automatic=automatic,
            reason=reason,
            allocated_by=by,
            allocated_at=now,
        )
        for member, is_lead in changes
    ]
    for allocation in made:
        _tell_member(allocation)
    return made


@transaction.atomic
def allocation_set(
    *,
    review: RapidReview,
    by: User,
    lead: User | None,
    others: Iterable[User] = (),
    reason: str = "",
    expected_version: int | None,
) -> list[Allocation]:
    """Allocate the review to `lead` and `others` (Panel members), replacing its current
    allocation: rows that no longer hold are ended (with `reason`, required when anyone is
    taken off the review), new ones added and each newly allocated member told. A stale
    `expected_version` (`selectors.allocation_version`) is refused. Returns the review's
    current allocations."""
    if not policy.can_allocate(by):
        raise PanelError("Only the Panel secretariat allocates rapid reviews")
    others = list(dict.fromkeys(others))
    errors = _check_member(lead, "lead")
    if lead is None:
        errors["lead"] = ["Choose the lead Panel member"]
    for other in others:
        for message in _check_member(other, "others").get("others", []):
            errors.setdefault("others", []).append(message)
    if lead is not None and lead in others:
        errors.setdefault("others", []).append(
            f"{member_name(lead)} is the lead: choose other members here"
        )
    reason = reason.strip()
    if len(reason) > REASON_MAX_CHARS:
        errors["reason"] = [f"The reason must be {REASON_MAX_CHARS} characters or fewer"]
    review = _lock_review(review)
    if expected_version is not None and allocation_version(review=review) != expected_version:
        raise AllocationConflict(current=review)
    current = {(a.member_id, a.is_lead): a for a in review.panel_allocations.filter(ended_at=None)}
    wanted = {(member.pk, member == lead): member for member in [lead, *others] if member}
    ending = [a for key, a in current.items() if key not in wanted]
    if ending and not reason:
        errors["reason"] = ["Enter the reason for the reallocation"]
    if errors:
        raise AllocationInvalid(errors)
    if not ending and wanted.keys() == current.keys():
        return list(current.values())
    now = timezone.now()
    for allocation in ending:
        allocation.ended_at = now
        allocation.ended_by = by
        allocation.end_reason = reason
        allocation.save(update_fields=["ended_at", "ended_by", "end_reason"])
    adding = [(member, key[1]) for key, member in wanted.items() if key not in current]
    _allocate(review, adding, by=by, automatic=False, reason=reason if ending else "", now=now)
    before = _describe((a.member, a.is_lead) for a in current.values())
    after = _describe((member, is_lead) for (pk, is_lead), member in wanted.items())
    audit_log(
        actor=by,
        action=AuditAction.UPDATE if current else AuditAction.CREATE,
        obj=review,
        # Who is allocated is for the Panel's eyes only (safeguarding.history.PANEL_ONLY).
        changes=(
            {"allocated_to": [before, after], PANEL_ONLY: True}
            if current
            else {"allocated_to": after, PANEL_ONLY: True}
        ),
        message=(f"Reallocated to {after}: {reason}" if current else f"Allocated to {after}"),
    )
    return list(review.panel_allocations.filter(ended_at=None).order_by("-is_lead", "id"))


# --- Automatic allocation: round robin --------------------------------------------------------


@dataclass
class AutoAllocationResult:
    allocated: list[Allocation] = field(default_factory=list)
    # Reviews nobody had room for: they stay unallocated and the secretariat is told.
    left_unallocated: list[RapidReview] = field(default_factory=list)


def _open_counts(member_ids: Iterable[int]) -> dict[int, int]:
    rows = (
        Allocation.objects.filter(open_case_q("review__"), ended_at=None, member_id__in=member_ids)
        .values("member_id")
        .annotate(n=Count("pk"))
    )
    return {row["member_id"]: row["n"] for row in rows}


@transaction.atomic
def allocation_auto(
    *, by: User | None, reviews: Iterable[RapidReview] | None = None
) -> AutoAllocationResult:
    """Give each unallocated review awaiting a decision (or each of `reviews` that is) a lead,
    round robin among the available active Panel members under their open-case cap: the one
    whose last automatic allocation is the oldest (never first) goes next. The available
    members' profiles are locked first, so two runs at once (a submission and the
    secretariat's button) take turns and never overfill a cap. A review nobody has room for
    stays unallocated, and the secretariat is told in the inbox. `by` is None on submission."""
    if by is not None and not policy.can_allocate(by):
        raise PanelError("Only the Panel secretariat allocates rapid reviews")
    profiles = list(
        PanelMemberProfile.objects.select_for_update()
        .filter(available=True, user__role=Role.PANEL_MEMBER, user__is_active=True)
        .select_related("user")
        .order_by(F("last_auto_allocated_at").asc(nulls_first=True), "user_id")
    )
    open_counts = _open_counts(profile.user_id for profile in profiles)
    candidates = selectors.allocation_filter(
        RapidReview.objects.filter(AWAITING_Q), selectors.UNALLOCATED
    )
    if reviews is not None:
        candidates = candidates.filter(pk__in=[review.pk for review in reviews])
    result = AutoAllocationResult()
    for pk in candidates.order_by("submitted_at", "id").values_list("pk", flat=True):
        review = _lock_review(RapidReview(pk=pk))
        if review.panel_allocations.filter(ended_at=None).exists():
            continue  # allocated by someone else meanwhile
        room = [p for p in profiles if open_counts.get(p.user_id, 0) < p.cap]
        if not room:
            result.left_unallocated.append(review)
            continue
        profile = room[0]
        now = timezone.now()
        (allocation,) = _allocate(
            review, [(profile.user, True)], by=by, automatic=True, reason="", now=now
        )
        profile.last_auto_allocated_at = now
        profile.save(update_fields=["last_auto_allocated_at"])
        open_counts[profile.user_id] = open_counts.get(profile.user_id, 0) + 1
        # The member just given a review goes to the back of the queue.
        profiles.remove(profile)
        profiles.append(profile)
        audit_log(
            actor=by,
            action=AuditAction.CREATE,
            obj=review,
            changes={
                "allocated_to": _describe([(profile.user, True)]),
                "automatic": True,
                PANEL_ONLY: True,
            },
            message=f"Allocated automatically to {_describe([(profile.user, True)])}",
        )
        result.allocated.append(allocation)
    for review in result.left_unallocated:
        reference = review.notification.reference
        inbox_notify(
            recipients=panel_secretariat().people,
            subject=f"{reference}: no Panel member has room for this rapid review",
            body=(
                f"The rapid review for {reference} could not be allocated automatically: no "
                "available Panel member is under their open-case cap. Allocate it yourself, "
                "or change members' availability or caps on the workload page."
            ),
            url=reverse("panel:allocation", args=[review.pk]),
            dedupe_key=f"panel-allocation-no-room-{review.pk}",
        )
    return result


def allocation_on_submit(*, review: RapidReview) -> None:
    """Called by `rapid_review_submit`: with settings.PANEL_AUTO_ALLOCATE, allocate the review
    automatically once its submission has committed (so a failure here never undoes it)."""
    if not settings.PANEL_AUTO_ALLOCATE:
        return
    pk = review.pk
    transaction.on_commit(
        lambda: allocation_auto(by=None, reviews=[RapidReview(pk=pk)]), robust=True
    )


# --- Members' availability and caps ------------------------------------------------------------


class ProfileConflict(PanelError, DomainConflict):
    message = (
        "Someone else changed this member's availability or cap after you opened the page. "
        "Nothing has been saved: check it now and make your change again."
    )


@transaction.atomic
def panel_member_profile_update(
    *,
    member: User,
    by: User,
    available: bool,
    open_case_cap: int | None,
    expected_version: int | None,
) -> PanelMemberProfile:
    """Mark a Panel member available for new cases or not, and set their open-case cap
    (None: the default, settings.PANEL_ALLOCATION_DEFAULT_CAP). `expected_version` 0 means
    the member had no profile when the form was opened."""
    if not policy.can_allocate(by):
        raise PanelError("Only the Panel secretariat sets members' availability and caps")
    errors = _check_member(member, "member")
    if open_case_cap is not None and not 0 <= open_case_cap <= 500:
        errors["open_case_cap"] = ["Enter a cap between 0 and 500"]
    if errors:
        raise AllocationInvalid(errors)
    profile, created = PanelMemberProfile.objects.select_for_update().get_or_create(user=member)
    current_version = 0 if created else profile.version
    if expected_version is not None and expected_version != current_version:
        raise ProfileConflict(current=profile)
    before = {"available": profile.available, "open_case_cap": profile.open_case_cap}
    profile.available = available
    profile.open_case_cap = open_case_cap
    profile.version = current_version + 1
    profile.updated_by = by
    profile.save()
    after = {"available": available, "open_case_cap": open_case_cap}
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=profile,
        changes={key: [before[key], after[key]] for key in after if before[key] != after[key]},
        message=f"Allocation settings of {member_name(member)} changed",
    )
    return profile
