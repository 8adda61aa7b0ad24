"""Partnership changes carry their cases (issue 15, item 4).

When a local authority moves to another safeguarding partnership (or its partnership merges
into another), its OPEN cases move with it: their `partnership` becomes the new one, so the
new partnership's leads see and act on them and the deadline engine's reminders, which ask the
case for its partnership, go to the new leads. CLOSED cases keep the partnership that did the
work; both partnerships see them (`scoping.authority_scope`'s `partnership` path), and only the
new partnership's leads act on them (`policy.is_lead_of` asks for the partnership covering the
case's authority now): the old partnership reads them.
Statistics count by local authority and are untouched.

The kernel knows no app: each app registers a `CaseCarrier` for its cases from its
`AppConfig.ready()` (rapid reviews and their pending extensions, LCSPRs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from .audit import audit_log
from .dates import long_date
from .models import (
    AuditAction,
    AuthorityMove,
    LocalAuthority,
    Partnership,
    PartnershipChange,
    Reminder,
    User,
)

# How far back an effective date may be: a change agreed at a board meeting is recorded within
# a few weeks, not rewritten years later. The move itself is applied when it is confirmed.
EFFECTIVE_DATE_MAX_DAYS_BACK = 90


class MoveError(Exception):
    """A change that cannot be made (shown as a form error)."""


class MoveConflict(MoveError):
    """The authority (or partnership) changed after the check page was shown."""


def authority_partnership_locked(local_authority_id: int) -> int:
    """The partnership covering the local authority, read with its row locked (in the caller's
    transaction): a case opened for the authority (a rapid review, an LCSPR) takes this
    partnership and waits for a move in progress, which locks the same row, so it is never
    left with the partnership the authority has just left."""
    return (
        LocalAuthority.objects.select_for_update()
        .values_list("partnership_id", flat=True)
        .get(pk=local_authority_id)
    )


@dataclass(frozen=True)
class CaseCarrier:
    """An app's open cases of a local authority, which move with it.

    `open_cases(authority)` returns a queryset of the authority's open cases. With `moves`,
    each has a `partnership` foreign key that the move sets to the new partnership; without,
    the cases are only listed on the check page (they belong to a case that moves)."""

    key: str  # e.g. "rapid_reviews": the key in AuthorityMove.carried
    label: str  # e.g. "Open rapid reviews"
    open_cases: Callable[[LocalAuthority], models.QuerySet]
    reference: Callable[[Any], str]
    moves: bool = True


CARRIERS: list[CaseCarrier] = []


def register_case_carrier(carrier: CaseCarrier) -> None:
    if all(existing.key != carrier.key for existing in CARRIERS):
        CARRIERS.append(carrier)


@dataclass(frozen=True)
class CarriedCases:
    carrier: CaseCarrier
    references: list[str]
    # Deadline reminders already sent about these cases: they stay in the cases' history; the
    # next ones go to the new partnership's leads.
    reminders_sent: int = 0

    @property
    def count(self) -> int:
        return len(self.references)


@dataclass(frozen=True)
class MovePreview:
    """What a move of one authority would carry (the check page)."""

    authority: LocalAuthority
    carried: list[CarriedCases]

    @property
    def total(self) -> int:
        return sum(c.count for c in self.carried)

    @property
    def reminders_sent(self) -> int:
        return sum(c.reminders_sent for c in self.carried)


def _carried(carrier: CaseCarrier, authority: LocalAuthority) -> CarriedCases:
    cases = list(carrier.open_cases(authority))
    reminders = 0
    if carrier.moves and cases:
        reminders = Reminder.objects.filter(
            content_type=ContentType.objects.get_for_model(cases[0]),
            object_id__in=[str(case.pk) for case in cases],
        ).count()
    return CarriedCases(carrier, [carrier.reference(c) for c in cases], reminders)


def authority_move_preview(*, authority: LocalAuthority) -> MovePreview:
    """The open cases that would move with the authority now, and the reminders sent so far
    about them."""
    return MovePreview(
        authority=authority, carried=[_carried(carrier, authority) for carrier in CARRIERS]
    )


def effective_date_problem(effective_on: date, today: date | None = None) -> str | None:
    """Why the effective date cannot be used, or None."""
    today = today or timezone.localdate()
    earliest = today - timedelta(days=EFFECTIVE_DATE_MAX_DAYS_BACK)
    if effective_on > today:
        return "The effective date must be today or in the past"
    if effective_on < earliest:
        return f"The effective date must be on or after {long_date(earliest)}"
    return None


def _check(*, to: Partnership, from_id: int, effective_on: date) -> None:
    if to.pk == from_id:
        raise MoveError("Choose a different partnership from the one it is in now")
    problem = effective_date_problem(effective_on)
    if problem:
        raise MoveError(problem)


def _move_one(
    *, authority: LocalAuthority, to: Partnership, change: PartnershipChange, by: User
) -> AuthorityMove:
    """Move one locked authority and its open cases, in the caller's transaction."""
    before = authority.partnership
    carried: dict[str, list[str]] = {}
    for carrier in CARRIERS:
        cases = list(carrier.open_cases(authority).select_for_update(of=("self",)))
        carried[carrier.key] = [carrier.reference(case) for case in cases]
        if not carrier.moves:
            continue
        for case in cases:
            case.partnership = to
            case.save(update_fields=["partnership"])
            audit_log(
                actor=by,
                action=AuditAction.UPDATE,
                obj=case,
                changes={"partnership": [before.code, to.code]},
                message=f"Moved from {before} to {to} with {authority}",
            )
    authority.partnership = to
    authority.save(update_fields=["partnership"])
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=authority,
        changes={"partnership": [before.code, to.code]},
        message=(
            f"Moved from {before} to {to}, effective {long_date(change.effective_on)}; "
            + ", ".join(f"{len(refs)} {key.replace('_', ' ')}" for key, refs in carried.items())
            + " carried"
        ),
    )
    return AuthorityMove.objects.create(
        change=change,
        local_authority=authority,
        from_partnership=before,
        to_partnership=to,
        carried=carried,
    )


