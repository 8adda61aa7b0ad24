"""The deadline sweep: asks every registered rule about the cases still running, records each
reminder it answers once (`Reminder`'s unique constraint), and tells people in the same
transaction, e-mail leaving only after the record commits. Safe to run at any time, twice, or
on two workers at once. Also has the apps move their running due dates when the holiday
calendar changes, and sends each person's daily digest."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction

from safeguarding.attention import attention_for
from safeguarding.audiences import notify
from safeguarding.audit import audit_log
from safeguarding.calendars import england_calendar
from safeguarding.dates import long_date
from safeguarding.email import email_queue
from safeguarding.models import AuditAction, OutboundEmail, Reminder, User
from safeguarding.workingdays import WorkingDayCalendar

from .rules import RULES, Occurrence, Rule

logger = logging.getLogger(__name__)


class SweepIncomplete(Exception):
    """Some reminders could not be sent; the rest were. The task retries the whole sweep,
    which skips what was sent."""


@dataclass
class SweepResult:
    as_of: date
    sent: Counter = field(default_factory=Counter)
    already_sent: Counter = field(default_factory=Counter)
    would_send: list[tuple[str, str, date, int]] = field(default_factory=list)
    due_dates_moved: int = 0
    failures: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "sent": dict(self.sent),
            "already_sent": dict(self.already_sent),
            "due_dates_moved": self.due_dates_moved,
            "failures": self.failures,
        }


def deadline_sweep(
    *, today: date, dry_run: bool = False, rules: Sequence[Rule] | None = None
) -> SweepResult:
    """Send every reminder due on `today` that has not been sent (by every registered rule,
    unless `rules` are given). With `dry_run`, only say what would be sent. Moves running due
    dates first if the calendar has changed."""
    calendar = england_calendar()
    result = SweepResult(as_of=today)
    if not dry_run:
        result.due_dates_moved = len(
            due_dates_recompute(calendar=calendar, reason="the bank holiday calendar changed")
        )
    for rule in RULES if rules is None else rules:
        _sweep_rule(rule, today, calendar, result, dry_run)
    if result.failures:
        raise SweepIncomplete("; ".join(result.failures))
    return result


def _sweep_rule(
    rule: Rule, today: date, calendar: WorkingDayCalendar, result: SweepResult, dry_run: bool
) -> None:
    candidates = rule.candidates(today)
    content_type = ContentType.objects.get_for_model(candidates.model)
    sent_before = set(
        Reminder.objects.filter(content_type=content_type, rule=rule.name).values_list(
            "object_id", "due_date", "repeat"
        )
    )
    for obj in candidates.iterator(chunk_size=500):
        occurrence = rule.check(obj, today, calendar)
        if occurrence is None:
            continue
        if (str(obj.pk), occurrence.due_date, occurrence.repeat) in sent_before:
            result.already_sent[rule.name] += 1
            continue
        if dry_run:
            result.would_send.append((rule.name, str(obj), occurrence.due_date, occurrence.repeat))
            continue
        try:
            reminder = reminder_send(rule=rule, obj=obj, occurrence=occurrence, today=today)
        except Exception as exc:  # one case's failure must not stop everyone else's reminders
            logger.exception("Reminder %s for %s failed", rule.name, obj)
            result.failures.append(f"{rule.name} for {obj}: {exc.__class__.__name__}: {exc}")
            continue
        if reminder is None:
            result.already_sent[rule.name] += 1
        else:
            result.sent[rule.name] += 1


def reminder_send(*, rule: Rule, obj, occurrence: Occurrence, today: date) -> Reminder | None:
    """Record the reminder and tell its audience, all in one transaction; None when it was
    already recorded (by an earlier sweep, or by another worker that got there first: the
    unique constraint makes this insert wait for that worker's commit, then fail)."""
    message = rule.message(obj, occurrence, today)
    audience = rule.audience(obj)
    case = rule.case(obj)
    with transaction.atomic():
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(
                    content_type=ContentType.objects.get_for_model(obj),
                    object_id=str(obj.pk),
                    object_repr=str(obj)[:200],
                    rule=rule.name,
                    due_date=occurrence.due_date,
                    repeat=occurrence.repeat,
                    as_of=today,
                    subject=message.subject[:300],
                    body=message.body,
                    url=message.url,
                    recipients=audience.usernames,
                    emailed_to=sorted(set(audience.emails)),
                )
        except IntegrityError:
            return None
        notify(
            audience,
            subject=message.subject,
            body=message.body,
            url=message.url,
            related=case,
            dedupe_key=f"reminder-{reminder.pk}",
        )
        audit_log(
            actor=None,
            action=AuditAction.REMINDER,
            obj=case,
            changes={
                "rule": rule.name,
                "due_date": occurrence.due_date.isoformat(),
                "repeat": occurrence.repeat,
                "recipients": reminder.recipients,
            },
            message=message.subject,
        )
    return reminder


# --- The calendar changes ---------------------------------------------------------------------


@dataclass(frozen=True)
class DueDateMover:
    """An app's due dates counted in working days, which move when the calendar changes
    (registered by the app: the rapid review's, in `rapidreviews.deadlines`)."""

    model: type[models.Model]
    # Moves what the calendar now says is wrong, each in its history; returns the cases moved.
    move: Callable[..., list[Any]]
    # What the administrator is told of the cases moved, e.g. "1 rapid review(s) still
    # running: SIN-2024-000001".
    summary: Callable[[list[Any]], str]


DUE_DATE_MOVERS: list[DueDateMover] = []


def register_due_date_mover(mover: DueDateMover) -> None:
    if mover not in DUE_DATE_MOVERS:
        DUE_DATE_MOVERS.append(mover)


def due_dates_recompute(
    *, calendar: WorkingDayCalendar | None = None, reason: str, by: User | None = None
) -> list[Any]:
    """Have every app move its running due dates to what the calendar now says (after a
    one-off bank holiday is added, changed or removed, and before each sweep), `reason` going
    into each case's history. Returns the cases moved."""
    calendar = calendar or england_calendar()
    return [
        case
        for mover in DUE_DATE_MOVERS
        for case in mover.move(calendar=calendar, reason=reason, by=by)
    ]


def due_dates_moved_summary(moved: list[Any]) -> str:
    """The cases moved, in their apps' words: "1 rapid review(s) still running: …"."""
    return "; ".join(
        mover.summary(cases)
        for mover in DUE_DATE_MOVERS
        if (cases := [case for case in moved if isinstance(case, mover.model)])
    )


# --- The daily digest -------------------------------------------------------------------------


def digest_send(*, user: User, today: date) -> OutboundEmail | None:
    """E-mail a person what needs their attention (the home page's list), once a day and only
    when there is something to say."""
    if not (user.is_active and user.email):
        return None
    items = attention_for(user)
    if not items:
        return None
    lines = [f"Things that need your attention on {long_date(today)}:", ""]
    for item in items:
        lines.append(f"- {item.title}: {item.count}")
        lines.append(f"  {settings.SITE_URL}{item.url}")
    lines += ["", "You get this e-mail on working days when something is waiting for you."]
    total = sum(item.count for item in items)
    return email_queue(
        to=[user.email],
        subject=(
            "Your daily summary: 1 thing needs your attention"
            if total == 1
            else f"Your daily summary: {total} things need your attention"
        ),
        body="\n".join(lines) + "\n",
        related=user,
        dedupe_key=f"digest-{user.pk}-{today.isoformat()}",
    )
