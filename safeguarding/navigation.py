"""The service navigation, by role. Each app adds its entries here as it is built."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from .codes import Role

ALL_ROLES = frozenset(Role)


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]


NAVIGATION: list[NavItem] = [
    NavItem("Home", "home", ALL_ROLES),
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
            items.append({"label": item.label, "url": url, "current": current})
    return items