def _change_create(
    *, kind: str, from_partnership: Partnership, to: Partnership, effective_on: date, by: User
) -> PartnershipChange:
    change = PartnershipChange.objects.create(
        kind=kind,
        from_partnership=from_partnership,
        to_partnership=to,
        effective_on=effective_on,
        by=by,
    )
    audit_log(actor=by, action=AuditAction.CREATE, obj=change, message=str(change))
    return change


@transaction.atomic
def authority_move(
    *,
    authority: LocalAuthority,
    to: Partnership,
    effective_on: date,
    by: User,
    expected_partnership_id: int | None = None,
) -> PartnershipChange:
    """Move a local authority to another partnership with its open cases, in one transaction.
    `expected_partnership_id` is the partnership the check page showed: if the authority has
    moved since, MoveConflict (nothing changes)."""
    authority = (
        LocalAuthority.objects.select_for_update()
        .select_related("partnership")
        .get(pk=authority.pk)
    )
    if expected_partnership_id is not None and authority.partnership_id != expected_partnership_id:
        raise MoveConflict(f"{authority} has moved to {authority.partnership} since you checked")
    _check(to=to, from_id=authority.partnership_id, effective_on=effective_on)
    change = _change_create(
        kind=PartnershipChange.Kind.MOVE,
        from_partnership=authority.partnership,
        to=to,
        effective_on=effective_on,
        by=by,
    )
    _move_one(authority=authority, to=to, change=change, by=by)
    return change


def merge_signature(authorities: Iterable[LocalAuthority]) -> str:
    """The authorities a merge's check page showed, to tell whether they changed since."""
    return ",".join(str(pk) for pk in sorted(a.pk for a in authorities))


@transaction.atomic
def partnership_merge(
    *,
    partnership: Partnership,
    into: Partnership,
    effective_on: date,
    by: User,
    expected_signature: str | None = None,
) -> PartnershipChange:
    """Merge a partnership into another: every one of its authorities moves, with its open
    cases, as one change. The emptied partnership stays (its closed cases still name it)."""
    authorities = list(
        LocalAuthority.objects.select_for_update()
        .select_related("partnership")
        .filter(partnership=partnership)
        .order_by("pk")
    )
    if expected_signature is not None and merge_signature(authorities) != expected_signature:
        raise MoveConflict(f"The local authorities of {partnership} have changed since you checked")
    if not authorities:
        raise MoveError(f"{partnership} covers no local authority")
    _check(to=into, from_id=partnership.pk, effective_on=effective_on)
    change = _change_create(
        kind=PartnershipChange.Kind.MERGE,
        from_partnership=partnership,
        to=into,
        effective_on=effective_on,
        by=by,
    )
    for authority in authorities:
        _move_one(authority=authority, to=into, change=change, by=by)
    return change


def authority_move_list(*, authority: LocalAuthority) -> models.QuerySet[AuthorityMove]:
    """The authority's past moves, newest first."""
    return authority.moves.select_related(
        "change", "change__by", "from_partnership", "to_partnership"
    )
