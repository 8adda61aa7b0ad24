"""The main pages read the database a fixed number of times whatever the number of records
(issue 14): each page is loaded with 3 records, then with 40, and must make the same queries.
And the lists' counts stop at a bound, said in words; and on PostgreSQL the SIN list's page
and the Panel's awaiting count are read through indexes, not by reading every row."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Notification
from notifications.selectors import notification_list_page_rows
from panel.selectors import panel_awaiting_count
from rapidreviews.models import PanelStage, RapidReview
from rapidreviews.selectors import rapid_review_list
from safeguarding import lists
from safeguarding.codes import Role

from .notifications.factories import DraftNotificationFactory
from .panel.factories import PanelDecisionFactory
from .rapidreviews.factories import RapidReviewFactory, SubmittedReviewFactory

pytestmark = pytest.mark.django_db


def records_add(count: int) -> None:
    """`count` cases in Leeds, in every state the lists show: a third of the reviews not
    started, the rest submitted (a third of those decided); a draft SIN for every third."""
    for n in range(count):
        if n % 3 == 0:
            RapidReviewFactory()
            DraftNotificationFactory()
        elif n % 3 == 1:
            SubmittedReviewFactory()
        else:
            PanelDecisionFactory()


@pytest.fixture
def people(make_user, leeds):
    return {
        "la": make_user(Role.LA_USER, local_authority=leeds),
        "lead": make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership),
        "panel": make_user(Role.PANEL_MEMBER),
    }


def _case_pages() -> list[str]:
    review = RapidReview.objects.filter(status=RapidReview.Status.SUBMITTED).first()
    return [
        reverse("notifications:notification-detail", args=[review.notification_id]),
        reverse("rapidreviews:review-detail", args=[review.pk]),
    ]


PAGES = {
    "la": [
        reverse("home"),
        reverse("notifications:notification-list"),
        reverse("notifications:notification-list") + "?page=2",
        reverse("notifications:notification-list") + "?status=submitted&sort=incident",
        reverse("notifications:notification-list") + "?reference=SIN-2024",
        reverse("rapidreviews:review-queue"),
    ],
    "lead": [reverse("home"), reverse("rapidreviews:review-queue")],
    "panel": [
        reverse("home"),
        reverse("notifications:notification-list"),
        reverse("notifications:notification-list") + "?page=2",
        reverse("rapidreviews:review-queue"),
        reverse("rapidreviews:review-queue") + "?status=submitted",
        reverse("panel:queue"),
        reverse("panel:queue") + "?stage=all",
        reverse("panel:overview"),
    ],
}


def _queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return [query["sql"] for query in context.captured_queries]


def _counts(client, people) -> dict[tuple[str, str], int]:
    counts = {}
    for who, urls in PAGES.items():
        client.force_login(people[who])
        for url in [*urls, *_case_pages()]:
            _queries(client, url)  # once first: what a first visit caches is not the point
            counts[who, url] = len(_queries(client, url))
    return counts


def test_the_main_pages_make_as_many_queries_with_40_records_as_with_3(client, people):
    records_add(3)
    few = _counts(client, people)
    records_add(37)
    many = _counts(client, people)
    assert many == few


def test_the_api_list_makes_as_many_queries_with_40_records_as_with_3(api_client, people):
    client = api_client(people["panel"])
    url = reverse("notifications-api:notification-list")
    counts = []
    for count in (3, 37):
        records_add(count)
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1]


def test_the_home_page_counts_the_unread_inbox_once(client, people):
    client.force_login(people["la"])
    client.get(reverse("home"))
    queries = _queries(client, reverse("home"))
    assert len([sql for sql in queries if "safeguarding_inboxmessage" in sql]) == 1


def test_a_page_read_does_not_write_the_session(client, people):
    client.force_login(people["la"])
    client.get(reverse("home"))  # the sign-in's session clock is recorded
    queries = _queries(client, reverse("notifications:notification-list"))
    assert not [sql for sql in queries if re.match(r"\s*(UPDATE|INSERT).*django_session", sql)]


# --- A count that stops at a bound ------------------------------------------------------------


@pytest.fixture
def small_bound(monkeypatch):
    monkeypatch.setattr(lists, "COUNT_BOUND", 30)


def test_below_the_bound_the_count_is_exact(client, people, small_bound):
    DraftNotificationFactory.create_batch(30, local_authority=people["la"].local_authority)
    client.force_login(people["la"])
    html = client.get(reverse("notifications:notification-list")).content.decode()
    assert "30 notifications" in html
    assert "Showing 1 to 25 of 30 results" in html
    assert 'aria-label="Page 2"' in html


def test_past_the_bound_the_count_says_more_than_and_links_to_the_next_page(
    client, people, small_bound
):
    DraftNotificationFactory.create_batch(31, local_authority=people["la"].local_authority)
    client.force_login(people["la"])
    html = client.get(reverse("notifications:notification-list")).content.decode()
    assert "more than 30 notifications" in html
    assert "Showing 1 to 25 of more than 30 results" in html
    assert 'aria-label="Page 2"' in html and 'rel="next"' in html
    # No link to a last page that was not counted: page 2 is the last number shown.
    assert 'aria-label="Page 3"' not in html
    assert "govuk-pagination__item--ellipses" in html


def test_a_page_past_the_bound_is_reached_and_counted_past_it(client, people, small_bound):
    DraftNotificationFactory.create_batch(60, local_authority=people["la"].local_authority)
    client.force_login(people["la"])
    html = client.get(reverse("notifications:notification-list") + "?page=3").content.decode()
    assert "Showing 51 to 60 of 60 results" in html


def test_the_stacked_queue_pages_across_its_two_parts(people):
    open_reviews = [RapidReviewFactory() for _ in range(3)]
    submitted = [SubmittedReviewFactory() for _ in range(4)]

    def stacked():
        return lists.StackedQuerySets(
            RapidReview.objects.exclude(status="submitted").order_by("id"),
            RapidReview.objects.filter(status="submitted").order_by("id"),
        )

    everything = open_reviews + submitted
    assert stacked().count() == 7 and stacked().count_upto(5) == 5
    counted = stacked()
    counted.count_upto(10)  # as a paginator does first: the first part's length is known
    for start in range(8):
        for stop in range(start, 9):
            assert stacked()[start:stop] == everything[start:stop], (start, stop)
            assert counted[start:stop] == everything[start:stop], (start, stop)


# --- Indexed reads (PostgreSQL) ---------------------------------------------------------------

postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's"
)


def _bulk_cases(leeds, count: int) -> None:
    """`count` submitted SINs with their reviews, inserted in bulk; a few await the Panel."""
    template = SubmittedReviewFactory()
    notification = template.notification
    fields = {
        f.attname: getattr(notification, f.attname)
        for f in Notification._meta.concrete_fields
        if f.attname not in ("id", "reference")
    }
    notifications = Notification.objects.bulk_create(
        Notification(**fields, reference=f"SIN-2023-{n:06d}") for n in range(count)
    )
    review_fields = {
        f.attname: getattr(template, f.attname)
        for f in RapidReview._meta.concrete_fields
        if f.attname not in ("id", "notification_id", "panel_stage")
    }
    RapidReview.objects.bulk_create(
        RapidReview(
            **review_fields,
            notification=n,
            panel_stage=PanelStage.AWAITING if i % 100 == 0 else PanelStage.DECIDED,
        )
        for i, n in enumerate(notifications)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _plan(queryset_sql: tuple[str, tuple]) -> str:
    sql, params = queryset_sql
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params or None)
        return "\n".join(row[0] for row in cursor.fetchall())


@postgresql
def test_the_sin_list_page_is_read_through_an_index(people, leeds):
    _bulk_cases(leeds, 4000)
    for who in ("panel", "la"):
        rows = notification_list_page_rows(user=people[who])[:25]
        plan = _plan(rows.query.sql_with_params())
        # (\b: the share table's name starts with the SIN table's; shares are read as a subplan.)
        assert not re.search(r"Seq Scan on notifications_notification\b", plan), plan
        assert "notification_created" in plan or "notification_la_created" in plan, plan


@postgresql
def test_the_reference_search_has_a_trigram_index_on_what_it_compares():
    """icontains compares UPPER(reference): the index is on that expression. (The planner
    prefers it to reading the table from some tens of thousands of SINs, measured in the
    README; at a test's few thousand, reading the table is cheaper.)"""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'notification_reference_trgm'"
        )
        [(definition,)] = cursor.fetchall()
    assert "gin" in definition and "upper((reference)::text) gin_trgm_ops" in definition


@postgresql
def test_the_panel_awaiting_count_is_read_through_an_index(people, leeds):
    _bulk_cases(leeds, 4000)
    awaiting = rapid_review_list(user=people["panel"]).filter(
        status=RapidReview.Status.SUBMITTED, panel_stage=PanelStage.AWAITING
    )
    with CaptureQueriesContext(connection) as context:
        assert panel_awaiting_count(user=people["panel"]) == awaiting.count() == 41
    plan = _plan((context.captured_queries[0]["sql"], ()))
    assert "Seq Scan on rapidreviews_rapidreview" not in plan, plan
    # Its partial index, or the index by stage: the planner picks by the table's statistics.
    assert "rapid_review_awaiting_panel" in plan or "rapid_review_stage" in plan, plan
