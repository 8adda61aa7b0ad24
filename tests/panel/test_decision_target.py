"""The Panel's decision target: 15 working days from submission (a setting), pushed back by
pauses, stopped by a decision; its tags; and its deadline rules, each sent once by a real
sweep however often it runs."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from panel import allocations, conversations, deadlines, pauses, selectors, targets
from panel.models import Allocation, MessageKind
from rapidreviews.models import RapidReview
from safeguarding.calendars import england_calendar
from safeguarding.codes import Role
from safeguarding.deadlines.engine import deadline_sweep
from safeguarding.models import Reminder

from .factories import PanelDecisionFactory, PanelReviewFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
# Submitted Monday 3 June 2024: day 1 is Tuesday 4 June, the 15th working day Monday 24 June.
SUBMITTED = datetime(2024, 6, 3, 10, 0, tzinfo=LONDON)
TARGET = date(2024, 6, 24)


@pytest.fixture
def review():
    return PanelReviewFactory(submitted_at=SUBMITTED)


@pytest.fixture
def secretariat(make_user):
    return make_user(Role.PANEL_SECRETARIAT)


@pytest.fixture
def member(make_user):
    return make_user(Role.PANEL_MEMBER, first_name="Ann", last_name="Abbott")


def test_the_target_is_15_working_days_from_submission(review):
    assert targets.decision_target(review) == TARGET


def test_the_target_is_a_setting(review, settings):
    settings.PANEL_DECISION_TARGET_WORKING_DAYS = 5
    assert targets.decision_target(review) == date(2024, 6, 10)


def test_a_pause_pushes_the_target_back_in_working_days(review, monkeypatch):
    monkeypatch.setattr(targets, "decision_target_pause_days", lambda review, today=None: 2)
    assert targets.decision_target(review) == date(2024, 6, 26)


def test_an_unsaved_review_has_no_pause():
    # The kernel's deadline-rule tests build reviews without saving them.
    assert pauses.decision_target_pause_days(RapidReview()) == 0
    assert not pauses.decision_target_paused(RapidReview())


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2024, 6, 14), ""),
        (date(2024, 6, 17), "due_soon"),
        (TARGET, "due_soon"),
        (date(2024, 6, 25), "overdue"),
    ],
)
def test_due_soon_and_overdue_tags(review, today, status):
    assert targets.decision_target_status(review, today=today) == status


def test_the_target_stops_once_the_panel_has_decided():
    decided = PanelDecisionFactory(review=PanelReviewFactory(submitted_at=SUBMITTED)).review
    decided.refresh_from_db()
    assert targets.decision_target_status(decided, today=date(2024, 7, 30)) == ""
    assert (
        deadlines.panel_decision_target_passed(decided, date(2024, 7, 30), england_calendar())
        is None
    )


def allocate(review, secretariat, member):
    allocations.allocation_set(
        review=review,
        by=secretariat,
        lead=member,
        expected_version=selectors.allocation_version(review=review),
    )


def sweep(day, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return deadline_sweep(today=day, rules=deadlines.RULES)


def test_the_lead_is_reminded_3_working_days_before_the_target_once(
    review, secretariat, member, django_capture_on_commit_callbacks
):
    allocate(review, secretariat, member)
    mail.outbox.clear()
    assert not sweep(date(2024, 6, 18), django_capture_on_commit_callbacks).sent  # 4 to go
    result = sweep(date(2024, 6, 19), django_capture_on_commit_callbacks)
    assert result.sent == {"panel_decision_target_soon": 1}
    [email] = mail.outbox
    assert email.to == [member.email]
    assert "24 June 2024" in email.subject
    # The same sweep again, and the next day's: nothing more.
    again = sweep(date(2024, 6, 19), django_capture_on_commit_callbacks)
    assert not again.sent and again.already_sent == {"panel_decision_target_soon": 1}
    assert not sweep(date(2024, 6, 20), django_capture_on_commit_callbacks).sent
    assert len(mail.outbox) == 1


def test_the_secretariat_hears_once_when_the_target_passes(
    review, secretariat, member, django_capture_on_commit_callbacks
):
    allocate(review, secretariat, member)
    mail.outbox.clear()
    assert not sweep(TARGET, django_capture_on_commit_callbacks).sent.get(
        "panel_decision_target_passed"
    )
    result = sweep(date(2024, 6, 25), django_capture_on_commit_callbacks)
    assert result.sent["panel_decision_target_passed"] == 1
    passed = [m for m in mail.outbox if "has passed" in m.subject]
    assert len(passed) == 1
    assert {secretariat.email, member.email} <= set(passed[0].to)
    assert "Ann Abbott" in passed[0].body
    sweep(date(2024, 6, 25), django_capture_on_commit_callbacks)
    sweep(date(2024, 6, 26), django_capture_on_commit_callbacks)
    assert len([m for m in mail.outbox if "has passed" in m.subject]) == 1
    assert Reminder.objects.filter(rule="panel_decision_target_passed").count() == 1


def test_an_unallocated_review_escalates_but_reminds_nobody(
    review, secretariat, django_capture_on_commit_callbacks
):
    result = sweep(date(2024, 6, 19), django_capture_on_commit_callbacks)
    assert not result.sent
    result = sweep(date(2024, 6, 25), django_capture_on_commit_callbacks)
    assert result.sent == {"panel_decision_target_passed": 1}
    [email] = mail.outbox
    assert "No Panel member is allocated" in email.body
    assert not Allocation.objects.exists()


def test_no_reminder_after_a_decision(
    review, secretariat, member, django_capture_on_commit_callbacks
):
    allocate(review, secretariat, member)
    PanelDecisionFactory(review=review)
    mail.outbox.clear()
    for day in (date(2024, 6, 19), date(2024, 6, 25)):
        assert not sweep(day, django_capture_on_commit_callbacks).sent
    assert not mail.outbox


def test_the_rules_are_registered_with_the_engine():
    from safeguarding.deadlines.rules import RULE_BY_NAME

    assert {"panel_decision_target_soon", "panel_decision_target_passed"} <= set(RULE_BY_NAME)


def _on(day, send):
    with time_machine.travel(datetime(day.year, day.month, day.day, 10, tzinfo=LONDON), tick=False):
        return send()


def test_no_reminder_while_a_question_pauses_the_target_then_one_for_the_new_target(
    review, secretariat, member, make_user, django_capture_on_commit_callbacks
):
    allocate(review, secretariat, member)
    lead = make_user(Role.PARTNERSHIP_LEAD, partnership=review.partnership)
    mail.outbox.clear()
    # Wednesday 19 June: reminded of the 24 June target, then a pausing question is asked.
    assert sweep(date(2024, 6, 19), django_capture_on_commit_callbacks).sent
    _on(
        date(2024, 6, 19),
        lambda: conversations.case_message_send(
            user=member, review=review, kind=MessageKind.QUESTION, body="Ask", pause_target=True
        ),
    )
    # Each day of the pause the target moves a day (a new date): no reminder, not one a day.
    for day in (date(2024, 6, 20), date(2024, 6, 21), date(2024, 6, 24)):
        assert not sweep(day, django_capture_on_commit_callbacks).sent
    assert Reminder.objects.filter(rule="panel_decision_target_soon").count() == 1
    # The lead replies on Monday 24 June: paused 20, 21 and 24 June, so the target is 27 June.
    _on(
        date(2024, 6, 24),
        lambda: conversations.case_message_send(
            user=lead, review=review, kind=MessageKind.REPLY, body="Answer"
        ),
    )
    assert targets.decision_target(review, today=date(2024, 6, 24)) == date(2024, 6, 27)
    mail.outbox.clear()
    result = sweep(date(2024, 6, 24), django_capture_on_commit_callbacks)
    assert result.sent == {"panel_decision_target_soon": 1}
    [email] = mail.outbox
    assert "27 June 2024" in email.subject
    assert not sweep(date(2024, 6, 25), django_capture_on_commit_callbacks).sent
    assert Reminder.objects.filter(rule="panel_decision_target_soon").count() == 2
