"""Issue 16 end to end in a browser: Leeds notifies the death of a looked-after child placed in
Kent, where abuse or neglect is not suspected. The notifier fills every section through the
real pages, names Kent's safeguarding partnership on "Other areas to tell", attaches a PDF and
submits: no rapid review is opened. Kent's partnership lead then reads the SIN from their
inbox (marked "Shared with you"), and a DfE viewer finds it in the list, reads it and downloads
its attachment. Every page visited passes axe."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from notifications.models import AbuseOrNeglect, Notification
from rapidreviews.models import RapidReview
from safeguarding.demo import DEMO_PASSWORD, seed_demo_users
from safeguarding.models import Partnership

from ..rapidreviews.factories import pdf_bytes
from .conftest import assert_accessible, sign_in
from .test_sin_journey import fill_date

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # The live server runs in this process: the uploaded file lands in the test's own folder.
    settings.MEDIA_ROOT = tmp_path / "media"


def choose(page: Page, legend: str, label: str) -> None:
    """Check a radio by its fieldset's legend and its own label, both matched exactly."""
    page.get_by_role("group", name=legend, exact=True).get_by_label(label, exact=True).check()


def save_and_continue(page: Page, next_heading: str) -> None:
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name=next_heading, level=1)).to_be_visible()
    assert_accessible(page)


def sign_out(page: Page) -> None:
    page.get_by_role("navigation", name="Your account").get_by_role(
        "button", name="Sign out"
    ).click()
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()


