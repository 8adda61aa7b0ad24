"""What every list page shares: a page of the list with its count, the query string that keeps
the filters when moving between pages, and the page links GOV.UK's pagination shows (first,
last, the current page and its neighbours, with an ellipsis between).

The filters themselves live in each app's selectors (a django-filter `FilterSet` applied by the
list's selector); the view only turns the request into a `ListPage`:

    listing = list_page(request, selectors.rapid_review_list(user=..., filters=...))
    render(request, "...", {"listing": listing, ...})

and the template shows `listing.page` and includes "includes/pagination.html".

Counting a long list costs as much as reading it, so a list is counted up to COUNT_BOUND
items (or, on a page further on, to the end of the page shown): beyond that it says "more
than 10,000" and links to the next page, not to a last page it has not counted.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PER_PAGE = 25
# Lists are counted exactly up to this many items; a longer one is "more than 10,000".
COUNT_BOUND = 10_000
# From this many items in, a page is read by its ids first (BoundedPaginator.page).
DEFERRED_FROM = 1_000


class StackedQuerySets:
    """Two querysets read as one list, the first's rows then the second's: each is read in
    its own (indexed) order, so a page never sorts the whole list on an expression. A
    `Paginator` reads it like a queryset (count, slices); `filter` narrows both."""

    def __init__(self, first: QuerySet, second: QuerySet):
        self.first, self.second = first, second
        self.model = first.model

    def filter(self, *args: Any, **kwargs: Any) -> StackedQuerySets:
        return StackedQuerySets(
            self.first.filter(*args, **kwargs), self.second.filter(*args, **kwargs)
        )

    # How many rows the first has, once a count has found out.
    _first_count: int | None = None

    def count_upto(self, limit: int) -> int:
        """How many rows, counting no further than `limit`."""
        first = self.first[:limit].count()
        if first < limit:
            self._first_count = first
            return first + self.second[: limit - first].count()
        return first

    def count(self) -> int:
        if self._first_count is None:
            self._first_count = self.first.count()
        return self._first_count + self.second.count()

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator:
        yield from self.first
        yield from self.second

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, int):
            rows = self[index : index + 1]
            if not rows:
                raise IndexError(index)
            return rows[0]
        start, stop = index.start or 0, index.stop
        if index.step is not None or stop is None or start < 0 or stop < start:
            raise ValueError("StackedQuerySets takes slices [start:stop] only")
        first_count = self._first_count
        # Past the first's end (known from the count a paginator made first): the second only.
        rows = (
            [] if first_count is not None and start >= first_count else list(self.first[start:stop])
        )
        if len(rows) < stop - start:
            # The first ran out inside the slice: how far it goes tells where the second starts.
            if first_count is None:
                first_count = start + len(rows) if rows else self.first[:start].count()
            rows += list(self.second[max(start - first_count, 0) : stop - first_count])
        return rows


class BoundedPaginator(Paginator):
    """A `Paginator` that counts no more than `bound` items (and one more, to know that there
    are more): `bounded` says whether the list went past it."""

    def __init__(self, object_list: QuerySet | Sequence, per_page: int, *, bound: int):
        super().__init__(object_list, per_page)
        self.bound = bound

    @cached_property
    def count(self) -> int:
        items = self.object_list
        if hasattr(items, "count_upto"):
            return items.count_upto(self.bound + 1)
        if isinstance(items, QuerySet):
            return items[: self.bound + 1].count()
        return len(items)

    @property
    def bounded(self) -> bool:
        return self.count > self.bound

    def page(self, number: int | str) -> Page:
        """Paginator.page; from DEFERRED_FROM items on, a queryset's page is read in two steps:
        the page's ids in the list's order (the sort index alone), then those rows with their
        joins. An OFFSET on the whole query would make the database join every row it skips:
        page 500 of the SIN list at 100k SINs, 25 ms of SQL before, 4 ms after (issue 14)."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        items = self.object_list
        if bottom < DEFERRED_FROM or not isinstance(items, QuerySet):
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(items.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in items.filter(pk__in=ids).order_by()}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


@dataclass(frozen=True)
class ListPage:
    page: Page
    # The request's query string without `page`, already encoded: pagination links keep it.
    querystring: str
    # Page numbers to link to, and Paginator.ELLIPSIS where numbers are left out.
    page_links: list[int | str]

    @property
    def count(self) -> int:
        """How many items the whole list has (not only this page), up to one more than the
        bound it is counted to (`count_bounded`)."""
        return self.page.paginator.count

    @property
    def count_bounded(self) -> bool:
        """The list has more items than were counted."""
        return getattr(self.page.paginator, "bounded", False)

    @property
    def count_shown(self) -> str:
        """The count in words for a caption or the summary: "42", or "more than 10,000"."""
        if self.count_bounded:
            return f"more than {self.page.paginator.bound:,}"
        return str(self.count)

    @property
    def first_index(self) -> int:
        return self.page.start_index()

    @property
    def last_index(self) -> int:
        return self.page.end_index()


# The furthest page a list opens (2.5 million rows at 25 a page): a larger number opens the last
# page there is, and never makes the database count or skip more rows than that.
MAX_PAGE = 100_000


def _page_number(request: HttpRequest) -> int:
    """The page asked for, from 1 to MAX_PAGE: 1 when `?page=` is missing or not a number."""
    try:
        number = int(request.GET.get("page", 1))
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGE)


def list_page(
    request: HttpRequest, items: QuerySet | Sequence, *, per_page: int = PER_PAGE
) -> ListPage:
    """The page of `items` the request asks for (`?page=`; a page out of range or not a number
    gives the nearest page rather than an error), counted up to COUNT_BOUND items or to the
    end of the page asked for, whichever is further."""
    # Far enough to show the page asked for, and (one item more) whether a next one follows.
    number = _page_number(request)
    bound = max(COUNT_BOUND, number * per_page)
    paginator = BoundedPaginator(items, per_page, bound=bound)
    page = paginator.get_page(number)
    query = request.GET.copy()
    query.pop("page", None)
    links = list(paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
    if paginator.bounded:
        # The last page is not known: the links stop after the next page, with an ellipsis.
        links = [n for n in links if n == Paginator.ELLIPSIS or n <= page.number + 1]
        while links and links[-1] == Paginator.ELLIPSIS:
            links.pop()
        links.append(Paginator.ELLIPSIS)
    return ListPage(page=page, querystring=query.urlencode(), page_links=links)
