"""A national review referral end to end (issue 18, item 3), through the pages only: a Panel
member opens a submitted Leeds rapid review, proposes it for a new national review from the
"This case" panel (a first try without a title is refused next to the field, nothing typed
lost); the secretariat commissions the review and accepts the case; the partnership lead then
sees the review with their case. Every page visited passes axe."""

import pytest
from playwright.sync_api import Page, expect

from panel.models import NationalReview, NationalReviewCase
from safeguarding.demo import seed_demo_users

from ..panel.factories import PanelReviewFactory
from .conftest import assert_accessible
from .test_panel_casework_journey import sign_in_home, sign_out, this_case

pytestmark = pytest.mark.browser

TITLE = "Synthetic review: children harmed outside the family"
THEME = "Synthetic theme: how services see harm from adults outside the family."
REASON = "Synthetic reason: the school and police each saw part of the harm."


def test_a_member_proposes_a_case_and_the_secretariat_accepts_it(page: Page):
    seed_demo_users()
    review = PanelReviewFactory()
    reference = review.notification.reference

    # --- A Panel member proposes the case from its rapid review.
    sign_in_home(page, "panel-member")
    page.goto(f"/rapid-reviews/{review.pk}/")
    this_case(page).get_by_role("link", name="Propose for a national review").click()
    expect(
        page.get_by_role("heading", name="Propose for a national review", level=1)
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("A new national review").check()
    page.get_by_label("Theme", exact=True).fill(THEME)
    page.get_by_label("Why should this case be part of the review?").fill(REASON)
    page.get_by_role("button", name="Propose the case").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_label("Theme", exact=True)).to_have_value(THEME)
    assert_accessible(page)
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Main learning theme (optional)").select_option(label="Education")
    page.get_by_role("button", name="Propose the case").click()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.get_by_text("has been proposed for the national review")).to_be_visible()
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # --- The secretariat finds it from the Panel queue, commissions it and accepts the case.
    sign_in_home(page, "panel-secretariat", again=True)
    page.goto("/panel/")
    page.get_by_role("link", name="national reviews").click()
    expect(page.get_by_role("heading", name="National reviews", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    page.get_by_role("button", name="Change the review's status").click()
    expect(page.get_by_role("heading", name="Change the review's status", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Commission the review").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The national review is now commissioned.")).to_be_visible()
    page.get_by_role("link", name=f"Decide on {reference}").click()
    expect(page.get_by_role("heading", name=f"Decide on {reference}", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Accept the case into the national review").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(
        page.get_by_text(f"{reference} has been accepted into the national review.")
    ).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    national_review = NationalReview.objects.get()
    assert national_review.status == "commissioned"
    assert national_review.learning_theme == "education"
    case = NationalReviewCase.objects.get()
    assert (case.status, case.reason) == ("accepted", REASON)

    # --- The partnership lead sees the review, with their case.
    sign_in_home(page, "partnership-lead", again=True)
    page.goto(f"/panel/national-reviews/{national_review.pk}/")
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(REASON)
    assert_accessible(page)
