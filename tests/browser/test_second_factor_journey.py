"""A second factor for everyone: the first sign-in sets up an authenticator app, the next one
asks for its code."""

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from ..factories import TEST_PASSWORD, PanelMemberFactory
from .conftest import CODE_PAGE_HEADING, assert_accessible, sign_in

pytestmark = pytest.mark.browser


def code_from(secret: str, at: float) -> str:
    """What an authenticator app holding `secret` shows at Unix time `at`."""
    generator = TOTP(b32decode(secret.replace(" ", "")))
    generator.time = at
    return f"{generator.token():06d}"


def test_first_sign_in_sets_up_an_authenticator_then_signs_in_with_a_code(page: Page):
    person = PanelMemberFactory(username="new-member")

    sign_in(page, person.username, TEST_PASSWORD)

    expect(page).to_have_url(re.compile(r"/second-factor/set-up/\?next=%2F$"))
    heading = page.get_by_role("heading", name="Set up your authenticator app", level=1)
    expect(heading).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    assert_accessible(page)
    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator("#authenticator-secret").inner_text().strip()
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", secret)

    # A wrong code first: the error summary, and the message next to the field.
    page.get_by_label("Code from your authenticator app").fill("12345")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.locator(".govuk-error-message")).to_contain_text("6 digits")
    assert_accessible(page)

    set_up_at = time.time()
    page.get_by_label("Code from your authenticator app").fill(code_from(secret, set_up_at))
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Your recovery codes", level=1)).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    assert_accessible(page)
    page.get_by_role("link", name="I have saved my recovery codes").click()
    expect(page.get_by_role("heading", name="What needs your attention")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/$"))

    page.get_by_role("navigation", name="Your account").get_by_role(
        "button", name="Sign out"
    ).click()
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    page.get_by_label("Username").fill(person.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=CODE_PAGE_HEADING, level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Use a recovery code")).to_be_visible()
    # Only signing out is offered before the code: no menu, no account links.
    expect(page.get_by_role("navigation", name="Menu")).to_have_count(0)
    account = page.get_by_role("navigation", name="Your account")
    expect(account.get_by_role("link")).to_have_count(0)
    expect(account.get_by_role("button", name="Sign out")).to_be_visible()
    assert_accessible(page)
    # The code set-up used is spent: a person types the app's next one, or today's if later.
    # Not simply "30 seconds from now": when the set-up code reached the server just after its
    # 30-second step ended, django-otp learnt a drift of one step back (OTP_TOTP_SYNC), and
    # from then on accepts the current step and the two before it, never the next one.
    next_code_at = max(set_up_at + 30, time.time())
    page.get_by_label("Code from your authenticator app").fill(code_from(secret, next_code_at))
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="What needs your attention")).to_be_visible()
    assert_accessible(page)
