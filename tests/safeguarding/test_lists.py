"""A list page counts the whole list, keeps its filters across pages and links to pages the
way GOV.UK's pagination does."""

import pytest
from django.test import RequestFactory

from safeguarding.lists import list_page


def page_of(items, query: str = "", **kwargs):
    return list_page(RequestFactory().get(f"/list/?{query}"), items, **kwargs)


def test_counts_the_whole_list_not_the_page():
    listing = page_of(list(range(338)))
    assert listing.count == 338
    assert list(listing.page) == list(range(25))
    assert (listing.first_index, listing.last_index) == (1, 25)


def test_the_page_asked_for_keeps_the_filters_in_the_links():
    listing = page_of(list(range(60)), "status=submitted&q=SIN-2024&page=3")
    assert listing.page.number == 3
    assert list(listing.page) == list(range(50, 60))
    assert listing.querystring == "status=submitted&q=SIN-2024"


def test_a_page_out_of_range_or_not_a_number_gives_the_nearest_page():
    assert page_of(list(range(60)), "page=99").page.number == 3
    assert page_of(list(range(60)), "page=nonsense").page.number == 1


def test_many_pages_are_linked_with_ellipses():
    listing = page_of(list(range(500)), "page=10")
    ellipsis = listing.page.paginator.ELLIPSIS
    assert listing.page_links == [1, ellipsis, 9, 10, 11, ellipsis, 20]


def test_page_zero_or_below_opens_the_first_page_even_past_the_count_bound(monkeypatch):
    monkeypatch.setattr("safeguarding.lists.COUNT_BOUND", 30)
    for asked in ("0", "-3"):
        listing = page_of(list(range(100)), f"page={asked}")
        assert listing.page.number == 1
        assert list(listing.page) == list(range(25))


def test_a_page_number_too_large_for_the_database_opens_the_last_page():
    listing = page_of(list(range(60)), "page=400000000000000000")
    assert listing.page.number == 3
    assert list(listing.page) == list(range(50, 60))


@pytest.mark.django_db
def test_a_deep_page_read_by_its_ids_first_is_the_same_page_in_the_same_order(
    monkeypatch, django_assert_num_queries
):
    from notifications.models import Notification
    from tests.notifications.factories import SubmittedNotificationFactory

    SubmittedNotificationFactory.create_batch(12)
    # Equal sort keys (one authority), so the order rests on the tie-break by id too.
    items = Notification.objects.select_related("local_authority").order_by(
        "local_authority__name", "-id"
    )
    expected = list(items.all())[5:10]
    monkeypatch.setattr("safeguarding.lists.DEFERRED_FROM", 5)

    listing = page_of(items.all(), "page=2", per_page=5)
    # The count, the page's ids, then its rows (with their joins): three queries.
    with django_assert_num_queries(0):
        rows = list(listing.page)
        names = [row.local_authority.name for row in rows]
    assert rows == expected
    assert len(names) == 5
    # The first page is read as before, in one query with its offset.
    assert list(page_of(items.all(), "page=1", per_page=5).page) == list(items.all())[:5]
