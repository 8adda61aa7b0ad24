"""Where people see a rapid review's deadline: "Due soon" and "Overdue" in the queue, the
working days late against the due date and the original one, on the review's page and in the
API."""

import re
from datetime import date, datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import strip_tags

from rapidreviews import selectors
from rapidreviews.models import RapidReview
from safeguarding.codes import Role
from safeguarding.models import OneOffHoliday

from .factories import DraftingReviewFactory, RapidReviewFactory, SubmittedReviewFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# Thursday 20 June 2024, with no bank holiday in June. 5 working days on is Thursday 27 June.
TODAY = date(2024, 6, 20)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2024, 6, 20, 10, 0, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def lead_client(client, make_user, leeds):
    client.force_login(make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership))
    return client


def text(html: str) -> str:
    return " ".join(unescape(strip_tags(html)).split())


def row_for(html: str, review: RapidReview) -> str:
    """The text of the queue's table row for this review."""
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', html, re.S)
    [row] = [row for row in rows if review.notification.reference in row]
    return text(row)


def queue(client) -> str:
    return client.get(reverse("rapidreviews:review-queue")).content.decode()


def detail(client, review: RapidReview) -> str:
    return text(
        client.get(reverse("rapidreviews:review-detail", args=[review.pk])).content.decode()
    )


# --- The queue ------------------------------------------------------------------------------


def test_queue_tags_reviews_due_within_5_working_days_including_today(lead_client):
    due_today = DraftingReviewFactory(due_date=TODAY, original_due_date=TODAY)
    fifth_day = RapidReviewFactory(due_date=date(2024, 6, 27), original_due_date=date(2024, 6, 27))
    sixth_day = DraftingReviewFactory(
        due_date=date(2024, 6, 28), original_due_date=date(2024, 6, 28)
    )
    html = queue(lead_client)

    assert "Due soon" in row_for(html, due_today)
    assert "Due soon" in row_for(html, fifth_day)
    assert "5 Due soon" in row_for(html, fifth_day)  # 5 working days left, then the tag
    sixth = row_for(html, sixth_day)
    assert "Due soon" not in sixth and "Overdue" not in sixth
    assert sixth.endswith("6 Drafting")


def test_queue_tags_a_review_past_its_due_date_overdue_with_working_days_late(lead_client):
    # Due Monday 17 June: Tuesday, Wednesday and Thursday have gone since.
    late = DraftingReviewFactory(due_date=date(2024, 6, 17), original_due_date=date(2024, 6, 17))
    html = queue(lead_client)

    row = row_for(html, late)
    assert "Overdue" in row
    assert "Due soon" not in row
    assert "3 working days late" in row
    assert "original due date" not in row  # no extension, so one figure


def test_an_extended_review_is_late_against_both_due_dates(lead_client):
    # Originally due Monday 10 June (8 working days ago), extended to Monday 17 June (3).
    extended = DraftingReviewFactory(
        due_date=date(2024, 6, 17), original_due_date=date(2024, 6, 10)
    )
    row = row_for(queue(lead_client), extended)
    assert "3 working days late (8 against the original due date, 10 June 2024)" in row
    assert "Overdue" in row


def test_an_extension_that_is_still_running_is_due_soon_not_late(lead_client):
    # Past the original due date, but the extended one is 2 working days away.
    extended = DraftingReviewFactory(
        due_date=date(2024, 6, 24), original_due_date=date(2024, 6, 10)
    )
    row = row_for(queue(lead_client), extended)
    assert "Due soon" in row
    assert "Overdue" not in row
    assert "late" not in row


def test_working_days_late_skip_the_one_off_holidays_administrators_add(lead_client):
    OneOffHoliday.objects.create(date=date(2024, 6, 19), name="Synthetic one-off holiday")
    extended = DraftingReviewFactory(
        due_date=date(2024, 6, 17), original_due_date=date(2024, 6, 10)
    )
    row = row_for(queue(lead_client), extended)
    assert "2 working days late (7 against the original due date, 10 June 2024)" in row


def test_a_submitted_review_has_no_deadline_tag_even_when_it_was_late(lead_client):
    submitted = SubmittedReviewFactory(
        due_date=date(2024, 6, 14),
        original_due_date=date(2024, 6, 14),
        submitted_at=datetime(2024, 6, 19, 10, 0, tzinfo=LONDON),
        submitted_on_time=False,
    )
    row = row_for(queue(lead_client), submitted)
    assert "Submitted" in row
    assert "Overdue" not in row and "Due soon" not in row
    # Late at submission (Monday to Wednesday after Friday's due date), not as of today.
    assert "3 working days late" in row


def test_the_queue_shows_each_tag_once_per_review(lead_client):
    DraftingReviewFactory(due_date=date(2024, 6, 17), original_due_date=date(2024, 6, 10))
    RapidReviewFactory(due_date=date(2024, 6, 21), original_due_date=date(2024, 6, 21))
    html = queue(lead_client)
    assert html.count(">Overdue</strong>") == 1
    assert html.count(">Due soon</strong>") == 1


