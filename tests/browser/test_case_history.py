"""A case's history in a browser: the local authority user reads what was changed on their
notification, by whom, in plain English; the page passes axe with no region findings."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from notifications import services as sin_services
from safeguarding.demo import DEMO_PASSWORD, seed_demo_users
from safeguarding.models import User

from ..notifications.factories import SubmittedNotificationFactory
from .conftest import ARTIFACTS, assert_accessible, sign_in

pytestmark = pytest.mark.browser


def test_la_user_reads_the_notifications_history_in_plain_english(page: Page):
    seed_demo_users()
    robin = User.objects.get(username="la-user")
    notification = SubmittedNotificationFactory(created_by=robin)
    sin_services.notification_incident_update(
        notification=notification,
        by=robin,
        incident_date=date(2024, 5, 24),
        date_aware=notification.date_aware,
        reason=notification.reason,
        expected_version=None,
        amendment_reason="Police records",
    )
    sin_services.notification_circumstances_update(
        notification=notification,
        by=robin,
        abuse_or_neglect="known",
        child_looked_after_death=False,
        placement_postcode="",
        imd_decile=None,
        summary="A changed synthetic summary.",
        expected_version=None,
        amendment_reason="Strategy meeting",
    )

    sign_in(page, "la-user", DEMO_PASSWORD)
    page.goto(f"/notifications/{notification.pk}/")
    history = page.locator("#history + ul")
    expect(page.get_by_role("heading", name="History", level=2)).to_be_visible()
    who = "Robin Example (Local authority user, Leeds)"
    circumstances = history.get_by_role("listitem").filter(has_text="changed the circumstances")
    expect(circumstances.first).to_contain_text(who)
    expect(circumstances.first).to_contain_text("Abuse or neglect: Known (was Suspected)")
    expect(circumstances.first).to_contain_text("Summary: changed")
    expect(circumstances.first).to_contain_text("Reason: Strategy meeting")
    incident = history.get_by_role("listitem").filter(has_text="changed the incident details")
    expect(incident.first).to_contain_text("Incident date: 24 May 2024 (was 3 June 2024)")
    expect(history).not_to_contain_text("synthetic summary")
    expect(history).not_to_contain_text("abuse_or_neglect")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "case-history.png", full_page=True)
    assert_accessible(page)  # region findings included, with no exceptions
