"""The team pages in a browser: an administrator invites a Leeds approver, who follows the
e-mailed link, chooses a password, sets up an authenticator app and sees Leeds' people."""

import re
import time

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from ..factories import TEST_PASSWORD, AdministratorFactory
from ..second_factor import authenticator_for
from .conftest import assert_accessible, sign_in
from .test_second_factor_journey import code_from

pytestmark = pytest.mark.browser

NEW_PASSWORD = "leeds-approver-password-2026"


def test_an_administrator_invites_a_leeds_approver_who_accepts(page: Page):
    admin = AdministratorFactory(username="people-admin")
    authenticator_for(admin)
    sign_in(page, admin.username, TEST_PASSWORD)

    page.goto("/admin-tools/")
    page.get_by_role("link", name="People", exact=True).click()
    expect(page.get_by_role("heading", name="People", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Invite someone").click()
    expect(page.get_by_role("heading", name="Invite someone", level=1)).to_be_visible()
    # Nothing filled in: the GOV.UK error summary, then the answers.
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("First name").fill("Jamie")
    page.get_by_label("Last name").fill("Fictitious")
    page.get_by_label("Work email address").fill("jamie.fictitious@leeds.example.org")
    page.get_by_role("radio", name="Local authority user").check()
    page.get_by_label("Local authority (for a local authority user)").select_option(label="Leeds")
    page.get_by_role("group", name="Is the person an approver?").get_by_label("Yes").check()
    page.get_by_role("button", name="Send invitation").click()

    expect(page.get_by_role("heading", name="Jamie Fictitious", level=1)).to_be_visible()
    expect(page.get_by_text("Invited", exact=True).first).to_be_visible()
    assert_accessible(page)
    link = re.search(r"https?://[^\s]+(/invitation/[^/\s]+/)", mail.outbox[-1].body).group(1)

    page.get_by_role("navigation", name="Your account").get_by_role(
        "button", name="Sign out"
    ).click()
    page.goto(link)
    expect(page.get_by_role("heading", name="Choose your password", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    page.get_by_label("Type the password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save password and continue").click()

    heading = page.get_by_role("heading", name="Set up your authenticator app", level=1)
    expect(heading).to_be_visible()
    assert_accessible(page)
    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator("#authenticator-secret").inner_text().strip()
    page.get_by_label("Code from your authenticator app").fill(code_from(secret, time.time()))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Your recovery codes", level=1)).to_be_visible()
    page.get_by_role("link", name="I have saved my recovery codes").click()

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", name="People", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Jamie Fictitious")).to_be_visible()
    expect(page.get_by_text("The people of Leeds.", exact=False)).to_be_visible()
    assert_accessible(page)

    # The used link now says so, in words.
    page.goto(link)
    expect(
        page.get_by_role("heading", name="This invitation link cannot be used", level=1)
    ).to_be_visible()
    assert_accessible(page)
