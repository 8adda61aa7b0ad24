"""A partnership lead drafts a whole rapid review, section by section, through the web forms:
a validation error is made and put right, the full review document is uploaded, and the review
is submitted to the Panel with a "not recorded" answer accepted."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from rapidreviews import codes
from rapidreviews.models import RapidReview
from rapidreviews.sections import SECTIONS
from rapidreviews.timescales import RAPID_REVIEW_DEADLINE_WORKING_DAYS
from safeguarding.codes import Reason, Sex
from safeguarding.demo import DEMO_PASSWORD, seed_demo_users
from safeguarding.models import User
from safeguarding.workingdays import add_working_days

from ..notifications.factories import NotificationChildFactory, SubmittedNotificationFactory
from ..rapidreviews.factories import RapidReviewFactory, pdf_bytes
from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser

TITLE = {section.key: section.title for section in SECTIONS}


def choose(page: Page, legend: str, label: str) -> None:
    """Check a radio by its fieldset's legend and its own label, both matched exactly ("Sex"
    is in another legend; "No" starts "Not recorded")."""
    page.get_by_role("group", name=legend, exact=True).get_by_label(label, exact=True).check()


def open_section(page: Page, key: str) -> None:
    page.get_by_role("link", name=TITLE[key], exact=True).click()
    expect(page.get_by_role("heading", name=TITLE[key], level=1)).to_be_visible()
    assert_accessible(page)


def save_section(page: Page, key: str) -> None:
    page.get_by_role("button", name="Save section").click()
    expect(page.get_by_text(f"{TITLE[key]} saved.")).to_be_visible()
    expect(page.locator(f"#section-{key}-status")).to_have_text("Completed")


def test_partnership_lead_drafts_and_submits_a_rapid_review(page: Page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_demo_users()
    today = timezone.localdate()
    sin_date = add_working_days(today, -3)
    notification = SubmittedNotificationFactory(
        created_by=User.objects.get(username="la-user"), children=[]
    )
    NotificationChildFactory(
        notification=notification, is_child_in_focus=True, age_years=9, sex=Sex.MALE
    )
    due = add_working_days(sin_date, RAPID_REVIEW_DEADLINE_WORKING_DAYS)
    review = RapidReviewFactory(
        notification=notification,
        clock_started_on=sin_date,
        due_date=due,
        original_due_date=due,
    )
    assert notification.local_authority.name == "Leeds"
    assert notification.reason == Reason.SERIOUS_HARM

    sign_in(page, "partnership-lead", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Rapid reviews").click()
    expect(page.get_by_role("heading", name="Rapid reviews", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=notification.reference).click()
    expect(page.get_by_role("heading", name=re.compile("Rapid review"), level=1)).to_contain_text(
        "Not started"
    )
    for section in SECTIONS:
        expect(page.locator(f"#section-{section.key}-status")).to_have_text("Not yet started")
    expect(page.get_by_text("You have completed 0 of 11 sections.")).to_be_visible()
    assert_accessible(page)

    # Incident type as reviewed: starts from the SIN's reason.
    open_section(page, "incident")
    legend = "Incident type as reviewed"
    expect(
        page.get_by_role("group", name=legend, exact=True).get_by_label("Serious harm")
    ).to_be_checked()
    choose(page, legend, "Serious harm")
    save_section(page, "incident")

    # The child in focus: sex and age start from the SIN; LGBTQ+ is not recorded.
    open_section(page, "child")
    expect(page.get_by_label("Age at the incident")).to_have_value("9")
    choose(page, "Sex", "Male")
    page.get_by_label("Age at the incident").fill("9")
    choose(page, "Ethnicity", "Any other mixed/multiple ethnic background")
    choose(page, "Gender identity different to sex registered at birth, or non-binary", "No")
    choose(page, "LGBTQ+", "Not recorded")
    choose(page, "Disability", "No")
    choose(page, "Neurodivergent", "Yes")
    choose(page, "Young carer", "Yes – reported")
    save_section(page, "child")

    # A serious harm asks for its likely cause, not a cause of death.
    open_section(page, "cause")
    expect(page.get_by_role("group", name="Likely cause of death")).to_have_count(0)
    choose(page, "Likely cause of serious harm", "Non-fatal neglect")
    save_section(page, "cause")

    open_section(page, "csc")
    choose(page, "Family known to CSC", "Yes – previous known")
    choose(page, "Child in need", "Yes – previously")
    choose(page, "Child protection plan", "No")
    choose(page, "Looked after", "No")
    choose(page, "Care order", "Unknown")
    save_section(page, "csc")

    # Aged 9: school questions are asked, the post-16 one is not.
    open_section(page, "needs")
    expect(
        page.get_by_role("group", name="Not in education, employment or training")
    ).to_have_count(0)
    choose(page, "Education status", "Child enrolled at a mainstream school")
    choose(page, "Child missing school", "Yes – regular absences/ poor attendance")
    choose(page, "SEND support", "Yes")
    choose(page, "EHC plan", "Child being assessed for EHC plan")
    choose(page, "Speech and language support", "Yes – receiving support")
    choose(page, "CAMHS", "Yes – on a waiting list")
    choose(page, "Known to youth offending services", "No")
    choose(page, "Mental health condition", "Diagnosed")
    choose(page, "Mental health condition linked to the incident", "Unclear")
    save_section(page, "needs")

    open_section(page, "parents")
    choose(page, "Young parent (under 25)", "Yes")
    choose(page, "Parent under 18", "No")
    choose(page, "Parent is a care leaver", "Unknown")
    choose(page, "Parent with a disability", "No")
    choose(page, "Parent with mental health needs", "Yes")
    choose(page, "Parental substance misuse", "Yes – alcohol and substances")
    save_section(page, "parents")

    open_section(page, "risks")
    for index, (_, label) in enumerate(codes.RISK_FACTORS):
        choose(page, label, ["Yes", "No", "Unknown"][index % 3])
    choose(page, "Physical abuse", "Yes – intrafamilial")
    choose(page, "Emotional abuse", "Yes – both")
    choose(page, "Sexual abuse/exploitation", "No")
    choose(page, "Child on child abuse", "Unknown")
    save_section(page, "risks")

    # Every theme answered (the optional cross-cutting ones too); good practice for some.
    open_section(page, "themes")
    for index, (_, label) in enumerate(codes.LearningTheme.choices):
        present = index % 4 != 3
        choose(page, f"{label}: does this feature in the review?", "Yes" if present else "No")
        if present and index % 2 == 0:
            choose(page, f"{label}: was good practice identified?", "Yes")
    save_section(page, "themes")

    open_section(page, "narrative")
    page.get_by_label("Summary of facts", exact=True).fill("Synthetic summary of the facts.")
    page.get_by_label("Relevant information", exact=True).fill("Synthetic relevant information.")
    page.get_by_label("Reflection", exact=True).fill("Synthetic reflection.")
    page.get_by_label("Immediate safeguarding action", exact=True).fill("Synthetic action.")
    save_section(page, "narrative")

    # The decision without its rationale: refused, and the choice is kept.
    open_section(page, "decision")
    choose(page, "Decision on an LCSPR", "LCSPR needed")
    page.get_by_role("button", name="Save section").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the rationale for the partnership's decision")
    expect(
        page.get_by_role("group", name="Decision on an LCSPR", exact=True).get_by_label(
            "LCSPR needed", exact=True
        )
    ).to_be_checked()
    assert_accessible(page)
    page.get_by_label("Rationale for the decision").fill("Synthetic rationale for an LCSPR.")
    save_section(page, "decision")

    # The full review document: a three-page PDF.
    page.get_by_role("link", name=TITLE["document"], exact=True).click()
    expect(page.get_by_role("heading", name=TITLE["document"], level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Upload a file").set_input_files(
        {"name": "review.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes(pages=3)}
    )
    page.get_by_role("button", name="Upload document").click()
    expect(page.get_by_text("Full review document uploaded.")).to_be_visible()
    expect(page.locator("#section-document-status")).to_have_text("Completed")
    document_row = page.locator(".govuk-summary-list__row", has_text="Full review document")
    expect(document_row).to_contain_text("review.pdf")
    expect(document_row).to_contain_text("3 pages")
    assert_accessible(page)

    expect(page.get_by_text("You have completed 11 of 11 sections.")).to_be_visible()

    # Check and submit: every answer as users read it, each section with a Change link.
    page.get_by_role("link", name="Check and submit to the Panel").click()
    expect(page.get_by_role("heading", name="Check and submit the rapid review")).to_be_visible()
    expect(page.get_by_text("Every question has an answer.")).to_be_visible()
    for section in SECTIONS:
        expect(page.get_by_role("heading", name=section.title, level=3)).to_be_visible()
    child_card = page.locator(".govuk-summary-card", has_text=TITLE["child"])
    expect(child_card).to_contain_text("Any other mixed/multiple ethnic background")
    expect(page.locator(".govuk-summary-card", has_text=TITLE["document"])).to_contain_text(
        "review.pdf"
    )
    assert_accessible(page)

    # Change the narrative from here: saving comes back to check answers.
    page.get_by_role("link", name=f"Change {TITLE['narrative'].lower()}").click()
    expect(page.get_by_role("heading", name=TITLE["narrative"], level=1)).to_be_visible()
    page.get_by_label("Reflection", exact=True).fill("Synthetic reflection, corrected.")
    page.get_by_role("button", name="Save section").click()
    expect(page.get_by_role("heading", name="Check and submit the rapid review")).to_be_visible()
    expect(page.locator(".govuk-summary-card", has_text=TITLE["narrative"])).to_contain_text(
        "Synthetic reflection, corrected."
    )

    # The not-recorded answer must be confirmed.
    expect(page.get_by_role("heading", name="Answered as not recorded")).to_be_visible()
    expect(
        page.get_by_role("link", name="Characteristics of the child in focus: LGBTQ+")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Submit to the Panel").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Confirm that you are submitting with answers recorded as 'not recorded'"
    )
    assert_accessible(page)
    page.get_by_label("I confirm the answers marked 'not recorded' are not recorded").check()
    page.get_by_role("button", name="Submit to the Panel").click()

    # A confirmation panel, with what happens next and the way back to the review.
    expect(page.get_by_role("heading", name="Rapid review submitted", level=1)).to_be_visible()
    expect(page.locator(".govuk-panel__body")).to_contain_text(notification.reference)
    expect(page.get_by_role("heading", name="What happens next")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="View the rapid review").click()
    expect(page.get_by_role("heading", name=re.compile("Rapid review"), level=1)).to_contain_text(
        "Submitted"
    )
    expect(page.get_by_role("link", name=TITLE["incident"])).to_have_count(0)
    # Read-only now: the answers are shown, not the task list.
    expect(page.locator(".govuk-summary-list__row", has_text="LGBTQ+")).to_contain_text(
        "Not recorded"
    )
    assert_accessible(page)

    review.refresh_from_db()
    assert review.status == RapidReview.Status.SUBMITTED
    assert review.submitted_by.username == "partnership-lead"
    assert review.working_days_taken is not None
    assert review.not_recorded_accepted
    assert review.lgbtq == codes.YesNoNotRecorded.NOT_RECORDED
    assert review.age_years == 9
    assert review.mental_health_linked == codes.YesNoUnclear.UNCLEAR
    assert review.reflection == "Synthetic reflection, corrected."
    assert review.lcspr_decision == codes.LcsprDecision.LCSPR
    assert review.document_page_count == 3
    assert review.themes.count() == len(codes.LearningTheme.choices)
    assert all(review.section_version(section.key) > 0 for section in SECTIONS)
