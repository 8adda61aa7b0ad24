"""The Panel's casework end to end (issue 17), through the pages only: the secretariat
allocates a submitted Leeds rapid review to a Panel member, schedules a meeting and puts the
review on its agenda; the member asks the partnership for information (and writes an internal
note the partnership never sees); the partnership lead replies with a file; the member reads the
reply, records the decision from the meeting page, and downloads the whole case file. Every page
visited passes axe.

The case file is made in-process (Celery tasks run eagerly in tests without the `worker`
marker), so its page is ready once the request for it returns; the test still waits for it
with `expect`, as a user would watch the page, never with a sleep."""

import re

import pytest
from playwright.sync_api import Page, expect

from panel.models import Allocation, CaseMessage, MessageKind, PanelDecision
from safeguarding.demo import DEMO_PASSWORD, seed_demo_users
from safeguarding.models import User

from ..panel.factories import PanelReviewFactory
from ..pdf import normalised, pdf_text
from ..rapidreviews.factories import pdf_bytes
from .conftest import CODE_PAGE_HEADING, assert_accessible, enter_code, sign_in

pytestmark = pytest.mark.browser

# Distinctive and synthetic, so the test can be sure where they never appear.
CHILD_NAME = "Ottoline Brackenridge-Sowerby"
QUESTION = "Synthetic question: please send the police chronology for the last six months."
NOTE = "Synthetic internal note: the chair thinks the chronology is thin."
REPLY = "Synthetic reply: the chronology is attached."
FILE_NAME = "police-chronology.pdf"
REASONS = "Synthetic reasons: the partnership's reasoning is sound."
MEETING_PLACE = "Room 4, Synthetic House"
# Far enough ahead that a new meeting on it is always accepted (a new meeting must be today or
# later), whatever day the test runs: the test depends on no clock.
MEETING_DAY = {"Day": "1", "Month": "1", "Year": "2100"}
MEETING_HEADING = "Friday 1 January 2100"
MEETING_NAME = "Panel meeting on 1 January 2100"

