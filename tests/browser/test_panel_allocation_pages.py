"""The allocation pages in a browser: the secretariat allocates a review on its allocation page,
sees it in the queue and on the workload page, and changes a member's availability; axe on
every page."""

import pytest
from playwright.sync_api import Page, expect

from panel.models import Allocation
from safeguarding.demo import seed_demo_users
from safeguarding.models import User

from ..panel.factories import PanelReviewFactory
from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def review(db):
    seed_demo_users()
    return PanelReviewFactory()


def test_the_secretariat_allocates_and_sets_availability(page: Page, review):
    member = User.objects.get(username="panel-member")
    sign_in(page, "panel-secretariat")
    page.goto(f"/panel/reviews/{review.pk}/allocation/")
    expect(page.get_by_role("heading", name="Allocation to Panel members")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Save the allocation").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Lead Panel member").select_option(str(member.pk))
    page.get_by_role("button", name="Save the allocation").click()
    expect(page.get_by_text("The review's allocation has been saved.")).to_be_visible()
    assert Allocation.objects.filter(review=review, member=member, is_lead=True).exists()

    page.goto("/panel/")
    expect(page.get_by_text(f"{member.get_full_name()} (lead)")).to_be_visible()
    assert_accessible(page)

    page.goto(f"/panel/workload/?member={member.pk}")
    assert_accessible(page)
    page.get_by_role("group", name="Available for new cases?").get_by_label("Yes").check()
    page.get_by_label("Most open cases at a time (optional)").fill("many")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Most open cases at a time (optional)").fill("4")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("settings have been saved")).to_be_visible()
    assert member.panel_profile.open_case_cap == 4
