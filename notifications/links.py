"""Linked cases (issue 17, item 4): two submitted SINs that belong together, with the kind of
link and a reason. Siblings across two SINs, the same family in an earlier year, a duplicate
found at notification.

- Who links: the Panel (members and secretariat) any two submitted SINs; a local authority
  user or a partnership lead only two SINs both in their scope (`notification_list`, the one
  selector). The other case is named by its reference; one that does not exist and one the
  user cannot see give the same error, so a link never tells anyone a case exists elsewhere.
- Who sees a link: anyone who reads either SIN. The other case shows as itself (reference,
  date, reason) to a reader who may see it, otherwise as "A linked case in another area" with
  the kind of link only.
- A link is stored once for the pair (the lower id first); removing it needs a reason and
  keeps the row. Adding and removing are audited against both SINs (never the reason, which
  may identify people, nor the other case's reference, which a reader of one side may not
  be allowed to know).
- The Panel secretariat confirming a possible duplicate as the same incident links the two
  SINs as duplicates (once: an existing current link is kept as it is).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from safeguarding import policy
from safeguarding.audit import audit_log
from safeguarding.errors import DomainError, DomainInvalid
from safeguarding.limits import REASON_MAX_CHARS
from safeguarding.models import AuditAction, User

from .models import LinkedCase, LinkKind, Notification, PossibleDuplicate
from .selectors import notification_list

REFERENCE_NOT_FOUND = "Enter the reference of a case you can see"
HIDDEN_CASE = "A linked case in another area"
REASON_MAX = REASON_MAX_CHARS


class LinkedCaseError(DomainError):
    """A link the user's role or the cases' state does not allow."""


# --- Reads -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkedCaseView:
    """One link as a reader of `notification` sees it. `other` is None when the reader may
    not see the other case: then only the kind is shown."""

    link: LinkedCase
    other: Notification | None

    @property
    def pk(self) -> int:
        return self.link.pk

    @property
    def kind(self) -> str:
        return self.link.kind

    @property
    def kind_label(self) -> str:
        return self.link.get_kind_display()

    @property
    def visible(self) -> bool:
        return self.other is not None

    @property
    def reference(self) -> str:
        return self.other.reference if self.other is not None else ""

    @property
    def reason(self) -> str:
        return self.link.reason if self.other is not None else ""

    @property
    def linked_at(self) -> datetime | None:
        return self.link.created_at if self.other is not None else None

    @property
    def label(self) -> str:
        return self.reference or HIDDEN_CASE


def _of(notification: Notification) -> QuerySet[LinkedCase]:
    return LinkedCase.objects.filter(Q(first=notification) | Q(second=notification))


def linked_cases_for(*, user: User, notification: Notification) -> list[LinkedCaseView]:
    """The SIN's current links, oldest first, each other case as far as `user` may see it.
    The caller has read `notification` through `notification_get_for_user`."""
    links = list(
        _of(notification)
        .filter(removed_at__isnull=True)
        .select_related("first", "second")
        .order_by("created_at", "id")
    )
    if not links:
        return []
    others = {link.other(notification).pk for link in links}
    visible = set(notification_list(user=user).filter(pk__in=others).values_list("pk", flat=True))
    return [
        LinkedCaseView(
            link, link.other(notification) if link.other(notification).pk in visible else None
        )
        for link in links
    ]


def linked_case_count(*, notification: Notification) -> int:
    return _of(notification).filter(removed_at__isnull=True).count()


def linked_case_get(*, notification: Notification, pk: int) -> LinkedCase:
    """A current link of the SIN (which the caller read through its selector), or 404."""
    return get_object_or_404(
        _of(notification).filter(removed_at__isnull=True).select_related("first", "second"),
        pk=pk,
    )


def linkable_case_find(*, user: User, reference: str) -> Notification | None:
    """The submitted SIN with this reference, if `user` may see it; None otherwise (whether
    it does not exist or is out of their scope: the caller cannot tell, nor can the user)."""
    reference = (reference or "").strip().upper()
    if not reference:
        return None
    return (
        notification_list(user=user)
        .filter(reference=reference, status=Notification.Status.SUBMITTED)
        .first()
    )


# --- Writes ------------------------------------------------------------------------------------


def _audit_both(
    link: LinkedCase, *, by: User | None, action: str, message: str, changes: dict
) -> None:
    for notification in (link.first, link.second):
        audit_log(
            actor=by,
            action=action,
            obj=notification,
            changes={**changes, "link": link.pk},
            message=message,
            actor_username="" if by is not None else "system",
        )


def _create(
    *, first: Notification, second: Notification, kind: str, reason: str, by: User | None
) -> LinkedCase:
    first, second = sorted((first, second), key=lambda sin: sin.pk)
    try:
        with transaction.atomic():
            link = LinkedCase.objects.create(
                first=first, second=second, kind=kind, reason=reason, created_by=by
            )
    except IntegrityError as exc:
        raise DomainInvalid({"reference": ["These cases are already linked"]}) from exc
    kind_label = link.get_kind_display()
    _audit_both(
        link,
        by=by,
        action=AuditAction.CREATE,
        message=f"Linked to another case ({kind_label})",
        changes={"kind": kind, "reason": "(changed)"},
    )
    return link


@transaction.atomic
def linked_case_add(
    *, notification: Notification, reference: str, kind: str, reason: str, by: User
) -> LinkedCase:
    """Link `notification` (read by `by` through its selector) to the case with `reference`.
    Raises DomainInvalid with errors by field: reference, kind, reason."""
    if not policy.can_link_cases(by, notification):
        raise LinkedCaseError("You cannot link cases")
    errors: dict[str, list[str]] = {}
    other = linkable_case_find(user=by, reference=reference)
    if other is None:
        errors["reference"] = [REFERENCE_NOT_FOUND]
    elif other.pk == notification.pk:
        errors["reference"] = ["A case cannot be linked to itself"]
    if kind not in LinkKind.values:
        errors["kind"] = ["Select the kind of link"]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = ["Enter the reason for linking the cases"]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [f"The reason must be {REASON_MAX} characters or fewer"]
    if notification.status != Notification.Status.SUBMITTED:
        errors.setdefault("reference", []).append("Only submitted notifications can be linked")
    if errors:
        raise DomainInvalid(errors)
    if (
        _of(notification)
        .filter(removed_at__isnull=True)
        .filter(Q(first=other) | Q(second=other))
        .exists()
    ):
        raise DomainInvalid({"reference": ["These cases are already linked"]})
    return _create(first=notification, second=other, kind=kind, reason=reason, by=by)


@transaction.atomic
def linked_case_remove(*, link: LinkedCase, reason: str, by: User) -> LinkedCase:
    """Remove a current link, with the reason; the row stays, for the cases' histories. As for
    adding one: the Panel any link, anyone else who may link only a link between two cases
    they can both see."""
    if not policy.can_link_cases(by, link.first):
        raise LinkedCaseError("You cannot remove links between cases")
    if not policy.is_panel(by):
        seen = notification_list(user=by).filter(pk__in=[link.first_id, link.second_id])
        if seen.count() != 2:
            raise LinkedCaseError("Only the Panel can remove a link to a case in another area")
    reason = (reason or "").strip()
    if not reason:
        raise DomainInvalid({"reason": ["Enter the reason for removing the link"]})
    if len(reason) > REASON_MAX:
        raise DomainInvalid({"reason": [f"The reason must be {REASON_MAX} characters or fewer"]})
    link = LinkedCase.objects.select_for_update().select_related("first", "second").get(pk=link.pk)
    if link.removed_at is not None:
        raise LinkedCaseError("This link has already been removed")
    return _remove(link, by=by, reason=reason)


def _remove(link: LinkedCase, *, by: User, reason: str) -> LinkedCase:
    """End a current link (locked by the caller), keeping who and why, in both histories."""
    link.removed_at, link.removed_by, link.removal_reason = timezone.now(), by, reason
    link.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    _audit_both(
        link,
        by=by,
        action=AuditAction.DELETE,
        message=f"Link to another case removed ({link.get_kind_display()})",
        changes={"kind": link.kind, "reason": "(changed)"},
    )
    return link


def linked_case_from_duplicate(*, pair: PossibleDuplicate, by: User) -> LinkedCase | None:
    """The pair confirmed as the same incident: link its SINs as duplicates, unless they are
    linked already (a confirmation reopened and made again links once)."""
    if pair.status != PossibleDuplicate.Status.SAME_INCIDENT:
        return None
    current = LinkedCase.objects.filter(
        first=pair.first_id, second=pair.second_id, removed_at__isnull=True
    )
    if current.exists():
        return None
    return _create(
        first=pair.first,
        second=pair.second,
        kind=LinkKind.DUPLICATE,
        reason=f"Confirmed as the same incident: {pair.reason}",
        by=by,
    )


def linked_case_unlink_duplicate(*, pair: PossibleDuplicate, by: User, reason: str) -> bool:
    """The same-incident decision on the pair reopened: the duplicate link it made between the
    two SINs is removed, with the reason (a link of another kind, made by hand, stays).
    Returns whether a link was removed."""
    low, high = sorted((pair.first_id, pair.second_id))
    link = (
        LinkedCase.objects.select_for_update()
        .select_related("first", "second")
        .filter(first=low, second=high, kind=LinkKind.DUPLICATE, removed_at__isnull=True)
        .first()
    )
    if link is None:
        return False
    reason = f"The same-incident decision was reopened: {reason.strip()}"[:REASON_MAX]
    _remove(link, by=by, reason=reason)
    return True
