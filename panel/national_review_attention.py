"""The secretariat's home page item for national reviews (safeguarding.attention)."""

from django.urls import reverse

from safeguarding import policy
from safeguarding.attention import AttentionItem, register
from safeguarding.models import User

from .national_review_selectors import national_review_waiting_count


@register
def national_reviews_waiting(user: User) -> list[AttentionItem]:
    if not policy.can_manage_national_reviews(user):
        return []
    return [
        AttentionItem(
            title="National reviews and cases proposed, waiting for your decision",
            count=national_review_waiting_count(user=user),
            url=reverse("panel:national-review-list"),
        )
    ]
