"""What the Panel's audit entries on a rapid review mean (its decision and response letters are
recorded on the review, so they appear in the review's history): safeguarding.history. The
messages matched here are written by `services.py`."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.text import capfirst

from lcsprs.models import Lcspr
from rapidreviews.models import RapidReview
from safeguarding.history import Rule, register, rules_describer
from safeguarding.models import AuditAction, AuditEvent

from .models import PanelDecision

CREATE, UPDATE, SUBMIT, EXPORT = (
    AuditAction.CREATE,
    AuditAction.UPDATE,
    AuditAction.SUBMIT,
    AuditAction.EXPORT,
)
# The decision's coded answers are listed with their values; its text only as "changed" (it is
# on the decision page, and a paragraph does not fit a line of history).
CODED = (
    "outcome",
    "analysis_quality",
    "lived_experience",
    "race_ethnicity_culture",
    "characteristics_recorded",
    "good_practice_identified",
)
TEXT = ("reasons", "feedback")


def _text_lines(event: AuditEvent) -> Sequence[str]:
    return [
        f"{capfirst(PanelDecision._meta.get_field(name).verbose_name)}: changed"
        for name in TEXT
        if name in event.changes
    ]


LETTER = r"Response letter version (?P<version>\d+)"

RULES = [
    Rule(
        CREATE,
        r"Panel decision recorded",
        "recorded the Panel's decision",
        model=PanelDecision,
        show=("outcome",),
    ),
    Rule(
        UPDATE,
        r"Panel decision corrected \(version \d+\)(?:: (?P<reason>.*))?",
        "corrected the Panel's decision",
        note="Reason: {reason}",
        model=PanelDecision,
        show=CODED,
        lines=_text_lines,
    ),
    Rule(CREATE, LETTER + " drafted", "drafted the response letter", show=()),
    Rule(UPDATE, LETTER + " edited", "changed the draft response letter", show=()),
    Rule(SUBMIT, LETTER + " sent", "sent the response letter", show=()),
    Rule(
        UPDATE,
        LETTER + " e-mailed to the partnership",
        "e-mailed the response letter to the partnership",
        show=(),
    ),
    Rule(UPDATE, LETTER + " tried again", "tried sending the response letter again", show=()),
    Rule(EXPORT, r"Downloaded response letter", "downloaded the response letter", show=()),
    Rule(
        CREATE,
        r"Allocated automatically to (?P<who>.*)",
        "allocated the review automatically to {who}",
        show=(),
    ),
    Rule(CREATE, r"Allocated to (?P<who>.*)", "allocated the review to {who}", show=()),
    Rule(
        UPDATE,
        r"Reallocated to (?P<who>.*?): (?P<reason>.*)",
        "reallocated the review to {who}",
        note="Reason: {reason}",
        show=(),
    ),
]

register(RapidReview, rules_describer(RULES))


# Messages between the Panel and the partnership (panel.conversations), on a rapid review or an
# LCSPR: that one was sent, by whom, never what it says (the messages page has it).
MESSAGE_RULES = [
    Rule(
        CREATE,
        r"Case message sent: question",
        "sent a question from the Panel",
        note="See the case's messages.",
        show=(),
    ),
    Rule(CREATE, r"Case message sent: reply", "replied to the Panel's question", show=()),
    Rule(CREATE, r"Case message sent: message", "sent a message", show=()),
    Rule(
        CREATE,
        r"Case message sent: internal_note",
        "added an internal note (the Panel only)",
        show=(),
    ),
    Rule(UPDATE, r"Case message pause ended", "ended the pause on the decision target", show=()),
    Rule(
        EXPORT,
        r"Case message attachment downloaded",
        "downloaded a file sent with a message",
        show=(),
    ),
]

register(RapidReview, rules_describer(MESSAGE_RULES))
register(Lcspr, rules_describer(MESSAGE_RULES))
