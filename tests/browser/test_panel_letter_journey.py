"""A Panel member records the Panel's decision on a submitted rapid review through the web form
(a required answer is missed and put right, nothing typed is lost), drafts and previews the
response letter and sends it; a real Celery worker makes the PDF and e-mails it; then the
partnership lead signs in and downloads the PDF from the rapid review page."""

import re
import time

import pytest
from playwright.sync_api import Page, expect

from panel.models import Extent, Outcome, PanelDecision, Quality, ResponseLetter
from safeguarding.demo import DEMO_PASSWORD, seed_demo_users

from ..panel.factories import PanelReviewFactory
from ..pdf import normalised, pdf_text
from .conftest import assert_accessible
from .conftest import sign_in as sign_in_with_code

pytestmark = [pytest.mark.browser, pytest.mark.worker]

# Distinctive and synthetic, so the test can be sure it never reaches the letter.
CHILD_NAME = "Philomena Quarrington-Vesk"
# An upper bound, not a wait: a fresh machine builds its font cache on the first render, which
# can take longer than the render itself (tests/panel/test_worker.py allows 60s too).
SENT_TIMEOUT = 60.0

OUTCOME_LEGEND = "Does the Panel agree with the partnership's decision on an LCSPR?"
QUALITY_ANSWERS = {
    "Thoroughness of analysis": "Adequate",
    "How well did the review consider the child's lived experience?": "Good",
    "How well did the review consider race, ethnicity and culture?": "Needs improvement",
    "Were the child's characteristics recorded?": "Partly",
}
GOOD_PRACTICE_LEGEND = "Did the review identify good practice?"
REASONS = "Synthetic reasons: the learning about hidden men warrants a local review."
FEEDBACK = "Synthetic feedback: a clear multi-agency chronology."


