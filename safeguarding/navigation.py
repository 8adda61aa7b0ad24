"""The service navigation: each entry is shown to the people a `safeguarding.policy` predicate
names. The kernel's own entries are below; each app adds its own from its `AppConfig.ready()`
with `register`, at a position (`order`) that keeps the menu in the same order whatever the
order the apps are loaded in:

  10 Incident notifications · 20 Rapid reviews · 30 LCSPRs · 40 Panel queue ·
  41 Meetings · 50 Statistics · 51 Benchmarking · 60 Inbox · 70 People (approvers) ·
  80 Administration

The menu must fit one line at 1,200 px for every role (tests/browser/test_layout.py), so it
holds only the work: the home page is the service name's link (and the GOV.UK logo's), as on
GOV.UK services; reference and administration pages (local authorities, retention, access
history) are reached from the Administration page and the footer; signing out and the account
are in the header (templates/includes/account_navigation.html)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from . import policy
from .models import User
from .selectors import inbox_unread_count_for_request


def _unread_notifications(user: User) -> int:
    return inbox_unread_count_for_request(user=user)


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    # Who sees the entry: a predicate of `safeguarding.policy`.
    shown: Callable[[User], bool]
    # Something waiting there, shown after the label: "Inbox (3)". One query each.
    count: Callable[[User], int] | None = None
    # Other pages (URL names) the entry is the current one for: Administration for its tools.
    section: tuple[str, ...] = ()


# Every entry, in menu order; filled by `register`, read by `navigation_for`.
NAVIGATION: list[NavItem] = []
_ORDER: dict[str, int] = {}


def register(item: NavItem, *, order: int) -> NavItem:
    """Add an entry at `order` (see the module docstring). An entry is known by its URL name:
    registering it again replaces it rather than showing it twice."""
    _ORDER[item.url_name] = order
    entries = {entry.url_name: entry for entry in NAVIGATION}
    entries[item.url_name] = item
    NAVIGATION[:] = sorted(entries.values(), key=lambda entry: _ORDER[entry.url_name])
    return item


register(NavItem("Inbox", "inbox", policy.is_signed_in, count=_unread_notifications), order=60)


def _approver_not_administrator(user: User) -> bool:
    # Administrators reach the people from the Administration page.
    return policy.is_approver(user) and not policy.is_administrator(user)


register(NavItem("People", "people-list", _approver_not_administrator), order=70)
register(
    NavItem(
        "Administration",
        "administration",
        policy.can_administer,
        section=("retention", "access-history", "local-authority-list", "people-list"),
    ),
    order=80,
)


def _is_current(path: str, url: str) -> bool:
    return path == url if url == "/" else path.startswith(url)


def _match_length(path: str, item: NavItem) -> int:
    """How much of the path the entry's (or its section's) address matches: 0 for none."""
    urls = [reverse(name) for name in (item.url_name, *item.section)]
    return max((len(url) for url in urls if _is_current(path, url)), default=0)


def navigation_for(request: HttpRequest) -> list[dict]:
    user = request.user
    if not user.is_authenticated:
        return []
    shown = [item for item in NAVIGATION if item.shown(user)]
    # One current entry: the one whose address matches the most of the path (Meetings at
    # /panel/meetings/, not the Panel queue at /panel/ too).
    matches = {item.url_name: _match_length(request.path, item) for item in shown}
    best = max(matches.values(), default=0)
    items = []
    for item in shown:
        url = reverse(item.url_name)
        current = best > 0 and matches[item.url_name] == best
        count = item.count(user) if item.count else None
        label = f"{item.label} ({count})" if count else item.label
        items.append({"label": label, "url": url, "current": current, "count": count})
    return items
