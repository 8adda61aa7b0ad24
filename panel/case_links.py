"""The Panel's decision and the response letters in the case's "This case" panel
(safeguarding.case_links)."""

from django.urls import reverse
from django.utils import timezone

from lcsprs.models import Lcspr
from notifications.models import Notification
from rapidreviews.case_links import case_review
from rapidreviews.models import RapidReview
from safeguarding import policy
from safeguarding.case_links import CaseLink, register
from safeguarding.dates import long_date
from safeguarding.models import User

from . import conversations, meeting_selectors, selectors
from .models import ResponseLetter


def decision_case_links(user: User, notification: Notification) -> list[CaseLink]:
    """The decision page, for anyone who may see the review, once there is something to decide
    (the review submitted) or a decision to read."""
    # Never for DfE and Ofsted, even on a review the Panel shared with them.
    review = case_review(user, notification, with_shared=False)
    if review is None or not (
        review.status == RapidReview.Status.SUBMITTED or review.panel_decisions.exists()
    ):
        return []
    return [CaseLink("decision", "Panel decision", reverse("panel:decision", args=[review.pk]))]


def letter_case_links(user: User, notification: Notification) -> list[CaseLink]:
    """The letter being written (for the Panel, once it has decided) and the latest sent
    letter's PDF (for anyone who may read it)."""
    # Never for DfE and Ofsted, even on a review the Panel shared with them.
    review = case_review(user, notification, with_shared=False)
    if review is None:
        return []
    links = []
    sent = (
        selectors.response_letter_list_for_review(user=user, review=review)
        .filter(status=ResponseLetter.Status.SENT)
        .first()
    )
    if policy.can_write_letter(user, review) and selectors.panel_decision_current(review=review):
        if selectors.response_letter_open_draft(review=review):
            url = reverse("panel:letter-preview", args=[review.pk])
            links.append(CaseLink("letter", "Draft response letter", url))
        elif sent is None:
            url = reverse("panel:letter-draft", args=[review.pk])
            links.append(CaseLink("letter", "Response letter", url))
    if sent is not None:
        url = reverse("panel:letter-download", args=[sent.pk])
        label = f"Response letter sent {long_date(timezone.localdate(sent.sent_at))} (PDF)"
        links.append(CaseLink("letter_pdf", label, url))
    return links


def allocation_case_links(user: User, notification: Notification) -> list[CaseLink]:
    """Who the review is allocated to, for the Panel and administrators, once submitted."""
    if not policy.can_see_allocations(user):
        return []
    review = case_review(user, notification, with_shared=False)
    if review is None or review.status != RapidReview.Status.SUBMITTED:
        return []
    return [
        CaseLink(
            "allocation",
            "Allocation to Panel members",
            reverse("panel:allocation", args=[review.pk]),
        )
    ]


def meeting_case_links(user: User, notification: Notification) -> list[CaseLink]:
    """The Panel meetings whose agenda holds the case's review, for the Panel only."""
    if not policy.is_panel(user):
        return []
    review = case_review(user, notification, with_shared=False)
    if review is None:
        return []
    return [
        CaseLink(
            "meeting",
            f"On the agenda of the {meeting.title} on {long_date(meeting.date)}",
            reverse("panel:meeting-detail", args=[meeting.pk]),
        )
        for meeting in meeting_selectors.meetings_for_review(user=user, review=review)
    ]


register("panel-decision", decision_case_links, order=30)
register("panel-allocation", allocation_case_links, order=35)
register("panel-meetings", meeting_case_links, order=25)
register("panel-letters", letter_case_links, order=40)


def _messages_label(count: int, base: str) -> str:
    if not count:
        return base
    return f"{base} ({count} question{'s' if count != 1 else ''} awaiting a reply)"


def messages_case_links(user: User, notification: Notification) -> list[CaseLink]:
    """The messages between the Panel and the partnership on the rapid review and on its
    LCSPR, for those in the conversation (panel.conversations), with the questions still
    waiting for a reply."""
    review = case_review(user, notification, with_shared=False)
    if review is None or not policy.can_see_conversation(user, review):
        return []
    links = []
    if review.status == RapidReview.Status.SUBMITTED or review.messages.exists():
        count = conversations.case_message_unanswered(user=user, review=review).count()
        url = reverse("panel:review-messages", args=[review.pk])
        links.append(CaseLink("messages", _messages_label(count, "Messages"), url))
    return links


def lcspr_messages_case_links(user: User, notification: Notification) -> list[CaseLink]:
    """The messages on the case's LCSPR, after the LCSPR's own link."""
    review = case_review(user, notification, with_shared=False)
    lcspr = review and Lcspr.objects.filter(rapid_review=review).first()
    if not lcspr or not policy.can_see_conversation(user, lcspr):
        return []
    count = conversations.case_message_unanswered(user=user, lcspr=lcspr).count()
    label = _messages_label(count, "Messages on the LCSPR")
    return [CaseLink("lcspr_messages", label, reverse("panel:lcspr-messages", args=[lcspr.pk]))]


register("panel-messages", messages_case_links, order=35)
register("panel-lcspr-messages", lcspr_messages_case_links, order=55)
