"""Retention of the messages on a case (panel.conversations), registered with
`safeguarding.retention`: once a case is anonymised (rapidreviews.retention), what its messages
say and the files sent with them may identify the child, so they go too. That there were
messages, of what kind, from whom and when, and the files' type and size, stay."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from notifications.models import Notification
from safeguarding.retention import Action, RetentionRule, register

from .models import CaseMessage, CaseMessageAttachment


def _messages_of(notification_ref) -> Q:
    return Q(review__notification=notification_ref) | Q(
        lcspr__rapid_review__notification=notification_ref
    )


def messages_to_anonymise(now: datetime) -> QuerySet[Notification]:
    """Anonymised cases with a message whose text, or a file, is still there."""
    files = CaseMessageAttachment.objects.filter(message=OuterRef("pk")).exclude(file="")
    remaining = CaseMessage.objects.filter(_messages_of(OuterRef("pk"))).filter(
        ~Q(body="") | Exists(files)
    )
    return Notification.objects.filter(anonymised_at__isnull=False).filter(Exists(remaining))


def messages_anonymise(notification: Notification, now: datetime) -> dict:
    messages = CaseMessage.objects.filter(_messages_of(notification))
    attachments = CaseMessageAttachment.objects.filter(message__in=messages).exclude(file="")
    for attachment in attachments:
        attachment.file.delete(save=False)
    files = attachments.update(file="", original_name="", sha256="")
    texts = messages.exclude(body="").update(body="")
    return {"messages": texts, "message_files": files}


register(
    RetentionRule(
        name="cases.messages_anonymisation",
        action=Action.ANONYMISE,
        description="remove what the messages on an anonymised case say, and their files",
        due=messages_to_anonymise,
        apply=messages_anonymise,
        label=lambda notification: notification.reference,
    )
)