@pytest.fixture
def media_root(settings, tmp_path):
    """Review documents and letter PDFs in tmp_path, for the live server and the worker."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def letter_worker(media_root, celery_worker):
    """The real worker, started only once MEDIA_ROOT points at tmp_path (it is passed to the
    worker when it starts), so the PDF it stores is the one the live server serves."""
    return celery_worker


def radio(page: Page, legend: str, label: str):
    return page.get_by_role("group", name=legend, exact=True).get_by_label(label, exact=True)


def sign_in(page: Page, username: str) -> None:
    sign_in_with_code(page, username, DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="What needs your attention")).to_be_visible()


def wait_until_sent(page: Page) -> None:
    """Reload the decision page until the worker has sent letter version 1 (bounded)."""
    row = page.get_by_role("row").filter(has_text="Download PDF")
    deadline = time.monotonic() + SENT_TIMEOUT
    while True:
        status = page.locator(".govuk-table__body .govuk-tag").first.inner_text()
        if status == "Sent" and row.count():
            return
        if status == "Failed" or time.monotonic() > deadline:
            letter = ResponseLetter.objects.get()
            raise AssertionError(
                f"letter is {letter.status} ({letter.error}) on the page: {status}"
            )
        time.sleep(0.5)
        page.reload()


def test_panel_member_sends_the_letter_and_the_lead_downloads_it(
    letter_worker, page: Page, tmp_path
):
    seed_demo_users()
    review = PanelReviewFactory(child_name=CHILD_NAME)
    notification = review.notification
    child_reference = notification.child_in_focus.child_reference
    assert notification.local_authority.name == "Leeds"
    assert notification.child_in_focus.name == CHILD_NAME

    # The Panel member finds the review in the Panel queue.
    sign_in(page, "panel-member")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Panel queue").click()
    expect(page.get_by_role("heading", name="Panel queue", level=1)).to_be_visible()
    expect(page.get_by_role("caption")).to_have_text("1 rapid review waiting for a decision")
    assert_accessible(page)
    page.get_by_role("link", name=notification.reference, exact=True).click()
    expect(page.get_by_role("heading", name="Panel decision", level=1)).to_be_visible()
    expect(page.get_by_text("The Panel has not recorded a decision yet.")).to_be_visible()
    assert_accessible(page)

    # Every answer but one: refused with an error summary, and nothing given is lost.
    radio(page, OUTCOME_LEGEND, "Did not agree").check()
    page.get_by_label("Reasons for the Panel's view").fill(REASONS)
    for legend, label in QUALITY_ANSWERS.items():
        radio(page, legend, label).check()
    page.get_by_label("Feedback on the review's quality (optional)").fill(FEEDBACK)
    page.get_by_role("button", name="Record the decision").click()
    expect(page).to_have_title(re.compile(r"^Error: Panel decision"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select whether the review identified good practice")
    expect(summary).not_to_contain_text("Enter the reasons")
    expect(radio(page, OUTCOME_LEGEND, "Did not agree")).to_be_checked()
    expect(page.get_by_label("Reasons for the Panel's view")).to_have_value(REASONS)
    for legend, label in QUALITY_ANSWERS.items():
        expect(radio(page, legend, label)).to_be_checked()
    expect(page.get_by_label("Feedback on the review's quality (optional)")).to_have_value(FEEDBACK)
    assert_accessible(page)
    assert not PanelDecision.objects.exists()

    # The summary's link leads to the question; answered, the decision is recorded.
    summary.get_by_role("link", name="Select whether the review identified good practice").click()
    radio(page, GOOD_PRACTICE_LEGEND, "Yes").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("The Panel's decision has been recorded.")).to_be_visible()
    expect(page.get_by_role("heading", name="Version 1 (current): Did not agree")).to_be_visible()
    expect(page.get_by_text("No letter yet.")).to_be_visible()
    assert_accessible(page)

    # The letter starts from the template, filled with the decision.
    page.get_by_role("link", name="Write the response letter").click()
    expect(page.get_by_role("heading", name="Response letter", level=1)).to_be_visible()
    body = page.get_by_label("Text of the letter")
    expect(body).to_have_value(re.compile(r"Panel decision: Did not agree\."))
    expect(body).to_have_value(re.compile(re.escape(REASONS)))
    expect(body).to_have_value(re.compile(re.escape(child_reference)))
    assert_accessible(page)
    body.fill(body.input_value() + "\n\nA synthetic closing paragraph.")
    page.get_by_role("button", name="Save and preview").click()

    # The preview: the decision and the references, never the child's name.
    expect(page.get_by_role("heading", name="Preview the response letter", level=1)).to_be_visible()
    refs = page.locator(".panel-letter__refs")
    expect(refs.get_by_role("row", name="Notification")).to_contain_text(notification.reference)
    expect(refs.get_by_role("row", name="Child")).to_contain_text(child_reference)
    expect(refs.get_by_role("row", name="Panel decision")).to_contain_text("Did not agree")
    letter_text = page.locator(".panel-letter")
    expect(letter_text).to_contain_text("A synthetic closing paragraph.")
    expect(page.locator("body")).not_to_contain_text(CHILD_NAME)
    assert CHILD_NAME not in page.content()
    assert_accessible(page)

    page.get_by_role("button", name="Send the letter").click()
    expect(
        page.get_by_text("Letter version 1 is being made into a PDF and e-mailed to")
    ).to_be_visible()
    wait_until_sent(page)
    expect(page.get_by_role("link", name="Download PDF version 1")).to_be_visible()
    assert_accessible(page)

    letter = ResponseLetter.objects.get(review=review)
    assert letter.status == ResponseLetter.Status.SENT
    assert letter.attempts == 1
    decision = letter.decision
    assert (decision.outcome, decision.reasons, decision.feedback) == (
        Outcome.DISAGREE,
        REASONS,
        FEEDBACK,
    )
    assert decision.race_ethnicity_culture == Quality.NEEDS_IMPROVEMENT
    assert decision.good_practice_identified == Extent.YES
    [message] = letter_worker.wait_for_mail(1, timeout=SENT_TIMEOUT)
    assert "partnership-lead@example.org" in message

    page.get_by_role("navigation", name="Your account").get_by_role(
        "button", name="Sign out"
    ).click()
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()

    # The partnership lead reads the decision on the rapid review page and downloads the PDF.
    sign_in(page, "partnership-lead")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Rapid reviews").click()
    page.get_by_role("link", name=notification.reference, exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("Rapid review"), level=1)).to_contain_text(
        "Submitted"
    )
    expect(page.get_by_role("heading", name="Panel decision", level=2)).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Did not agree, \d"))).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Response letter version 1 (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"{notification.reference}-panel-response-v1.pdf"
    path = tmp_path / "downloaded.pdf"
    download.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert normalised(notification.reference) in text
    assert normalised(child_reference) in text
    assert "Did not agree" in text
    assert normalised(CHILD_NAME) not in text
