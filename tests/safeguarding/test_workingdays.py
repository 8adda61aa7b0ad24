from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notifications.timescales import SIN_DEADLINE_WORKING_DAYS
from rapidreviews.timescales import RAPID_REVIEW_DEADLINE_WORKING_DAYS
from safeguarding.workingdays import (
    WorkingDayCalendar,
    add_working_days,
    is_working_day,
    working_days_between,
)

dates = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2024, 3, 29), False),  # Good Friday
        (date(2024, 4, 1), False),  # Easter Monday
        (date(2024, 4, 2), True),
        (date(2022, 12, 26), False),  # Boxing Day
        (date(2022, 12, 27), False),  # substitute day for Christmas Day on a Sunday
        (date(2020, 5, 8), False),  # VE Day: the early May bank holiday moved to a Friday
        (date(2020, 5, 4), True),  # ...so the first Monday of May 2020 was a working day
        (date(2022, 9, 19), False),  # one-off: the State Funeral of Queen Elizabeth II
        (date(2022, 6, 3), False),  # one-off: Platinum Jubilee
        (date(2023, 5, 8), False),  # one-off: Coronation of King Charles III
        (date(2024, 11, 23), False),  # a Saturday
        (date(2024, 11, 25), True),  # a Monday
        (date(2024, 3, 18), True),  # St Patrick's Day substitute is Northern Ireland only
    ],
)
def test_is_working_day_knows_englands_bank_holidays(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Day 1 is the first working day after the start event.
        (date(2024, 11, 18), 1, date(2024, 11, 19)),
        # A SIN on the Friday before a bank-holiday Monday has day 1 on the Tuesday.
        (date(2024, 5, 24), 1, date(2024, 5, 28)),
        # ...and its rapid review is due 15 working days later.
        (date(2024, 5, 24), 15, date(2024, 6, 17)),
        # Easter 2024: Maundy Thursday to the Tuesday after Easter Monday.
        (date(2024, 3, 28), 1, date(2024, 4, 2)),
        (date(2024, 3, 27), 5, date(2024, 4, 5)),
        # Christmas 2022: Christmas Day on a Sunday, substitute on Tuesday 27th.
        (date(2022, 12, 23), 1, date(2022, 12, 28)),
        (date(2022, 12, 22), 5, date(2023, 1, 3)),  # 23, 28, 29, 30 Dec, (2 Jan holiday), 3 Jan
        # An event on a Saturday: day 1 is Monday.
        (date(2024, 11, 23), 1, date(2024, 11, 25)),
        (date(2024, 11, 23), 0, date(2024, 11, 23)),
        # Backwards: 5 working days before a due date.
        (date(2024, 6, 17), -5, date(2024, 6, 10)),
        (date(2024, 4, 2), -1, date(2024, 3, 28)),
    ],
)
def test_add_working_days_worked_examples(start, n, expected):
    assert add_working_days(start, n) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2024, 11, 18), date(2024, 11, 18), 0),
        (date(2024, 11, 18), date(2024, 11, 25), 5),  # Monday to Monday: on time for a SIN
        (date(2024, 11, 18), date(2024, 11, 26), 6),  # a day late
        (date(2024, 3, 28), date(2024, 4, 2), 1),  # over Easter
        (date(2022, 12, 23), date(2023, 1, 3), 4),  # over Christmas and New Year
        (date(2024, 11, 25), date(2024, 11, 18), -5),
    ],
)
def test_working_days_between_worked_examples(start, end, expected):
    assert working_days_between(start, end) == expected


def test_deadline_lengths_are_the_statutory_ones():
    assert SIN_DEADLINE_WORKING_DAYS == 5
    assert RAPID_REVIEW_DEADLINE_WORKING_DAYS == 15


def test_extra_holiday_moves_a_due_date():
    announced = WorkingDayCalendar(extra_holidays=frozenset({date(2024, 6, 3)}))
    assert add_working_days(date(2024, 5, 24), 15) == date(2024, 6, 17)
    assert announced.add_working_days(date(2024, 5, 24), 15) == date(2024, 6, 18)
    assert not announced.is_working_day(date(2024, 6, 3))
    assert announced.working_days_between(date(2024, 5, 31), date(2024, 6, 4)) == 1


@given(start=dates, n=st.integers(min_value=1, max_value=300))
def test_add_working_days_lands_on_a_working_day(start, n):
    assert is_working_day(add_working_days(start, n))


@given(start=dates, n=st.integers(min_value=0, max_value=300))
def test_counting_back_the_days_added_gives_n(start, n):
    assert working_days_between(start, add_working_days(start, n)) == n


@given(start=dates, n=st.integers(min_value=1, max_value=300))
def test_adding_then_subtracting_returns_to_the_previous_working_day(start, n):
    back = add_working_days(add_working_days(start, n), -n)
    assert back <= start
    assert is_working_day(back)
    assert working_days_between(back, start) == 0


@given(a=dates, b=dates)
def test_working_days_between_is_antisymmetric(a, b):
    assert working_days_between(a, b) == -working_days_between(b, a)


@given(a=dates, b=dates)
def test_working_days_between_counts_working_days_one_by_one(a, b):
    lo, hi = min(a, b), max(a, b)
    if (hi - lo).days > 400:
        hi = lo + timedelta(days=400)
    counted = sum(is_working_day(lo + timedelta(days=i)) for i in range(1, (hi - lo).days + 1))
    assert working_days_between(lo, hi) == counted


@given(a=dates, b=dates, c=dates)
def test_working_days_between_is_additive(a, b, c):
    assert working_days_between(a, c) == working_days_between(a, b) + working_days_between(b, c)


@given(start=dates, n=st.integers(min_value=1, max_value=100))
def test_day_before_due_date_is_still_within_deadline(start, n):
    due = add_working_days(start, n)
    assert working_days_between(start, due - timedelta(days=1)) == n - 1
