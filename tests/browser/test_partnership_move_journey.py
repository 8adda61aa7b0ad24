"""Moving a local authority to another partnership in a browser: the demo administrator opens
Leeds, chooses the partnership and the effective date (a mistake first, shown in the error
summary), reads what will move on the check page and confirms; each page passes axe."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from rapidreviews.models import RapidReview
from safeguarding.demo import DEMO_PASSWORD, seed_demo_users
from safeguarding.models import LocalAuthority

from ..factories import PartnershipFactory
from ..rapidreviews.factories import RapidReviewFactory
from .conftest import assert_accessible
from .test_sign_in_journeys import sign_in

pytestmark = pytest.mark.browser


def test_administrator_moves_leeds_to_another_partnership_accessibly(page: Page):
    seed_demo_users()
    leeds = LocalAuthority.objects.get(name="Leeds")
    new = PartnershipFactory(name="West Testshire Safeguarding Children Partnership")
    review = RapidReviewFactory(
        notification__local_authority=leeds, status=RapidReview.Status.DRAFTING
    )
    reference = review.notification.reference
    sign_in(page, "administrator", DEMO_PASSWORD)

    page.goto(f"/local-authorities/{leeds.ons_code}/")
    assert_accessible(page)
    page.get_by_role("link", name="Move to another partnership").click()
    expect(page.get_by_role("heading", name="Move to another partnership")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select the partnership")
    expect(summary).to_contain_text("Enter the effective date")
    assert_accessible(page)

    today = timezone.localdate()
    page.get_by_label("Which partnership is Leeds moving to?").select_option(new.code)
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Check what will move")).to_be_visible()
    expect(page.get_by_text(reference)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Move Leeds").click()

    expect(page.get_by_text(f"Leeds has moved to {new.name}.")).to_be_visible()
    expect(page.get_by_role("heading", name="Partnership changes")).to_be_visible()
    assert_accessible(page)
    review.refresh_from_db()
    assert review.partnership == new
