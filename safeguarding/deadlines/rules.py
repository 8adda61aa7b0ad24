"""What a deadline rule is, and the register of every rule. Each rule is a small, named, pure
function of a case, "today" and the working-day calendar that answers "is a reminder due today,
and for which deadline?" (an `Occurrence`), or None. The sweep (`engine.deadline_sweep`) asks
each rule about the cases still running and records what it answers; the `Reminder` table's
unique constraint on (object, rule, due date, repeat) makes each answer go out once, however
often it is asked.

The rules themselves live with the cases they are about, in each app's `deadlines.py`
(`rapidreviews`, `lcsprs`, `notifications`), which registers them here from its
`AppConfig.ready()`: the kernel runs them without importing the apps.

Reminders go out on working days only: on a weekend or bank holiday every rule answers None,
and the next working day's sweep catches up. A rule whose day was missed (the sweep did not
run) fires on the next sweep while its window lasts, but never for a window already passed:
a review due tomorrow gets the 1-day reminder, not a late 5-day one as well.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import wraps
from typing import Any

from django.db import models

from safeguarding.audiences import Audience
from safeguarding.workingdays import WorkingDayCalendar


@dataclass(frozen=True)
class Occurrence:
    """A reminder due today: which deadline it is about, and which weekly repeat (0: none)."""

    due_date: date
    repeat: int = 0


Check = Callable[[Any, date, WorkingDayCalendar], Occurrence | None]


def working_days_only(check: Check) -> Check:
    """Reminders go out on working days: on other days the rule answers None."""

    @wraps(check)
    def wrapper(obj: Any, today: date, calendar: WorkingDayCalendar) -> Occurrence | None:
        if not calendar.is_working_day(today):
            return None
        return check(obj, today, calendar)

    return wrapper


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    url: str


@dataclass(frozen=True)
class Rule:
    name: str
    check: Check
    # The cases worth asking about on a day: a database filter, so that closed cases are
    # never loaded.
    candidates: Callable[[date], models.QuerySet]
    # Who is told: a named audience (safeguarding.audiences), the same for every event.
    audience: Callable[[Any], Audience]
    message: Callable[[Any, Occurrence, date], Message]
    # The case whose history shows the reminder (an extension's is its review's).
    case: Callable[[Any], models.Model] = lambda obj: obj

    @property
    def description(self) -> str:
        return (self.check.__doc__ or "").strip()


# --- The register ------------------------------------------------------------------------------

# Every registered rule, in sweep order, and the same by name. Filled by the apps' ready(),
# before any request, task or test runs; read, never assigned to, elsewhere.
RULES: list[Rule] = []
RULE_BY_NAME: dict[str, Rule] = {}
_ORDER: dict[str, tuple[int, int]] = {}


def register(*rules: Rule, order: int) -> None:
    """Add an app's rules. `order` places them in the sweep (and in every list of rules)
    relative to other apps' rules, whatever the order the apps are loaded in; within a call
    they keep the order given. Registering the same rule again changes nothing."""
    for rule in rules:
        known = RULE_BY_NAME.get(rule.name)
        if known is rule:
            continue
        if known is not None:
            raise ValueError(f"Two deadline rules are called {rule.name}")
        _ORDER[rule.name] = (order, len(_ORDER))
        RULE_BY_NAME[rule.name] = rule
    RULES[:] = sorted(RULE_BY_NAME.values(), key=lambda rule: _ORDER[rule.name])
    ordered = {rule.name: rule for rule in RULES}
    RULE_BY_NAME.clear()
    RULE_BY_NAME.update(ordered)


def rule_names() -> Iterable[str]:
    return RULE_BY_NAME.keys()
