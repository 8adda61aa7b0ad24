"""The Panel's lists of decisions and letters, the LCSPR list and the inbox, at a desk and on
a phone: the whole count, pagination that keeps the filters, the filters behind "Show
filters" on a small screen, nothing scrolling sideways, and axe on every page."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from panel.models import Outcome, ResponseLetter
from safeguarding.demo import seed_demo_users
from safeguarding.models import LocalAuthority, User
from safeguarding.services import inbox_notify

from ..lcsprs.factories import LcsprFactory
from ..notifications.factories import SubmittedNotificationFactory
from ..panel.factories import PanelDecisionFactory, PanelReviewFactory
from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser

DECIDED = datetime(2025, 3, 10, 12, tzinfo=UTC)
ROWS = 26  # one more than a page


def no_sideways_scroll(page: Page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def decisions(count: int = ROWS) -> list:
    leeds = LocalAuthority.objects.get(name="Leeds")
    return [
        PanelDecisionFactory(
            review=PanelReviewFactory(
                notification=SubmittedNotificationFactory(local_authority=leeds)
            ),
            outcome=Outcome.AGREE if n % 2 else Outcome.DISAGREE,
            decided_at=DECIDED - timedelta(days=n),
        )
        for n in range(count)
    ]


def make_decisions():
    decisions()


def make_letters():
    for n, decision in enumerate(decisions()):
        ResponseLetter.objects.create(
            review=decision.review,
            decision=decision,
            version=1,
            status=ResponseLetter.Status.SENT if n else ResponseLetter.Status.FAILED,
            body="Synthetic letter.",
            created_by=decision.decided_by,
            send_requested_at=DECIDED,
            pdf="panel-letters/2025/03/letter.pdf" if n else "",
            sha256="a" * 64 if n else "",
            rendered_at=DECIDED if n else None,
            sent_at=DECIDED + timedelta(days=n) if n else None,
            error="" if n else "The mail server did not answer.",
        )


def make_lcsprs():
    today = datetime.now(UTC).date()
    for n in range(ROWS):
        LcsprFactory(due_date=today + timedelta(days=n - 2))


def make_messages():
    user = User.objects.get(username="panel-member")
    for n in range(ROWS):
        inbox_notify(recipients=[user], subject=f"SIN-2025-{n:06d} submitted by Leeds")


# (address, data, caption with ROWS rows, a filter field's label)
LISTS = {
    "decisions": ("/panel/decisions/", make_decisions, "26 decisions", "Decision"),
    "letters": ("/panel/letters/", make_letters, "26 letters", "Status"),
    "lcsprs": ("/lcsprs/", make_lcsprs, "26 LCSPRs", "Status"),
    "inbox": ("/inbox/", make_messages, "26 messages", "Subject contains"),
}


@pytest.fixture
def panel_member(db):
    seed_demo_users()
    return User.objects.get(username="panel-member")


@pytest.mark.parametrize("name", list(LISTS))
def test_at_a_desk_the_list_counts_everything_and_pages_keep_the_filters(
    page: Page, panel_member, name
):
    address, make, caption, _label = LISTS[name]
    make()
    sign_in(page, "panel-member")
    page.goto(address + "?reference=&page=1" if name != "inbox" else address + "?subject=")
    expect(page.get_by_text(caption)).to_be_visible()
    expect(page.get_by_text(f"Showing 1 to 25 of {ROWS} results")).to_be_visible()
    assert no_sideways_scroll(page)
    assert_accessible(page)

    page.get_by_role("navigation", name="Pagination").get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"\?(reference|subject)=&page=2$"))
    expect(page.get_by_text(f"Showing 26 to 26 of {ROWS} results")).to_be_visible()


@pytest.mark.parametrize("name", list(LISTS))
def test_on_a_phone_the_filters_fold_away_and_nothing_scrolls_sideways(
    page: Page, panel_member, name
):
    address, make, caption, label = LISTS[name]
    make()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "panel-member")
    page.goto(address)
    expect(page.get_by_text(caption)).to_be_visible()
    show = page.get_by_role("button", name="Show filters")
    expect(show).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_label(label, exact=True)).to_be_hidden()
    assert no_sideways_scroll(page)
    assert_accessible(page)

    show.click()
    expect(page.get_by_label(label, exact=True)).to_be_visible()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text(caption)).to_be_visible()
    assert no_sideways_scroll(page)
    assert_accessible(page)


def test_the_panel_filters_decisions_and_opens_one(page: Page, panel_member):
    made = decisions(3)
    sign_in(page, "panel-member")
    page.goto("/panel/overview/")
    page.get_by_role("link", name="All Panel decisions").click()
    expect(page.get_by_text("3 decisions")).to_be_visible()
    page.get_by_label("Decision", exact=True).select_option(label="Did not agree")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("2 decisions")).to_be_visible()
    assert_accessible(page)
    reference = made[0].review.notification.reference
    page.get_by_role("link", name=reference).click()
    expect(page).to_have_url(re.compile(rf"/panel/reviews/{made[0].review_id}/decision/$"))