OUTCOME_LEGEND = "Does the Panel agree with the partnership's decision on an LCSPR?"
QUALITY_ANSWERS = {
    "Thoroughness of analysis": "Good",
    "How well did the review consider the child's lived experience?": "Adequate",
    "How well did the review consider race, ethnicity and culture?": "Good",
    "Were the child's characteristics recorded?": "Yes",
    "Did the review identify good practice?": "Partly",
}
# An upper bound, not a wait: the first PDF on a fresh machine builds the font cache.
DOCUMENT_TIMEOUT = 60_000


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Message files and the case file in tmp_path."""
    settings.MEDIA_ROOT = tmp_path / "media"


def menu(page: Page):
    return page.get_by_role("navigation", name="Menu")


def this_case(page: Page):
    return page.get_by_role("navigation", name="This case")


def radio(page: Page, legend: str, label: str):
    return page.get_by_role("group", name=legend, exact=True).get_by_label(label, exact=True)


def sign_in_home(page: Page, username: str, *, again: bool = False) -> None:
    """Sign in (with the code from the authenticator app) and land on the home page. The
    sign-in page is checked with axe the first time only: `again` signs in the same way from
    the sign-in page that signing out leads to, without checking it once more."""
    if again:
        expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name=CODE_PAGE_HEADING, level=1)).to_be_visible()
        enter_code(page, username)
    else:
        sign_in(page, username)
    expect(page.get_by_role("heading", name="What needs your attention")).to_be_visible()


def sign_out(page: Page) -> None:
    page.get_by_role("navigation", name="Your account").get_by_role(
        "button", name="Sign out"
    ).click()
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()


def open_from_inbox(page: Page, attention: str, subject: str) -> None:
    """From the home page's item, through the inbox, to the message's case."""
    page.get_by_role("link", name=attention).click()
    expect(page.get_by_role("heading", name="Inbox", level=1)).to_be_visible()
    page.get_by_role("button", name=subject).click()
    expect(page.get_by_role("heading", name="Messages", level=1)).to_be_visible()


def download(page: Page, link: str, tmp_path, name: str) -> bytes:
    with page.expect_download() as download_info:
        page.get_by_role("link", name=link).click()
    path = tmp_path / name
    download_info.value.save_as(path)
    return path.read_bytes()


def test_the_panel_allocates_plans_asks_decides_and_downloads_the_case_file(page: Page, tmp_path):
    seed_demo_users()
    review = PanelReviewFactory(child_name=CHILD_NAME)
    notification = review.notification
    reference = notification.reference
    child_reference = notification.child_in_focus.child_reference
    assert notification.local_authority.name == "Leeds"
    member = User.objects.get(username="panel-member")
    member_name = member.get_full_name()

    # --- The secretariat allocates the review from the Panel queue.
    sign_in_home(page, "panel-secretariat")
    menu(page).get_by_role("link", name="Panel queue").click()
    expect(page.get_by_role("heading", name="Panel queue", level=1)).to_be_visible()
    page.get_by_role("link", name=f"Allocate {reference}").click()
    expect(page.get_by_role("heading", name="Allocation to Panel members", level=1)).to_be_visible()
    allocated_to = page.locator(".govuk-summary-list__row").filter(has_text="Allocated to")
    expect(allocated_to).to_contain_text("Not allocated")
    # Each member is offered with their workload: "Morgan Testcase (0 open of 12, ...)".
    lead = page.get_by_label("Lead Panel member")
    lead.select_option(label=lead.locator("option", has_text=member_name).inner_text())
    page.get_by_role("button", name="Save the allocation").click()
    expect(page.get_by_text("The review's allocation has been saved.")).to_be_visible()
    expect(allocated_to).to_contain_text(f"{member_name} (lead)")
    assert_accessible(page)
    assert Allocation.objects.filter(review=review, member=member, is_lead=True).exists()

    # --- The secretariat schedules a meeting and puts the review on its agenda.
    menu(page).get_by_role("link", name="Meetings").click()
    expect(page.get_by_role("heading", name="Panel meetings", level=1)).to_be_visible()
    page.get_by_role("button", name="Schedule a meeting").click()
    for part, value in MEETING_DAY.items():
        page.get_by_label(part).fill(value)
    page.get_by_label("Start time").fill("10:30")
    page.get_by_label("Where").fill(MEETING_PLACE)
    page.get_by_label(member_name).check()
    page.get_by_role("button", name="Schedule the meeting").click()
    expect(page.get_by_role("heading", name=MEETING_HEADING, level=1)).to_be_visible()
    expect(page.get_by_text("No rapid reviews are on the agenda yet.")).to_be_visible()

    page.get_by_role("button", name="Add rapid reviews to the agenda").click()
    expect(
        page.get_by_role("heading", name="Add rapid reviews to the agenda", level=1)
    ).to_be_visible()
    page.get_by_label(reference, exact=False).check()
    page.get_by_role("button", name="Add to the agenda").click()
    expect(page.get_by_text("1 rapid review added to the agenda.")).to_be_visible()
    card = page.locator(".govuk-summary-card").filter(has_text=reference)
    expect(card.locator(".govuk-summary-card__title")).to_have_text(f"1. {reference}")
    expect(card).to_contain_text(child_reference)
    expect(card).to_contain_text("No decision yet")
    expect(page.locator("main")).not_to_contain_text(CHILD_NAME)
    assert_accessible(page)

    sign_out(page)

    # --- The member finds the review among theirs and asks the partnership a question.
    sign_in_home(page, "panel-member", again=True)
    page.get_by_role("link", name=re.compile(r"^My reviews: rapid reviews allocated")).click()
    expect(page.get_by_role("heading", name="Panel queue", level=1)).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=reference)).to_contain_text(
        f"{member_name} (lead)"
    )
    page.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", name="Panel decision", level=1)).to_be_visible()
    expect(
        this_case(page).get_by_role("link", name=f"On the agenda of the {MEETING_NAME}")
    ).to_be_visible()
    this_case(page).get_by_role("link", name="Messages", exact=True).click()
    expect(page.get_by_role("heading", name="Messages", level=1)).to_be_visible()
    expect(page.get_by_text("No messages yet.")).to_be_visible()

    page.get_by_label("A question for the partnership (asks for further information)").check()
    page.get_by_label("Message", exact=True).fill(QUESTION)
    page.get_by_label("Pause the decision target until the partnership replies").check()
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Your message has been sent.")).to_be_visible()
    expect(page.get_by_text("Decision target paused since")).to_be_visible()

    page.get_by_label("An internal note (the Panel only: the partnership never sees it)").check()
    page.get_by_label("Message", exact=True).fill(NOTE)
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Your message has been sent.")).to_be_visible()
    thread = page.locator("#case-messages")
    expect(thread.get_by_text(QUESTION)).to_be_visible()
    expect(thread.get_by_text(NOTE)).to_be_visible()
    expect(thread).to_contain_text("Internal note – Panel only")
    assert_accessible(page)
    sign_out(page)

    # --- The Leeds partnership lead sees the question, never the note, and replies with a file.
    sign_in_home(page, "partnership-lead", again=True)
    open_from_inbox(
        page,
        "Questions from the Panel awaiting a reply",
        f"The Panel has sent a question about {reference}",
    )
    thread = page.locator("#case-messages")
    expect(thread.get_by_text(QUESTION)).to_be_visible()
    expect(thread).to_contain_text("Question from the Panel")
    expect(page.get_by_text("1 question from the Panel waiting for a reply.")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(NOTE)
    expect(page.locator("body")).not_to_contain_text("Internal note")
    assert NOTE not in page.content()

    page.get_by_label("A reply to a question from the Panel").check()
    page.get_by_label("Message", exact=True).fill(REPLY)
    page.get_by_label("Attach files (optional)").set_input_files(
        {"name": FILE_NAME, "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Your message has been sent.")).to_be_visible()
    expect(thread.get_by_text(REPLY)).to_be_visible()
    expect(thread.get_by_role("link", name=FILE_NAME)).to_be_visible()
    expect(page.get_by_text("waiting for a reply")).to_have_count(0)
    assert_accessible(page)
    reply = CaseMessage.objects.get(review=review, kind=MessageKind.REPLY)
    assert reply.in_reply_to.body == QUESTION
    sign_out(page)

    # --- The member reads the reply and its file; the pause has ended.
    sign_in_home(page, "panel-member", again=True)
    open_from_inbox(
        page,
        "Replies from partnerships to your questions in the last 14 days",
        f"The partnership has replied to the Panel about {reference}",
    )
    thread = page.locator("#case-messages")
    expect(thread.get_by_text(REPLY)).to_be_visible()
    expect(thread.get_by_text(NOTE)).to_be_visible()
    expect(page.get_by_text("Decision target paused since")).to_have_count(0)
    assert download(page, FILE_NAME, tmp_path, "reply.pdf").startswith(b"%PDF")

    # --- The member records the decision from the meeting page.
    menu(page).get_by_role("link", name="Meetings").click()
    row = page.get_by_role("row").filter(has_text=MEETING_PLACE)
    expect(row.locator('[data-label="Reviews on the agenda"]')).to_have_text("1")
    row.get_by_role("link", name="1 January 2100").click()
    expect(page.get_by_role("heading", name=MEETING_HEADING, level=1)).to_be_visible()
    page.get_by_role("link", name=f"Record decision on {reference}").click()
    expect(page.get_by_role("heading", name="Panel decision", level=1)).to_be_visible()
    expect(page.locator(".govuk-inset-text")).to_contain_text(
        f"recorded as taken at the {MEETING_NAME}"
    )
    assert_accessible(page)
    radio(page, OUTCOME_LEGEND, "Agreed").check()
    page.get_by_label("Reasons for the Panel's view").fill(REASONS)
    for legend, label in QUALITY_ANSWERS.items():
        radio(page, legend, label).check()
    page.get_by_role("button", name="Record the decision").click()

    expect(page.get_by_role("heading", name=MEETING_HEADING, level=1)).to_be_visible()
    expect(page.get_by_text("The Panel's decision has been recorded.")).to_be_visible()
    card = page.locator(".govuk-summary-card").filter(has_text=reference)
    decision_row = card.locator(".govuk-summary-list__row").filter(has_text="Panel decision")
    expect(decision_row).to_contain_text("Agreed")
    expect(decision_row).to_contain_text(f"by {member_name} at the {MEETING_NAME}")
    expect(card.get_by_role("link", name=f"Correct the decision on {reference}")).to_be_visible()
    assert_accessible(page)
    decision = PanelDecision.objects.get(review=review)
    assert (decision.meeting.location, decision.decided_by, decision.reasons) == (
        MEETING_PLACE,
        member,
        REASONS,
    )

    # --- The member downloads the whole case file from the review's "This case" panel.
    card.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", name="Panel decision", level=1)).to_be_visible()
    this_case(page).get_by_role("link", name="Download the case file (PDF)").click()
    expect(
        page.get_by_role("heading", name=f"Download the case file for {reference}", level=1)
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Download the case file (PDF)").click()
    expect(page.get_by_role("heading", name="Your document is ready", level=1)).to_be_visible(
        timeout=DOCUMENT_TIMEOUT
    )
    assert_accessible(page)
    data = download(page, re.compile(r"^Download .+\.pdf$"), tmp_path, "case-file.pdf")
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert normalised(f"Case file: {reference}") in text
    for said in (QUESTION, NOTE, REPLY, REASONS):  # the Panel reads its internal notes too
        assert normalised(said) in text
