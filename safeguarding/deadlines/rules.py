"""Every deadline rule, in one place. Each is a small, named, pure function of a case, "today"
and the working-day calendar that answers "is a reminder due today, and for which deadline?"
(an `Occurrence`), or None. The sweep (`engine.deadline_sweep`) asks each rule about the
cases still running and records what it answers; the `Reminder` table's unique constraint on
(object, rule, due date, repeat) makes each answer go out once, however often it is asked.

Reminders go out on working days only: on a weekend or bank holiday every rule answers None,
and the next working day's sweep catches up. A rule whose day was missed (the sweep did not
run) fires on the next sweep while its window lasts, but never for a window already passed:
a review due tomorrow gets the 1-day reminder, not a late 5-day one as well.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import wraps
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from lcsprs.models import Lcspr
from lcsprs.timescales import PANEL_NOTICE_DAYS
from notifications.models import Notification
from notifications.timescales import notification_due_date
from rapidreviews.models import RapidReview, RapidReviewExtension
from safeguarding.codes import Role
from safeguarding.dates import long_date
from safeguarding.models import User
from safeguarding.workingdays import WorkingDayCalendar

# Named timescales (DOMAIN.md §1 and issue 6).
RAPID_REVIEW_REMINDER_WORKING_DAYS = (5, 1, 0)
ESCALATION_REPEAT_DAYS = 7
EXTENSION_DECISION_WORKING_DAYS = 2
LCSPR_DUE_SOON = relativedelta(months=1)
# A late SIN is flagged to the Panel if it was submitted within this many days of the sweep:
# enough to catch up after an outage, not so much that a new deployment flags old cases.
LATE_SIN_LOOKBACK_DAYS = 30


@dataclass(frozen=True)
class Occurrence:
    """A reminder due today: which deadline it is about, and which weekly repeat (0: none)."""

    due_date: date
    repeat: int = 0


Check = Callable[[Any, date, WorkingDayCalendar], Occurrence | None]


def working_days_only(check: Check) -> Check:
    """Reminders go out on working days: on other days the rule answers None."""

    @wraps(check)
    def wrapper(obj: Any, today: date, calendar: WorkingDayCalendar) -> Occurrence | None:
        if not calendar.is_working_day(today):
            return None
        return check(obj, today, calendar)

    return wrapper


# --- Rapid reviews: 15 working days after the SIN, or the extended due date ----------------


def _review_running(review: RapidReview) -> bool:
    return review.status != RapidReview.Status.SUBMITTED


def _working_days_left(review: RapidReview, today: date, calendar: WorkingDayCalendar) -> int:
    return calendar.working_days_between(today, review.due_date)


@working_days_only
def rapid_review_due_in_5_working_days(review, today, calendar):
    """5 working days before the due date (or the first sweep after, while 2-5 remain)."""
    if _review_running(review) and 1 < _working_days_left(review, today, calendar) <= 5:
        return Occurrence(review.due_date)
    return None


@working_days_only
def rapid_review_due_in_1_working_day(review, today, calendar):
    """The working day before the due date."""
    if _review_running(review) and _working_days_left(review, today, calendar) == 1:
        return Occurrence(review.due_date)
    return None


@working_days_only
def rapid_review_due_today(review, today, calendar):
    """On the due date (when it is a working day; an extension could set any date)."""
    if _review_running(review) and review.due_date == today:
        return Occurrence(review.due_date)
    return None


def _first_working_day_after(day: date, calendar: WorkingDayCalendar) -> date:
    return calendar.add_working_days(day, 1)


@working_days_only
def rapid_review_overdue(review, today, calendar):
    """The first working day after the due date (or the first sweep after that)."""
    if _review_running(review) and today >= _first_working_day_after(review.due_date, calendar):
        return Occurrence(review.due_date)
    return None


@working_days_only
def rapid_review_overdue_weekly(review, today, calendar):
    """Each week after the first escalation while the review is overdue: repeat 1 a week after
    it, repeat 2 a fortnight after, and so on (on the next working day when that is not one)."""
    if not _review_running(review):
        return None
    first = _first_working_day_after(review.due_date, calendar)
    weeks = (today - first).days // ESCALATION_REPEAT_DAYS
    if weeks >= 1:
        return Occurrence(review.due_date, repeat=weeks)
    return None


@working_days_only
def extension_pending_over_2_working_days(extension, today, calendar):
    """An extension request still waiting for the secretariat's decision more than 2 working
    days after it was made."""
    if extension.status != RapidReviewExtension.Status.PENDING:
        return None
    requested_on = timezone.localdate(extension.requested_at)
    if calendar.working_days_between(requested_on, today) > EXTENSION_DECISION_WORKING_DAYS:
        return Occurrence(calendar.add_working_days(requested_on, EXTENSION_DECISION_WORKING_DAYS))
    return None


# --- LCSPRs: published within 6 months; the final report at least 7 days before ----------


def _lcspr_running(lcspr: Lcspr) -> bool:
    return lcspr.status != Lcspr.Status.PUBLISHED


@working_days_only
def lcspr_due_within_1_month(lcspr, today, calendar):
    """Not published, and the 6-month due date is a month away or less (not yet past)."""
    if _lcspr_running(lcspr) and lcspr.due_date - LCSPR_DUE_SOON <= today <= lcspr.due_date:
        return Occurrence(lcspr.due_date)
    return None


@working_days_only
def lcspr_overdue(lcspr, today, calendar):
    """Not published by its due date."""
    if _lcspr_running(lcspr) and today > lcspr.due_date:
        return Occurrence(lcspr.due_date)
    return None


@working_days_only
def lcspr_final_report_not_received(lcspr, today, calendar):
    """Publication is planned in 7 days or less and the Panel has no final report."""
    deadline = lcspr.final_report_due_date
    if deadline and lcspr.final_report_received_on is None and today >= deadline:
        return Occurrence(deadline)
    return None


# --- SINs: within 5 working days of the local authority becoming aware ------------------------


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


# --- Who is told ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Audience:
    people: tuple[User, ...]
    emails: tuple[str, ...]

    def __add__(self, other: Audience) -> Audience:
        return Audience(self.people + other.people, self.emails + other.emails)


def partnership_leads(partnership) -> Audience:
    people = tuple(
        User.objects.filter(role=Role.PARTNERSHIP_LEAD, partnership=partnership, is_active=True)
    )
    emails = [u.email for u in people if u.email] + [partnership.email]
    return Audience(people, tuple(e for e in emails if e))


def panel_secretariat() -> Audience:
    people = tuple(User.objects.filter(role=Role.PANEL_SECRETARIAT, is_active=True))
    emails = [u.email for u in people if u.email] + [settings.PANEL_INBOX_EMAIL]
    return Audience(people, tuple(e for e in emails if e))


def local_authority_users(local_authority) -> Audience:
    people = tuple(
        User.objects.filter(role=Role.LA_USER, local_authority=local_authority, is_active=True)
    )
    return Audience(people, tuple(u.email for u in people if u.email))


# --- The rules, with what each finds, tells and whom --------------------------------------


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    url: str


@dataclass(frozen=True)
class Rule:
    name: str
    check: Check
    # The cases worth asking about on a day: a database filter, so that closed cases are
    # never loaded.
    candidates: Callable[[date], models.QuerySet]
    audience: Callable[[Any], Audience]
    message: Callable[[Any, Occurrence, date], Message]
    # The case whose history shows the reminder (an extension's is its review's).
    case: Callable[[Any], models.Model] = lambda obj: obj

    @property
    def description(self) -> str:
        return (self.check.__doc__ or "").strip()


def _running_reviews(today: date) -> models.QuerySet:
    return RapidReview.objects.exclude(status=RapidReview.Status.SUBMITTED).select_related(
        "notification__local_authority", "partnership"
    )


def _review_url(review: RapidReview) -> str:
    return reverse("rapidreviews:review-detail", args=[review.pk])


def _review_due_message(when: str) -> Callable[[RapidReview, Occurrence, date], Message]:
    def message(review: RapidReview, occurrence: Occurrence, today: date) -> Message:
        reference = review.notification.reference
        extended = (
            f" (extended from {long_date(review.original_due_date)})"
            if review.due_date != review.original_due_date
            else ""
        )
        return Message(
            subject=f"{reference}: rapid review due {when}",
            body=(
                f"The rapid review for {reference} is due with the Panel {when}: "
                f"{long_date(occurrence.due_date)}{extended}. If you need more time, ask for an "
                "extension from the review's page."
            ),
            url=_review_url(review),
        )

    return message


def _review_overdue_message(review: RapidReview, occurrence: Occurrence, today: date) -> Message:
    reference = review.notification.reference
    again = f" (week {occurrence.repeat + 1})" if occurrence.repeat else ""
    return Message(
        subject=f"{reference}: rapid review overdue{again}",
        body=(
            f"The rapid review for {reference} by {review.partnership} was due with the Panel on "
            f"{long_date(occurrence.due_date)} and has not been submitted."
            + (
                f" Its original due date was {long_date(review.original_due_date)}."
                if review.due_date != review.original_due_date
                else ""
            )
        ),
        url=_review_url(review),
    )


def _pending_extensions(today: date) -> models.QuerySet:
    return RapidReviewExtension.objects.filter(
        status=RapidReviewExtension.Status.PENDING
    ).select_related("review__notification", "review__partnership")


def _extension_message(extension, occurrence: Occurrence, today: date) -> Message:
    review = extension.review
    requested_on = timezone.localdate(extension.requested_at)
    return Message(
        subject=f"{review.notification.reference}: extension request waiting for a decision",
        body=(
            f"{review.partnership} asked for an extension to the rapid review for "
            f"{review.notification.reference} on {long_date(requested_on)}, "
            f"to {long_date(extension.proposed_date)}. It has waited more than "
            f"{EXTENSION_DECISION_WORKING_DAYS} working days for a decision."
        ),
        url=_review_url(review),
    )


def _running_lcsprs(today: date) -> models.QuerySet:
    return Lcspr.objects.exclude(status=Lcspr.Status.PUBLISHED).select_related(
        "rapid_review__notification", "partnership"
    )


def _lcspr_url(lcspr: Lcspr) -> str:
    return reverse("lcsprs:lcspr-detail", args=[lcspr.pk])


def _lcspr_due_soon_message(lcspr: Lcspr, occurrence: Occurrence, today: date) -> Message:
    reference = lcspr.rapid_review.notification.reference
    return Message(
        subject=f"{reference}: LCSPR due to be published by {long_date(occurrence.due_date)}",
        body=(
            f"The LCSPR for {reference} should be published by {long_date(occurrence.due_date)}, "
            "6 months after the rapid review. Send the final report to the Panel at least "
            f"{PANEL_NOTICE_DAYS} days before publication."
        ),
        url=_lcspr_url(lcspr),
    )


def _lcspr_overdue_message(lcspr: Lcspr, occurrence: Occurrence, today: date) -> Message:
    reference = lcspr.rapid_review.notification.reference
    return Message(
        subject=f"{reference}: LCSPR not published by its due date",
        body=(
            f"The LCSPR for {reference} by {lcspr.partnership} was due to be published by "
            f"{long_date(occurrence.due_date)} and is recorded as "
            f"{lcspr.get_status_display().lower()}."
        ),
        url=_lcspr_url(lcspr),
    )


def _final_report_message(lcspr: Lcspr, occurrence: Occurrence, today: date) -> Message:
    reference = lcspr.rapid_review.notification.reference
    return Message(
        subject=f"{reference}: LCSPR final report not yet with the Panel",
        body=(
            f"The LCSPR for {reference} is planned for publication on "
            f"{long_date(lcspr.planned_publication_date)}. The Panel must receive the final report "
            f"at least {PANEL_NOTICE_DAYS} days before, by {long_date(occurrence.due_date)}, and "
            "has not recorded receiving it."
        ),
        url=_lcspr_url(lcspr),
    )


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
                f"{when}: it must reach the Panel within 5 working days of the local authority "
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


def _leads_of(obj) -> Audience:
    return partnership_leads(obj.partnership)


def _leads_and_secretariat(obj) -> Audience:
    return partnership_leads(obj.partnership) + panel_secretariat()


RULES: tuple[Rule, ...] = (
    Rule(
        "rapid_review_due_in_5_working_days",
        rapid_review_due_in_5_working_days,
        _running_reviews,
        _leads_of,
        _review_due_message("in 5 working days"),
    ),
    Rule(
        "rapid_review_due_in_1_working_day",
        rapid_review_due_in_1_working_day,
        _running_reviews,
        _leads_of,
        _review_due_message("on the next working day"),
    ),
    Rule(
        "rapid_review_due_today",
        rapid_review_due_today,
        _running_reviews,
        _leads_of,
        _review_due_message("today"),
    ),
    Rule(
        "rapid_review_overdue",
        rapid_review_overdue,
        _running_reviews,
        _leads_and_secretariat,
        _review_overdue_message,
    ),
    Rule(
        "rapid_review_overdue_weekly",
        rapid_review_overdue_weekly,
        _running_reviews,
        _leads_and_secretariat,
        _review_overdue_message,
    ),
    Rule(
        "extension_pending_over_2_working_days",
        extension_pending_over_2_working_days,
        _pending_extensions,
        lambda extension: panel_secretariat(),
        _extension_message,
        case=lambda extension: extension.review,
    ),
    Rule(
        "lcspr_due_within_1_month",
        lcspr_due_within_1_month,
        _running_lcsprs,
        _leads_of,
        _lcspr_due_soon_message,
    ),
    Rule(
        "lcspr_overdue",
        lcspr_overdue,
        _running_lcsprs,
        _leads_and_secretariat,
        _lcspr_overdue_message,
    ),
    Rule(
        "lcspr_final_report_not_received",
        lcspr_final_report_not_received,
        lambda today: _running_lcsprs(today).filter(
            final_report_received_on__isnull=True, planned_publication_date__isnull=False
        ),
        _leads_and_secretariat,
        _final_report_message,
    ),
    Rule(
        "sin_draft_due_within_1_working_day",
        sin_draft_due_within_1_working_day,
        _draft_sins,
        lambda notification: local_authority_users(notification.local_authority),
        _draft_sin_message("due within 1 working day"),
    ),
    Rule(
        "sin_draft_overdue",
        sin_draft_overdue,
        _draft_sins,
        lambda notification: local_authority_users(notification.local_authority),
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

RULE_BY_NAME = {rule.name: rule for rule in RULES}


def rule_names() -> Iterable[str]:
    return RULE_BY_NAME.keys()
