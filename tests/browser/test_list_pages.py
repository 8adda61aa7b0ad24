"""A list page at a phone's width and at a desk: the true count, GOV.UK pagination that keeps
the filters, and the filters behind "Show filters" on a small screen."""

import re

import pytest
from playwright.sync_api import Page, expect

from notifications.services import notification_create
from safeguarding.demo import DEMO_PASSWORD, seed_demo_users
from safeguarding.models import User

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def no_sideways_scroll(page: Page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def thirty_drafts(db):
    seed_demo_users()
    user = User.objects.get(username="la-user")
    for _ in range(30):
        notification_create(local_authority=user.local_authority, by=user)


def test_the_list_counts_every_notification_and_pages_through_them(page: Page, thirty_drafts):
    sign_in(page, "la-user", DEMO_PASSWORD)
    page.goto("/notifications/?status=draft")
    expect(page.get_by_text("30 notifications")).to_be_visible()
    expect(page.get_by_text("Showing 1 to 25 of 30 results")).to_be_visible()
    # At a desk the filters are simply there: no button to show them, dates in GOV.UK inputs.
    expect(page.get_by_role("button", name=re.compile("(Show|Hide) filters"))).to_be_hidden()
    expect(page.get_by_label("Incident on or after")).to_have_class("govuk-input")
    assert_accessible(page)

    page.get_by_role("navigation", name="Pagination").get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"\?status=draft&page=2$"))
    expect(page.get_by_text("Showing 26 to 30 of 30 results")).to_be_visible()
    expect(page.get_by_label("Status")).to_have_value("draft")


def test_on_a_phone_the_filters_fold_away_and_nothing_scrolls_sideways(page: Page, thirty_drafts):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "la-user", DEMO_PASSWORD)
    page.goto("/notifications/")
    show = page.get_by_role("button", name="Show filters")
    expect(show).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_label("Reference")).to_be_hidden()
    assert no_sideways_scroll(page)
    assert_accessible(page)

    show.click()
    expect(page.get_by_role("button", name="Hide filters")).to_have_attribute(
        "aria-expanded", "true"
    )
    page.get_by_label("Status").select_option(label="Draft")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("30 notifications")).to_be_visible()
    assert no_sideways_scroll(page)
    assert_accessible(page)
