"""What a local authority user needs to act on: drafts not yet sent to the Panel."""

from django.urls import reverse

from safeguarding import policy
from safeguarding.attention import AttentionItem, register
from safeguarding.models import User

from .models import Notification


@register
def draft_notifications(user: User) -> list[AttentionItem]:
    if not policy.can_notify(user):
        return []
    drafts = Notification.objects.filter(
        local_authority=user.local_authority_id, status=Notification.Status.DRAFT
    ).count()
    return [
        AttentionItem(
            title="Draft notifications not yet sent to the Panel",
            count=drafts,
            url=reverse("notifications:notification-list") + "?status=draft",
            description="The Panel must be notified within 5 working days of the local "
            "authority becoming aware.",
            urgent=True,
        )
    ]
