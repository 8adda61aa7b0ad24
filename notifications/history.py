"""What a notification's audit entries mean, for its history (safeguarding.history). The
messages matched here are written by `services/drafts.py` and `services/submission.py`."""

from __future__ import annotations

import dataclasses
import re

from safeguarding.history import Described, HistoryItem, Rule, register, rules_describer
from safeguarding.models import AuditAction, AuditEvent

from .models import Notification, NotificationChild

CREATE, UPDATE, SUBMIT = AuditAction.CREATE, AuditAction.UPDATE, AuditAction.SUBMIT
# An amendment's reason follows the change's own text: "Amended: Added Child B: <reason>".
REASON = r"(?::\s*(?P<reason>.*))?$"
LABELS = {
    "on_time": "Submitted on time",
    "child_in_focus": "Child in focus",
    "working_days_to_notify": "Working days to notify",
}

# A child's answers that are not plain fields of NotificationChild in the history: the home
# authority is a link to another record, kept in the trail by the authority's name.
CHILD_LABELS = {"home_local_authority": "Home local authority"}
# Issue 16: answers that are not a plain field of the notification (a relation).
PLACE_LABELS = {"incident_local_authority": "Local authority where it happened"}

RULES = [
    Rule(CREATE, r"Draft started", "started the notification"),
    # Linked cases (notifications.links): never the other case's reference nor the reason.
    Rule(
        CREATE,
        r"Linked to another case \((?P<kind>.+)\)$",
        "linked this case to another case",
        note="{kind}",
        show=(),
    ),
    Rule(
        AuditAction.DELETE,
        r"Link to another case removed \((?P<kind>.+)\)$",
        "removed a link to another case",
        note="{kind}",
        show=(),
    ),
    Rule(
        SUBMIT,
        r"Submitted(?:; rapid (?P<due>review due .*))?",
        "submitted the notification",
        note="Rapid {due}",
        labels=LABELS,
    ),
    Rule(UPDATE, r"Draft (?P<part>.+) saved$", "saved the {part}", labels=PLACE_LABELS),
    Rule(
        CREATE, r"Attachment added \((?P<what>.+)\)$", "added an attachment", note="{what}", show=()
    ),
    Rule(
        AuditAction.DELETE,
        r"Attachment removed \((?P<what>.+)\)$",
        "removed an attachment",
        note="{what}",
        show=(),
    ),
    Rule(
        UPDATE,
        r"Amended (?P<part>incident details|circumstances|other areas to tell"
        # Issue 16's sections.
        r"|details of where and how it happened|notifier and sign-off)" + REASON,
        "changed the {part}",
        note="Reason: {reason}",
        labels=PLACE_LABELS,
    ),
]


def _child_rule(event: AuditEvent) -> Described | None:
    """Adding, changing or removing a child, or choosing the child in focus: the message
    names the child by its reference (never its name), and an amendment adds the reason."""
    if event.action != UPDATE:
        return None
    changes, message = event.changes, event.message
    if "children" in changes and isinstance(changes["children"], list):
        before, after = changes["children"]
        if after:
            added = after if isinstance(after, list) else [after]
            note = _reason(message, f"Added {', '.join(added)}")
            return Described(what=f"added {' and '.join(added)}", note=note, show=())
        return Described(what=f"removed {before}", note=_reason(message, f"Removed {before}"))
    if "child_in_focus" in changes:
        chosen = changes["child_in_focus"][-1]
        found = re.match(
            re.escape(f"Amended: Child in focus: {chosen}") + r"(?: \(instead of .*?\))?: (.*)$",
            message,
            re.DOTALL,
        )
        note = f"Reason: {found.group(1).strip()}" if found else ""
        return Described(
            what="chose the child in focus", note=note, labels=LABELS, show=("child_in_focus",)
        )
    if changes and all("." in key for key in changes):
        child = next(iter(changes)).rpartition(".")[0]
        return Described(
            what=f"changed the details of {child}",
            note=_reason(message, f"Changed {child}"),
            model=NotificationChild,
            labels=CHILD_LABELS,
        )
    return None


def _reason(message: str, text: str) -> str:
    """The reason an amendment gives after its text ("Amended: <text>: <reason>")."""
    prefix = f"Amended: {text}: "
    reason = message[len(prefix) :].strip() if message.startswith(prefix) else ""
    return f"Reason: {reason}" if reason else ""


register(Notification, _child_rule)
register(Notification, rules_describer(RULES))


def history_without_review_due(items: list[HistoryItem]) -> list[HistoryItem]:
    """The SIN's history for a reader who may not see its rapid review (an area it was shared
    with, a viewer before the Panel shares the review): the submission without its due date."""
    return [
        dataclasses.replace(item, note="")
        if item.action == SUBMIT and item.note.startswith("Rapid review due")
        else item
        for item in items
    ]
