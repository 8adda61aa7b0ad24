"""What needs attention on LCSPRs: for the partnership's leads, LCSPRs close to (or past)
their 6-month deadline; for the Panel, reports about to be published."""

from django.urls import reverse

from safeguarding import policy
from safeguarding.attention import AttentionItem, register
from safeguarding.models import User

from . import selectors
from .timescales import PANEL_NOTICE_DAYS


@register
def lcsprs_due_soon(user: User) -> list[AttentionItem]:
    if not policy.is_partnership_lead(user):
        return []
    return [
        AttentionItem(
            title=f"LCSPRs due within {selectors.DUE_SOON_MONTHS} month or overdue",
            count=selectors.lcspr_due_soon_count(user=user),
            url=reverse("lcsprs:lcspr-list"),
            description="An LCSPR is due for publication 6 months after the rapid review. Send "
            f"the final report to the Panel at least {PANEL_NOTICE_DAYS} days before.",
            urgent=True,
        )
    ]


@register
def lcsprs_publishing_soon(user: User) -> list[AttentionItem]:
    if not policy.is_panel(user):
        return []
    return [
        AttentionItem(
            title=f"Final reports due to publish within {PANEL_NOTICE_DAYS} days",
            count=selectors.lcspr_publishing_soon_count(user=user),
            url=reverse("lcsprs:lcspr-list"),
            description="LCSPRs the partnerships plan to publish this week: read the final "
            "reports, and give the Panel's feedback from each LCSPR's page.",
        )
    ]


@register
def lcsprs_awaiting_consideration(user: User) -> list[AttentionItem]:
    if not policy.is_panel(user):
        return []
    return [
        AttentionItem(
            title="LCSPR final reports awaiting consideration",
            count=selectors.lcspr_awaiting_consideration_count(user=user),
            url=reverse("lcsprs:lcspr-list") + "?awaiting_consideration=true",
            description="Final reports the partnerships have uploaded that the Panel has not "
            "yet considered: read each one and record the Panel's feedback.",
        )
    ]
