"""Case histories in plain English: each audit entry of a case, as the people who work on it
would say it. "Sam Example (Partnership lead, Leeds Safeguarding Children Partnership) changed
the incident details", with one line per answer that changed ("Abuse or neglect: Suspected (was
Known)"), never a field's code name, an internal id, a checksum or a value the trail redacted.

The kernel imports no app, so each app says what its entries mean: it registers a describer for
its models (`register`), usually a table of `Rule`s matched on the entry's action and message,
from its `AppConfig.ready()`. The values are shown as the pages show them, from the model's own
field metadata (verbose name, choices, type), found through the entry's content type."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst

from .audit import REDACTED, audit_events_for
from .models import AuditAction, AuditEvent, User

NOT_GIVEN = "Not given"
CHANGED = "changed"
THE_SERVICE = "The service"
# Entries written by the service itself (a worker, the schedule), not by a person.
SYSTEM_USERNAMES = frozenset({"", "system"})
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
# How many entries a case page shows, newest first.
HISTORY_LIMIT = 50


@dataclass(frozen=True)
class Described:
    """What an app says one entry did. `what` follows the person's name ("submitted the
    notification"); `note` is a sentence of its own ("Reason: …"). The changed values are
    named by `model`'s fields (the entry's own model when None) and `labels` (keys that are not
    fields); only `show` keys are listed when it is given, and keys with no name never are."""

    what: str
    note: str = ""
    model: type[models.Model] | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    show: Collection[str] | None = None
    lines: Sequence[str] = ()


@dataclass(frozen=True)
class HistoryItem:
    at: datetime
    action: str
    who: str
    what: str
    note: str = ""
    lines: tuple[str, ...] = ()

    @property
    def when(self) -> str:
        local = timezone.localtime(self.at)
        return f"{local:%-d %B %Y} at {local:%-I:%M}{local:%p}".replace("AM", "am").replace(
            "PM", "pm"
        )


Describer = Callable[[AuditEvent], Described | None]
_DESCRIBERS: dict[str, list[Describer]] = {}


def register(model: type[models.Model], describer: Describer) -> Describer:
    """`describer` says what `model`'s entries mean (None for an entry it does not know: the
    next describer registered for the model is asked, then the kernel's own)."""
    _DESCRIBERS.setdefault(model._meta.label_lower, []).append(describer)
    return describer


@dataclass(frozen=True)
class Rule:
    """One kind of entry: its action and a pattern its message matches from the start. The
    note is a template over the pattern's named groups ("Reason: {reason}"), left out when a
    group it uses is empty; `when` can further require a key in the entry's changes."""

    action: str
    pattern: str
    what: str
    note: str = ""
    model: type[models.Model] | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    show: Collection[str] | None = None
    when: str = ""
    lines: Callable[[AuditEvent], Sequence[str]] | None = None

    def describe(self, event: AuditEvent) -> Described | None:
        if event.action != self.action or (self.when and self.when not in event.changes):
            return None
        match = re.match(self.pattern, event.message, re.DOTALL)
        if match is None:
            return None
        groups = {key: (value or "").strip() for key, value in match.groupdict().items()}
        note = self.note.format(**groups) if self.note and all(groups.values()) else ""
        what = self.what.format(**groups)
        return Described(
            what=what,
            note=note,
            model=self.model,
            labels=self.labels,
            show=self.show,
            lines=tuple(self.lines(event)) if self.lines else (),
        )


def rules_describer(rules: Sequence[Rule]) -> Describer:
    """A describer that tries `rules` in turn."""

    def describe(event: AuditEvent) -> Described | None:
        return next((d for rule in rules if (d := rule.describe(event)) is not None), None)

    return describe


# --- Values -----------------------------------------------------------------------------------


def _is_redacted(value: Any) -> bool:
    return value == REDACTED or (isinstance(value, list) and REDACTED in value)


