"""The SIN's deadline rules (notified within 5 working days of the local authority becoming
aware), registered with the kernel's deadline engine (`safeguarding.deadlines`) from
`NotificationsConfig.ready()`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from django.db import models
from django.urls import reverse
from django.utils import timezone

from safeguarding.audiences import authority_users, panel_secretariat
from safeguarding.dates import long_date
from safeguarding.deadlines.rules import Message, Occurrence, Rule, register, working_days_only

from .models import Notification
from .timescales import SIN_DEADLINE_WORKING_DAYS, notification_due_date

# A late SIN is flagged to the Panel if it was submitted within this many days of the sweep:
# enough to catch up after an outage, not so much that a new deployment flags old cases.
LATE_SIN_LOOKBACK_DAYS = 30


# --- The rules --------------------------------------------------------------------------------


@working_days_only
def sin_draft_due_within_1_working_day(notification, today, calendar):
    """A draft SIN whose 5th working day is today or the next working day."""
    if notification.status != Notification.Status.DRAFT or notification.date_aware is None:
        return None
    due = notification_due_date(notification.date_aware, calendar)
    if today <= due and calendar.working_days_between(today, due) <= 1:
        return Occurrence(due)
    return None


@working_days_only
def sin_draft_overdue(notification, today, calendar):
    """A draft SIN past its 5th working day."""
    if notification.status != Notification.Status.DRAFT or notification.date_aware is None:
        return None
    due = notification_due_date(notification.date_aware, calendar)
    if today > due:
        return Occurrence(due)
    return None


@working_days_only
def sin_recorded_late(notification, today, calendar):
    """A SIN submitted after its 5th working day, flagged to the Panel with the reason given."""
    if notification.status != Notification.Status.SUBMITTED or notification.notified_on_time:
        return None
    submitted_on = timezone.localdate(notification.notified_at)
    # Not yet submitted as of `today` (a sweep run as of an earlier day), or too long ago.
    if not 0 <= (today - submitted_on).days <= LATE_SIN_LOOKBACK_DAYS:
        return None
    return Occurrence(notification_due_date(notification.date_aware, calendar))


# --- What each finds and tells ----------------------------------------------------------------


def _draft_sins(today: date) -> models.QuerySet:
    return Notification.objects.filter(
        status=Notification.Status.DRAFT, date_aware__isnull=False
    ).select_related("local_authority")


def _sin_url(notification: Notification) -> str:
    return reverse("notifications:notification-detail", args=[notification.pk])


def _draft_sin_message(when: str) -> Callable[[Notification, Occurrence, date], Message]:
    def message(notification: Notification, occurrence: Occurrence, today: date) -> Message:
        return Message(
            subject=f"Draft notification {when}",
            body=(
                f"A draft serious incident notification for {notification.local_authority} is "
                f"{when}: it must reach the Panel within {SIN_DEADLINE_WORKING_DAYS} working "
                "days of the local authority "
                f"becoming aware ({long_date(notification.date_aware)}), by "
                f"{long_date(occurrence.due_date)}. Submit it, with the reason if it is late."
            ),
            url=_sin_url(notification),
        )

    return message


def _late_sins(today: date) -> models.QuerySet:
    return Notification.objects.filter(
        status=Notification.Status.SUBMITTED,
        notified_on_time=False,
        notified_at__date__gte=today - timedelta(days=LATE_SIN_LOOKBACK_DAYS + 1),
    ).select_related("local_authority")


def _late_sin_message(notification: Notification, occurrence: Occurrence, today: date) -> Message:
    return Message(
        subject=f"{notification.reference}: notified late by {notification.local_authority}",
        body=(
            f"{notification.local_authority} notified {notification.reference} "
            f"{notification.working_days_to_notify} working days after becoming aware "
            f"(due by {long_date(occurrence.due_date)}). The reason given: "
            f"{notification.lateness_reason or 'none recorded'}"
        ),
        url=_sin_url(notification),
    )


RULES: tuple[Rule, ...] = (
    Rule(
        "sin_draft_due_within_1_working_day",
        sin_draft_due_within_1_working_day,
        _draft_sins,
        lambda notification: authority_users(notification.local_authority),
        _draft_sin_message("due within 1 working day"),
    ),
    Rule(
        "sin_draft_overdue",
        sin_draft_overdue,
        _draft_sins,
        lambda notification: authority_users(notification.local_authority),
        _draft_sin_message("overdue"),
    ),
    Rule(
        "sin_recorded_late",
        sin_recorded_late,
        _late_sins,
        lambda notification: panel_secretariat(),
        _late_sin_message,
    ),
)

# Last in the sweep, after the rapid review's and the LCSPR's rules.
register(*RULES, order=30)
