"""Panel meetings in a browser (issue 17, item 2): the secretariat schedules a meeting (the
error summary first), adds a review to its agenda and moves it; every page passes axe."""

import pytest
from playwright.sync_api import Page, expect

from safeguarding.demo import seed_demo_users

from ..panel.factories import PanelReviewFactory
from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def test_the_secretariat_schedules_a_meeting_and_sets_its_agenda(page: Page, live_server):
    seed_demo_users()
    first, second = PanelReviewFactory(), PanelReviewFactory()
    sign_in(page, "panel-secretariat")
    page.goto(f"{live_server.url}/panel/meetings/")
    assert_accessible(page)
    page.get_by_role("button", name="Schedule a meeting").click()
    page.get_by_label("Where").fill("")
    page.get_by_role("button", name="Schedule the meeting").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill("2100")
    page.get_by_label("Start time").fill("10:30")
    page.get_by_label("Where").fill("Online")
    page.get_by_label("Morgan Testcase").check()
    page.get_by_role("button", name="Schedule the meeting").click()
    expect(page.get_by_role("heading", name="Friday 1 January 2100")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Add rapid reviews to the agenda").click()
    page.get_by_label(first.notification.reference, exact=False).check()
    page.get_by_label(second.notification.reference, exact=False).check()
    assert_accessible(page)
    page.get_by_role("button", name="Add to the agenda").click()
    expect(page.get_by_text("2 rapid reviews added to the agenda.")).to_be_visible()
    page.get_by_role("button", name=f"Move down {first.notification.reference}").click()
    titles = page.locator(".govuk-summary-card__title")
    expect(titles.first).to_contain_text(second.notification.reference)
    expect(titles.nth(1)).to_contain_text(first.notification.reference)
    assert_accessible(page)
