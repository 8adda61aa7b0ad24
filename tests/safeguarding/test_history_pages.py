"""The SIN and rapid review pages' histories, as their users read them: sentences with people's
names and roles, answers by their labels, and no checksums, ids or code names."""

import re
from datetime import date
from html import unescape

import pytest
import time_machine
from django.urls import reverse

from notifications import services as sin_services
from panel import services as panel_services
from safeguarding.codes import Role

from ..notifications.factories import SubmittedNotificationFactory
from ..panel.factories import PanelReviewFactory, answers

MONDAY = "2024-06-10 10:00 +01:00"
SNAKE_CASE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
HEX_DIGEST = re.compile(r"\b[0-9a-f]{16,}\b")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def history_text(html: str) -> str:
    """The text of the page's History section (up to the next section or the page's end)."""
    start = html.index('id="history"')
    end = html.find('id="who-viewed"', start)
    return visible_text(html[start : end if end > 0 else None])


def assert_plain(page: str) -> None:
    text = visible_text(page)
    assert "sha256" not in text.lower() and "SHA-256" not in text
    assert not HEX_DIGEST.search(text), HEX_DIGEST.search(text)
    history = history_text(page)
    assert not SNAKE_CASE.search(history), SNAKE_CASE.search(history)


def test_the_sin_page_history_is_in_plain_english(client, make_user, leeds):
    notification = SubmittedNotificationFactory()
    la_user = make_user(Role.LA_USER, local_authority=leeds, first_name="Alex", last_name="Example")
    sin_services.notification_incident_update(
        notification=notification,
        by=la_user,
        incident_date=date(2024, 5, 24),
        date_aware=notification.date_aware,
        reason=notification.reason,
        expected_version=None,
        amendment_reason="Police records",
    )
    sin_services.notification_circumstances_update(
        notification=notification,
        by=la_user,
        abuse_or_neglect="known",
        child_looked_after_death=False,
        placement_postcode="LS1 1AA",
        imd_decile=None,
        summary="A new synthetic summary.",
        expected_version=None,
        amendment_reason="Strategy meeting",
    )
    client.force_login(la_user)
    page = client.get(reverse("notifications:notification-detail", args=[notification.pk]))
    html = page.content.decode()

    history = history_text(html)
    who = "Alex Example (Local authority user, Leeds)"
    assert f"{who} changed the incident details" in history
    assert "Incident date: 24 May 2024 (was 3 June 2024)" in history
    assert f"{who} changed the circumstances" in history
    assert "Abuse or neglect: Known (was Suspected)" in history
    assert "Placement postcode: changed" in history and "LS1 1AA" not in history
    assert "Summary: changed" in history and "synthetic summary" not in history
    assert "Reason: Strategy meeting" in history
    assert "Date the local authority became aware" not in history  # it did not change
    assert_plain(html)


def test_the_review_page_history_shows_the_review_decision_and_letter(client, make_user):
    review = PanelReviewFactory()
    lead = make_user(
        Role.PARTNERSHIP_LEAD, partnership=review.partnership, first_name="Sam", last_name="Lead"
    )
    member = make_user(Role.PANEL_MEMBER, first_name="Pat", last_name="Member")
    secretariat = make_user(Role.PANEL_SECRETARIAT, first_name="Kim", last_name="Secretary")
    panel_services.panel_decision_record(review=review, by=member, answers=answers())
    letter = panel_services.response_letter_draft(review=review, by=secretariat, body="Dear all")
    panel_services.response_letter_send(letter=letter, by=secretariat)
    # A rendered letter has a checksum: kept for the API and administrators, not shown here.
    letter.sha256 = "ab" * 32
    letter.save(update_fields=["sha256"])

    client.force_login(lead)
    html = client.get(reverse("rapidreviews:review-detail", args=[review.pk])).content.decode()
    history = history_text(html)
    panel = "Child Safeguarding Practice Review Panel"
    assert f"Kim Secretary (Panel secretariat, {panel}) sent the response letter" in history
    assert f"Pat Member (Panel member, {panel}) recorded the Panel's decision" in history
    assert "The Panel's view of the partnership's LCSPR decision: Agreed" in history
    assert_plain(html)
