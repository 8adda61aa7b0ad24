"""What a rapid review's audit entries mean, for its history (safeguarding.history). The
messages matched here are written by `services/` and `deadlines.py`; the Panel's entries on
the review (decisions, letters) are described by `panel.history`."""

from __future__ import annotations

from collections.abc import Sequence

from safeguarding.history import Described, Rule, register, rules_describer
from safeguarding.models import AuditAction, AuditEvent

from . import codes
from .models import RapidReview
from .sections import SECTIONS

CREATE, UPDATE, SUBMIT, EXPORT = (
    AuditAction.CREATE,
    AuditAction.UPDATE,
    AuditAction.SUBMIT,
    AuditAction.EXPORT,
)
THEMES = dict(codes.LearningTheme.choices)


def _theme_state(value) -> str:
    if not value:
        return "Not given"
    present, good_practice = value
    if not present:
        return "Not present"
    return "Present, good practice identified" if good_practice else "Present"


def _theme_lines(event: AuditEvent) -> Sequence[str]:
    lines = []
    for theme, change in event.changes.items():
        before, after = (_theme_state(value) for value in change)
        label = THEMES.get(theme)
        if label and before != after:
            was = "" if before == "Not given" else f" (was {before})"
            lines.append(f"{label}: {after}{was}")
    return lines


RULES = [
    Rule(
        SUBMIT,
        r"Submitted to the Panel",
        "submitted the rapid review to the Panel",
        labels={"on_time": "Submitted on time"},
    ),
    Rule(
        UPDATE,
        r"Saved learning and practice themes",
        "saved the learning and practice themes",
        show=(),
        lines=_theme_lines,
    ),
    Rule(
        UPDATE,
        r"(?P<verb>Uploaded|Replaced) the full review document \((?P<what>.*)\)",
        "uploaded the review document",
        note="Document: {what}",
        show=(),
    ),
    Rule(EXPORT, r"Downloaded the full review document", "downloaded the review document", show=()),
    Rule(
        UPDATE,
        r"Reopened by the Panel secretariat: (?P<reason>.*)",
        "reopened the rapid review for the partnership",
        note="Reason: {reason}",
        show=("status",),
    ),
    Rule(
        CREATE,
        r"Asked for an extension to (?P<date>[^:]*)(?:: (?P<reason>.*))?",
        "requested an extension to {date}",
        note="Reason: {reason}",
        show=(),
    ),
    Rule(
        UPDATE,
        r"Extension approved by the Panel secretariat: now due [^(]*\([^)]*\)"
        r"(?:: (?P<reason>.*))?",
        "approved the extension",
        note="Reason: {reason}",
        show=("due_date", "submitted_on_time"),
    ),
    Rule(
        UPDATE,
        r"Extension to (?P<date>.*?) declined by the Panel secretariat"
        r"(?:: (?P<reason>.*))?",
        "declined the extension to {date}",
        note="Reason: {reason}",
        show=(),
    ),
    Rule(
        UPDATE,
        r"(?:Original due date|Due date) moved from .* because (?P<why>.*?)"
        r"(?:; the extended due date .* stays)?$",
        "moved the due date",
        note="Because {why}",
        show=("due_date", "original_due_date"),
    ),
]

# The services write "Saved <section title in lower case>": the title as the pages show it.
SECTION_TITLES = {section.title.lower(): section.title for section in SECTIONS}


def _section_saved(event: AuditEvent) -> Described | None:
    title = SECTION_TITLES.get(event.message.removeprefix("Saved "))
    if event.action != UPDATE or not event.message.startswith("Saved ") or title is None:
        return None
    return Described(what=f"saved the {title[0].lower()}{title[1:]}")


register(RapidReview, rules_describer(RULES))
register(RapidReview, _section_saved)
