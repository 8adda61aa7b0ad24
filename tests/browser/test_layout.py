"""The header and menu at a desktop width: for every role the menu is one line at 1,200 px, the
person and "Sign out" are in the header's account area, the administrator's tools are one
"Administration" page, and every page visited has all its content inside landmarks."""

import re

import pytest
from playwright.sync_api import Page, expect

from safeguarding.codes import Role
from safeguarding.demo import DEMO_PASSWORD, DEMO_USERS, seed_demo_users
from safeguarding.models import User
from safeguarding.services import inbox_notify

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser

ONE_DEMO_USER_PER_ROLE = {demo.role: demo for demo in reversed(DEMO_USERS)}


def region_findings(page: Page) -> list:
    """What axe's `region` rule (a moderate finding, so not in `assert_accessible`) reports:
    content outside every landmark, which a screen reader's landmark list skips."""
    results = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'rule', values: ['region']}})"
    )
    return [node["target"] for rule in results["violations"] for node in rule["nodes"]]


def assert_accessible_with_landmarks(page: Page) -> None:
    assert_accessible(page)  # injects axe too
    assert region_findings(page) == [], f"content outside landmarks on {page.url}"


def menu_item_tops(page: Page) -> list[float]:
    items = page.get_by_role("navigation", name="Menu").get_by_role("listitem")
    return [box["y"] for box in (item.bounding_box() for item in items.all())]


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_menu_fits_one_line_at_1200px_and_sign_out_is_in_the_header(page: Page, role):
    seed_demo_users()
    demo = ONE_DEMO_USER_PER_ROLE[role]
    # An unread count makes "Inbox" its longest: "Inbox (12)".
    person = User.objects.get(username=demo.username)
    for n in range(12):
        inbox_notify(recipients=[person], subject=f"Something to read {n}")
    page.set_viewport_size({"width": 1200, "height": 900})
    sign_in(page, demo.username, DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="What needs your attention")).to_be_visible()

    menu = page.get_by_role("navigation", name="Menu")
    # The home page is the service name's link, not a menu entry.
    expect(menu.get_by_role("link", name="Home")).to_have_count(0)
    expect(menu.get_by_role("link", name=re.compile(r"^Inbox"))).to_be_visible()
    tops = menu_item_tops(page)
    assert len(tops) >= 3
    assert max(tops) - min(tops) < 1, f"the menu wraps for {role.label}: {tops}"
    # Reference pages are not menu entries of their own.
    expect(menu.get_by_role("link", name="Local authorities")).to_have_count(0)
    expect(menu.get_by_role("link", name="Retention")).to_have_count(0)
    expect(menu.get_by_role("button", name="Sign out")).to_have_count(0)

    account = page.get_by_role("navigation", name="Your account")
    expect(account).to_contain_text(f"{demo.first_name} {demo.last_name}")
    expect(account).to_contain_text(role.label)
    # The phase banner is the phase banner again, not the account.
    expect(page.locator(".govuk-phase-banner")).not_to_contain_text(demo.last_name)
    assert_accessible_with_landmarks(page)

    # The footer keeps the local authorities one click away for everyone.
    page.get_by_role("contentinfo").get_by_role("link", name="Local authorities").click()
    expect(page.get_by_role("heading", name="Local authorities", level=1)).to_be_visible()
    assert_accessible_with_landmarks(page)

    account.get_by_role("link", name="Your account").click()
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    expect(page.get_by_role("link", name="Change your password")).to_be_visible()

    account.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    expect(page.get_by_role("navigation", name="Your account")).to_have_count(0)
    assert_accessible_with_landmarks(page)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/$"))


def test_administrator_reaches_every_tool_from_the_administration_page(page: Page):
    seed_demo_users()
    page.set_viewport_size({"width": 1200, "height": 900})
    sign_in(page, "administrator", DEMO_PASSWORD)
    menu = page.get_by_role("navigation", name="Menu")
    menu.get_by_role("link", name="Administration").click()
    expect(page.get_by_role("heading", name="Administration", level=1)).to_be_visible()
    expect(menu.get_by_role("link", name="Administration")).to_have_attribute(
        "aria-current", "page"
    )
    assert_accessible_with_landmarks(page)

    page.get_by_role("link", name="Retention schedule").click()
    expect(page.get_by_role("heading", name="Retention schedule", level=1)).to_be_visible()
    # Still in the Administration section of the menu.
    expect(menu.get_by_role("link", name="Administration")).to_have_attribute(
        "aria-current", "page"
    )
    assert_accessible_with_landmarks(page)

    page.go_back()
    page.get_by_role("link", name="Export a person's access history").click()
    expect(page.get_by_role("heading", name="Export a person's access history")).to_be_visible()
    assert_accessible_with_landmarks(page)

    page.go_back()
    page.get_by_role("link", name="Local authorities").first.click()
    expect(page.get_by_role("heading", name="Local authorities", level=1)).to_be_visible()

    page.go_back()
    page.get_by_role("link", name="People", exact=True).click()
    expect(page.get_by_role("heading", name="People", level=1)).to_be_visible()
    assert_accessible_with_landmarks(page)

    page.go_back()
    page.get_by_role("link", name="Organisations and reference data").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
