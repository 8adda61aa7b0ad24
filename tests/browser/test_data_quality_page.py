"""The data quality page in a browser: a Panel member opens it from the year's figures, sorts
the partnerships by one characteristic, and the page passes the axe check."""

import re

import pytest
from playwright.sync_api import Page, expect

from analytics.services import statistics_compute
from safeguarding.demo import DEMO_PASSWORD, seed_demo_users

from ..analytics.test_pages import _records
from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def test_panel_member_sorts_partnerships_by_what_they_leave_unrecorded(page: Page):
    seed_demo_users()
    _records(year=2023, count=2)
    statistics_compute(year=2023, by=None)
    sign_in(page, "panel-member", DEMO_PASSWORD)

    page.goto("/statistics/2023/")
    page.get_by_role("link", name="Data quality", exact=True).click()
    expect(page).to_have_url(re.compile(r"/statistics/2023/data-quality/$"))
    expect(page.get_by_role("heading", name="Data quality", level=1)).to_be_visible()
    page.get_by_label("Sort partnerships by").select_option(label="Ethnicity")
    page.get_by_role("button", name="Sort").click()
    expect(page).to_have_url(re.compile(r"characteristic=ethnicity"))
    table = page.locator("#data-quality-partnerships")
    expect(table.get_by_role("row", name=re.compile(r"^England"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("The Panel's feedback"))).to_be_visible()
    assert_accessible(page)