# --- The review's page ----------------------------------------------------------------------


def test_the_page_of_a_running_extended_review_shows_days_late_as_of_today(lead_client):
    review = DraftingReviewFactory(due_date=date(2024, 6, 17), original_due_date=date(2024, 6, 10))
    page = detail(lead_client, review)
    assert "Rapid review Overdue" in page
    assert "Due date 17 June 2024" in page
    assert "Original due date 10 June 2024" in page
    assert "Working days late 3 (8 against the original due date), as of today" in page


def test_the_page_of_a_submitted_review_shows_days_late_at_submission(lead_client):
    # Due Friday 14 June after an extension from Wednesday 12 June; submitted Wednesday 19.
    review = SubmittedReviewFactory(
        due_date=date(2024, 6, 14),
        original_due_date=date(2024, 6, 12),
        submitted_at=datetime(2024, 6, 19, 10, 0, tzinfo=LONDON),
        submitted_on_time=False,
    )
    page = detail(lead_client, review)
    assert "Original due date 12 June 2024" in page
    assert "Working days late 3 (5 against the original due date), at submission" in page


def test_the_page_of_a_review_due_soon_says_so_and_has_no_days_late(lead_client):
    review = RapidReviewFactory(due_date=date(2024, 6, 24), original_due_date=date(2024, 6, 24))
    page = detail(lead_client, review)
    assert "Rapid review Due soon" in page
    assert "Due date 24 June 2024 (2 working days left)" in page
    assert "Original due date" not in page
    assert "Working days late" not in page


# --- The API --------------------------------------------------------------------------------


@pytest.fixture
def api_lead(api_client, make_user, leeds):
    return api_client(make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership))


def test_the_api_gives_working_days_late_against_both_due_dates(api_lead):
    extended = DraftingReviewFactory(
        due_date=date(2024, 6, 17), original_due_date=date(2024, 6, 10)
    )
    late = RapidReviewFactory(due_date=date(2024, 6, 17), original_due_date=date(2024, 6, 17))
    on_time = RapidReviewFactory(due_date=date(2024, 7, 1), original_due_date=date(2024, 7, 1))
    submitted = SubmittedReviewFactory(
        due_date=date(2024, 6, 14),
        original_due_date=date(2024, 6, 12),
        submitted_at=datetime(2024, 6, 19, 10, 0, tzinfo=LONDON),
    )
    fields = ("working_days_late", "working_days_late_against_original_due_date")
    listed = {
        item["id"]: tuple(item[field] for field in fields)
        for item in api_lead.get("/api/v1/rapid-reviews/").json()["results"]
    }
    assert listed == {
        extended.pk: (3, 8),
        late.pk: (3, 3),
        on_time.pk: (0, 0),
        submitted.pk: (3, 5),
    }
    body = api_lead.get(f"/api/v1/rapid-reviews/{extended.pk}/").json()
    assert (body["working_days_late"], body["working_days_late_against_original_due_date"]) == (
        3,
        8,
    )


def test_the_api_counts_working_days_with_the_one_off_holidays(api_lead):
    OneOffHoliday.objects.create(date=date(2024, 6, 19), name="Synthetic one-off holiday")
    review = DraftingReviewFactory(due_date=date(2024, 6, 17), original_due_date=date(2024, 6, 10))
    body = api_lead.get(f"/api/v1/rapid-reviews/{review.pk}/").json()
    assert (body["working_days_late"], body["working_days_late_against_original_due_date"]) == (
        2,
        7,
    )


# --- The overdue filter, written once ----------------------------------------------------------


def test_one_overdue_filter_serves_the_api_and_the_due_soon_count(api_lead, make_user, leeds):
    overdue = DraftingReviewFactory(due_date=date(2024, 6, 19), original_due_date=date(2024, 6, 19))
    RapidReviewFactory(due_date=TODAY, original_due_date=TODAY)
    RapidReviewFactory(due_date=date(2024, 7, 1), original_due_date=date(2024, 7, 1))
    SubmittedReviewFactory(due_date=date(2024, 6, 1), original_due_date=date(2024, 6, 1))

    assert set(selectors.rapid_review_filter_overdue(RapidReview.objects.all(), today=TODAY)) == {
        overdue
    }
    response = api_lead.get("/api/v1/rapid-reviews/", {"status": "overdue"})
    assert [item["id"] for item in response.json()["results"]] == [overdue.pk]
    lead = make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership)
    # Overdue or due on or before the day given: the overdue review and the one due today.
    assert selectors.rapid_review_due_soon_count(user=lead, due_by=TODAY) == 2
    assert selectors.rapid_review_due_soon_count(user=lead, due_by=date(2024, 6, 19)) == 1
