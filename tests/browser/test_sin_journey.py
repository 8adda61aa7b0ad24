"""An LA user notifies the Panel of an incident with two children, through the web forms."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from notifications.models import Notification
from safeguarding.demo import DEMO_PASSWORD, seed_demo_users
from safeguarding.workingdays import add_working_days, working_days_between

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def fill_date(page: Page, legend: str, day) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def add_child(page: Page, reference: str, age: int, sex: str, harm: str) -> None:
    page.get_by_role("button", name=re.compile("Add (a|another) child")).click()
    assert_accessible(page)
    page.get_by_label("Reference for the child").fill(reference)
    page.get_by_label("Age on the date of the incident").fill(str(age))
    page.get_by_role("group", name="Sex").get_by_label(sex, exact=True).check()
    page.get_by_role("group", name="What happened to this child?").get_by_label(harm).check()
    page.get_by_role("button", name="Save child").click()
    expect(page.get_by_role("heading", name="Children", level=1)).to_be_visible()
    assert_accessible(page)


def test_la_user_submits_a_sin_with_two_children(page: Page):
    seed_demo_users()
    today = timezone.localdate()
    aware = add_working_days(today, -2)
    incident = aware - timedelta(days=1)
    days_taken = working_days_between(aware, today)

    sign_in(page, "la-user", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Incident notifications"
    ).click()
    assert_accessible(page)
    # Starting opens the first section straight away; nothing is saved until it is.
    page.get_by_role("button", name="Notify the Panel of a serious incident").click()
    expect(page.get_by_role("heading", name="Incident details", level=1)).to_be_visible()
    assert_accessible(page)

    # Incident details: first a mistake, then put right without losing what was typed.
    fill_date(page, "When did the incident happen?", today + timedelta(days=2))
    fill_date(page, "When did the local authority become aware of it?", aware)
    page.get_by_label("Serious harm").check()
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Date of the incident must be today or in the past")
    expect(page.get_by_label("Serious harm")).to_be_checked()
    assert_accessible(page)
    fill_date(page, "When did the incident happen?", incident)
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", name="Children", level=1)).to_be_visible()
    assert_accessible(page)
    add_child(page, "Child A", 4, "Female", "Serious harm")
    add_child(page, "Child B", 9, "Male", "Serious harm")
    # The eldest of the most seriously harmed is the child in focus.
    expect(page.locator(".govuk-summary-card", has_text="Child B")).to_contain_text(
        "Child in focus"
    )
    page.get_by_role("button", name="Continue").click()

    abuse = page.get_by_role("group", name="Is abuse or neglect known or suspected?")
    abuse.get_by_label("Suspected", exact=True).check()
    looked_after = page.get_by_role("group", name="Is this the death of a looked-after child?")
    looked_after.get_by_label("No", exact=True).check()
    page.get_by_label("Postcode of the child's home or placement (optional)").fill("ls1 4ap")
    page.get_by_label("Summary of what happened").fill("Synthetic summary for a test.")
    page.get_by_role("button", name="Save and continue").click()

    # Issue 16: where and how it happened (optional), then the notifier (prefilled).
    expect(page.get_by_role("heading", name="Where and how it happened", level=1)).to_be_visible()
    page.get_by_role("group", name="In what setting did it happen?").get_by_label(
        "Public place"
    ).check()
    page.get_by_label("Police", exact=True).check()
    assert_accessible(page)
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Notifier and sign-off", level=1)).to_be_visible()
    expect(page.get_by_label("Your email address")).not_to_be_empty()
    page.get_by_label("Your telephone number (optional)").fill("01632 960 001")
    assert_accessible(page)
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", name="Check your answers before submitting")).to_be_visible()
    expect(page.get_by_text("Public place")).to_be_visible()
    expect(page.get_by_text("01632 960 001")).to_be_visible()
    expect(page.get_by_text(f"{days_taken} working day", exact=False)).to_be_visible()
    expect(page.get_by_text("LS1 4AP")).to_be_visible()
    assert_accessible(page)

    # "Change" from check answers comes back to check answers once saved.
    page.get_by_role("link", name="Change summary").click()
    expect(page.get_by_role("heading", name="Circumstances", level=1)).to_be_visible()
    page.get_by_label("Summary of what happened").fill("Synthetic summary, corrected.")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Check your answers before submitting")).to_be_visible()
    expect(page.get_by_text("Synthetic summary, corrected.")).to_be_visible()
    page.get_by_role("link", name="Change Child A").click()
    page.get_by_label("Age on the date of the incident").fill("5")
    page.get_by_role("button", name="Save child").click()
    expect(page.get_by_role("heading", name="Check your answers before submitting")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Submit notification").click()
    expect(page.get_by_role("heading", name="Notification submitted")).to_be_visible()
    assert_accessible(page)

    notification = Notification.objects.get()
    expect(page.locator(".govuk-panel__body")).to_contain_text(notification.reference)
    assert notification.status == Notification.Status.SUBMITTED
    assert notification.children.count() == 2
    assert notification.working_days_to_notify == days_taken
    assert notification.rapid_review.due_date == add_working_days(today, 15)
    [email] = [m for m in mail.outbox if notification.reference in m.subject]
    assert "partnership-lead@example.org" in email.to

    page.get_by_role("link", name="View the notification").click()
    expect(page.get_by_role("heading", name=re.compile(notification.reference))).to_be_visible()
    assert_accessible(page)
