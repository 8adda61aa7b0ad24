"""In a real browser: the pages obey the Content-Security-Policy (nothing refused, nothing
bypassed), and the GOV.UK timeout warning appears before the idle timeout, is accessible, and
"Stay signed in" keeps the session."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from safeguarding.demo import DEMO_PASSWORD, seed_demo_users
from safeguarding.models import LocalAuthority
from tests.notifications.factories import DraftNotificationFactory, SubmittedNotificationFactory

from .conftest import assert_accessible, csp_violations
from .conftest import sign_in as sign_in_with_code

pytestmark = pytest.mark.browser


def sign_in(page: Page, username: str) -> None:
    """The password, then the code from the authenticator app (conftest), to the home page."""
    sign_in_with_code(page, username, DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="What needs your attention")).to_be_visible()


def test_the_main_pages_raise_no_content_security_policy_violation(page: Page):
    users = {user.username: user for user, _ in seed_demo_users()}
    leeds = LocalAuthority.objects.get(name="Leeds")
    case = SubmittedNotificationFactory(created_by=users["la-user"], local_authority=leeds)
    draft = DraftNotificationFactory(created_by=users["la-user"], local_authority=leeds)

    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    sign_in(page, "la-user")
    # The GOV.UK Frontend scripts ran from their static files.
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    for url in (
        reverse("notifications:notification-list"),
        reverse("notifications:notification-detail", args=[case.pk]),
        reverse("notifications:notification-incident", args=[draft.pk]),
        reverse("password_change"),
    ):
        page.goto(url)
        expect(page.locator("h1")).to_be_visible()
    page.goto(reverse("api-docs"))
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("API")

    page.goto(reverse("home"))
    page.get_by_role("button", name="Sign out").first.click()
    sign_in(page, "administrator")
    page.goto(reverse("admin:index"))
    expect(page.locator("#site-name")).to_be_visible()

    assert csp_violations(page) == []
    # And the check can see a violation: an inline script is refused and reported.
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.inlineRan = true'; document.body.append(s); }"
        )
    assert page.evaluate("() => window.inlineRan === undefined")
    assert len(csp_violations(page)) == 1


def test_the_timeout_warning_appears_and_stay_signed_in_keeps_the_session(page: Page, settings):
    # Seconds, not minutes, so the test takes seconds: warned 3 s after each page load.
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 12
    settings.SESSION_TIMEOUT_WARNING_SECONDS = 9
    seed_demo_users()
    sign_in(page, "la-user")

    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("we will sign you out in")
    expect(dialog.locator("[aria-live=polite]")).to_contain_text(
        re.compile(r"For your security, we will sign you out in \d+ seconds")
    )
    assert_accessible(page)

    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    page.reload()
    expect(page.get_by_role("heading", name="What needs your attention")).to_be_visible()

    # Ignored, the warning gives way to the sign-in page, which says why.
    expect(dialog).to_be_visible()
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible(timeout=20_000)
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "You were signed out because you had not used the service for 12 seconds."
    )
    assert_accessible(page)
    assert csp_violations(page) == []
