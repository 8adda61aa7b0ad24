"""The working-day calendar the service counts with: England's bank holidays from the
`holidays` package plus the one-off holidays administrators have added. Services and views
that count working days pass `england_calendar()` to the pure functions of `workingdays`."""

from .models import OneOffHoliday
from .workingdays import WorkingDayCalendar


def england_calendar() -> WorkingDayCalendar:
    """Read afresh each time (one small query), so that a holiday added in the admin counts at
    once in every process."""
    return WorkingDayCalendar(
        extra_holidays=frozenset(OneOffHoliday.objects.values_list("date", flat=True))
    )
