"""Withdrawn or not progressed (issue 16): the Panel secretariat (or an administrator) marks a
submitted SIN as not meeting the criteria or withdrawn at the authority's request, with a
reason, and may reinstate it. Its rapid review closes and reopens with it; the partnership's
leads and the authority's users are told each time."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from rapidreviews.models import RapidReview
from rapidreviews.services import (
    rapid_review_close_on_withdrawal,
    rapid_review_reopen_on_reinstatement,
)
from safeguarding import policy
from safeguarding.audiences import authority_users, notify, partnership_leads
from safeguarding.audit import audit_log
from safeguarding.dates import long_date
from safeguarding.models import AuditAction, User

from ..models import Notification, Withdrawal
from .drafts import NotificationError, NotificationInvalid, _lock, _today

WITHDRAWAL_FIELDS = ["withdrawal", "withdrawal_reason", "withdrawn_at", "withdrawn_by"]


def _check(by: User, reason: str, errors: dict[str, list[str]]) -> None:
    if not policy.can_withdraw_notification(by):
        raise NotificationError("Only the Panel secretariat or an administrator can do this")
    if not reason.strip():
        errors["reason"] = ["Enter the reason"]
    if errors:
        raise NotificationInvalid(errors)


def _review(notification: Notification) -> RapidReview | None:
    return RapidReview.objects.filter(notification=notification).first()


@transaction.atomic
def notification_withdraw(
    *,
    notification: Notification,
    by: User,
    withdrawal: str,
    reason: str,
    expected_version: int | None,
) -> Notification:
    """Mark a submitted SIN withdrawn or not progressed: its rapid review closes (no reminders,
    no extension requests), it leaves the annual figures, and the partnership's leads and the
    authority's users are told once this commits."""
    errors = {}
    if withdrawal not in Withdrawal.values:
        errors["withdrawal"] = ["Select whether it does not meet the criteria or was withdrawn"]
    _check(by, reason, errors)
    notification = _lock(notification, expected_version)
    if notification.is_draft:
        raise NotificationError("A draft has not been sent to the Panel, so cannot be withdrawn")
    if notification.is_withdrawn:
        raise NotificationError(f"{notification} is already marked withdrawn or not progressed")
    notification.withdrawal = withdrawal
    notification.withdrawal_reason = reason.strip()
    notification.withdrawn_at = timezone.now()
    notification.withdrawn_by = by
    notification.version = F("version") + 1
    notification.save(update_fields=[*WITHDRAWAL_FIELDS, "version", "updated_at"])
    notification.refresh_from_db()
    label = notification.get_withdrawal_display()
    review = _review(notification)
    if review is not None:
        rapid_review_close_on_withdrawal(
            review=review, by=by, reason=notification.withdrawal_reason
        )
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=notification,
        changes={"withdrawal": ["", withdrawal]},
        message=f"{label}: {notification.withdrawal_reason}",
    )
    _tell(
        notification,
        review,
        subject=f"{notification.reference}: {label.lower()}",
        text=(
            f"The Panel secretariat has marked {notification.reference} '{label}'. "
            f"Reason: {notification.withdrawal_reason}. "
            + (
                "Its rapid review is closed: nothing more is due and no reminders will be sent."
                if review is not None
                else ""
            )
        ).strip(),
        dedupe_key=f"sin-withdrawn-{notification.pk}-{notification.version}",
    )
    return notification


@transaction.atomic
def notification_reinstate(
    *, notification: Notification, by: User, reason: str, expected_version: int | None
) -> Notification:
    """Reinstate a SIN marked withdrawn or not progressed: its rapid review reopens with its
    due date as before (overdue when that has passed), it counts in the figures again, and
    everyone told of the withdrawal is told once this commits."""
    _check(by, reason, {})
    notification = _lock(notification, expected_version)
    if not notification.is_withdrawn:
        raise NotificationError(f"{notification} is not marked withdrawn or not progressed")
    before = notification.withdrawal
    for field in WITHDRAWAL_FIELDS:
        setattr(notification, field, "" if field in ("withdrawal", "withdrawal_reason") else None)
    notification.version = F("version") + 1
    notification.save(update_fields=[*WITHDRAWAL_FIELDS, "version", "updated_at"])
    notification.refresh_from_db()
    review = _review(notification)
    due = ""
    if review is not None:
        review = rapid_review_reopen_on_reinstatement(review=review, by=by, reason=reason.strip())
        if review.status == RapidReview.Status.SUBMITTED:
            due = "Its rapid review is open again; it had already been submitted."
        elif review.due_date < _today():
            due = (
                f"Its rapid review is open again and is overdue: it was due on "
                f"{long_date(review.due_date)}."
            )
        else:
            due = f"Its rapid review is open again, due on {long_date(review.due_date)}."
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=notification,
        changes={"withdrawal": [before, ""]},
        message=f"Reinstated: {reason.strip()}",
    )
    _tell(
        notification,
        review,
        subject=f"{notification.reference}: reinstated",
        text=f"The Panel secretariat has reinstated {notification.reference}. Reason: "
        f"{reason.strip()}. {due}".strip(),
        dedupe_key=f"sin-reinstated-{notification.pk}-{notification.version}",
    )
    return notification


def _tell(
    notification: Notification, review: RapidReview | None, *, subject: str, text: str, dedupe_key
) -> None:
    """The partnership's leads (the review's, else the authority's partnership's) and the
    authority's users: inbox messages now, one e-mail after commit."""
    authority = notification.local_authority
    partnership = review.partnership if review is not None else authority.partnership
    url = reverse("notifications:notification-detail", args=[notification.pk])
    notify(
        partnership_leads(partnership) + authority_users(authority),
        subject=subject,
        body=text,
        url=url,
        email_body=f"{text}\n\nSign in to see the notification: {settings.SITE_URL}{url}\n",
        related=notification,
        dedupe_key=dedupe_key,
    )
