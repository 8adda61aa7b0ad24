"""Dates in sentences, the GOV.UK way: "24 May 2024"."""

from datetime import date

from django.core.exceptions import ValidationError


def long_date(day: date) -> str:
    return f"{day:%-d %B %Y}"


# Every date the service takes, from a form, the API or a list filter, is within these years:
# a slip such as 0001-01-01 or 31/12/9999 is refused with a message rather than stored (an
# extension to 9999 made the review list take 9 seconds) or passed to a query. Each kind of date
# has its own, narrower window beside its timescale (notifications/timescales.py and the like).
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2100, 12, 31)


def date_window_error(
    day: date,
    *,
    subject: str,
    earliest: date = EARLIEST_DATE,
    latest: date = LATEST_DATE,
    earliest_why: str = "",
    latest_why: str = "",
) -> str | None:
    """The GOV.UK message for a date outside [earliest, latest], or None: "Date of the incident
    must be the same as or after 1 January 2018". `*_why` follows the date: ", when …"."""
    if day < earliest:
        return f"{subject} must be the same as or after {long_date(earliest)}{earliest_why}"
    if day > latest:
        return f"{subject} must be the same as or before {long_date(latest)}{latest_why}"
    return None


def validate_date_in_service_range(day: date | None) -> None:
    """A Django (and DRF) field validator: the date is within the service's years."""
    if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(
            f"Enter a date from {long_date(EARLIEST_DATE)} to {long_date(LATEST_DATE)}",
            code="date_out_of_range",
        )
