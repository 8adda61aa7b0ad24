"""What the Panel needs to act on: submitted rapid reviews awaiting its decision, and
letters that have not gone out; and for partnerships and authorities, the Panel's recent
letters to them."""

from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from safeguarding import policy
from safeguarding.attention import AttentionItem, register
from safeguarding.calendars import england_calendar
from safeguarding.models import User

from . import conversations, selectors
from .models import ResponseLetter
from .selectors import panel_awaiting_count, response_letter_list
from .targets import DUE_SOON, OVERDUE, decision_target_status

# A letter counts as recent on the home page for this long after it was sent.
RECENT_LETTER_DAYS = 30


@register
def panel_work(user: User) -> list[AttentionItem]:
    if not policy.is_panel(user):
        return []
    unsent = ResponseLetter.objects.exclude(status=ResponseLetter.Status.SENT)
    return [
        AttentionItem(
            title="Rapid reviews awaiting the Panel's decision",
            count=panel_awaiting_count(user=user),
            url=reverse("panel:queue"),
        ),
        AttentionItem(
            title="Response letters not sent yet (drafts, waiting or failed)",
            count=unsent.count(),
            url=reverse("panel:letter-list"),
            urgent=unsent.filter(status=ResponseLetter.Status.FAILED).exists(),
        ),
    ]


@register
def my_reviews(user: User) -> list[AttentionItem]:
    """A Panel member's own reviews: those allocated to them awaiting the Panel's decision,
    and of those the ones past their decision target."""
    if not policy.can_decide(user):
        return []
    mine = list(selectors.my_reviews(user=user))
    calendar = england_calendar()
    today = timezone.localdate()
    statuses = [decision_target_status(r, today=today, calendar=calendar) for r in mine]
    url = f"{reverse('panel:queue')}?{urlencode({'allocated_to': selectors.ME})}"
    return [
        AttentionItem(
            title="My reviews: rapid reviews allocated to you awaiting the Panel's decision",
            count=len(mine),
            url=url,
            urgent=OVERDUE in statuses,
        ),
        AttentionItem(
            title="My reviews past their decision target",
            count=statuses.count(OVERDUE),
            url=url,
            urgent=True,
        ),
        AttentionItem(
            title="My reviews due for a decision soon",
            count=statuses.count(DUE_SOON),
            url=url,
        ),
    ]


@register
def recent_letters(user: User) -> list[AttentionItem]:
    """The Panel's letters on the user's reviews sent in the last 30 days, with the list of
    them (and from it, each decision)."""
    if not (policy.is_partnership_lead(user) or policy.can_notify(user)):
        return []
    since = timezone.localdate() - timedelta(days=RECENT_LETTER_DAYS)
    # From the start of that day: a range on the indexed sent_at (not sent_at's date).
    start = timezone.make_aware(datetime.combine(since, time.min))
    recent = response_letter_list(user=user).filter(sent_at__gte=start)
    query = urlencode({"sent_from": f"{since.day}/{since.month}/{since.year}"})
    return [
        AttentionItem(
            title=f"Letters from the Panel in the last {RECENT_LETTER_DAYS} days",
            count=recent.count(),
            url=f"{reverse('panel:letter-list')}?{query}",
            description="The Panel's decisions on your rapid reviews, and its letters.",
        )
    ]


@register
def case_messages(user: User) -> list[AttentionItem]:
    """The conversations on cases (panel.conversations): for a partnership lead, the Panel's
    questions waiting for their reply; for the Panel, replies to their own questions in the
    last fortnight. Each message is in the inbox with a link to its case."""
    if policy.is_partnership_lead(user):
        return [
            AttentionItem(
                title="Questions from the Panel awaiting a reply",
                count=conversations.questions_awaiting_reply_count(user=user),
                url=reverse("inbox"),
                description="Open each from your inbox and reply on the case's messages page.",
                urgent=True,
            )
        ]
    if policy.is_panel(user):
        return [
            AttentionItem(
                title="Replies from partnerships to your questions in the last 14 days",
                count=conversations.replies_to_me_count(user=user),
                url=reverse("inbox"),
            )
        ]
    return []
