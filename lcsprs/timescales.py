"""The LCSPR's statutory timescales (DOMAIN.md §1): the constants and the functions that apply
them, written once. Pure: dates in, no database."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

# Completed and published within 6 months of the rapid review ...
PUBLICATION_DEADLINE_MONTHS = 6
# ... and the final report sent to the Panel at least 7 days before publication.
PANEL_NOTICE_DAYS = 7
# A planned publication date is at most this long after the due date: later is a slip (9999).
PLANNED_PUBLICATION_MAX_YEARS = 2


def lcspr_planned_publication_latest(due_date: date) -> date:
    """The latest planned publication date an LCSPR due on `due_date` may be given."""
    return due_date + relativedelta(years=PLANNED_PUBLICATION_MAX_YEARS)


def lcspr_due_date(clock_started_on: date) -> date:
    """6 calendar months after the rapid review's submission; the month's last day when it is
    shorter (31 August -> 28 or 29 February)."""
    return clock_started_on + relativedelta(months=PUBLICATION_DEADLINE_MONTHS)


def lcspr_final_report_due_date(planned_publication_date: date) -> date:
    """The last day for the Panel to receive the final report: 7 days before publication."""
    return planned_publication_date - timedelta(days=PANEL_NOTICE_DAYS)


def lcspr_panel_notice_passed(
    planned_publication_date: date, *, today: date, received_on: date | None
) -> bool:
    """The day by which the Panel had to have the final report for a publication on
    `planned_publication_date` has passed without it (7 calendar days before publication):
    today is later than that day and the Panel did not receive the report by then."""
    notice_on = lcspr_final_report_due_date(planned_publication_date)
    if received_on is not None and received_on <= notice_on:
        return False
    return today > notice_on
