"""The domain errors every app's services raise, in one hierarchy.

A service refuses a request by raising one of these; the web views show it as a form error
and the API's exception handler (`safeguarding.api.exceptions`) turns it into a response, so
each app only names its own subclasses (`RapidReviewInvalid`, `LcsprConflict`...) and the
behaviour, and the status code it gets in the API, is written here once:

- `DomainError`: the request is not allowed in the record's state (409);
- `DomainInvalid`: the answers break a rule, with messages by field (400);
- `DomainConflict`: someone saved the record after the user read it (409, with what is saved);
- `DomainNotFound`: the thing asked for does not exist yet (404).
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A request the record's state, or the user's role, does not allow."""


class DomainInvalid(DomainError):
    """The request breaks rules: `errors` holds the messages by field. A field's value is a
    list of messages, or (for a list of things, such as a SIN's children) a list of such
    dicts aligned with the list given."""

    def __init__(self, errors: dict[str, Any]):
        self.errors = errors
        super().__init__("; ".join(error_messages(errors)))


class DomainConflict(DomainError):
    """Someone else saved the record after the user read it: nothing was saved, and `current`
    is the record as it is now, for the user to compare with their answers."""

    message = "Someone else changed this after you opened it. Your change has not been saved."

    def __init__(self, current: Any, message: str | None = None):
        self.current = current
        super().__init__(message or self.message)


class DomainNotFound(DomainError):
    """The thing asked for does not exist (yet), though the record it belongs to does."""


def error_messages(errors: Any) -> list[str]:
    """Every message in an error structure, in order (children's errors are a list of dicts)."""
    if isinstance(errors, str):
        return [errors]
    if isinstance(errors, dict):
        errors = errors.values()
    return [message for item in errors for message in error_messages(item)]
