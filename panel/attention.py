"""What the Panel needs to act on: submitted rapid reviews awaiting its decision, and
letters that have not gone out."""

from django.urls import reverse

from safeguarding import policy
from safeguarding.attention import AttentionItem, register
from safeguarding.models import User

from .models import ResponseLetter
from .selectors import panel_queue


@register
def panel_work(user: User) -> list[AttentionItem]:
    if not policy.is_panel(user):
        return []
    unsent = ResponseLetter.objects.exclude(status=ResponseLetter.Status.SENT)
    return [
        AttentionItem(
            title="Rapid reviews awaiting the Panel's decision",
            count=panel_queue(user=user).count(),
            url=reverse("panel:queue"),
        ),
        AttentionItem(
            title="Response letters not sent yet (drafts, waiting or failed)",
            count=unsent.count(),
            url=reverse("panel:letter-list"),
            urgent=unsent.filter(status=ResponseLetter.Status.FAILED).exists(),
        ),
    ]
