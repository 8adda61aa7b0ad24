"""The Panel sees, in its queue, which reviews come from a SIN notified late and why; and the
SIN's page gives the reason for lateness to the Panel too."""

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from rapidreviews.models import RapidReview
from safeguarding.codes import Role

from .factories import PanelReviewFactory

pytestmark = pytest.mark.django_db

REASON = "The hospital's referral reached the wrong team over a bank holiday weekend."


def text(html: str) -> str:
    return " ".join(unescape(strip_tags(html)).split())


def row_for(html: str, review: RapidReview) -> str:
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', html, re.S)
    [row] = [row for row in rows if review.notification.reference in row]
    return text(row)


def late_review(**notification) -> RapidReview:
    return PanelReviewFactory(
        notification__notified_on_time=False,
        notification__working_days_to_notify=8,
        **{f"notification__{field}": value for field, value in notification.items()},
    )


@pytest.mark.parametrize("role", [Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT])
def test_the_queue_tags_a_review_whose_sin_was_late_with_the_reason(client, make_user, role):
    late = late_review(lateness_reason=REASON)
    on_time = PanelReviewFactory()
    client.force_login(make_user(role))
    html = client.get(reverse("panel:queue")).content.decode()

    row = row_for(html, late)
    assert "Notified late" in row
    assert REASON in row
    assert "Notified 8 working days after the local authority became aware (due within 5)" in row
    assert f"View the notification {late.notification.reference}" in row
    assert "Notified late" not in row_for(html, on_time)
    assert html.count(">Notified late</strong>") == 1


def test_a_late_sin_without_a_reason_says_none_was_given(client, make_user):
    late = late_review(lateness_reason="")
    client.force_login(make_user(Role.PANEL_MEMBER))
    row = row_for(client.get(reverse("panel:queue")).content.decode(), late)
    assert "Notified late" in row
    assert "No reason was given." in row


@pytest.mark.parametrize("role", [Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT])
def test_the_sin_page_gives_the_panel_the_reason_for_lateness(client, make_user, role):
    late = late_review(lateness_reason=REASON)
    client.force_login(make_user(role))
    url = reverse("notifications:notification-detail", args=[late.notification.pk])
    page = text(client.get(url).content.decode())
    assert "Working days to notify 8 Late" in page
    assert f"Reason for lateness {REASON}" in page
