"""The rapid review list and the Panel queue in a browser, at a desk and on a phone: the true
count, GOV.UK pagination that keeps the filters, the filters behind "Show filters" on a small
screen, and no sideways scrolling."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from rapidreviews.models import RapidReview
from safeguarding.demo import seed_demo_users

from ..rapidreviews.factories import RapidReviewFactory
from .conftest import ARTIFACTS, assert_accessible, sign_in
from .test_list_pages import no_sideways_scroll

pytestmark = pytest.mark.browser


def screenshot(page: Page, name: str) -> None:
    """Kept in test-artifacts/ for whoever reviews the pages (git ignores it)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


@pytest.fixture
def reviews(db):
    """28 reviews still to write (3 overdue) and 27 submitted ones waiting for the Panel. Dates
    are relative to today (the browser's cookies would not survive travelling in time); what
    the tests look at does not depend on which day it is."""
    seed_demo_users()
    today, now = timezone.localdate(), timezone.now()
    for offset in range(-3, 25):
        due = today + timedelta(days=offset)
        RapidReviewFactory(due_date=due, original_due_date=due)
    for days_ago in range(27):
        RapidReviewFactory(
            status=RapidReview.Status.SUBMITTED,
            submitted_at=now - timedelta(days=days_ago + 1),
            working_days_taken=10,
            submitted_on_time=True,
            lcspr_decision="no_lcspr" if days_ago % 2 else "lcspr",
        )


def test_the_rapid_review_list_counts_filters_and_pages(page: Page, reviews):
    page.set_viewport_size(DESK)
    sign_in(page, "panel-secretariat")
    page.goto("/rapid-reviews/")
    expect(page.get_by_text("55 rapid reviews")).to_be_visible()
    expect(page.get_by_text("Showing 1 to 25 of 55 results")).to_be_visible()
    expect(page.locator("tbody tr").first.get_by_text("Overdue")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Status").select_option(label="Not started")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("28 rapid reviews")).to_be_visible()
    page.get_by_role("navigation", name="Pagination").get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"status=not_started.*&page=2$"))
    expect(page.get_by_text("Showing 26 to 28 of 28 results")).to_be_visible()
    expect(page.get_by_label("Status")).to_have_value("not_started")
    assert_accessible(page)
    screenshot(page, "rapid-review-list-filtered-page-2")

    page.get_by_label("Due on or after").fill("31/2/2024")
    page.get_by_role("button", name="Apply filters").click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("link", name="Enter a date, like 1/4/2024")).to_be_visible()
    expect(page.get_by_label("Due on or after")).to_have_value("31/2/2024")
    assert_accessible(page)


def test_the_rapid_review_list_on_a_phone(page: Page, reviews):
    page.set_viewport_size(PHONE)
    sign_in(page, "panel-secretariat")
    page.goto("/rapid-reviews/")
    show = page.get_by_role("button", name="Show filters")
    expect(page.get_by_label("Reference")).to_be_hidden()
    assert no_sideways_scroll(page)
    assert_accessible(page)
    show.click()
    page.get_by_label("Status").select_option(label="Overdue")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("3 rapid reviews")).to_be_visible()
    assert no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(page, "rapid-review-list-390px")


def test_the_panel_queue_counts_filters_and_pages(page: Page, reviews):
    page.set_viewport_size(DESK)
    sign_in(page, "panel-member")
    page.goto("/panel/")
    expect(page.get_by_text("27 rapid reviews waiting for a decision")).to_be_visible()
    expect(page.get_by_text("Showing 1 to 25 of 27 results")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "panel-queue")

    page.get_by_label("Partnership's LCSPR decision").select_option(label="LCSPR needed")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("14 rapid reviews waiting for a decision")).to_be_visible()
    expect(page.get_by_role("navigation", name="Pagination")).to_have_count(0)
    assert_accessible(page)


def test_the_panel_queue_on_a_phone(page: Page, reviews):
    page.set_viewport_size(PHONE)
    sign_in(page, "panel-member")
    page.goto("/panel/")
    expect(page.get_by_label("Reference")).to_be_hidden()
    assert no_sideways_scroll(page)
    assert_accessible(page)
    page.get_by_role("button", name="Show filters").click()
    page.get_by_label("Show", exact=True).select_option(label="All submitted reviews")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("27 rapid reviews", exact=True)).to_be_visible()
    page.get_by_role("navigation", name="Pagination").get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"stage=all.*&page=2$"))
    assert no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(page, "panel-queue-390px")
