"""The first journeys: every demo role signs in and reaches its home page, accessibly."""

import re

import pytest
from playwright.sync_api import Page, expect

from safeguarding.codes import Role
from safeguarding.demo import DEMO_PASSWORD, DEMO_USERS, seed_demo_users

from .conftest import CODE_PAGE_HEADING, assert_accessible, axe_violations, enter_code, sign_in

pytestmark = pytest.mark.browser

ONE_DEMO_USER_PER_ROLE = {demo.role: demo for demo in reversed(DEMO_USERS)}


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_demo_user_signs_in_to_their_home_page(page: Page, role):
    seed_demo_users()
    demo = ONE_DEMO_USER_PER_ROLE[role]
    sign_in(page, demo.username, DEMO_PASSWORD)

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="What needs your attention")).to_be_visible()
    expect(page.get_by_text(role.label, exact=True).first).to_be_visible()
    navigation = page.get_by_role("navigation", name="Menu")
    expect(page.get_by_role("navigation", name="Your account")).to_contain_text(role.label)
    admin_link = navigation.get_by_role("link", name="Administration")
    expect(admin_link).to_have_count(1 if role == Role.ADMINISTRATOR else 0)
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()


def test_wrong_password_shows_the_error_summary_and_keeps_the_username(page: Page):
    seed_demo_users()
    sign_in(page, "la-user", "not-the-password")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter a correct username and password")
    expect(page.get_by_label("Username")).to_have_value("la-user")
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    assert_accessible(page)

    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=CODE_PAGE_HEADING)).to_be_visible()
    enter_code(page, "la-user")
    expect(page.get_by_role("heading", name="What needs your attention")).to_be_visible()


def test_la_user_cannot_open_another_authoritys_page(page: Page):
    seed_demo_users()
    sign_in(page, "la-user", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="What needs your attention")).to_be_visible()
    response = page.goto("/local-authorities/E06000023/")  # Bristol; la-user works for Leeds
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert_accessible(page)


def test_the_accessibility_check_catches_a_violation(page: Page):
    """The harness itself: axe-core must report a page that breaks the rules."""
    page.set_content('<html><body><main><img src="chart.png"></main></body></html>')
    violations = axe_violations(page)
    assert "image-alt" in {violation["id"] for violation in violations}
