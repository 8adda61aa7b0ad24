"""England's working-day calendar (DOMAIN.md §1): Monday to Friday, less the bank holidays
in England from the `holidays` package (substitute days and one-off holidays included).

Pure functions with no database access. Day 1 is the first working day *after* the start
event, so a SIN sent on the Friday before a bank-holiday Monday has day 1 on the Tuesday.
One-off holidays that an administrator adds (say, a newly announced bank holiday before the
package knows of it) are passed in as a `WorkingDayCalendar(extra_holidays=…)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays

_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=256)
def bank_holidays(year: int) -> dict[date, str]:
    """England's bank holidays in a year, from the `holidays` package, with their names."""
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year))


@dataclass(frozen=True)
class WorkingDayCalendar:
    extra_holidays: frozenset[date] = field(default_factory=frozenset)

    def is_holiday(self, day: date) -> bool:
        return day in self.extra_holidays or day in bank_holidays(day.year)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and not self.is_holiday(day)

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (before it when n is negative).

        n == 0 returns `start` itself, working day or not.
        """
        step = _ONE_DAY if n >= 0 else -_ONE_DAY
        day, remaining = start, abs(n)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`: the "working days taken" from
        an event on `start` to an action on `end`. Negative when `end` is before `start`."""
        if end < start:
            return -self.working_days_between(end, start)
        full_weeks, remainder = divmod((end - start).days, 7)
        weekdays = full_weeks * 5 + sum(
            1 for i in range(1, remainder + 1) if (start + i * _ONE_DAY).weekday() < 5
        )
        holidays_in_range = set(self.extra_holidays).union(
            *(bank_holidays(year) for year in range(start.year, end.year + 1))
        )
        holidays_on_weekdays = {
            day for day in holidays_in_range if start < day <= end and day.weekday() < 5
        }
        return weekdays - len(holidays_on_weekdays)

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day


ENGLAND = WorkingDayCalendar()


def is_working_day(day: date, calendar: WorkingDayCalendar = ENGLAND) -> bool:
    return calendar.is_working_day(day)


def add_working_days(start: date, n: int, calendar: WorkingDayCalendar = ENGLAND) -> date:
    return calendar.add_working_days(start, n)


def working_days_between(start: date, end: date, calendar: WorkingDayCalendar = ENGLAND) -> int:
    return calendar.working_days_between(start, end)
