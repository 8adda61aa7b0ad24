"""LCSPR dates checked when entered (issue 13, item 11): the lead is warned about a planned
publication date whose 7-day notice has passed and saves it knowingly, corrects it with a
reason; the Panel records its receipt of the final report and corrects that date. axe checks
every page (no serious or critical violations, no `region` findings)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from lcsprs.models import Lcspr
from safeguarding.dates import long_date
from safeguarding.demo import seed_demo_users

from ..lcsprs.factories import InProgressLcsprFactory
from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def fill_date(page: Page, legend: str, day) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def switch_to(page: Page, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, username)


def test_lcspr_dates_are_checked_when_entered_and_corrected_with_a_reason(page: Page):
    seed_demo_users()
    today = timezone.localdate()
    lcspr = InProgressLcsprFactory(rapid_review__submitted_at=timezone.now() - timedelta(days=60))
    detail = reverse("lcsprs:lcspr-detail", args=[lcspr.pk])
    soon, later = today + timedelta(days=3), today + timedelta(days=30)

    # The lead plans publication in 3 days: the Panel's notice date has passed.
    sign_in(page, "partnership-lead")
    page.goto(detail)
    expect(page.get_by_role("heading", name=re.compile("LCSPR"), level=1)).to_be_visible()
    expect(page.get_by_text("the Panel receives it on the day it is uploaded")).to_be_visible()
    receipt_legend = "When did the Panel receive the final report?"
    expect(page.get_by_role("group", name=receipt_legend)).to_have_count(0)
    assert_accessible(page)
    fill_date(page, "When do you plan to publish the report?", soon)
    page.get_by_role("button", name="Save the planned date").click()

    expect(page.get_by_role("heading", name="Check the planned publication date")).to_be_visible()
    notice = soon - timedelta(days=7)
    expect(page.locator(".govuk-warning-text")).to_contain_text(
        f"The notice date for {long_date(soon)} was {long_date(notice)}, which has passed."
    )
    group = page.get_by_role("group", name="When do you plan to publish the report?")
    expect(group.get_by_label("Day")).to_have_value(str(soon.day))
    assert_accessible(page)
    lcspr.refresh_from_db()
    assert lcspr.planned_publication_date is None  # nothing saved before the confirmation
    page.get_by_role("button", name="Save the planned date").click()
    expect(page.get_by_text("The planned publication date is saved.")).to_be_visible()
    lcspr.refresh_from_db()
    assert lcspr.planned_publication_date == soon

    # It was a slip: the lead corrects it, first forgetting the reason.
    page.get_by_role("link", name="Correct a date").click()
    expect(page.get_by_role("heading", name="Correct a date", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label(f"Planned publication date: {long_date(soon)}").check()
    fill_date(page, "What is the correct date?", later)
    page.get_by_role("button", name="Correct the date").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter why the date is being corrected")
    new_date = page.get_by_role("group", name="What is the correct date?")
    expect(new_date.get_by_label("Day")).to_have_value(str(later.day))
    assert_accessible(page)
    page.get_by_label("Why are you correcting this date?").fill("Typed the wrong month.")
    page.get_by_role("button", name="Correct the date").click()
    expect(page.get_by_text("The date is corrected.")).to_be_visible()
    history = page.locator("main")
    expect(history).to_contain_text("Reason: Typed the wrong month.")
    assert_accessible(page)

    # The Panel records that it received the final report (today, unless changed).
    switch_to(page, "panel-secretariat")
    page.goto(detail)
    received = page.get_by_role("group", name=receipt_legend)
    expect(received.get_by_label("Day")).to_have_value(str(today.day))
    assert_accessible(page)
    page.get_by_role("button", name="Record receipt").click()
    expect(page.get_by_text("The Panel's receipt of the final report is recorded.")).to_be_visible()
    lcspr.refresh_from_db()
    assert (lcspr.status, lcspr.final_report_received_on) == (
        Lcspr.Status.FINAL_REPORT_SENT,
        today,
    )

    # ... and corrects it: a date in the future is an error next to the field.
    page.get_by_role("link", name="Correct a date").click()
    page.get_by_label(f"Date the Panel received the report: {long_date(today)}").check()
    fill_date(page, "What is the correct date?", today + timedelta(days=1))
    page.get_by_label("Why are you correcting this date?").fill("Logged on the wrong day.")
    page.get_by_role("button", name="Correct the date").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The date the Panel received the final report must be today or in the past"
    )
    expect(page.get_by_label("Why are you correcting this date?")).to_have_value(
        "Logged on the wrong day."
    )
    assert_accessible(page)
    fill_date(page, "What is the correct date?", today - timedelta(days=1))
    page.get_by_role("button", name="Correct the date").click()
    expect(page.get_by_text("The date is corrected.")).to_be_visible()
    lcspr.refresh_from_db()
    assert lcspr.final_report_received_on == today - timedelta(days=1)
