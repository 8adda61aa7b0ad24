"""The deadline rules (each app's deadlines.py, registered with safeguarding/deadlines/rules.py),
one by one, around weekends and England's bank holidays (DOMAIN.md §1). Each rule is a pure
function of a case, "today" and a working-day calendar, so these tests use unsaved model
instances and explicit calendars: no database.

Bank holidays used below: Christmas 2023 (Mon 25 and Tue 26 December), Easter 2024 (Good
Friday 29 March, Easter Monday 1 April), the early May bank holiday (Mon 6 May 2024), the
spring bank holiday (Mon 27 May 2024) and the summer bank holiday (Mon 26 August 2024).
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from lcsprs import deadlines as lcspr_rules
from lcsprs.models import Lcspr
from notifications import deadlines as sin_rules
from notifications.models import Notification
from rapidreviews import deadlines as review_rules
from rapidreviews.models import PanelStage, RapidReview, RapidReviewExtension
from safeguarding.deadlines.rules import RULE_BY_NAME, RULES, Occurrence
from safeguarding.workingdays import ENGLAND, WorkingDayCalendar

LONDON = ZoneInfo("Europe/London")
UTC = ZoneInfo("UTC")

RUNNING = [RapidReview.Status.NOT_STARTED, RapidReview.Status.DRAFTING]


def review(due: date, status=RapidReview.Status.DRAFTING, original: date | None = None):
    return RapidReview(status=status, due_date=due, original_due_date=original or due)


def extension(requested_at: datetime, status=RapidReviewExtension.Status.PENDING):
    return RapidReviewExtension(
        requested_at=requested_at, status=status, proposed_date=date(2024, 6, 11)
    )


def lcspr(
    due: date,
    status=Lcspr.Status.IN_PROGRESS,
    planned: date | None = None,
    received: date | None = None,
):
    return Lcspr(
        status=status,
        due_date=due,
        planned_publication_date=planned,
        final_report_received_on=received,
    )


def draft_sin(date_aware: date | None):
    return Notification(status=Notification.Status.DRAFT, date_aware=date_aware)


def submitted_sin(date_aware: date, notified_at: datetime, on_time: bool = False):
    return Notification(
        status=Notification.Status.SUBMITTED,
        date_aware=date_aware,
        notified_at=notified_at,
        notified_on_time=on_time,
        working_days_to_notify=7,
    )


def submitted_review(submitted_at: datetime):
    """A review awaiting the Panel's decision (the Panel's decision target rules)."""
    return RapidReview(
        status=RapidReview.Status.SUBMITTED,
        submitted_at=submitted_at,
        panel_stage=PanelStage.AWAITING,
        due_date=date(2024, 4, 30),
        original_due_date=date(2024, 4, 30),
    )


def firing_days(check, obj, days, calendar=ENGLAND):
    """The days among `days` on which the rule answers, with its answer."""
    return {day: answer for day in days if (answer := check(obj, day, calendar)) is not None}


def days_between(first: date, last: date) -> list[date]:
    return [date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1)]


# --- The rules table ---------------------------------------------------------------------------


def test_every_rule_has_a_unique_name_matching_its_check_and_a_description():
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names)) == 14
    assert list(RULE_BY_NAME) == names
    for rule in RULES:
        assert rule.check.__name__ == rule.name
        assert rule.description, f"{rule.name} has no docstring"
        assert rule.description == rule.check.__doc__.strip()


# --- Weekends and bank holidays: every rule is silent -------------------------------------------


def _would_fire_over_the_spring_bank_holiday_weekend(name: str, today: date):
    """A case each rule would answer for on 25, 26 or 27 May 2024, were it a working day."""
    return {
        "rapid_review_due_in_5_working_days": review(date(2024, 5, 31)),
        "rapid_review_due_in_1_working_day": review(date(2024, 5, 28)),
        "rapid_review_due_today": review(today),
        "rapid_review_overdue": review(date(2024, 5, 17)),
        "rapid_review_overdue_weekly": review(date(2024, 5, 10)),
        "extension_pending_over_2_working_days": extension(datetime(2024, 5, 20, 9, tzinfo=LONDON)),
        "lcspr_due_within_1_month": lcspr(date(2024, 6, 14)),
        "lcspr_overdue": lcspr(date(2024, 5, 1)),
        "lcspr_final_report_not_received": lcspr(date(2024, 7, 1), planned=date(2024, 5, 31)),
        "sin_draft_due_within_1_working_day": draft_sin(date(2024, 5, 20)),
        "sin_draft_overdue": draft_sin(date(2024, 5, 1)),
        "sin_recorded_late": submitted_sin(
            date(2024, 5, 1), datetime(2024, 5, 22, 11, tzinfo=LONDON)
        ),
        # Decision targets 30 May and 23 May 2024 (15 working days after submission).
        "panel_decision_target_soon": submitted_review(datetime(2024, 5, 8, 10, tzinfo=LONDON)),
        "panel_decision_target_passed": submitted_review(datetime(2024, 5, 1, 10, tzinfo=LONDON)),
    }[name]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
@pytest.mark.parametrize(
    "today",
    [date(2024, 5, 25), date(2024, 5, 26), date(2024, 5, 27)],
    ids=["saturday", "sunday", "spring-bank-holiday"],
)
def test_no_rule_answers_on_a_weekend_or_bank_holiday(rule, today):
    obj = _would_fire_over_the_spring_bank_holiday_weekend(rule.name, today)
    # The case is one the rule would answer for on a working day...
    assert rule.check.__wrapped__(obj, today, ENGLAND) is not None
    # ...but reminders only go out on working days.
    assert rule.check(obj, today, ENGLAND) is None


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_a_one_off_holiday_silences_every_rule_that_day(rule):
    today = date(2024, 5, 24)  # a Friday; made a one-off bank holiday
    obj = _would_fire_over_the_spring_bank_holiday_weekend(rule.name, today)
    assert rule.check(obj, today, ENGLAND) is not None
    one_off = WorkingDayCalendar(extra_holidays=frozenset({today}))
    assert rule.check(obj, today, one_off) is None


# --- Rapid reviews: 5 working days, 1 working day, due today -------------------------------------


def test_1_day_reminder_skips_the_spring_bank_holiday():
    # Due Tue 28 May 2024; Mon 27 May is the spring bank holiday, so the working day before
    # the due date is Fri 24 May.
    due = date(2024, 5, 28)
    fired = firing_days(
        review_rules.rapid_review_due_in_1_working_day,
        review(due),
        days_between(date(2024, 5, 20), date(2024, 5, 31)),
    )
    assert fired == {date(2024, 5, 24): Occurrence(due)}


def test_1_day_reminder_skips_christmas():
    # Due Wed 27 Dec 2023: the working day before is Fri 22 Dec (25 and 26 Dec are holidays).
    due = date(2023, 12, 27)
    fired = firing_days(
        review_rules.rapid_review_due_in_1_working_day,
        review(due),
        days_between(date(2023, 12, 18), date(2023, 12, 29)),
    )
    assert fired == {date(2023, 12, 22): Occurrence(due)}


def test_1_day_reminder_skips_easter():
    # Due Tue 2 Apr 2024: the working day before is Thu 28 Mar (Good Friday, Easter Monday).
    due = date(2024, 4, 2)
    fired = firing_days(
        review_rules.rapid_review_due_in_1_working_day,
        review(due),
        days_between(date(2024, 3, 25), date(2024, 4, 5)),
    )
    assert fired == {date(2024, 3, 28): Occurrence(due)}


def test_5_day_reminder_window_and_catch_up():
    # Due Tue 28 May 2024. 5 working days before: Mon 20 May (21, 22, 23, 24, 28). A sweep
    # that missed that day catches up while 2-5 working days remain (to Thu 23 May) but not
    # with 1 left (Fri 24 May: the 1-day reminder's day) or on the due date.
    due = date(2024, 5, 28)
    fired = firing_days(
        review_rules.rapid_review_due_in_5_working_days,
        review(due),
        days_between(date(2024, 5, 13), date(2024, 5, 31)),
    )
    assert sorted(fired) == [date(2024, 5, d) for d in (20, 21, 22, 23)]
    assert set(fired.values()) == {Occurrence(due)}


def test_5_day_reminder_counts_christmas_as_not_working():
    # Due Wed 27 Dec 2023: 5 working days before is Mon 18 Dec (19, 20, 21, 22, 27).
    due = date(2023, 12, 27)
    check = review_rules.rapid_review_due_in_5_working_days
    assert check(review(due), date(2023, 12, 15), ENGLAND) is None  # 6 left
    assert check(review(due), date(2023, 12, 18), ENGLAND) == Occurrence(due)
    assert check(review(due), date(2023, 12, 21), ENGLAND) == Occurrence(due)  # 2 left
    assert check(review(due), date(2023, 12, 22), ENGLAND) is None  # 1 left


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2024, 5, 16), None),  # 7 working days left
        (date(2024, 5, 17), None),  # 6 left
        (date(2024, 5, 20), "5-day"),
        (date(2024, 5, 23), "5-day"),  # 2 left: still catching up
        (date(2024, 5, 24), "1-day"),  # exactly 1 left
        (date(2024, 5, 28), "today"),
        (date(2024, 5, 29), None),  # past: the overdue rule's business
    ],
)
def test_only_one_of_the_before_due_reminders_answers_each_day(today, expected):
    due = date(2024, 5, 28)
    answers = {
        "5-day": review_rules.rapid_review_due_in_5_working_days(review(due), today, ENGLAND),
        "1-day": review_rules.rapid_review_due_in_1_working_day(review(due), today, ENGLAND),
        "today": review_rules.rapid_review_due_today(review(due), today, ENGLAND),
    }
    fired = [name for name, answer in answers.items() if answer is not None]
    assert fired == ([expected] if expected else [])


def test_due_today_answers_on_the_due_date_only():
    due = date(2024, 5, 28)
    fired = firing_days(
        review_rules.rapid_review_due_today,
        review(due),
        days_between(date(2024, 5, 20), date(2024, 6, 7)),
    )
    assert fired == {due: Occurrence(due)}


@pytest.mark.parametrize("status", RUNNING)
def test_a_running_review_of_any_status_gets_reminders(status):
    due = date(2024, 5, 28)
    assert review_rules.rapid_review_due_today(review(due, status), due, ENGLAND) == Occurrence(due)
    assert review_rules.rapid_review_overdue(review(due, status), date(2024, 5, 29), ENGLAND) == (
        Occurrence(due)
    )


@pytest.mark.parametrize(
    ("check", "due", "today"),
    [
        (review_rules.rapid_review_due_in_5_working_days, date(2024, 5, 28), date(2024, 5, 20)),
        (review_rules.rapid_review_due_in_1_working_day, date(2024, 5, 28), date(2024, 5, 24)),
        (review_rules.rapid_review_due_today, date(2024, 5, 28), date(2024, 5, 28)),
        (review_rules.rapid_review_overdue, date(2024, 5, 24), date(2024, 5, 28)),
        (review_rules.rapid_review_overdue_weekly, date(2024, 5, 24), date(2024, 6, 4)),
    ],
    ids=lambda value: getattr(value, "__name__", str(value)),
)
def test_a_submitted_review_never_gets_a_reminder(check, due, today):
    assert check(review(due), today, ENGLAND) is not None
    assert check(review(due, RapidReview.Status.SUBMITTED), today, ENGLAND) is None


# --- Rapid reviews: overdue, and the weekly escalation ------------------------------------------


def test_overdue_escalates_on_the_first_working_day_after_the_due_date():
    # Due Fri 24 May 2024: the weekend and the spring bank holiday pass, then Tue 28 May.
    due = date(2024, 5, 24)
    check = review_rules.rapid_review_overdue
    for quiet in days_between(date(2024, 5, 20), date(2024, 5, 27)):
        assert check(review(due), quiet, ENGLAND) is None, quiet
    assert check(review(due), date(2024, 5, 28), ENGLAND) == Occurrence(due)
    # The first sweep after that still answers (the same occurrence, so it goes out once).
    assert check(review(due), date(2024, 6, 5), ENGLAND) == Occurrence(due)


def test_overdue_after_christmas_and_after_easter():
    check = review_rules.rapid_review_overdue
    # Due Fri 22 Dec 2023: 25 and 26 Dec are holidays, so Wed 27 Dec.
    assert check(review(date(2023, 12, 22)), date(2023, 12, 26), ENGLAND) is None
    assert check(review(date(2023, 12, 22)), date(2023, 12, 27), ENGLAND) == Occurrence(
        date(2023, 12, 22)
    )
    # Due Thu 28 Mar 2024: Good Friday and Easter Monday pass, so Tue 2 Apr.
    assert check(review(date(2024, 3, 28)), date(2024, 3, 29), ENGLAND) is None
    assert check(review(date(2024, 3, 28)), date(2024, 4, 1), ENGLAND) is None
    assert check(review(date(2024, 3, 28)), date(2024, 4, 2), ENGLAND) == Occurrence(
        date(2024, 3, 28)
    )


def test_weekly_escalation_numbers_each_week_from_the_first_escalation():
    # Due Fri 24 May 2024; first escalation Tue 28 May. Repeat 1 a week later (Tue 4 Jun),
    # repeat 2 a fortnight later (Tue 11 Jun); a sweep later in a week answers that week's.
    due = date(2024, 5, 24)
    fired = firing_days(
        review_rules.rapid_review_overdue_weekly,
        review(due),
        days_between(date(2024, 5, 24), date(2024, 6, 18)),
    )
    assert min(fired) == date(2024, 6, 4)
    assert fired[date(2024, 6, 4)] == Occurrence(due, repeat=1)
    assert fired[date(2024, 6, 10)] == Occurrence(due, repeat=1)  # catching up, same repeat
    assert fired[date(2024, 6, 11)] == Occurrence(due, repeat=2)
    assert fired[date(2024, 6, 18)] == Occurrence(due, repeat=3)
    # The first escalation's own week has no repeat.
    assert review_rules.rapid_review_overdue_weekly(review(due), date(2024, 5, 28), ENGLAND) is None
    assert review_rules.rapid_review_overdue_weekly(review(due), date(2024, 6, 3), ENGLAND) is None


def test_weekly_escalation_on_a_bank_holiday_moves_to_the_next_working_day():
    # Due Fri 17 May 2024; first escalation Mon 20 May. A week later is Mon 27 May, the spring
    # bank holiday, so repeat 1 goes out on Tue 28 May.
    due = date(2024, 5, 17)
    check = review_rules.rapid_review_overdue_weekly
    assert check(review(due), date(2024, 5, 27), ENGLAND) is None
    assert check(review(due), date(2024, 5, 28), ENGLAND) == Occurrence(due, repeat=1)
    assert check(review(due), date(2024, 6, 3), ENGLAND) == Occurrence(due, repeat=2)


def test_weekly_escalation_over_easter():
    # Due Thu 21 Mar 2024; first escalation Fri 22 Mar. A week later is Good Friday, then
    # Easter Monday: repeat 1 goes out on Tue 2 Apr, repeat 2 on Fri 5 Apr.
    due = date(2024, 3, 21)
    fired = firing_days(
        review_rules.rapid_review_overdue_weekly,
        review(due),
        days_between(date(2024, 3, 22), date(2024, 4, 5)),
    )
    assert sorted(fired) == [date(2024, 4, 2), date(2024, 4, 3), date(2024, 4, 4), date(2024, 4, 5)]
    assert fired[date(2024, 4, 2)] == Occurrence(due, repeat=1)
    assert fired[date(2024, 4, 5)] == Occurrence(due, repeat=2)


def test_an_extended_review_is_overdue_against_its_extended_due_date():
    extended = review(date(2024, 6, 11), original=date(2024, 5, 28))
    assert review_rules.rapid_review_overdue(extended, date(2024, 5, 29), ENGLAND) is None
    assert review_rules.rapid_review_due_in_5_working_days(extended, date(2024, 6, 4), ENGLAND) == (
        Occurrence(date(2024, 6, 11))
    )
    assert review_rules.rapid_review_overdue(extended, date(2024, 6, 12), ENGLAND) == Occurrence(
        date(2024, 6, 11)
    )


# --- Extension requests waiting for a decision ---------------------------------------------------


def test_extension_pending_over_2_working_days_counts_past_the_bank_holiday():
    # Requested Thu 23 May 2024: working days after it are Fri 24, Tue 28 (Mon 27 is a bank
    # holiday) and Wed 29 May, the first day it has waited more than 2 working days.
    pending = extension(datetime(2024, 5, 23, 14, 30, tzinfo=LONDON))
    fired = firing_days(
        review_rules.extension_pending_over_2_working_days,
        pending,
        days_between(date(2024, 5, 23), date(2024, 5, 31)),
    )
    assert sorted(fired) == [date(2024, 5, 29), date(2024, 5, 30), date(2024, 5, 31)]
    # The deadline the reminder is about: 2 working days after the request.
    assert set(fired.values()) == {Occurrence(date(2024, 5, 28))}


def test_extension_request_day_is_the_day_in_england():
    # 23:30 UTC on Thu 23 May 2024 is 00:30 on Fri 24 May in London (BST): requested on the
    # Friday, so it is flagged on Thu 30 May, not Wed 29 May.
    pending = extension(datetime(2024, 5, 23, 23, 30, tzinfo=UTC))
    check = review_rules.extension_pending_over_2_working_days
    assert check(pending, date(2024, 5, 29), ENGLAND) is None
    assert check(pending, date(2024, 5, 30), ENGLAND) == Occurrence(date(2024, 5, 29))


@pytest.mark.parametrize(
    "status", [RapidReviewExtension.Status.APPROVED, RapidReviewExtension.Status.DECLINED]
)
def test_a_decided_extension_is_not_flagged(status):
    requested = datetime(2024, 5, 23, 14, 30, tzinfo=LONDON)
    check = review_rules.extension_pending_over_2_working_days
    assert check(extension(requested, status), date(2024, 6, 5), ENGLAND) is None


def test_a_one_off_holiday_delays_the_extension_flag():
    pending = extension(datetime(2024, 5, 23, 14, 30, tzinfo=LONDON))
    one_off = WorkingDayCalendar(extra_holidays=frozenset({date(2024, 5, 24)}))
    check = review_rules.extension_pending_over_2_working_days
    assert check(pending, date(2024, 5, 29), one_off) is None
    assert check(pending, date(2024, 5, 30), one_off) == Occurrence(date(2024, 5, 29))


# --- LCSPRs ------------------------------------------------------------------------------------


def test_lcspr_due_within_a_calendar_month():
    # Due Fri 28 Feb 2025: from Tue 28 Jan 2025 (a calendar month before) to the due date.
    due = date(2025, 2, 28)
    check = lcspr_rules.lcspr_due_within_1_month
    assert check(lcspr(due), date(2025, 1, 27), ENGLAND) is None
    assert check(lcspr(due), date(2025, 1, 28), ENGLAND) == Occurrence(due)
    assert check(lcspr(due), date(2025, 2, 28), ENGLAND) == Occurrence(due)
    assert check(lcspr(due), date(2025, 3, 3), ENGLAND) is None  # past: overdue instead


def test_lcspr_due_at_the_end_of_a_longer_month():
    # Due Fri 31 May 2024: a month before is Tue 30 April (April has 30 days).
    due = date(2024, 5, 31)
    check = lcspr_rules.lcspr_due_within_1_month
    assert check(lcspr(due), date(2024, 4, 29), ENGLAND) is None
    assert check(lcspr(due), date(2024, 4, 30), ENGLAND) == Occurrence(due)


def test_lcspr_overdue_after_its_due_date_on_working_days():
    # Due Mon 26 Aug 2024, the summer bank holiday: the due-soon reminder's last working day
    # is Fri 23 Aug, and it is overdue from Tue 27 Aug.
    due = date(2024, 8, 26)
    fired_soon = firing_days(
        lcspr_rules.lcspr_due_within_1_month,
        lcspr(due),
        days_between(date(2024, 8, 19), date(2024, 9, 2)),
    )
    fired_overdue = firing_days(
        lcspr_rules.lcspr_overdue, lcspr(due), days_between(date(2024, 8, 19), date(2024, 9, 2))
    )
    assert max(fired_soon) == date(2024, 8, 23)
    assert sorted(fired_overdue) == [date(2024, 8, d) for d in (27, 28, 29, 30)] + [
        date(2024, 9, 2)
    ]
    assert set(fired_overdue.values()) == {Occurrence(due)}


def test_lcspr_final_report_not_received_from_7_days_before_publication():
    # Publication planned for Fri 14 Jun 2024: the Panel must have the final report by
    # Fri 7 Jun.
    planned = date(2024, 6, 14)
    check = lcspr_rules.lcspr_final_report_not_received
    waiting = lcspr(date(2024, 7, 31), planned=planned)
    assert check(waiting, date(2024, 6, 6), ENGLAND) is None
    assert check(waiting, date(2024, 6, 7), ENGLAND) == Occurrence(date(2024, 6, 7))
    assert check(waiting, date(2024, 6, 10), ENGLAND) == Occurrence(date(2024, 6, 7))
    received = lcspr(
        date(2024, 7, 31), Lcspr.Status.FINAL_REPORT_SENT, planned, received=date(2024, 6, 6)
    )
    assert check(received, date(2024, 6, 10), ENGLAND) is None
    assert check(lcspr(date(2024, 7, 31)), date(2024, 6, 10), ENGLAND) is None  # no plan


def test_lcspr_final_report_deadline_on_a_bank_holiday_is_flagged_the_next_working_day():
    # Publication planned Mon 3 Jun 2024: deadline Mon 27 May, the spring bank holiday.
    waiting = lcspr(date(2024, 7, 31), planned=date(2024, 6, 3))
    check = lcspr_rules.lcspr_final_report_not_received
    assert check(waiting, date(2024, 5, 24), ENGLAND) is None
    assert check(waiting, date(2024, 5, 27), ENGLAND) is None
    assert check(waiting, date(2024, 5, 28), ENGLAND) == Occurrence(date(2024, 5, 27))


def test_a_published_lcspr_never_gets_a_reminder():
    published = lcspr(
        date(2024, 6, 14),
        Lcspr.Status.PUBLISHED,
        planned=date(2024, 6, 20),
        received=date(2024, 6, 12),
    )
    for today in (date(2024, 6, 3), date(2024, 6, 14), date(2024, 6, 17), date(2024, 7, 1)):
        for rule in RULES[6:9]:
            assert rule.name.startswith("lcspr_")
            assert rule.check(published, today, ENGLAND) is None, (rule.name, today)
    # The same dates on an unpublished LCSPR do answer.
    running = lcspr(date(2024, 6, 14), planned=date(2024, 6, 20))
    assert lcspr_rules.lcspr_due_within_1_month(running, date(2024, 6, 3), ENGLAND)
    assert lcspr_rules.lcspr_overdue(running, date(2024, 6, 17), ENGLAND)
    assert lcspr_rules.lcspr_final_report_not_received(running, date(2024, 6, 17), ENGLAND)


# --- SINs --------------------------------------------------------------------------------------


def test_draft_sin_due_within_1_working_day_across_the_bank_holiday():
    # Aware Fri 24 May 2024: day 1 is Tue 28 May (Mon 27 is a bank holiday), the 5th working
    # day Mon 3 Jun. The reminder answers on Fri 31 May and Mon 3 Jun.
    draft = draft_sin(date(2024, 5, 24))
    fired = firing_days(
        sin_rules.sin_draft_due_within_1_working_day,
        draft,
        days_between(date(2024, 5, 24), date(2024, 6, 7)),
    )
    assert fired == {
        date(2024, 5, 31): Occurrence(date(2024, 6, 3)),
        date(2024, 6, 3): Occurrence(date(2024, 6, 3)),
    }


def test_draft_sin_overdue_after_its_5th_working_day():
    draft = draft_sin(date(2024, 5, 24))
    fired = firing_days(
        sin_rules.sin_draft_overdue, draft, days_between(date(2024, 5, 24), date(2024, 6, 10))
    )
    assert min(fired) == date(2024, 6, 4)
    assert sorted(fired)[:3] == [date(2024, 6, 4), date(2024, 6, 5), date(2024, 6, 6)]
    assert date(2024, 6, 8) not in fired  # a Saturday
    assert set(fired.values()) == {Occurrence(date(2024, 6, 3))}


def test_draft_sin_over_christmas():
    # Aware Thu 21 Dec 2023: 22, 27, 28, 29 Dec and 2 Jan 2024 (1 Jan is New Year's Day).
    draft = draft_sin(date(2023, 12, 21))
    due = date(2024, 1, 2)
    assert sin_rules.sin_draft_due_within_1_working_day(draft, date(2023, 12, 28), ENGLAND) is None
    assert sin_rules.sin_draft_due_within_1_working_day(draft, date(2023, 12, 29), ENGLAND) == (
        Occurrence(due)
    )
    assert sin_rules.sin_draft_overdue(draft, date(2024, 1, 2), ENGLAND) is None
    assert sin_rules.sin_draft_overdue(draft, date(2024, 1, 3), ENGLAND) == Occurrence(due)


def test_a_draft_without_a_date_aware_or_a_submitted_sin_gets_no_draft_reminder():
    today = date(2024, 6, 4)
    for check in (sin_rules.sin_draft_due_within_1_working_day, sin_rules.sin_draft_overdue):
        assert check(draft_sin(None), today, ENGLAND) is None
        sent = submitted_sin(date(2024, 5, 24), datetime(2024, 5, 29, 10, tzinfo=LONDON), True)
        assert check(sent, today, ENGLAND) is None
    assert sin_rules.sin_draft_overdue(draft_sin(date(2024, 5, 24)), today, ENGLAND) is not None


def test_sin_recorded_late_within_30_days_with_the_5th_working_day_as_due_date():
    # Aware Fri 24 May 2024, due Mon 3 Jun; submitted late on Wed 5 Jun.
    late = submitted_sin(date(2024, 5, 24), datetime(2024, 6, 5, 16, tzinfo=LONDON))
    check = sin_rules.sin_recorded_late
    assert check(late, date(2024, 6, 5), ENGLAND) == Occurrence(date(2024, 6, 3))
    assert check(late, date(2024, 7, 5), ENGLAND) == Occurrence(date(2024, 6, 3))  # 30 days on
    assert check(late, date(2024, 7, 8), ENGLAND) is None  # 33 days on: too old to flag


def test_sin_recorded_late_not_before_it_was_submitted():
    # A sweep run as of an earlier day (run_deadline_checks --date) must not flag a SIN that
    # had not yet been submitted on that day.
    late = submitted_sin(date(2024, 5, 24), datetime(2024, 6, 5, 16, tzinfo=LONDON))
    assert sin_rules.sin_recorded_late(late, date(2024, 6, 4), ENGLAND) is None


def test_sin_recorded_late_only_for_late_submitted_sins():
    today = date(2024, 6, 6)
    on_time = submitted_sin(date(2024, 5, 24), datetime(2024, 5, 31, 10, tzinfo=LONDON), True)
    assert sin_rules.sin_recorded_late(on_time, today, ENGLAND) is None
    assert sin_rules.sin_recorded_late(draft_sin(date(2024, 5, 24)), today, ENGLAND) is None


# --- The one-off holiday calendar -------------------------------------------------------------


def test_a_one_off_holiday_moves_the_1_day_reminder():
    # Due Tue 28 May 2024 with a one-off holiday on Fri 24 May too: the working day before the
    # due date becomes Thu 23 May.
    due = date(2024, 5, 28)
    one_off = WorkingDayCalendar(extra_holidays=frozenset({date(2024, 5, 24)}))
    days = days_between(date(2024, 5, 20), date(2024, 5, 31))
    check = review_rules.rapid_review_due_in_1_working_day
    assert firing_days(check, review(due), days) == {date(2024, 5, 24): Occurrence(due)}
    assert firing_days(check, review(due), days, one_off) == {date(2024, 5, 23): Occurrence(due)}


def test_a_one_off_holiday_moves_the_draft_sins_due_date():
    # Aware Fri 24 May 2024; a one-off holiday on Wed 29 May makes the 5th working day Tue 4 Jun.
    draft = draft_sin(date(2024, 5, 24))
    one_off = WorkingDayCalendar(extra_holidays=frozenset({date(2024, 5, 29)}))
    assert sin_rules.sin_draft_overdue(draft, date(2024, 6, 4), ENGLAND) == Occurrence(
        date(2024, 6, 3)
    )
    assert sin_rules.sin_draft_overdue(draft, date(2024, 6, 4), one_off) is None
    assert sin_rules.sin_draft_due_within_1_working_day(draft, date(2024, 6, 4), one_off) == (
        Occurrence(date(2024, 6, 4))
    )
