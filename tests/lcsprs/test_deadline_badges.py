"""Where people see an LCSPR's deadlines: "Due soon" (within a month) and "Overdue" in the
list, and on its page the day the final report is due with the Panel, 7 days before the
planned publication, marked "Not received" once that day has passed without it."""

import re
from datetime import date, datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import strip_tags

from lcsprs.models import Lcspr
from safeguarding.codes import Role

from .factories import (
    FinalReportSentLcsprFactory,
    InProgressLcsprFactory,
    LcsprFactory,
    PublishedLcsprFactory,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# Monday 2 June 2025: a month on is Wednesday 2 July.
TODAY = date(2025, 6, 2)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2025, 6, 2, 10, 0, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def lead_client(client, make_user, leeds):
    client.force_login(make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership))
    return client


def text(html: str) -> str:
    return " ".join(unescape(strip_tags(html)).split())


def reference(lcspr: Lcspr) -> str:
    return lcspr.rapid_review.notification.reference


def row_for(html: str, lcspr: Lcspr) -> str:
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', html, re.S)
    [row] = [row for row in rows if reference(lcspr) in row]
    return text(row)


def listed(client) -> str:
    return client.get(reverse("lcsprs:lcspr-list")).content.decode()


def page(client, lcspr: Lcspr) -> str:
    return text(client.get(reverse("lcsprs:lcspr-detail", args=[lcspr.pk])).content.decode())


# --- The list -------------------------------------------------------------------------------


def test_the_list_tags_lcsprs_due_within_a_month_due_soon(lead_client):
    today = LcsprFactory(due_date=TODAY)
    in_a_month = InProgressLcsprFactory(due_date=date(2025, 7, 2))
    later = InProgressLcsprFactory(due_date=date(2025, 7, 3))
    html = listed(lead_client)

    assert row_for(html, today).endswith("Due soon")
    assert row_for(html, in_a_month).endswith("Due soon")
    assert row_for(html, later).endswith("In progress")


def test_the_list_tags_lcsprs_past_due_and_not_published_overdue(lead_client):
    overdue = FinalReportSentLcsprFactory(due_date=date(2025, 5, 30))
    published = PublishedLcsprFactory(due_date=date(2025, 5, 30))
    published_soon = PublishedLcsprFactory(due_date=date(2025, 6, 20))
    html = listed(lead_client)

    assert row_for(html, overdue).endswith("Overdue")
    assert "Due soon" not in row_for(html, overdue)
    for lcspr in (published, published_soon):
        row = row_for(html, lcspr)
        assert row.endswith("Published")
        assert "Overdue" not in row and "Due soon" not in row
    assert html.count(">Overdue</strong>") == 1
    assert ">Due soon</strong>" not in html


def test_an_lcspr_due_soon_says_so_on_its_page(lead_client):
    lcspr = InProgressLcsprFactory(due_date=date(2025, 6, 20))
    assert "LCSPR Due soon" in page(lead_client, lcspr)


# --- The final report, due with the Panel 7 days before publication -------------------------


def test_a_final_report_not_received_by_its_day_is_marked_not_received(lead_client):
    # Planned for Thursday 5 June, so due with the Panel by Thursday 29 May, now passed.
    lcspr = InProgressLcsprFactory(
        due_date=date(2025, 6, 20), planned_publication_date=date(2025, 6, 5)
    )
    assert "Final report Final report due with the Panel by 29 May 2025 Not received" in page(
        lead_client, lcspr
    )


def test_a_final_report_due_today_is_not_yet_marked(lead_client):
    lcspr = InProgressLcsprFactory(
        due_date=date(2025, 6, 20), planned_publication_date=date(2025, 6, 9)
    )
    html = page(lead_client, lcspr)
    assert "Final report due with the Panel by 2 June 2025" in html
    assert "Not received" not in html


def test_a_received_final_report_is_not_marked(lead_client):
    # Received on 23 May (10 days ago), before its day, 29 May.
    lcspr = FinalReportSentLcsprFactory(
        due_date=date(2025, 6, 20), planned_publication_date=date(2025, 6, 5)
    )
    html = page(lead_client, lcspr)
    assert "Final report due with the Panel by 29 May 2025" in html
    assert "Received by the Panel 23 May 2025" in html
    assert "Not received" not in html


def test_without_a_planned_publication_date_the_rule_is_given(lead_client):
    lcspr = LcsprFactory(due_date=date(2025, 11, 1))
    html = page(lead_client, lcspr)
    assert "Due with the Panel at least 7 days before publication" in html
    assert "Not received" not in html
