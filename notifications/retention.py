"""Retention rules for notifications (registered with `safeguarding.retention` on import):
a draft not edited for RETENTION_DRAFT_DAYS is deleted, after a warning to its authority
RETENTION_DRAFT_WARNING_DAYS before. "Edited" is any change to the draft or its children
(each moves `updated_at`); a draft edited after its warning is warned again before it can go."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import formats

from safeguarding.audiences import authority_users, notify
from safeguarding.retention import Action, RetentionRule, register

from .models import Notification


def _drafts() -> QuerySet[Notification]:
    return Notification.objects.filter(status=Notification.Status.DRAFT)


def drafts_to_warn(now: datetime) -> QuerySet[Notification]:
    """Drafts whose deletion is RETENTION_DRAFT_WARNING_DAYS away, not warned since their last
    edit."""
    warn_after = timedelta(
        days=settings.RETENTION_DRAFT_DAYS - settings.RETENTION_DRAFT_WARNING_DAYS
    )
    return _drafts().filter(
        Q(retention_warned_at__isnull=True) | Q(retention_warned_at__lt=F("updated_at")),
        updated_at__lte=now - warn_after,
    )


def drafts_to_delete(now: datetime) -> QuerySet[Notification]:
    """Drafts not edited for RETENTION_DRAFT_DAYS whose authority was warned, since their last
    edit, at least RETENTION_DRAFT_WARNING_DAYS ago."""
    return _drafts().filter(
        updated_at__lte=now - timedelta(days=settings.RETENTION_DRAFT_DAYS),
        retention_warned_at__gte=F("updated_at"),
        retention_warned_at__lte=now - timedelta(days=settings.RETENTION_DRAFT_WARNING_DAYS),
    )


def draft_deletion_date(draft: Notification, now: datetime) -> datetime:
    """The earliest the draft can be deleted if nobody edits it."""
    return max(
        draft.updated_at + timedelta(days=settings.RETENTION_DRAFT_DAYS),
        now + timedelta(days=settings.RETENTION_DRAFT_WARNING_DAYS),
    )


def draft_warn(draft: Notification, now: datetime) -> dict:
    """Tell the draft's authority, once per abandonment, that it will be deleted."""
    deleted_on = formats.date_format(draft_deletion_date(draft, now), "j F Y")
    notify(
        authority_users(draft.local_authority),
        subject=f"{draft} will be deleted on {deleted_on}",
        body=(
            f"{draft} has not been changed for "
            f"{settings.RETENTION_DRAFT_DAYS - settings.RETENTION_DRAFT_WARNING_DAYS} days. "
            f"Unsubmitted drafts are deleted after {settings.RETENTION_DRAFT_DAYS} days without "
            f"a change: change or submit it before {deleted_on} to keep it."
        ),
        url=reverse("notifications:notification-detail", args=[draft.pk]),
        related=draft,
        dedupe_key=f"retention-draft-warning:{draft.pk}:{draft.updated_at.isoformat()}",
    )
    Notification.objects.filter(pk=draft.pk).update(retention_warned_at=now)
    return {"deletion_date": deleted_on}


def draft_delete(draft: Notification, now: datetime) -> dict:
    from .services import notification_attachment_files_delete

    children = draft.children.count()
    notification_attachment_files_delete(notification=draft)
    draft.delete()
    return {"children": children}


register(
    RetentionRule(
        name="notifications.draft-warning",
        action=Action.WARN,
        description="warn the authority of an abandoned draft notification before deletion",
        due=drafts_to_warn,
        apply=draft_warn,
    ),
    RetentionRule(
        name="notifications.draft-deletion",
        action=Action.DELETE,
        description="delete a draft notification abandoned after its warning",
        due=drafts_to_delete,
        apply=draft_delete,
    ),
)
