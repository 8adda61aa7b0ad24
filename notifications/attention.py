"""What a local authority user needs to act on: drafts not yet sent to the Panel."""

from django.urls import reverse

from safeguarding import policy
from safeguarding.attention import AttentionItem, register
from safeguarding.dates import long_date
from safeguarding.models import User

from .models import Notification
from .selectors import notification_drafts_earliest_due


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
    earliest = notification_drafts_earliest_due(user=user)
    due = f" The earliest is due by {long_date(earliest)}." if earliest else ""
    return [
        AttentionItem(
            title="Draft notifications not yet sent to the Panel",
            count=drafts,
            url=reverse("notifications:notification-list") + "?status=draft",
            description="The Panel must be notified within 5 working days of the local "
            f"authority becoming aware.{due}",
            urgent=earliest is not None,
        )
    ]
