"""The read audit in a browser: the demo administrator sees who viewed a case on its page and
opens the access history export; both pages pass the axe check."""

import pytest
from playwright.sync_api import Page, expect

from safeguarding.demo import DEMO_PASSWORD, seed_demo_users

from ..rapidreviews.factories import RapidReviewFactory
from .conftest import assert_accessible
from .test_sign_in_journeys import sign_in

pytestmark = pytest.mark.browser


def test_administrator_sees_who_viewed_a_case_and_the_access_history_form(page: Page):
    seed_demo_users()
    review = RapidReviewFactory()
    sign_in(page, "administrator", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="What needs your attention")).to_be_visible()

    page.goto(f"/rapid-reviews/{review.pk}/")
    page.reload()  # the first visit is now in the log
    expect(page.get_by_role("heading", name="Who viewed this case")).to_be_visible()
    table = page.get_by_role("table").filter(has_text="What they opened")
    expect(table.get_by_role("row")).to_have_count(2)
    assert_accessible(page)

    table.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Export a person's access history")).to_be_visible()
    expect(page.get_by_label("Username")).to_have_value("administrator")
    assert_accessible(page)
