"""The Panel decides with the review in front of it, and walks the case by its "This case"
links (issue 13, items 2 and 4): a Panel member opens a SIN, follows its links to the rapid
review and the decision page, reads the review there (answers as labels, the narrative, the
rationale, the document), records the decision, finds the correction form folded in a details
component and opens it, writes the response letter, goes on to the LCSPR and back to the review
and the SIN. Every page is checked with axe: no serious or critical violation and no `region`
finding (all content in a landmark)."""

import re

import pytest
from playwright.sync_api import Page, expect

from panel.models import PanelDecision
from safeguarding.demo import seed_demo_users

from ..lcsprs.factories import LcsprFactory
from ..panel.factories import PanelReviewFactory
from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser

NARRATIVE = "Synthetic summary of facts: the family moved house twice in one year."
RATIONALE = "Synthetic rationale: the multi-agency learning is new for the partnership."
OUTCOME_LEGEND = "Does the Panel agree with the partnership's decision on an LCSPR?"
QUALITY_ANSWERS = {
    "Thoroughness of analysis": "Good",
    "How well did the review consider the child's lived experience?": "Good",
    "How well did the review consider race, ethnicity and culture?": "Adequate",
    "Were the child's characteristics recorded?": "Yes",
    "Did the review identify good practice?": "No",
}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def check(page: Page) -> None:
    """axe: nothing serious or critical, and every piece of content inside a landmark."""
    assert_accessible(page)  # also loads axe into the page
    regions = page.evaluate(
        """async () => (await axe.run(document, {runOnly: {type: 'rule', values: ['region']}}))
            .violations.map(v => v.nodes.map(n => n.target))"""
    )
    assert regions == [], f"content outside a landmark on {page.url}: {regions}"


def this_case(page: Page):
    return page.get_by_role("navigation", name="This case")


def follow(page: Page, link: str, heading: str) -> None:
    """Follow a link of the "This case" panel to the page whose main heading starts so."""
    this_case(page).get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(f"^{heading}"), level=1)).to_be_visible()
    check(page)


def sin_heading(page: Page, reference: str):
    return page.get_by_role("heading", name=re.compile(reference), level=1)


def radio(page: Page, legend: str, label: str):
    return page.get_by_role("group", name=legend, exact=True).get_by_label(label, exact=True)


def test_the_panel_decides_with_the_review_and_walks_the_case_by_its_links(page: Page):
    seed_demo_users()
    review = PanelReviewFactory(
        answers={
            "lcspr_decision": "lcspr",
            "lcspr_rationale": RATIONALE,
            "summary_of_facts": NARRATIVE,
        }
    )
    LcsprFactory(rapid_review=review)
    notification = review.notification
    sign_in(page, "panel-member")

    # The SIN links to its rapid review, decision page and LCSPR.
    page.goto(f"/notifications/{notification.pk}/")
    expect(
        page.get_by_role("heading", name=re.compile(notification.reference), level=1)
    ).to_be_visible()
    links = this_case(page)
    for name in ("Rapid review", "Panel decision", "LCSPR"):
        expect(links.get_by_role("link", name=name, exact=True)).to_be_visible()
    check(page)
    follow(page, "Rapid review", "Rapid review")

    # The decision page: the review in front of the Panel, then the form.
    follow(page, "Panel decision", "Panel decision")
    expect(page.get_by_role("heading", name="The rapid review", level=2)).to_be_visible()
    expect(page.get_by_role("heading", name="Child in focus", level=3, exact=True)).to_be_visible()
    for section in ("Characteristics of the child in focus", "Narrative", "Decision on an LCSPR"):
        expect(page.get_by_role("heading", name=section, level=3, exact=True)).to_be_visible()
    answers = page.locator(".govuk-summary-list")
    expect(answers.filter(has_text="Ethnicity").first).to_contain_text("White British")
    expect(page.get_by_text(NARRATIVE)).to_be_visible()
    expect(page.get_by_text(RATIONALE)).to_be_visible()
    expect(page.get_by_text("LCSPR needed", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"Rapid review\.pdf"))).to_be_visible()

    radio(page, OUTCOME_LEGEND, "Agreed").check()
    page.get_by_label("Reasons for the Panel's view").fill("Synthetic reasons: agreed.")
    for legend, label in QUALITY_ANSWERS.items():
        radio(page, legend, label).check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("The Panel's decision has been recorded.")).to_be_visible()
    assert PanelDecision.objects.get(review=review).outcome == "agree"

    # The correction form waits, folded, until asked for.
    correction = page.get_by_label("Why is the decision being corrected?")
    expect(page.locator("details.govuk-details")).not_to_have_attribute("open", re.compile(".*"))
    expect(correction).to_be_hidden()
    check(page)
    page.get_by_text("Correct the decision", exact=True).click()
    expect(correction).to_be_visible()
    expect(page.get_by_role("button", name="Save the correction")).to_be_visible()
    check(page)
    # On a phone the review, the links and the open form fit the screen's width.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})

    # The letter page links back to the review and the decision, and on to the LCSPR.
    page.get_by_role("link", name="Write the response letter").click()
    expect(page.get_by_role("heading", name="Response letter", level=1)).to_be_visible()
    for name in ("Rapid review", "Panel decision", "LCSPR"):
        expect(this_case(page).get_by_role("link", name=name, exact=True)).to_be_visible()
    check(page)
    page.get_by_role("button", name="Save and preview").click()
    expect(page.get_by_role("heading", name="Preview the response letter", level=1)).to_be_visible()
    expect(this_case(page)).to_contain_text("Draft response letter (this page)")
    check(page)
    follow(page, "LCSPR", "LCSPR")

    # And back: the LCSPR to its review and SIN.
    follow(page, "Rapid review", "Rapid review")
    this_case(page).get_by_role(
        "link", name=f"Incident notification {notification.reference}"
    ).click()
    expect(
        page.get_by_role("heading", name=re.compile(notification.reference), level=1)
    ).to_be_visible()
    check(page)
