"""A partnership lead (Leeds) opens Benchmarking from the menu and sees their partnership's
figures beside Yorkshire and the Humber's and England's, with Bristol's small numbers nowhere
on the page; the page passes axe."""

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from analytics import benchmarking, engine
from analytics import tables as t
from analytics.models import StatisticsSnapshot
from rapidreviews.models import RapidReview
from safeguarding.demo import DEMO_PASSWORD, seed_demo_users
from safeguarding.models import LocalAuthority

from ..notifications.factories import SubmittedNotificationFactory
from ..rapidreviews.factories import RapidReviewFactory
from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser

YEAR = 2023


def _records() -> None:
    """Leeds: 6 serious harm incidents (reviewed); Bradford: 5; Bristol: 2 deaths."""
    for name, reason, count in [
        ("Leeds", "serious_harm", 6),
        ("Bradford", "serious_harm", 5),
        ("Bristol", "death", 2),
    ]:
        authority = LocalAuthority.objects.get(name=name)
        for i in range(count):
            sin = SubmittedNotificationFactory(
                local_authority=authority, incident_date=date(YEAR, 7, 1 + i), reason=reason
            )
            RapidReviewFactory(
                notification=sin,
                status=RapidReview.Status.SUBMITTED,
                submitted_at=timezone.now(),
                working_days_taken=11,
                incident_type=reason,
                sex="male",
                age_years=14,
            )
    specs = [t.TABLES_BY_ID[b.id] for b in benchmarking.BENCHMARK_TABLES]
    StatisticsSnapshot.objects.create(
        year=YEAR,
        version=1,
        status=StatisticsSnapshot.Status.SUCCEEDED,
        tables=[engine.compute_table(spec, YEAR) for spec in specs],
    )


def test_a_partnership_lead_benchmarks_their_area(page):
    seed_demo_users()
    _records()
    sign_in(page, "partnership-lead", DEMO_PASSWORD)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Benchmarking").click()
    expect(
        page.get_by_role("heading", name="Benchmarking: Leeds Safeguarding Children Partnership")
    ).to_be_visible()
    table = page.locator("#chart_1_reason-table")
    for place in ["Leeds Safeguarding Children Partnership", "Yorkshire and the Humber", "England"]:
        expect(table.get_by_role("columnheader", name=place, exact=True)).to_be_visible()
    # Serious harm: Leeds 6 of 6 (100.0%), the region 11, England 11; Bristol's 2 deaths
    # are only in England's total (13), never shown as a number of their own.
    serious_harm = table.get_by_role("row", name="Serious harm")
    expect(serious_harm).to_contain_text("6")
    expect(serious_harm).to_contain_text("11")
    expect(table.get_by_role("row", name="Death")).to_contain_text("c")
    expect(page.get_by_text("Bristol")).to_have_count(0)
    expect(page.get_by_role("link", name="Download these figures as CSV")).to_be_visible()
    assert_accessible(page)
