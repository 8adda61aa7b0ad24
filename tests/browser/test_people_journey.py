"""The team pages in a browser: an administrator invites a Leeds approver, who follows the
e-mailed link, chooses a password, sets up an authenticator app and sees Leeds' people; and
the whole journey of a request for an account, from Leeds' work e-mail domain to the social
worker's first sign-in (issue 15, Done when)."""

import re
import time

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from safeguarding.models import LocalAuthority

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


def _sign_out(page: Page) -> None:
    page.get_by_role("navigation", name="Your account").get_by_role(
        "button", name="Sign out"
    ).click()
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()


def _accept(page: Page, link: str, password: str) -> None:
    """Follow an invitation: choose a password, set up an authenticator app, save the codes."""
    page.goto(link)
    expect(page.get_by_role("heading", name="Choose your password", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Choose a password").fill(password)
    page.get_by_label("Type the password again").fill(password)
    page.get_by_role("button", name="Save password and continue").click()
    heading = page.get_by_role("heading", name="Set up your authenticator app", level=1)
    expect(heading).to_be_visible()
    assert_accessible(page)
    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator("#authenticator-secret").inner_text().strip()
    page.get_by_label("Code from your authenticator app").fill(code_from(secret, time.time()))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Your recovery codes", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="I have saved my recovery codes").click()


def _invitation_link() -> str:
    return re.search(r"https?://[^\s]+(/invitation/[^/\s]+/)", mail.outbox[-1].body).group(1)


def test_a_leeds_approver_approves_a_social_workers_request_for_an_account(page: Page):
    leeds = LocalAuthority.objects.get(name="Leeds")
    admin = AdministratorFactory(username="requests-admin")
    authenticator_for(admin)
    sign_in(page, admin.username, TEST_PASSWORD)

    # Leeds' work e-mail domain, on Leeds' page.
    page.goto(f"/local-authorities/{leeds.ons_code}/")
    assert_accessible(page)
    page.get_by_role("link", name="Change work email domains").click()
    expect(page.get_by_role("heading", name="Work email domains", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Add a work email domain").fill("leeds.example.gov.uk")
    page.get_by_role("button", name="Add domain").click()
    expect(page.get_by_role("cell", name="leeds.example.gov.uk", exact=True)).to_be_visible()
    assert_accessible(page)

    # The administrator invites Leeds' approver.
    page.goto("/people/invite/")
    page.get_by_label("First name").fill("Jamie")
    page.get_by_label("Last name").fill("Fictitious")
    page.get_by_label("Work email address").fill("jamie.fictitious@leeds.example.gov.uk")
    page.get_by_role("radio", name="Local authority user").check()
    page.get_by_label("Local authority (for a local authority user)").select_option(label="Leeds")
    page.get_by_role("group", name="Is the person an approver?").get_by_label("Yes").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("heading", name="Jamie Fictitious", level=1)).to_be_visible()
    link = _invitation_link()
    _sign_out(page)

    # The approver accepts: a password and a second factor.
    _accept(page, link, NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Hello, Jamie", level=1)).to_be_visible()
    _sign_out(page)

    # A Leeds social worker asks for an account from the sign-in page.
    page.get_by_role("link", name="Ask for an account").click()
    expect(page.get_by_role("heading", name="Ask for an account", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Last name").fill("Socialworker")
    page.get_by_label("Work email address").fill("sam.socialworker@mail.example.com")
    page.get_by_role("radio", name=re.compile("local authority user")).check()
    page.get_by_label("Local authority (if you work for one)").select_option(label="Leeds")
    page.get_by_label("Why do you need an account?").fill(
        "I am a social worker in Leeds' children's services and notify the Panel."
    )
    page.get_by_role("button", name="Send request").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("ending in @leeds.example.gov.uk")
    assert_accessible(page)
    page.get_by_label("Work email address").fill("sam.socialworker@leeds.example.gov.uk")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("heading", name="Request sent", level=1)).to_be_visible()
    assert_accessible(page)

    # The approver signs in, finds the request on their people page and approves it.
    sign_in(page, "jamie.fictitious@leeds.example.gov.uk", NEW_PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="People").click()
    expect(page.get_by_text("Requests for an account")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Sam Socialworker").click()
    expect(page.get_by_role("heading", name="Sam Socialworker", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("radio", name=re.compile("^Approve")).check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_role("heading", name="Sam Socialworker", level=1)).to_be_visible()
    expect(page.get_by_text("an invitation has been sent to")).to_be_visible()
    assert_accessible(page)
    link = _invitation_link()
    _sign_out(page)

    # The social worker accepts the invitation, then signs in.
    _accept(page, link, "leeds-social-worker-password-2026")
    expect(page.get_by_role("heading", name="Hello, Sam", level=1)).to_be_visible()
    assert_accessible(page)
    _sign_out(page)
    sign_in(page, "sam.socialworker@leeds.example.gov.uk", "leeds-social-worker-password-2026")
    expect(page.get_by_role("heading", name="Hello, Sam", level=1)).to_be_visible()
