"""The rapid review's statutory timescale (DOMAIN.md §1): the constant and the functions that
apply it, written once. Pure: dates and a working-day calendar in, no database."""

from datetime import date

from dateutil.relativedelta import relativedelta

from safeguarding.workingdays import ENGLAND, WorkingDayCalendar

# The partnership sends its rapid review within 15 working days of the SIN.
RAPID_REVIEW_DEADLINE_WORKING_DAYS = 15

# A review still to submit is "due soon" from today up to this many working days on.
DUE_SOON_WORKING_DAYS = 5

# An extension moves the due date by at most this much: a later date is a slip (9999), not a plan.
EXTENSION_MAX_YEARS = 2


def extension_latest_date(due_date: date) -> date:
    """The latest date an extension may move the review's due date to."""
    return due_date + relativedelta(years=EXTENSION_MAX_YEARS)


def rapid_review_due_date(clock_started_on: date, calendar: WorkingDayCalendar = ENGLAND) -> date:
    """The review's (original) due date: the 15th working day after the SIN."""
    return calendar.add_working_days(clock_started_on, RAPID_REVIEW_DEADLINE_WORKING_DAYS)


def rapid_review_working_days_taken(
    clock_started_on: date, submitted_on: date, calendar: WorkingDayCalendar = ENGLAND
) -> int:
    """Working days from the SIN to the review's submission."""
    return calendar.working_days_between(clock_started_on, submitted_on)
