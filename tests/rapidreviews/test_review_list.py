"""The rapid review list: every review counted and paged (no silent cut at 200), the filters
each narrowing it and kept from page to page, the most urgent first on every page, another
partnership's reviews never shown, and each page of the list in the audit trail."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from rapidreviews import selectors
from rapidreviews.models import RapidReview
from safeguarding.codes import Role
from safeguarding.models import AuditEvent

from .factories import DraftingReviewFactory, PendingExtensionFactory, RapidReviewFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# Thursday 20 June 2024: 5 working days on is Thursday 27 June.
TODAY = date(2024, 6, 20)
URL = reverse("rapidreviews:review-queue")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2024, 6, 20, 10, 0, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def panel_client(client, make_user):
    client.force_login(make_user(Role.PANEL_SECRETARIAT))
    return client


def references(response) -> list[str]:
    return [row["review"].notification.reference for row in response.context["reviews"]]


def reviews_due(days: list[int], **kwargs) -> list[RapidReview]:
    """A review not started for each offset, due that many days from today."""
    dates = [TODAY + timedelta(days=d) for d in days]
    return [RapidReviewFactory(due_date=d, original_due_date=d, **kwargs) for d in dates]


def test_every_review_is_counted_and_paged_most_urgent_first(panel_client):
    # 30 running reviews due over 30 days (the first five overdue), 3 submitted ones.
    running = reviews_due(list(range(-5, 25)))
    submitted = [
        RapidReviewFactory(
            status=RapidReview.Status.SUBMITTED,
            submitted_at=timezone.now(),
            working_days_taken=10,
            submitted_on_time=True,
            due_date=TODAY - timedelta(days=40),
        )
        for _ in range(3)
    ]
    first = panel_client.get(URL)
    html = first.content.decode()
    assert "33 rapid reviews" in html
    assert "Showing 1 to 25 of 33 results" in html
    assert references(first) == [r.notification.reference for r in running[:25]]
    assert "Overdue" in html

    second = panel_client.get(URL, {"page": 2})
    # Running reviews first across pages; the submitted ones (though due earliest) last.
    expected = [r.notification.reference for r in running[25:] + submitted]
    assert references(second) == expected
    assert "Showing 26 to 33 of 33 results" in second.content.decode()


def test_page_two_keeps_the_filters(panel_client):
    reviews_due(list(range(1, 31)))
    DraftingReviewFactory.create_batch(2)
    response = panel_client.get(URL, {"status": "not_started", "page": 2})
    html = response.content.decode()
    assert "30 rapid reviews" in html
    assert len(response.context["reviews"]) == 5
    assert re.search(r'href="\?status=not_started&amp;page=1"', html)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "overdue"}, {"overdue"}),
        ({"status": "due_soon"}, {"due_soon", "today"}),
        ({"status": "drafting"}, {"drafting"}),
        ({"due_from": "27/6/2024", "due_to": "1/7/2024"}, {"due_soon", "drafting"}),
        ({"extension_pending": "on"}, {"drafting"}),
        ({"local_authority": "E06000023"}, {"bristol"}),
        ({"partnership": "bristol"}, {"bristol"}),
        ({"region": "south_west"}, {"bristol"}),
        ({"submitted_from": "1/6/2024", "submitted_to": "19/6/2024"}, {"submitted"}),
        ({"reference": "SIN-LIST-OVER"}, {"overdue"}),
    ],
)
def test_each_filter_narrows_the_list(panel_client, bristol, query, expected):
    def on(d):
        return {"due_date": d, "original_due_date": d}

    made = {
        "overdue": RapidReviewFactory(**on(TODAY - timedelta(days=1))),
        "today": RapidReviewFactory(**on(TODAY)),
        "due_soon": RapidReviewFactory(**on(date(2024, 6, 27))),
        "drafting": DraftingReviewFactory(**on(date(2024, 7, 1))),
        "bristol": RapidReviewFactory(
            notification__local_authority=bristol,
            partnership=bristol.partnership,
            **on(date(2024, 8, 1)),
        ),
        "submitted": RapidReviewFactory(
            status=RapidReview.Status.SUBMITTED,
            submitted_at=datetime(2024, 6, 18, 12, tzinfo=LONDON),
            working_days_taken=9,
            submitted_on_time=True,
            **on(date(2024, 6, 1)),
        ),
    }
    made["overdue"].notification.reference = "SIN-LIST-OVERDUE"
    made["overdue"].notification.save(update_fields=["reference"])
    PendingExtensionFactory(review=made["drafting"])
    response = panel_client.get(URL, query)
    assert not response.context["form"].errors
    shown = set(references(response))
    assert shown == {made[key].notification.reference for key in expected}


def test_a_filter_the_user_got_wrong_is_explained_and_the_list_shown_without_it(panel_client):
    reviews_due([1, 2])
    response = panel_client.get(URL, {"due_from": "31/2/2024", "reference": "SIN"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and "Enter a date, like 1/4/2024" in html
    assert 'value="31/2/2024"' in html
    assert len(response.context["reviews"]) == 2


def test_another_partnerships_reviews_never_appear_even_when_asked_for(
    client, make_user, leeds, bristol
):
    mine = reviews_due([1, 2])
    theirs = RapidReviewFactory(
        notification__local_authority=bristol, partnership=bristol.partnership
    )
    client.force_login(make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership))
    shown = references(client.get(URL))
    assert shown == [r.notification.reference for r in mine]
    for query in (
        {"partnership": theirs.partnership.code},
        {"local_authority": "E06000023"},
        {"region": "south_west"},
        {"reference": theirs.notification.reference},
    ):
        assert theirs.notification.reference not in references(client.get(URL, query))
    # A lead has no choice of partnership or authority to make: the filters are not offered.
    form = client.get(URL).context["form"]
    assert "partnership" not in form.fields and "local_authority" not in form.fields


def test_each_page_read_is_audited_with_its_filters(panel_client):
    reviews = reviews_due(list(range(1, 28)))
    panel_client.get(URL, {"status": "not_started", "page": 2})
    event = AuditEvent.objects.filter(content_type__model="rapidreview").latest("id")
    assert event.changes["ids"] == [r.pk for r in reviews[25:]]
    assert event.changes["filters"] == {"status": "not_started"}
    assert event.changes["page"] == 2


def test_the_selector_filters_the_api_alike(make_user):
    reviews_due([1, 2])
    [pending] = reviews_due([3])
    PendingExtensionFactory(review=pending)
    lead = make_user(Role.PANEL_SECRETARIAT)
    found = selectors.rapid_review_queue(user=lead, filters={"extension_pending": "true"})
    assert list(found) == [pending]


def test_deadlines_are_worked_out_for_the_page_shown_only(panel_client, monkeypatch):
    reviews_due(list(range(1, 31)))
    worked_out = []
    deadline = selectors.rapid_review_deadline

    def counting(*, review, **kwargs):
        worked_out.append(review.pk)
        return deadline(review=review, **kwargs)

    monkeypatch.setattr(selectors, "rapid_review_deadline", counting)
    response = panel_client.get(URL)
    assert worked_out == [row["review"].pk for row in response.context["reviews"]]
    assert len(worked_out) == 25
