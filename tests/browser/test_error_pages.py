"""With DEBUG on, as under `make run`, a wrong address and another authority's case show the
service's own "Page not found" page, the same for both, and it passes axe (issue 13, item 10)."""

import pytest
from playwright.sync_api import Page, expect

from safeguarding.demo import seed_demo_users
from safeguarding.models import LocalAuthority

from ..notifications.factories import SubmittedNotificationFactory
from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def test_under_debug_a_wrong_address_and_another_authoritys_case_show_the_service_404(
    page: Page, settings
):
    seed_demo_users()
    bristols = SubmittedNotificationFactory(
        local_authority=LocalAuthority.objects.get(name="Bristol")
    )
    sign_in(page, "la-user")  # Leeds
    settings.DEBUG = True
    settings.DEBUG_TECHNICAL_ERRORS = False
    for address in ("/no-such-page/", f"/notifications/{bristols.pk}/"):
        response = page.goto(address)
        assert response.status == 404
        expect(page.get_by_role("heading", name="Page not found", level=1)).to_be_visible()
        expect(page.get_by_text("Using the URLconf")).to_have_count(0)
        expect(page.get_by_role("link", name="Go to your home page")).to_be_visible()
        assert_accessible(page)
