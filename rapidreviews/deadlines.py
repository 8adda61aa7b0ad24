"""The rapid review's deadline rules (DOMAIN.md §1: due 15 working days after the SIN, or on
the extended date), registered with the kernel's deadline engine (`safeguarding.deadlines`)
from `RapidreviewsConfig.ready()`; and moving running due dates when the bank holiday
calendar changes, which the engine asks for after a one-off holiday is added, changed or
removed and before each sweep."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from safeguarding.audiences import Audience, notify, panel_secretariat, partnership_leads
from safeguarding.audit import audit_log
from safeguarding.calendars import england_calendar
from safeguarding.dates import long_date
from safeguarding.deadlines import engine
from safeguarding.deadlines.rules import Message, Occurrence, Rule, register, working_days_only
from safeguarding.models import AuditAction, User
from safeguarding.workingdays import WorkingDayCalendar

from .models import RapidReview, RapidReviewExtension
from .timescales import rapid_review_due_date

# Named timescales (DOMAIN.md §1 and issue 6).
RAPID_REVIEW_REMINDER_WORKING_DAYS = (5, 1, 0)
ESCALATION_REPEAT_DAYS = 7
EXTENSION_DECISION_WORKING_DAYS = 2


# --- The rules: 15 working days after the SIN, or the extended due date -------------------------


def _review_running(review: RapidReview) -> bool:
    # A review closed because its SIN was withdrawn or not progressed is not running.
    return review.status != RapidReview.Status.SUBMITTED and not review.closed_on_withdrawal


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


# --- What each finds and tells --------------------------------------------------------------------


def _running_reviews(today: date) -> models.QuerySet:
    return (
        RapidReview.objects.exclude(status=RapidReview.Status.SUBMITTED)
        .filter(closed_on_withdrawal=False)
        .select_related("notification__local_authority", "partnership")
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
        status=RapidReviewExtension.Status.PENDING, review__closed_on_withdrawal=False
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


def _leads_of(review: RapidReview) -> Audience:
    return partnership_leads(review.partnership)


def _leads_and_secretariat(review: RapidReview) -> Audience:
    return partnership_leads(review.partnership) + panel_secretariat()


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
)

# First in the sweep: the rapid review is the deadline the service exists for.
register(*RULES, order=10)


# --- The calendar changes -----------------------------------------------------------------------


def rapid_review_due_dates_recompute(
    *, calendar: WorkingDayCalendar | None = None, reason: str, by: User | None = None
) -> list[RapidReview]:
    """Move the due dates of rapid reviews still running to what the calendar now says: 15
    working days after the SIN. A review with an approved extension keeps its extended due
    date (a date the secretariat chose) and has its original due date moved. Each move is
    recorded in the review's history; the partnership's leads are told when the date they
    work to moves. Returns the reviews moved."""
    calendar = calendar or england_calendar()
    moved = []
    running = RapidReview.objects.exclude(status=RapidReview.Status.SUBMITTED).values_list(
        "pk", "clock_started_on", "original_due_date"
    )
    for pk, started, original in running:
        if rapid_review_due_date(started, calendar) != original:
            review = _due_date_move(pk, calendar, reason, by)
            if review is not None:
                moved.append(review)
    return moved


@transaction.atomic
def _due_date_move(
    pk: int, calendar: WorkingDayCalendar, reason: str, by: User | None
) -> RapidReview | None:
    review = (
        RapidReview.objects.select_for_update()
        .select_related("notification", "partnership")
        .get(pk=pk)
    )
    expected = rapid_review_due_date(review.clock_started_on, calendar)
    if review.status == RapidReview.Status.SUBMITTED or expected == review.original_due_date:
        return None
    extended = review.extensions.filter(status=RapidReviewExtension.Status.APPROVED).exists()
    changes = {"original_due_date": [review.original_due_date.isoformat(), expected.isoformat()]}
    if extended:
        text = (
            f"Original due date moved from {long_date(review.original_due_date)} to "
            f"{long_date(expected)} because {reason}; the extended due date "
            f"{long_date(review.due_date)} stays"
        )
    else:
        changes["due_date"] = [review.due_date.isoformat(), expected.isoformat()]
        text = (
            f"Due date moved from {long_date(review.due_date)} to {long_date(expected)} "
            f"because {reason}"
        )
        review.due_date = expected
    review.original_due_date = expected
    review.save(update_fields=["due_date", "original_due_date", "updated_at"])
    audit_log(actor=by, action=AuditAction.UPDATE, obj=review, changes=changes, message=text)
    # A review closed on withdrawal still moves (a reinstatement reopens it on the right
    # date), but nothing is due meanwhile, so its leads are not told.
    if not extended and not review.closed_on_withdrawal:
        _tell_leads_of_new_due_date(review, text)
    return review


def _tell_leads_of_new_due_date(review: RapidReview, text: str) -> None:
    url = _review_url(review)
    notify(
        partnership_leads(review.partnership),
        subject=f"{review.notification.reference}: rapid review now due "
        f"{long_date(review.due_date)}",
        body=text,
        url=url,
        email_body=f"{text}.\n\nSign in to see the review: {settings.SITE_URL}{url}\n",
        related=review,
        dedupe_key=f"due-date-moved-{review.pk}-{review.due_date.isoformat()}",
    )


def _moved_summary(reviews: list[RapidReview]) -> str:
    references = ", ".join(review.notification.reference for review in reviews)
    return f"{len(reviews)} rapid review(s) still running: {references}"


engine.register_due_date_mover(
    engine.DueDateMover(
        model=RapidReview, move=rapid_review_due_dates_recompute, summary=_moved_summary
    )
)
