"""The statistics pages in a browser: the demo administrator opens the summary, the year's
contents, a table's own page (its chart and data, then the next table), and the comparison
with the previous year; each passes the axe check."""

import re

import pytest
from playwright.sync_api import Page, expect

from analytics.services import statistics_compute
from safeguarding.demo import DEMO_PASSWORD, seed_demo_users
from safeguarding.models import User

from ..analytics.test_pages import _records
from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def test_administrator_reads_the_annual_figures_accessibly(page: Page):
    seed_demo_users()
    _records(year=2022, count=1)
    _records(year=2023, count=3)
    admin = User.objects.get(username="administrator")
    statistics_compute(year=2022, by=admin)
    statistics_compute(year=2023, by=admin)
    sign_in(page, "administrator", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="What needs your attention")).to_be_visible()

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Statistics").click()
    expect(page.get_by_role("heading", name="Annual figures 2023 to 2024", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Version 1", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Tables and charts").click()
    expect(page).to_have_url(re.compile(r"/statistics/2023/$"))
    expect(page.get_by_role("heading", name="Serious Incident Notifications")).to_be_visible()
    expect(page.locator("body")).to_contain_text("3 rapid reviews")  # a headline figure
    assert_accessible(page)

    page.get_by_role("link", name=re.compile(r"^Table 2\. ")).click()
    expect(page).to_have_url(re.compile(r"/statistics/2023/tables/table_2_cause_of_death/$"))
    expect(page.get_by_role("heading", name=re.compile(r"^Table 2\. "), level=1)).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"^Table 2\. "))).to_be_visible()
    expect(
        page.get_by_text("The data in this chart is in the table below.", exact=True)
    ).to_be_visible()
    table_2 = page.locator("#table_2_cause_of_death-table")
    expect(table_2.get_by_role("row", name=re.compile(r"^Suicide"))).to_contain_text("100.0")
    expect(page.get_by_role("heading", name="Download this table")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=re.compile(r"^Next table")).click()
    expect(page).to_have_url(re.compile(r"/statistics/2023/tables/table_3_cause_of_harm/$"))
    page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Tables and charts"
    ).click()
    expect(page).to_have_url(re.compile(r"/statistics/2023/$"))

    page.get_by_role("link", name="Compare with 2022 to 2023").click()
    expect(page.get_by_role("heading", name="Compare with 2022 to 2023", level=1)).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Table 2\.")).click()
    expect(page.locator("#table_2_cause_of_death-compare")).to_be_visible()
    assert_accessible(page)
