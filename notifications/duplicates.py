"""Possible duplicate SINs (issue 16, item 7): one incident notified twice, by two authorities
(a child placed out of area) or twice by one.

A submitted SIN is a possible duplicate of another submitted SIN, in any authority, when a
child of one matches a child of the other and their incident dates are at most
`DUPLICATE_WINDOW_DAYS` apart. Children match when they have the same sex and the same date of
birth when both have one, otherwise the same age in years.

The date of birth is encrypted at rest (safeguarding.encrypted), so the database cannot
compare it: the query narrows on what it can read (submitted SINs by incident date, through the
partial index `notification_statistics_year`; children by sex and an age one year either side,
as the same date of birth gives ages a year apart across a birthday between the two incident
dates), and the dates of birth are compared here, in Python, on those few rows.

Matches are recorded when a SIN is submitted and when a submitted SIN's incident date or
children change (an amendment); drafts are never candidates. The Panel secretariat decides
each pair: the same incident, or not (dismissed), with a reason; a decision can be reopened.
Nothing is merged: both SINs stay, and the statistics count them as they are.

Who sees a pair: someone who can see both SINs (a local authority user never learns of
another authority's SIN through it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from safeguarding import policy
from safeguarding.audiences import notify, panel_secretariat
from safeguarding.audit import audit_log, audit_read
from safeguarding.errors import DomainConflict, DomainError, DomainInvalid
from safeguarding.models import AuditAction, User
from safeguarding.scoping import authority_scope, sees_england

from . import rules
from .models import Notification, NotificationChild, PossibleDuplicate

# The pair's status, by a name the API schema's enum can import (settings.SPECTACULAR_SETTINGS).
PossibleDuplicateStatus = PossibleDuplicate.Status
# Incident dates at most this many days apart can be the same incident notified twice.
DUPLICATE_WINDOW_DAYS = 30
# Held by each transaction that records matches (pg_advisory_xact_lock), so that two SINs of
# the same incident submitted at the same moment do not each miss the other, uncommitted.
_MATCHING_LOCK = 0x51_4E_44_55  # "SNDU"


class PossibleDuplicateError(DomainError):
    """A decision the pair's state, or the user's role, does not allow."""


class PossibleDuplicateInvalid(PossibleDuplicateError, DomainInvalid):
    """The decision's answers break a rule (a reason is required)."""


class PossibleDuplicateConflict(PossibleDuplicateError, DomainConflict):
    message = (
        "Someone else decided this possible duplicate after you opened it. Your decision has "
        "not been saved: check the current decision below."
    )


# --- Matching ----------------------------------------------------------------------------------


def _age(child: NotificationChild, incident_date: date | None) -> int | None:
    if child.age_years is not None:
        return child.age_years
    if child.date_of_birth and incident_date:
        return rules.age_on(child.date_of_birth, incident_date)
    return None


def children_match(
    a: NotificationChild, a_incident: date | None, b: NotificationChild, b_incident: date | None
) -> bool:
    """Same sex, and the same date of birth when both have one, else the same age in years."""
    if a.sex != b.sex:
        return False
    if a.date_of_birth and b.date_of_birth:
        return a.date_of_birth == b.date_of_birth
    age = _age(a, a_incident)
    return age is not None and age == _age(b, b_incident)


def duplicate_candidates(
    notification: Notification, *, children: Iterable[NotificationChild] | None = None
) -> list[Notification]:
    """The submitted SINs (not `notification` itself) that `notification` may duplicate, in
    incident date order. One query, narrowed by the database on incident date, sex and age."""
    incident_date = notification.incident_date
    children = list(notification.children.all() if children is None else children)
    if incident_date is None or not children:
        return []
    ages: set[int] = set()
    for child in children:
        age = _age(child, incident_date)
        if age is not None:
            ages.update((age - 1, age, age + 1))
    window = timedelta(days=DUPLICATE_WINDOW_DAYS)
    rows = (
        NotificationChild.objects.filter(
            notification__status=Notification.Status.SUBMITTED,
            notification__incident_date__gte=incident_date - window,
            notification__incident_date__lte=incident_date + window,
            sex__in={child.sex for child in children},
        )
        .filter(Q(age_years__in=ages) | Q(age_years__isnull=True))
        .exclude(notification_id=notification.pk)
        .select_related("notification", "notification__local_authority")
        .order_by("notification__incident_date", "notification_id", "id")
    )
    matched: dict[int, Notification] = {}
    for row in rows:
        other = row.notification
        if other.pk in matched:
            continue
        if any(
            children_match(child, incident_date, row, other.incident_date) for child in children
        ):
            matched[other.pk] = other
    return list(matched.values())


