"""Celery tasks of the SINs: take ids (or a moment), call one service."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from .regulator_digest import regulator_digests_send


@shared_task(
    acks_late=True,
    autoretry_for=(DatabaseError, ConnectionError, TimeoutError),
    retry_backoff=60,
    retry_backoff_max=1800,
    max_retries=8,
)
def regulator_digest_task(now: str | None = None) -> dict:
    """E-mail each DfE and Ofsted viewer the SINs submitted since their last digest, as of
    `now` (an ISO date and time, in the service's time zone when it has no offset; the present
    when not given). Safe to run twice, or on two workers at once: a viewer gets one digest a
    day, and none when nothing new was submitted (notifications.regulator_digest)."""
    moment = datetime.fromisoformat(now) if now else None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return regulator_digests_send(now=moment).as_dict()
