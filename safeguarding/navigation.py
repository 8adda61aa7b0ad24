"""The service navigation, by role. Each app adds its entries here as it is built."""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from analytics.selectors import STATISTICS_READER_ROLES

from .codes import Role
from .models import User
from .selectors import inbox_unread_count

ALL_ROLES = frozenset(Role)


def _unread_notifications(user: User) -> int:
    return inbox_unread_count(user=user)


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]
    # Something waiting there, shown after the label: "Inbox (3)". One query each.
    count: Callable[[User], int] | None = None


NAVIGATION: list[NavItem] = [
    NavItem("Home", "home", ALL_ROLES),
    NavItem("Incident notifications", "notifications:notification-list", ALL_ROLES),
    NavItem("Rapid reviews", "rapidreviews:review-queue", ALL_ROLES),
    NavItem("LCSPRs", "lcsprs:lcspr-list", ALL_ROLES - {Role.LA_USER}),
    NavItem(
        "Panel queue",
        "panel:queue",
        frozenset({Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT, Role.ADMINISTRATOR}),
    ),
    NavItem("Statistics", "analytics:statistics-index", STATISTICS_READER_ROLES),
    NavItem("Inbox", "inbox", ALL_ROLES, count=_unread_notifications),
    NavItem("Local authorities", "local-authority-list", ALL_ROLES),
    NavItem("Administration", "admin:index", frozenset({Role.ADMINISTRATOR})),
]


def navigation_for(request: HttpRequest) -> list[dict]:
    user = request.user
    if not user.is_authenticated:
        return []
    items = []
    for item in NAVIGATION:
        if user.role in item.roles or (user.is_superuser and item.url_name == "admin:index"):
            url = reverse(item.url_name)
            current = request.path == url if url == "/" else request.path.startswith(url)
            count = item.count(user) if item.count else None
            label = f"{item.label} ({count})" if count else item.label
            items.append({"label": label, "url": url, "current": current, "count": count})
    return items
