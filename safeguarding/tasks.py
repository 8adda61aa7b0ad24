"""Celery tasks of the kernel: e-mail delivery and the deadline engine. Each is safe to run
twice (late acknowledgement means a task interrupted by a crash runs again) and retries with
backoff when the database, the broker or the mail server is unavailable."""

import smtplib
from datetime import date, datetime, timedelta

from celery import shared_task
from django.db import DatabaseError
from django.db.models import Q
from django.utils import timezone

from .calendars import england_calendar
from .deadlines.engine import SweepIncomplete, deadline_sweep, digest_send
from .email import STALE_CLAIM, email_send
from .lapses import account_lapse_sweep
from .models import OutboundEmail, User
from .retention import retention_apply

TRANSIENT_EMAIL_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)
TRANSIENT_ERRORS = (DatabaseError, ConnectionError, TimeoutError, SweepIncomplete)
# A queued e-mail older than this has lost its send task (say, the process died between the
# commit and handing it to the broker): the outbox flush hands it over again.
OUTBOX_GRACE = timedelta(minutes=2)


def _as_of(value: str | None) -> date:
    return date.fromisoformat(value) if value else timezone.localdate()


@shared_task(
    acks_late=True,
    autoretry_for=TRANSIENT_EMAIL_ERRORS,
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=12,
)
def email_send_task(email_id: int) -> bool:
    return email_send(email_id=email_id)


@shared_task(acks_late=True)
def email_outbox_flush_task() -> int:
    """Hand every e-mail still waiting to the workers again: queued ones whose task was lost,
    and ones whose sender died mid-send. Sending claims each, so none goes twice."""
    now = timezone.now()
    waiting = OutboundEmail.objects.filter(
        Q(status=OutboundEmail.Status.QUEUED, created_at__lt=now - OUTBOX_GRACE)
        | Q(status=OutboundEmail.Status.SENDING, claimed_at__lt=now - STALE_CLAIM)
    ).values_list("pk", flat=True)
    ids = list(waiting[:1000])
    for pk in ids:
        email_send_task.delay(pk)
    return len(ids)


@shared_task(
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=60,
    retry_backoff_max=1800,
    max_retries=8,
)
def deadline_sweep_task(as_of: str | None = None) -> dict:
    """Send the reminders and escalations due on `as_of` (an ISO date; today when not given)."""
    return deadline_sweep(today=_as_of(as_of)).as_dict()


@shared_task(acks_late=True)
def daily_digest_task(as_of: str | None = None) -> int:
    """Queue each active person's daily digest; nothing on weekends and bank holidays."""
    day = _as_of(as_of)
    if not england_calendar().is_working_day(day):
        return 0
    ids = list(User.objects.filter(is_active=True).exclude(email="").values_list("pk", flat=True))
    for pk in ids:
        digest_send_task.delay(pk, day.isoformat())
    return len(ids)


@shared_task(
    acks_late=True,
    autoretry_for=(DatabaseError, ConnectionError, TimeoutError),
    retry_backoff=60,
    max_retries=5,
)
def digest_send_task(user_id: int, as_of: str | None = None) -> bool:
    user = User.objects.filter(pk=user_id).first()
    return bool(user and digest_send(user=user, today=_as_of(as_of)))


@shared_task(
    acks_late=True,
    autoretry_for=(DatabaseError, ConnectionError, TimeoutError),
    retry_backoff=60,
    retry_backoff_max=1800,
    max_retries=8,
)
def retention_apply_task() -> dict:
    """Apply the retention schedule now (safe to run twice: the second run does nothing)."""
    return retention_apply().as_dict()


@shared_task(
    acks_late=True,
    autoretry_for=(DatabaseError, ConnectionError, TimeoutError),
    retry_backoff=60,
    retry_backoff_max=1800,
    max_retries=8,
)
def account_lapse_task(now: str | None = None) -> dict:
    """Warn the accounts about to lapse and deactivate the lapsed ones, as of `now` (an ISO
    date and time, in the service's time zone when it has no offset; the present when not
    given). Safe to run twice, or on two workers at once: each warning and each deactivation
    happens once (safeguarding.lapses)."""
    moment = datetime.fromisoformat(now) if now else None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return account_lapse_sweep(now=moment).as_dict()


@shared_task(
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=15,
    retry_backoff_max=600,
    max_retries=5,
)
def prepared_document_render_task(document_id: int) -> bool:
    # A failure marks the document failed with its error (its page says so and offers to try
    # again) and is retried; the claim makes a repeated run harmless.
    from .documents import document_render

    return document_render(document_id=document_id)
