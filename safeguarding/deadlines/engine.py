"""The deadline sweep: asks every rule about the cases still running, records each reminder
it answers once (`Reminder`'s unique constraint), and tells people in the same transaction,
e-mail leaving only after the record commits. Safe to run at any time, twice, or on two
workers at once. Also moves running due dates when the holiday calendar changes, and sends
each person's daily digest."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.urls import reverse

from rapidreviews.models import RapidReview, RapidReviewExtension
from rapidreviews.timescales import rapid_review_due_date
from safeguarding.attention import attention_for
from safeguarding.audit import audit_log
from safeguarding.calendars import england_calendar
from safeguarding.dates import long_date
from safeguarding.email import email_queue
from safeguarding.models import AuditAction, OutboundEmail, Reminder, User
from safeguarding.services import inbox_notify
from safeguarding.workingdays import WorkingDayCalendar

from .rules import RULES, Occurrence, Rule, partnership_leads

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
    *, today: date, dry_run: bool = False, rules: tuple[Rule, ...] = RULES
) -> SweepResult:
    """Send every reminder due on `today` that has not been sent. With `dry_run`, only say
    what would be sent. Moves running due dates first if the calendar has changed."""
    calendar = england_calendar()
    result = SweepResult(as_of=today)
    if not dry_run:
        result.due_dates_moved = len(
            due_dates_recompute(calendar=calendar, reason="the bank holiday calendar changed")
        )
    for rule in rules:
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
                    recipients=sorted({user.username for user in audience.people}),
                    emailed_to=sorted(set(audience.emails)),
                )
        except IntegrityError:
            return None
        key = f"reminder-{reminder.pk}"
        inbox_notify(
            recipients=audience.people,
            subject=message.subject,
            body=message.body,
            url=message.url,
            dedupe_key=key,
        )
        if audience.emails:
            email_queue(
                to=audience.emails,
                subject=message.subject,
                body=f"{message.body}\n\nSign in to see it: {settings.SERVICE_URL}{message.url}\n",
                related=case,
                dedupe_key=key,
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


def due_dates_recompute(
    *, calendar: WorkingDayCalendar | None = None, reason: str, by: User | None = None
) -> list[RapidReview]:
    """Move the due dates of rapid reviews still running to what the calendar now says: 15
    working days after the SIN. A review with an approved extension keeps its extended due
    date (a date the secretariat chose) and has its original due date moved. Each move is
    recorded in the review's history; the partnership's leads are told when the date they
    work to moves. Returns the reviews moved."""
    calendar = calendar or england_calendar()
    moved = []
    running = RapidReview.objects.exclude(status=RapidReview.Status.SUBMITTED).values_list(
        "pk", "clock_started_on", "original_due_date"
    )
    for pk, started, original in running:
        if rapid_review_due_date(started, calendar) != original:
            review = _due_date_move(pk, calendar, reason, by)
            if review is not None:
                moved.append(review)
    return moved


@transaction.atomic
def _due_date_move(
    pk: int, calendar: WorkingDayCalendar, reason: str, by: User | None
) -> RapidReview | None:
    review = (
        RapidReview.objects.select_for_update()
        .select_related("notification", "partnership")
        .get(pk=pk)
    )
    expected = rapid_review_due_date(review.clock_started_on, calendar)
    if review.status == RapidReview.Status.SUBMITTED or expected == review.original_due_date:
        return None
    extended = review.extensions.filter(status=RapidReviewExtension.Status.APPROVED).exists()
    changes = {"original_due_date": [review.original_due_date.isoformat(), expected.isoformat()]}
    if extended:
        text = (
            f"Original due date moved from {long_date(review.original_due_date)} to "
            f"{long_date(expected)} because {reason}; the extended due date "
            f"{long_date(review.due_date)} stays"
        )
    else:
        changes["due_date"] = [review.due_date.isoformat(), expected.isoformat()]
        text = (
            f"Due date moved from {long_date(review.due_date)} to {long_date(expected)} "
            f"because {reason}"
        )
        review.due_date = expected
    review.original_due_date = expected
    review.save(update_fields=["due_date", "original_due_date", "updated_at"])
    audit_log(actor=by, action=AuditAction.UPDATE, obj=review, changes=changes, message=text)
    if not extended:
        audience = partnership_leads(review.partnership)
        reference = review.notification.reference
        subject = f"{reference}: rapid review now due {long_date(expected)}"
        key = f"due-date-moved-{review.pk}-{expected.isoformat()}"
        url = reverse("rapidreviews:review-detail", args=[review.pk])
        inbox_notify(
            recipients=audience.people, subject=subject, body=text, url=url, dedupe_key=key
        )
        if audience.emails:
            email_queue(
                to=audience.emails,
                subject=subject,
                body=f"{text}.\n\nSign in to see the review: {settings.SERVICE_URL}{url}\n",
                related=review,
                dedupe_key=key,
            )
    return review


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
        lines.append(f"  {settings.SERVICE_URL}{item.url}")
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
