"""What a local authority user needs to act on: drafts not yet sent to the Panel; and what a
DfE or Ofsted viewer reads: the SINs submitted lately."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from safeguarding import policy
from safeguarding.attention import AttentionItem, register
from safeguarding.dates import long_date
from safeguarding.models import User

from .models import Notification
from .selectors import notification_draft_most_urgent, notification_list


@register
def draft_notifications(user: User) -> list[AttentionItem]:
    if not policy.can_notify(user):
        return []
    drafts = Notification.objects.filter(
        local_authority=user.local_authority_id, status=Notification.Status.DRAFT
    ).count()
    if not drafts:
        return []
    # Urgent while a draft's 5 working days are running: one without the date the authority
    # became aware has no deadline yet.
    urgent = notification_draft_most_urgent(user=user)
    due = f" {urgent[0]} is due first, by {long_date(urgent[1])}." if urgent else ""
    return [
        AttentionItem(
            title="Draft notifications not yet sent to the Panel",
            count=drafts,
            url=reverse("notifications:notification-list") + "?status=draft",
            description="The Panel must be notified within 5 working days of the local "
            f"authority becoming aware.{due}",
            urgent=urgent is not None,
        )
    ]


# What a DfE or Ofsted viewer opens first: the SINs submitted lately.
RECENT_DAYS = 7


@register
def recent_notifications_for_regulators(user: User) -> list[AttentionItem]:
    if not policy.is_regulator(user):
        return []
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    recent = notification_list(user=user).filter(notified_at__gte=since).count()
    return [
        AttentionItem(
            title=f"Notifications submitted in the last {RECENT_DAYS} days",
            count=recent,
            url=reverse("notifications:notification-list") + "?sort=notified",
            description="Every serious incident notification submitted in England. You also "
            "get them by e-mail each morning.",
        )
    ]
