"""The LCSPR's final report and the Panel's feedback (issue 18, item 1): the lead uploads the
final report, the Panel records its structured feedback (first with every answer missing, then
complete) and the LCSPR's page shows it. axe checks every page."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from lcsprs.models import Lcspr
from safeguarding.dates import long_date
from safeguarding.demo import seed_demo_users

from ..lcsprs.factories import InProgressLcsprFactory
from ..rapidreviews.factories import pdf_bytes
from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def test_a_lead_uploads_the_final_report_and_the_panel_gives_feedback(page: Page):
    seed_demo_users()
    today = timezone.localdate()
    lcspr = InProgressLcsprFactory()
    detail = reverse("lcsprs:lcspr-detail", args=[lcspr.pk])

    sign_in(page, "partnership-lead")
    page.goto(detail)
    page.get_by_role("link", name="Upload the final report").click()
    expect(page.get_by_role("heading", name="Upload the final report", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Upload the final report").set_input_files(
        {
            "name": "Synthetic final report.pdf",
            "mimeType": "application/pdf",
            "buffer": pdf_bytes(2),
        }
    )
    page.get_by_role("button", name="Upload the report").click()
    expect(page.get_by_text("The final report is uploaded (version 1)")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Synthetic final report.pdf"))).to_be_visible()
    assert_accessible(page)
    lcspr.refresh_from_db()
    assert (lcspr.status, lcspr.final_report_received_on) == (
        Lcspr.Status.FINAL_REPORT_SENT,
        today,
    )

    page.context.clear_cookies()
    sign_in(page, "panel-member")
    page.goto(detail)
    page.get_by_role("link", name="Record the Panel's feedback").click()
    page.get_by_role("button", name="Save feedback").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select how thorough the analysis was")
    expect(summary).to_contain_text("Select the learning themes the Panel identified")
    assert_accessible(page)
    page.get_by_role("group", name="How thorough was the analysis?").get_by_label("Good").check()
    for legend, answer in (
        ("How well did the report consider the child's lived experience?", "Adequate"),
        ("How well did the report consider race, ethnicity and culture?", "Needs improvement"),
        (re.compile("Are the recommendations SMART"), "Partly"),
        ("Was the child's voice heard?", "Yes"),
    ):
        page.get_by_role("group", name=legend).get_by_label(answer, exact=True).check()
    page.get_by_label("Early help").check()
    group = page.get_by_role("group", name="When did the Panel consider the LCSPR?")
    group.get_by_label("Day").fill(str(today.day))
    group.get_by_label("Month").fill(str(today.month))
    group.get_by_label("Year").fill(str(today.year))
    page.get_by_label("The Panel's feedback on the final report").fill("Synthetic feedback.")
    page.get_by_role("button", name="Save feedback").click()
    expect(page.get_by_text("The Panel's feedback is recorded.")).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("Needs improvement")
    expect(main).to_contain_text(long_date(today))
    assert_accessible(page)
    lcspr.refresh_from_db()
    assert (lcspr.feedback_analysis_quality, lcspr.considered_on) == ("good", today)
