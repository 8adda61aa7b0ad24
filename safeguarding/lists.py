"""What every list page shares: a page of the list with its true count, the query string that
keeps the filters when moving between pages, and the page links GOV.UK's pagination shows
(first, last, the current page and its neighbours, with an ellipsis between).

The filters themselves live in each app's selectors (a django-filter `FilterSet` applied by the
list's selector); the view only turns the request into a `ListPage`:

    listing = list_page(request, selectors.rapid_review_list(user=..., filters=...))
    render(request, "...", {"listing": listing, ...})

and the template shows `listing.page` and includes "includes/pagination.html".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PER_PAGE = 25


@dataclass(frozen=True)
class ListPage:
    page: Page
    # The request's query string without `page`, already encoded: pagination links keep it.
    querystring: str
    # Page numbers to link to, and Paginator.ELLIPSIS where numbers are left out.
    page_links: list[int | str]

    @property
    def count(self) -> int:
        """How many items the whole list has (not only this page)."""
        return self.page.paginator.count

    @property
    def first_index(self) -> int:
        return self.page.start_index()

    @property
    def last_index(self) -> int:
        return self.page.end_index()


def list_page(
    request: HttpRequest, items: QuerySet | Sequence, *, per_page: int = PER_PAGE
) -> ListPage:
    """The page of `items` the request asks for (`?page=`; a page out of range or not a number
    gives the nearest page rather than an error), counted in full."""
    paginator = Paginator(items, per_page)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    links = list(paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
    return ListPage(page=page, querystring=query.urlencode(), page_links=links)
