"""An administrator builds a cohort - children aged 11 to 17 with a mental health condition, in
2023 to 2024 - with the builder (conditions added one at a time), samples 10 of its cases,
saves it and downloads its comparison with the rest of the year as CSV. Every page is checked
with axe."""

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from analytics.models import Cohort
from rapidreviews.models import RapidReview
from safeguarding.demo import DEMO_PASSWORD, seed_demo_users
from safeguarding.models import AuditAction, AuditEvent

from ..notifications.factories import SubmittedNotificationFactory
from ..rapidreviews.factories import RapidReviewFactory
from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser

CONDITIONS = ["diagnosed", "undiagnosed", "both", "unknown_if_diagnosed", "none", "not_recorded"]


def _records() -> int:
    """36 reviewed incidents of 2023-24, ages 6 to 17 three times over, with every mental health
    answer in turn; the number of 11- to 17-year-olds with a condition."""
    in_cohort = 0
    for i in range(36):
        age = 6 + i % 12
        mental_health = CONDITIONS[i % len(CONDITIONS)]
        sin = SubmittedNotificationFactory(
            incident_date=date(2023, 6, 1) + timedelta(days=i), reason="serious_harm", children=[]
        )
        RapidReviewFactory(
            notification=sin,
            status=RapidReview.Status.SUBMITTED,
            submitted_at=timezone.now(),
            working_days_taken=10,
            incident_type="serious_harm",
            sex="male" if i % 2 else "female",
            age_years=age,
            mental_health=mental_health,
            cause_of_harm="self_harm",
        )
        in_cohort += age >= 11 and mental_health in CONDITIONS[:4]
    return in_cohort


def test_an_analyst_builds_samples_saves_and_downloads_a_cohort(page):
    seed_demo_users()
    in_cohort = _records()
    assert in_cohort >= 10
    sign_in(page, "administrator", DEMO_PASSWORD)

    page.goto("/statistics/cohorts/")
    expect(page.get_by_role("heading", name="Cohorts", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Build a cohort").click()
    expect(page.get_by_role("heading", name="Build a cohort", level=1)).to_be_visible()
    assert_accessible(page)

    # The population: aged 11 to 17.
    page.get_by_label("Reporting year").select_option(label="2023 to 2024")
    page.get_by_label("Compared within (the population", exact=False).check()
    page.get_by_label("Condition", exact=True).select_option(label="Age at the incident")
    page.get_by_role("button", name="Add condition").click()
    page.get_by_label("Lowest (0 to 17)").fill("11")
    page.get_by_label("Highest (0 to 17)").fill("17")
    # The criteria: a mental health condition, ready-made.
    page.get_by_label("Cohort criteria (the children", exact=False).check()
    page.get_by_label("Condition", exact=True).select_option(
        label=("A mental health condition (diagnosed, undiagnosed, both or unknown if diagnosed)")
    )
    page.get_by_role("button", name="Add condition").click()
    expect(page.get_by_label("Lowest (0 to 17)")).to_have_value("11")  # nothing typed is lost
    expect(page.get_by_label("Diagnosed", exact=True)).to_be_checked()
    page.get_by_role("button", name="Show the cohort’s size").last.click()
    expect(page.locator("#cohort-size")).to_have_text(f"{in_cohort} rapid reviews")
    assert_accessible(page)

    page.get_by_label("Number of cases to sample").fill("10")
    page.get_by_role("button", name="Draw a sample").click()
    expect(page.locator("#sample-cases tbody tr")).to_have_count(10)
    assert_accessible(page)

    page.get_by_label("Cohort name").fill("Teenagers with a mental health condition")
    page.get_by_role("button", name="Save cohort").click()
    expect(
        page.get_by_role("heading", name="Teenagers with a mental health condition", level=1)
    ).to_be_visible()
    assert_accessible(page)
    cohort = Cohort.objects.get(name="Teenagers with a mental health condition")
    assert cohort.sample_size == 10 and cohort.sample_seed is not None
    assert cohort.definition["within"] == [{"field": "age_years", "min": 11, "max": 17}]

    page.get_by_role("link", name="Sample (10 cases)").click()
    expect(page.locator("#sample-cases tbody tr")).to_have_count(10)
    assert_accessible(page)
    page.get_by_role("link", name="Back to the cohort").click()

    page.get_by_role("link", name="Compare with the rest of the year").click()
    expect(page.locator("#compare-cohort-size")).to_have_text(str(in_cohort))
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Internal CSV (all figures)").click()
    download = download_info.value
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows and len(rows) > 10
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id=str(cohort.pk)).exists()