def notify_looked_after_death_placed_in_kent(page: Page, kent: Partnership, report: bytes) -> None:
    """The Leeds user's part, from the SIN list to the confirmation page."""
    today = timezone.localdate()
    sign_in(page, "la-user", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Incident notifications"
    ).click()
    assert_accessible(page)
    page.get_by_role("button", name="Notify the Panel of a serious incident").click()
    expect(page.get_by_role("heading", name="Incident details", level=1)).to_be_visible()
    assert_accessible(page)

    # Aware today, so the SIN is on time whatever day the test runs.
    fill_date(page, "When did the incident happen?", today - timedelta(days=1))
    fill_date(page, "When did the local authority become aware of it?", today)
    choose(page, "What is the reason for the notification?", "Death")
    save_and_continue(page, "Children")

    page.get_by_role("button", name=re.compile("Add (a|another) child")).click()
    expect(page.get_by_role("heading", name=re.compile("child"), level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Reference for the child").fill("Child A")
    page.get_by_label("Age on the date of the incident").fill("15")
    choose(page, "Sex", "Male")
    choose(page, "What happened to this child?", "Death")
    choose(page, "Was the child looked after? (optional)", "Yes – child in foster care")
    home = "Child's home local authority, if different from yours (optional)"
    page.get_by_label(home).select_option(label="Kent")
    page.get_by_role("button", name="Save child").click()
    expect(page.get_by_role("heading", name="Children", level=1)).to_be_visible()
    expect(page.locator(".govuk-summary-card", has_text="Child A")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Circumstances", level=1)).to_be_visible()
    assert_accessible(page)
    choose(
        page,
        "Is abuse or neglect known or suspected?",
        "Not suspected (looked-after child's death)",
    )
    choose(page, "Is this the death of a looked-after child?", "Yes")
    page.get_by_label("Postcode of the child's home or placement (optional)").fill("me14 1xq")
    page.get_by_label("Summary of what happened").fill(
        "Synthetic summary: a looked-after child placed with foster carers out of area died."
    )
    save_and_continue(page, "Where and how it happened")

    choose(page, "Where did it happen?", "Elsewhere in England")
    page.get_by_label("If elsewhere in England, which local authority's area?").select_option(
        label="Kent"
    )
    choose(page, "In what setting did it happen?", "Care placement")
    page.get_by_label("Children's social care").check()
    save_and_continue(page, "Notifier and sign-off")

    # The notifier's name and e-mail come from the signed-in account.
    expect(page.get_by_label("Your email address")).to_have_value("la-user@example.org")
    page.get_by_label("Your telephone number (optional)").fill("01632 960 002")
    save_and_continue(page, "Check your answers before submitting")
    expect(page.get_by_text("Care placement")).to_be_visible()

    # The optional sections are reached from the task list.
    page.get_by_role("link", name="Back", exact=True).click()
    expect(
        page.get_by_role("heading", name="Notify the Panel of a serious incident", level=1)
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Other areas to tell").click()
    expect(page.get_by_role("heading", name="Other areas to tell", level=1)).to_be_visible()
    expect(page.get_by_text("No other areas to tell.")).to_be_visible()
    assert_accessible(page)
    area = "Which local authority or safeguarding partnership should be told?"
    page.get_by_label(area).select_option(label=kent.name)
    page.get_by_role("button", name="Add area").click()
    expect(page.get_by_role("heading", name="Other areas to tell", level=1)).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text(kent.name)
    expect(page.get_by_role("table")).to_contain_text("When submitted")
    assert_accessible(page)

    page.get_by_role("link", name="Return to the notification's sections").click()
    page.get_by_role("link", name="Attachments (optional)").click()
    expect(page.get_by_role("heading", name="Attachments", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Upload a file").set_input_files(
        {"name": "placement-report.pdf", "mimeType": "application/pdf", "buffer": report}
    )
    page.get_by_label("Description (optional)").fill("Placement report (synthetic)")
    page.get_by_role("button", name="Upload file").click()
    expect(page.get_by_text("placement-report.pdf has been attached.")).to_be_visible()
    expect(page.get_by_role("link", name="placement-report.pdf", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Back to the task list").click()
    page.get_by_role("link", name="Check answers and submit").click()
    expect(page.get_by_role("heading", name="Check your answers before submitting")).to_be_visible()
    expect(page.get_by_text("Not suspected (looked-after child's death)")).to_be_visible()
    expect(page.get_by_role("table", name="Other areas to tell")).to_contain_text(kent.name)
    expect(page.get_by_role("link", name="placement-report.pdf", exact=True)).to_be_visible()
    expect(page.get_by_text("No rapid review will be needed")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Submit notification").click()

    expect(page.get_by_role("heading", name="Notification submitted")).to_be_visible()
    expect(page.locator("#no-rapid-review")).to_contain_text("No rapid review is needed")
    expect(page.get_by_text(f"Other areas told: {kent.name}.")).to_be_visible()
    assert_accessible(page)


def test_looked_after_death_placed_out_of_area_is_shared_and_needs_no_rapid_review(
    page: Page, tmp_path
):
    seed_demo_users()
    kent = Partnership.objects.get(code="kent")
    report = pdf_bytes()

    notify_looked_after_death_placed_in_kent(page, kent, report)

    notification = Notification.objects.get()
    assert notification.status == Notification.Status.SUBMITTED
    assert notification.abuse_or_neglect == AbuseOrNeglect.NOT_SUSPECTED
    assert notification.child_looked_after_death is True
    assert not RapidReview.objects.filter(notification=notification).exists()
    [share] = notification.shares.all()
    assert share.partnership == kent
    assert share.told_at is not None
    [attachment] = notification.attachments.all()
    assert attachment.original_name == "placement-report.pdf"
    reference = notification.reference
    # Kent's lead is e-mailed; Leeds' partnership is not asked for a review.
    emails = [m for m in mail.outbox if reference in m.subject]
    assert any("partnership-lead-kent@example.org" in m.to for m in emails)
    assert not any("partnership-lead@example.org" in m.to for m in emails)

    sign_out(page)

    # Kent's partnership lead is told in their inbox and reads the SIN, marked as shared.
    sign_in(page, "partnership-lead-kent", DEMO_PASSWORD)
    navigation = page.get_by_role("navigation", name="Menu")
    navigation.get_by_role("link", name=re.compile(r"^Inbox")).click()
    expect(page.get_by_role("heading", name="Inbox", level=1)).to_be_visible()
    assert_accessible(page)
    message = re.compile(rf"^{re.escape(reference)}: .*shared with you$")
    page.get_by_role("button", name=message).click()
    expect(page).to_have_url(re.compile(rf"/notifications/{notification.pk}/$"))
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(reference)
    expect(heading).to_contain_text("Shared with you")
    assert_accessible(page)
    sign_out(page)

    # A DfE viewer finds it in the SIN list, reads it and downloads its attachment.
    sign_in(page, "dfe-viewer", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Incident notifications"
    ).click()
    expect(page.get_by_role("heading", name=re.compile("notifications"), level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    expect(page.get_by_text("No rapid review is needed", exact=False).first).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="placement-report.pdf", exact=True).click()
    download = download_info.value
    assert download.failure() is None, download.failure()
    assert download.suggested_filename == "placement-report.pdf"
    path = tmp_path / "downloaded.pdf"
    download.save_as(path)
    assert path.read_bytes() == report
