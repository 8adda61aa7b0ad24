"""How long the Panel's decision target is paused on a review."""

from __future__ import annotations

from datetime import date

from rapidreviews.models import RapidReview


def decision_target_pause_days(review: RapidReview, *, today: date | None = None) -> int:
    """The working days the review's decision target (`panel.targets.decision_target`) is
    pushed back by. Always 0 here: another helper's conversations work (requests for further
    information to the partnership, which pause the target while they wait for an answer)
    replaces this function, and the lead keeps that version at merge."""
    return 0