def display_value(value: Any, model_field: models.Field | None = None) -> str:
    """A value as the pages show it: a code by its label, a date as "24 May 2024", a yes/no
    answer as Yes or No, nothing as "Not given"."""
    if value is None or value == "" or value == []:
        return NOT_GIVEN
    if model_field is not None and model_field.choices:
        labels = {str(code): label for code, label in model_field.flatchoices}
        return str(labels.get(str(value), value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(display_value(item) for item in value)
    if isinstance(value, str) and ISO_DATETIME.match(value):
        try:
            moment = timezone.localtime(datetime.fromisoformat(value))
        except ValueError:
            return value
        return f"{moment:%-d %B %Y}"
    if isinstance(value, str) and ISO_DATE.match(value):
        try:
            return f"{date.fromisoformat(value):%-d %B %Y}"
        except ValueError:
            return value
    return str(value)


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if not isinstance(found, models.Field) or found.is_relation or _internal(found):
        return None
    return found


# The record's own bookkeeping, never an answer a person gave: not listed in a history.
INTERNAL_FIELDS = frozenset({"version", "sha256", "attempts", "error"})
INTERNAL_TYPES = (models.AutoField, models.JSONField, models.FileField, models.BinaryField)


def _internal(model_field: models.Field) -> bool:
    return (
        not model_field.editable
        or model_field.primary_key
        or isinstance(model_field, INTERNAL_TYPES)
        or model_field.name in INTERNAL_FIELDS
        or model_field.name.endswith(("_key", "_version", "_versions", "_at"))
    )


def change_lines(
    changes: Mapping[str, Any],
    *,
    model: type[models.Model] | None,
    labels: Mapping[str, str] = {},
    show: Collection[str] | None = None,
) -> list[str]:
    """One line per changed answer: "Label: new (was old)", "Label: changed" for a redacted
    one, and nothing for an answer that reads the same before and after, or has no name a
    person would know. A key "Child A.sex" is a field of Child A."""
    lines = []
    for key, value in sorted(changes.items(), key=lambda item: _position(model, item[0])):
        prefix, _, name = key.rpartition(".")
        if show is not None and key not in show and name not in show:
            continue
        model_field = _field(model, name)
        label = labels.get(key) or labels.get(name)
        if label is None and model_field is not None:
            label = capfirst(str(model_field.verbose_name))
        if label is None:
            continue
        if prefix:
            label = f"{label} of {prefix}"
        line = _change_line(label, value, model_field)
        if line:
            lines.append(line)
    return lines


def _position(model: type[models.Model] | None, key: str) -> tuple[int, str]:
    """Answers in the order the model declares them (the stored entry keeps no order)."""
    prefix, _, name = key.rpartition(".")
    names = [f.name for f in model._meta.get_fields()] if model is not None else []
    return (names.index(name) if name in names else len(names), prefix)


def _change_line(label: str, value: Any, model_field: models.Field | None) -> str:
    if _is_redacted(value):
        return f"{label}: {CHANGED}"
    # A list of two is [before, after], as every service records a change.
    if isinstance(value, list) and len(value) == 2:
        old, new = (display_value(v, model_field) for v in value)
        if old == new:
            return ""
        return f"{label}: {new}" if old == NOT_GIVEN else f"{label}: {new} (was {old})"
    return f"{label}: {display_value(value, model_field)}"


# --- People -----------------------------------------------------------------------------------


def person(user: User | None, username: str = "") -> str:
    """A person by name and role: "Sam Example (Partnership lead, Leeds Safeguarding Children
    Partnership)". Someone who has left keeps their name (accounts are deactivated, never
    deleted); an entry the service wrote itself is "The service"."""
    if user is None:
        return THE_SERVICE if username in SYSTEM_USERNAMES else username
    name = user.get_full_name() or user.get_username()
    about = ", ".join(str(part) for part in (user.get_role_display(), user.organisation) if part)
    return f"{name} ({about})" if about else name


# --- Entries ----------------------------------------------------------------------------------

# What the kernel says of entries no app describes.
_KERNEL = {
    AuditAction.CREATE: "created the record",
    AuditAction.UPDATE: "changed the record",
    AuditAction.DELETE: "deleted the record",
    AuditAction.SUBMIT: "submitted the record",
    AuditAction.EXPORT: "downloaded a copy",
    AuditAction.REMINDER: "sent a reminder",
    AuditAction.RETENTION_WARNING: "warned that the record is due to be deleted",
    AuditAction.ANONYMISE: "removed what identifies the child, as the retention schedule requires",
}


def _kernel_describe(event: AuditEvent) -> Described:
    what = _KERNEL.get(event.action) or str(event.get_action_display()).lower()
    if event.message == "Changed in the admin":
        return Described(what="changed the record in the admin")
    if event.action in (AuditAction.CREATE, AuditAction.UPDATE):
        # A change no app names yet: its message (written in words) and the answers changed.
        return Described(what=what, note=event.message)
    if event.action in (AuditAction.REMINDER, AuditAction.EXPORT):
        return Described(what=what, note=event.message, show=())
    # A retention entry's message names the schedule's rule in words already said by `what`.
    return Described(what=what, show=())


def describe(event: AuditEvent) -> HistoryItem:
    """One audit entry in plain English."""
    model = event.content_type.model_class() if event.content_type_id else None
    label = model._meta.label_lower if model is not None else ""
    described = next(
        (d for describer in _DESCRIBERS.get(label, []) if (d := describer(event)) is not None),
        None,
    ) or _kernel_describe(event)
    changes = event.changes if isinstance(event.changes, dict) else {}
    lines = list(described.lines) + change_lines(
        changes,
        model=described.model or model,
        labels=described.labels,
        show=described.show,
    )
    return HistoryItem(
        at=event.at,
        action=event.action,
        who=person(event.actor, event.actor_username),
        what=described.what,
        note=described.note,
        lines=tuple(lines),
    )


# An entry whose changes hold this key set to true is for the Panel's eyes only (an internal
# note on a case, panel.conversations): the case's history leaves it out for everyone else.
PANEL_ONLY = "panel_only"


def case_history(
    obj: models.Model, *, limit: int | None = HISTORY_LIMIT, with_panel_only: bool = True
) -> list[HistoryItem]:
    """What was done to `obj`, newest first, in plain English (reads are in "Who viewed this
    case", for those who may see it). Without `with_panel_only`, the entries marked for the
    Panel only are left out (the caller asks `policy.is_panel`)."""
    events = audit_events_for(obj).select_related(
        "actor__local_authority", "actor__partnership", "content_type"
    )
    if not with_panel_only:
        # Set only on such entries; a key lookup would leave out entries without it (NULL).
        events = events.exclude(changes__has_key=PANEL_ONLY)
    return [describe(event) for event in events[:limit]]