@transaction.atomic
def possible_duplicates_record(*, notification: Notification) -> list[PossibleDuplicate]:
    """Record the submitted SIN's matches among the other submitted SINs (a pair already
    recorded, decided or not, is left as it is) and tell the Panel secretariat of new ones.
    A draft records nothing. Called on submission and after an amendment."""
    if notification.is_draft:
        return []
    if connection.vendor == "postgresql":  # SQLite (the `make run` default) locks the whole file
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_MATCHING_LOCK])
    found = []
    for other in duplicate_candidates(notification):
        first, second = sorted((notification, other), key=lambda sin: sin.pk)
        pair, created = PossibleDuplicate.objects.get_or_create(first=first, second=second)
        if not created:
            continue
        pair.first, pair.second = first, second
        audit_log(
            actor=None,
            action=AuditAction.CREATE,
            obj=pair,
            message=f"Possible duplicate found: {first.reference} and {second.reference}",
        )
        _tell_secretariat(pair)
        found.append(pair)
    return found


def _tell_secretariat(pair: PossibleDuplicate) -> None:
    url = reverse("notifications:duplicate-detail", args=[pair.pk])
    notify(
        panel_secretariat(),
        subject=f"Possible duplicate: {pair.first.reference} and {pair.second.reference}",
        body=(
            f"{pair.first.reference} ({pair.first.local_authority}) and "
            f"{pair.second.reference} ({pair.second.local_authority}) may be the same "
            "incident. Decide whether they are."
        ),
        url=url,
        related=pair.second,
        dedupe_key=f"possible-duplicate-{pair.pk}",
    )


# --- Decisions ---------------------------------------------------------------------------------


