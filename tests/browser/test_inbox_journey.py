"""The inbox: a person sees their unread count, opens a message and lands on its case."""

import re

import pytest
from playwright.sync_api import Page, expect

from safeguarding.demo import DEMO_PASSWORD, seed_demo_users
from safeguarding.models import User
from safeguarding.services import inbox_notify

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def test_opening_a_notification_marks_it_read_and_follows_its_link(page: Page):
    seed_demo_users()
    la_user = User.objects.get(username="la-user")
    inbox_notify(
        recipients=[la_user],
        subject="Leeds reference data updated",
        body="Check the authority's details.",
        url="/local-authorities/",
    )
    inbox_notify(recipients=[la_user], subject="An older message")

    sign_in(page, "la-user", DEMO_PASSWORD)

    navigation = page.get_by_role("navigation", name="Menu")
    navigation.get_by_role("link", name="Inbox (2)").click()
    expect(page.get_by_role("heading", name="Inbox", level=1)).to_be_visible()
    expect(page.get_by_text("New", exact=True)).to_have_count(2)
    assert_accessible(page)

    page.get_by_role("button", name="Leeds reference data updated").click()
    expect(page).to_have_url(re.compile(r"/local-authorities/$"))
    expect(navigation.get_by_role("link", name="Inbox (1)")).to_be_visible()

    navigation.get_by_role("link", name="Inbox (1)").click()
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_text("All your messages are marked as read.")).to_be_visible()
    expect(navigation.get_by_role("link", name="Inbox", exact=True)).to_be_visible()
    assert_accessible(page)
