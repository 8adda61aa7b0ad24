"""The SIN's statutory timescale (DOMAIN.md §1): the constant and the functions that apply it,
written once. Pure: dates and a working-day calendar in, no database."""

from datetime import date, timedelta

from safeguarding.workingdays import ENGLAND, WorkingDayCalendar

# The window of each date on a SIN (the rules in rules.py apply them; the latest is always today).
# SINs began with the Children and Social Work Act 2017's Panel: no incident is earlier.
INCIDENT_EARLIEST = date(2018, 1, 1)
# A child under 18 on an incident on or after INCIDENT_EARLIEST was born on or after 2 January
# 2000; the first of January leaves a day's leeway for a date of birth given without an incident.
DATE_OF_BIRTH_EARLIEST = date(2000, 1, 1)

# A SIN is due within 5 working days of the local authority becoming aware of the incident.
SIN_DEADLINE_WORKING_DAYS = 5


def notification_due_date(date_aware: date, calendar: WorkingDayCalendar = ENGLAND) -> date:
    """The last day a SIN is on time: the 5th working day after the LA became aware."""
    return calendar.add_working_days(date_aware, SIN_DEADLINE_WORKING_DAYS)


def notification_aware_cutoff(due_from: date, calendar: WorkingDayCalendar = ENGLAND) -> date:
    """The earliest date of awareness whose SIN is due on or after `due_from`. The due date
    never goes back as the date of awareness moves on, so "due before D" is "aware before
    notification_aware_cutoff(D)": a question the database can answer without due dates."""
    aware = due_from
    while notification_due_date(aware - timedelta(days=1), calendar) >= due_from:
        aware -= timedelta(days=1)
    return aware


def notification_working_days_taken(
    date_aware: date, notified_on: date, calendar: WorkingDayCalendar = ENGLAND
) -> int:
    """Working days from the day the LA became aware to the day it notified the Panel."""
    return calendar.working_days_between(date_aware, notified_on)


def notification_on_time(working_days_taken: int) -> bool:
    """A SIN notified within 5 working days is on time; a later one needs a reason."""
    return working_days_taken <= SIN_DEADLINE_WORKING_DAYS
