"""How long the Panel's questions paused a rapid review's decision target (issue 17, item 3).

A question sent with "pause the decision target" stops the Panel's clock from the day it is
asked until the partnership's first reply or message after it, or until a Panel user ends the
pause (panel.conversations). The decision target is 15 working days from submission plus these
days."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch
from django.utils import timezone

from rapidreviews.models import RapidReview
from safeguarding.workingdays import working_days_between

from .models import CaseMessage

# What the pauses are worked out from: a list of reviews prefetches it once (the queue, the
# workload, the deadline rules), rather than a query for each review.
PAUSE_FIELDS = ("sent_at", "from_panel", "pauses_target", "pause_ended_at")
PAUSE_MESSAGES = "pause_messages"


def pause_messages_prefetch(path: str = "messages") -> Prefetch:
    """Prefetch `path` (a review's messages, or e.g. "review__messages" from an allocation)
    as each review's PAUSE_MESSAGES, oldest first, with only what the pauses need."""
    return Prefetch(
        path,
        queryset=CaseMessage.objects.order_by("sent_at", "id").only("id", "review", *PAUSE_FIELDS),
        to_attr=PAUSE_MESSAGES,
    )


def _messages(review: RapidReview) -> list[dict]:
    prefetched = getattr(review, PAUSE_MESSAGES, None)
    if prefetched is not None:
        return [{field: getattr(m, field) for field in PAUSE_FIELDS} for m in prefetched]
    if review.pk is None:
        # Not saved (the deadline rules' unit tests build one): no messages, no pause.
        return []
    return list(
        CaseMessage.objects.filter(review=review).order_by("sent_at", "id").values(*PAUSE_FIELDS)
    )


def decision_target_paused(review: RapidReview) -> bool:
    """A pausing question on the review is still open (no reply, not ended by the Panel): the
    target moves a day with every working day, so its reminders wait until the pause ends."""
    return any(m["pauses_target"] and m["pause_ended_at"] is None for m in _messages(review))


def _pause_spans(review: RapidReview, today: date) -> list[tuple[date, date]]:
    """(asked, ended) for each pausing question, as local dates; an open one ends `today`."""
    messages = _messages(review)
    spans = []
    for position, message in enumerate(messages):
        if not message["pauses_target"]:
            continue
        ends = [today]
        if message["pause_ended_at"] is not None:
            ends.append(timezone.localdate(message["pause_ended_at"]))
        first_reply = next(
            (later["sent_at"] for later in messages[position + 1 :] if not later["from_panel"]),
            None,
        )
        if first_reply is not None:
            ends.append(timezone.localdate(first_reply))
        asked = timezone.localdate(message["sent_at"])
        spans.append((asked, max(asked, min(ends))))
    return spans


def decision_target_pause_days(review: RapidReview, *, today: date | None = None) -> int:
    """The working days (England, safeguarding.workingdays) during which a pausing question on
    the review was open: counted as working days are everywhere here, the days after the day
    asked up to and including the day the pause ended (a reply the next working day pauses
    one day). An open pause counts up to `today`; overlapping pauses count once."""
    today = today or timezone.localdate()
    merged: list[list[date]] = []
    for start, end in sorted(_pause_spans(review, today)):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return sum(working_days_between(start, end) for start, end in merged)
