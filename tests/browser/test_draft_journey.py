"""Drafts that can be thrown away: an LA user starts a notification and cancels (nothing is
left), then starts one, saves it as a draft and deletes it through the confirmation page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from notifications.models import Notification
from safeguarding.dates import long_date
from safeguarding.demo import DEMO_PASSWORD, seed_demo_users
from safeguarding.models import AuditAction, AuditEvent
from safeguarding.workingdays import add_working_days

from .conftest import assert_accessible, sign_in
from .test_sin_journey import fill_date

pytestmark = pytest.mark.browser


def start(page: Page) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Incident notifications"
    ).click()
    page.get_by_role("button", name="Notify the Panel of a serious incident").click()
    expect(page.get_by_role("heading", name="Incident details", level=1)).to_be_visible()


def test_la_user_cancels_a_start_and_deletes_a_draft(page: Page):
    seed_demo_users()
    today = timezone.localdate()
    aware = add_working_days(today, -1)
    incident = aware - timedelta(days=1)
    name = f"Draft: serious harm, {long_date(incident)}"

    sign_in(page, "la-user", DEMO_PASSWORD)
    start(page)
    assert_accessible(page)
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("heading", name="Incident notifications", level=1)).to_be_visible()
    assert not Notification.objects.exists()
    page.get_by_role("link", name="Child Safeguarding Incident Review").click()
    expect(page.get_by_text("Draft notifications not yet sent to the Panel")).to_have_count(0)

    # Saved once, the draft exists, named by its incident and showing when it is due.
    start(page)
    fill_date(page, "When did the incident happen?", incident)
    fill_date(page, "When did the local authority become aware of it?", aware)
    page.get_by_label("Serious harm").check()
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_text("Saved as a draft.")).to_be_visible()
    expect(page.locator(".govuk-caption-l")).to_contain_text(name)
    due = long_date(add_working_days(aware, 5))
    expect(page.locator(".govuk-inset-text")).to_contain_text(f"by {due}")
    assert_accessible(page)
    assert Notification.objects.count() == 1

    page.get_by_role("link", name="Delete this draft").click()
    expect(
        page.get_by_role("heading", name="Are you sure you want to delete this draft notification?")
    ).to_be_visible()
    expect(page.locator(".govuk-warning-text")).to_contain_text(name)
    assert_accessible(page)
    page.get_by_role("button", name="Delete draft").click()

    expect(page.get_by_role("heading", name="Incident notifications", level=1)).to_be_visible()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"{name} has been deleted."
    )
    expect(page.get_by_text("No notifications match.")).to_be_visible()
    assert_accessible(page)
    assert not Notification.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, message="Draft deleted").exists()
