""" "What needs my attention": each app registers a provider that lists, for a user, the
things waiting on them (reviews due, decisions to record, …). The home page shows them all."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from .models import Region, User
from .selectors import inbox_unread_count_for_request


@dataclass(frozen=True)
class AttentionItem:
    title: str
    count: int
    url: str
    description: str = ""
    urgent: bool = False


Provider = Callable[[User], list[AttentionItem]]
PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    PROVIDERS.append(provider)
    return provider


def attention_for(user: User) -> list[AttentionItem]:
    return [item for provider in PROVIDERS for item in provider(user) if item.count]


@register
def _administrator_reference_data(user: User) -> list[AttentionItem]:
    if not user.is_administrator:
        return []
    mid_year = timezone.localdate().year - 1
    missing = Region.objects.exclude(populations__year=mid_year).count()
    never_signed_in = User.objects.filter(is_active=True, last_login__isnull=True).count()
    return [
        AttentionItem(
            title=f"Regions without a mid-{mid_year} child population estimate",
            count=missing,
            url=reverse("admin:safeguarding_regionpopulation_changelist"),
            description="Rates per 100,000 children need the year's population estimates.",
        ),
        AttentionItem(
            title="Active accounts that have never signed in",
            count=never_signed_in,
            url=reverse("admin:safeguarding_user_changelist") + "?last_login__isnull=True",
            description="Check these people received their invitation, or deactivate them.",
        ),
    ]


@register
def _unread_notifications(user: User) -> list[AttentionItem]:
    return [
        AttentionItem(
            title="Unread messages in your inbox",
            count=inbox_unread_count_for_request(user=user),
            url=reverse("inbox"),
            description="Messages from the service about the cases you work on.",
        )
    ]
