"""The daily e-mail of new SINs to the Department for Education's and Ofsted's viewers.

Each active DfE or Ofsted viewer gets, once a day, the SINs submitted since their last digest:
reference, local authority, reason, incident date, whether a looked-after child died, the
rapid review's due date, and the link. No names, no summary: nothing that identifies a child.
A day without new SINs sends nothing. The SINs are read through the viewer's own scope
(`notification_list`), so the e-mail never tells more than the service would show them.

Safe to run twice, on two workers at once, or again after a crash: each viewer's row is locked
while their digest is made, and a `RegulatorDigest` per viewer and day (unique) records what
was sent; the e-mail is queued in the same transaction, under a dedupe key of its own."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from safeguarding.audit import audit_log
from safeguarding.codes import REGULATOR_ROLES
from safeguarding.dates import long_date
from safeguarding.email import email_queue
from safeguarding.models import AuditAction, RegulatorDigest, User

from .models import Notification
from .selectors import notification_list

# How far back a digest reaches at most: a viewer's first digest, or one after a long pause
# (an account reactivated, the scheduler stopped), covers this many days, not years.
DIGEST_LOOKBACK = timedelta(days=7)


@dataclass
class RegulatorDigestResult:
    sent: list[str] = field(default_factory=list)  # usernames
    nothing_new: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "sent": self.sent,
            "nothing_new": self.nothing_new,
            "already_sent": self.already_sent,
        }


def regulator_digest_recipients() -> QuerySet[User]:
    """Every active DfE and Ofsted viewer with an e-mail address."""
    return User.objects.filter(
        role__in=sorted(REGULATOR_ROLES), is_active=True, is_superuser=False
    ).exclude(email="")


def regulator_digest_new_sins(*, recipient: User, since: datetime, until: datetime):
    """The SINs the viewer may see that were submitted after `since`, up to `until`."""
    return (
        notification_list(user=recipient)
        .filter(
            status=Notification.Status.SUBMITTED,
            notified_at__gt=since,
            notified_at__lte=until,
        )
        .order_by("notified_at", "id")
    )


def _yes_no(value: bool | None) -> str:
    return {True: "Yes", False: "No"}.get(value, "Not recorded")


def _review_needed(notification: Notification, review) -> str:
    if notification.is_withdrawn:
        return f"No: {notification.get_withdrawal_display()}"
    return f"Yes, due {long_date(review.due_date)}" if review else "No"


def regulator_digest_body(notifications: list[Notification], *, since: datetime) -> str:
    """The e-mail's text: one block per SIN, no child's name or any identifying detail."""
    count = len(notifications)
    lines = [
        f"{count} serious incident notification{'s' if count != 1 else ''} submitted since "
        f"{long_date(timezone.localdate(since))}:",
        "",
    ]
    for notification in notifications:
        review = getattr(notification, "rapid_review", None)
        incident = notification.incident_date
        lines += [
            f"{notification.reference}",
            f"  Local authority: {notification.local_authority}",
            f"  Reason: {notification.get_reason_display()}",
            f"  Incident date: {long_date(incident) if incident else 'Not known'}",
            f"  Death of a looked-after child: {_yes_no(notification.child_looked_after_death)}",
            "  Rapid review needed: " + _review_needed(notification, review),
            f"  {settings.SITE_URL}"
            + reverse("notifications:notification-detail", args=[notification.pk]),
            "",
        ]
    lines.append(
        "You get this e-mail each day new notifications are submitted, as a Department for "
        "Education or Ofsted viewer of the Child Safeguarding Practice Review Panel's service."
    )
    return "\n".join(lines) + "\n"


def regulator_digest_send(*, recipient: User, now: datetime) -> RegulatorDigest | None:
    """Send `recipient` their digest for the day of `now`, once: None when it was sent already
    today, or when nothing new was submitted since their last digest (no empty e-mail)."""
    today = timezone.localdate(now)
    try:
        with transaction.atomic():
            # One digest at a time per person: a second worker waits here, then finds today's.
            locked = User.objects.select_for_update().get(pk=recipient.pk)
            if RegulatorDigest.objects.filter(recipient=locked, sent_on=today).exists():
                return None
            last = RegulatorDigest.objects.filter(recipient=locked).order_by("-until").first()
            since = max(last.until if last else locked.date_joined, now - DIGEST_LOOKBACK)
            sins = list(regulator_digest_new_sins(recipient=locked, since=since, until=now))
            if not sins:
                return None
            references = [sin.reference for sin in sins]
            email = email_queue(
                to=[locked.email],
                subject=(
                    "1 new serious incident notification"
                    if len(sins) == 1
                    else f"{len(sins)} new serious incident notifications"
                ),
                body=regulator_digest_body(sins, since=since),
                related=locked,
                dedupe_key=f"regulator-digest-{locked.pk}-{today.isoformat()}",
            )
            digest = RegulatorDigest.objects.create(
                recipient=locked,
                sent_on=today,
                since=since,
                until=now,
                references=references,
                email=email,
            )
            # The digest is a read of these SINs by the viewer: on the audit trail.
            audit_log(
                actor=None,
                action=AuditAction.EXPORT,
                obj=locked,
                changes={"references": references},
                message=f"Daily digest of {len(sins)} new SINs e-mailed to {locked.username}",
            )
            return digest
    except IntegrityError:
        # Another run recorded today's digest between our check and our insert.
        return None


def regulator_digests_send(*, now: datetime | None = None) -> RegulatorDigestResult:
    """Every viewer's digest for the day of `now` (the present when not given)."""
    now = now or timezone.now()
    result = RegulatorDigestResult()
    for recipient in regulator_digest_recipients().order_by("pk"):
        if RegulatorDigest.objects.filter(
            recipient=recipient, sent_on=timezone.localdate(now)
        ).exists():
            result.already_sent.append(recipient.username)
        elif regulator_digest_send(recipient=recipient, now=now):
            result.sent.append(recipient.username)
        else:
            result.nothing_new.append(recipient.username)
    return result
