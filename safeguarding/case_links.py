"""One case, navigable from any of its parts (issue 13, item 4): the SIN, its rapid review,
the Panel's decision, the response letters and the LCSPR.

The kernel knows none of these models. Each app registers, from its `AppConfig.ready()`, a
provider: given the user and the case's SIN, the links to its parts of the case that this user
may open (asking the app's own selectors, so scope and the policy decide, as on the pages).
`case_links_for` gathers them in case order for the "This case" panel on every part's page
(`templates/includes/case_links.html`, through the `case_links` template tag).

  10 Incident notification · 20 Rapid review · 30 Panel decision · 40 Response letter · 50 LCSPR
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .models import User


@dataclass(frozen=True)
class CaseLink:
    """A part of the case the user may open. `part` names it ("notification", "review",
    "decision", "letter", "lcspr"), so a page can mark itself as the current one."""

    part: str
    label: str
    url: str


# provider(user, notification) -> the links to its parts this user may open.
Provider = Callable[[User, Any], list[CaseLink]]

_PROVIDERS: dict[str, tuple[int, Provider]] = {}


def register(name: str, provider: Provider, *, order: int) -> Provider:
    """Add an app's provider at `order` (see the module docstring); registering a name again
    replaces it."""
    _PROVIDERS[name] = (order, provider)
    return provider


def case_links_for(*, user: User, notification: Any) -> list[CaseLink]:
    """The parts of the case (known by its SIN) that `user` may open, in case order."""
    if notification is None or not getattr(user, "is_authenticated", False):
        return []
    links: list[CaseLink] = []
    for _, provider in sorted(_PROVIDERS.values(), key=lambda entry: entry[0]):
        links.extend(provider(user, notification))
    return links