def _lock(pair: PossibleDuplicate, expected_version: int | None) -> PossibleDuplicate:
    locked = (
        PossibleDuplicate.objects.select_for_update()
        .select_related("first", "second")
        .get(pk=pair.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise PossibleDuplicateConflict(locked)
    return locked


def _transition(
    *,
    pair: PossibleDuplicate,
    by: User,
    target: PossibleDuplicate.Status,
    reason: str,
    expected_version: int | None,
    message: str,
) -> PossibleDuplicate:
    if not policy.can_decide_duplicate(by):
        raise PossibleDuplicateError("Only the Panel secretariat decides possible duplicates")
    pair = _lock(pair, expected_version)
    if pair.status not in PossibleDuplicate.TRANSITIONS[target]:
        raise PossibleDuplicateError(
            f"This possible duplicate is already {pair.get_status_display().lower()}"
        )
    if not reason.strip():
        raise PossibleDuplicateInvalid({"reason": ["Enter the reason for your decision"]})
    before = pair.status
    pair.status = target
    pair.reason = reason.strip()
    pair.decided_by = by if target != PossibleDuplicate.Status.OPEN else None
    pair.decided_at = timezone.now() if target != PossibleDuplicate.Status.OPEN else None
    pair.version = F("version") + 1
    pair.save(update_fields=["status", "reason", "decided_by", "decided_at", "version"])
    pair.refresh_from_db(fields=["version"])
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=pair,
        changes={"status": [before, str(target)]},
        message=f"{message}: {pair.reason}",
    )
    return pair


@transaction.atomic
def possible_duplicate_link(
    *, pair: PossibleDuplicate, by: User, reason: str, expected_version: int | None
) -> PossibleDuplicate:
    """Record that the two SINs are the same incident. Nothing is merged: each SIN's page says
    "Same incident as" the other, and they are linked as duplicates (notifications.links)."""
    from .links import linked_case_from_duplicate

    pair = _transition(
        pair=pair,
        by=by,
        target=PossibleDuplicate.Status.SAME_INCIDENT,
        reason=reason,
        expected_version=expected_version,
        message="Linked as the same incident",
    )
    # The two SINs become linked cases too (issue 17), once.
    linked_case_from_duplicate(pair=pair, by=by)
    return pair


@transaction.atomic
def possible_duplicate_dismiss(
    *, pair: PossibleDuplicate, by: User, reason: str, expected_version: int | None
) -> PossibleDuplicate:
    """Record that the two SINs are different incidents: the match is dismissed."""
    return _transition(
        pair=pair,
        by=by,
        target=PossibleDuplicate.Status.DISMISSED,
        reason=reason,
        expected_version=expected_version,
        message="Match dismissed",
    )


@transaction.atomic
def possible_duplicate_reopen(
    *, pair: PossibleDuplicate, by: User, reason: str, expected_version: int | None
) -> PossibleDuplicate:
    """Undo a decision: the pair is open again (the decision stays in the audit trail). A
    same-incident decision reopened takes away the duplicate link it made (notifications.links),
    with the reason."""
    from .links import linked_case_unlink_duplicate

    was = PossibleDuplicate.objects.filter(pk=pair.pk).values_list("status", flat=True).first()
    pair = _transition(
        pair=pair,
        by=by,
        target=PossibleDuplicate.Status.OPEN,
        reason=reason,
        expected_version=expected_version,
        message="Decision reopened",
    )
    if was == PossibleDuplicate.Status.SAME_INCIDENT:
        linked_case_unlink_duplicate(pair=pair, by=by, reason=pair.reason)
    return pair


# --- Reads -------------------------------------------------------------------------------------


def _visible_sins(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(
        authority_scope(user, "local_authority", partnership="rapid_review__partnership"),
        status=Notification.Status.SUBMITTED,
    )


def possible_duplicate_pairs(*, user: User) -> QuerySet[PossibleDuplicate]:
    """The pairs whose two SINs the user can both see (every pair for the Panel and
    administrators), with both SINs, their authorities and children."""
    pairs = PossibleDuplicate.objects.select_related(
        "first__local_authority", "second__local_authority", "decided_by"
    ).prefetch_related("first__children", "second__children")
    if not sees_england(user):
        visible = _visible_sins(user).values("pk")
        pairs = pairs.filter(first__in=visible, second__in=visible)
    return pairs


def possible_duplicate_list(*, user: User, status: str = "open") -> QuerySet[PossibleDuplicate]:
    """The secretariat's list: pairs of one status, newest found first."""
    return possible_duplicate_pairs(user=user).filter(status=status).order_by("-found_at", "-id")


def possible_duplicate_get_for_user(*, user: User, pk: int) -> PossibleDuplicate:
    """The pair, or 404 when it does not exist or the user cannot see both SINs. The read is
    recorded in the audit trail."""
    pair = get_object_or_404(possible_duplicate_pairs(user=user), pk=pk)
    audit_read(user=user, obj=pair)
    return pair


def possible_duplicates_of(*, user: User, notification: Notification) -> list[PossibleDuplicate]:
    """The SIN's pairs the user can see (the other SIN in their scope), open ones first."""
    pairs = possible_duplicate_pairs(user=user).filter(
        Q(first=notification) | Q(second=notification)
    )
    order = {PossibleDuplicate.Status.OPEN: 0, PossibleDuplicate.Status.SAME_INCIDENT: 1}
    return sorted(pairs, key=lambda pair: (order.get(pair.status, 2), -pair.pk))


def possible_duplicates_for_draft(*, user: User, notification: Notification) -> list[Notification]:
    """What the check answers page warns of: the submitted SINs the draft may duplicate, among
    those the user can see (another authority's SIN is never named to a local authority)."""
    candidates = duplicate_candidates(notification)
    if not candidates or sees_england(user):
        return candidates
    ids = [sin.pk for sin in candidates]
    visible = set(_visible_sins(user).filter(pk__in=ids).values_list("pk", flat=True))
    return [sin for sin in candidates if sin.pk in visible]


def same_incident_as(pairs: Iterable[PossibleDuplicate], notification: Notification) -> list:
    """The other SINs of the pairs linked as the same incident."""
    return [
        pair.other(notification)
        for pair in pairs
        if pair.status == PossibleDuplicate.Status.SAME_INCIDENT
    ]
