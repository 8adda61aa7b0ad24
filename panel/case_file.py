"""The Panel's sections of the case file (safeguarding.case_file): every version of its
decision, and the text of each response letter sent. For anyone who may see the decision page
(never DfE and Ofsted viewers, even on a review the Panel shared with them); drafts of letters
are the Panel's own and never in a file."""

from __future__ import annotations

from django.utils import timezone

from lcsprs import selectors as lcspr_selectors
from notifications.models import Notification
from rapidreviews.case_links import case_review
from safeguarding.case_file import Part, Section, field_rows, parts_html, register
from safeguarding.dates import long_date
from safeguarding.history import person
from safeguarding.models import User

from . import selectors
from .conversations import case_message_list
from .models import CaseMessage, PanelDecision, ResponseLetter


def decisions_section(user: User, notification: Notification) -> Section | None:
    review = case_review(user, notification, with_shared=False)
    if review is None:
        return None
    decisions = list(selectors.panel_decision_list(review=review))
    if not decisions:
        return None
    parts = []
    for decision in reversed(decisions):
        state = "current" if decision.is_current else "replaced by a correction"
        rows = [
            ("Decided", long_date(timezone.localdate(decision.decided_at))),
            ("Decided by", person(decision.decided_by)),
            *field_rows(
                decision, ("outcome", "reasons", *PanelDecision.QUALITY_FIELDS, "feedback")
            ),
        ]
        if decision.correction_reason:
            rows.append(("Reason for the correction", decision.correction_reason))
        parts.append(Part(heading=f"Version {decision.version} ({state})", rows=rows))
    return Section("Panel decisions", html=parts_html(parts))


def _sent(letter: ResponseLetter) -> str:
    return long_date(timezone.localdate(letter.sent_at)) if letter.sent_at else "(date unknown)"


def letters_section(user: User, notification: Notification) -> Section | None:
    review = case_review(user, notification, with_shared=False)
    if review is None:
        return None
    letters = (
        selectors.response_letter_list_for_review(user=user, review=review)
        .filter(status=ResponseLetter.Status.SENT)
        .order_by("version")
    )
    parts = [
        Part(
            heading=f"Version {letter.version}, sent {_sent(letter)}",
            text=letter.body,
        )
        for letter in letters
    ]
    if not parts:
        return None
    return Section("Response letters", html=parts_html(parts))


def _message_part(message: CaseMessage, where: str) -> Part:
    sent = timezone.localtime(message.sent_at)
    rows = [
        ("Sent", f"{long_date(sent.date())} at {sent:%H:%M}"),
        ("From", person(message.sender)),
        ("Kind", message.get_kind_display()),
        ("On", where),
    ]
    files = [attachment.original_name for attachment in message.attachments.all()]
    if files:
        rows.append(("Files", ", ".join(files)))
    if message.pauses_target:
        rows.append(("Paused the decision target", "Yes"))
    return Part(heading=message.get_kind_display(), rows=rows, text=message.body)


def messages_section(user: User, notification: Notification) -> Section | None:
    """The messages between the Panel and the partnership on the rapid review and its LCSPR,
    as the reader may see them (panel.conversations.case_message_list: internal notes for the
    Panel only; nothing for those outside the conversation)."""
    review = case_review(user, notification, with_shared=False)
    if review is None:
        return None
    parts = [
        _message_part(m, "the rapid review") for m in case_message_list(user=user, review=review)
    ]
    lcspr = lcspr_selectors.lcspr_get_for_review(user=user, review=review)
    if lcspr:
        parts += [_message_part(m, "the LCSPR") for m in case_message_list(user=user, lcspr=lcspr)]
    if not parts:
        return None
    return Section("Messages between the Panel and the partnership", html=parts_html(parts))


register("panel-decisions", decisions_section, order=30)
register("panel-letters", letters_section, order=40)
register("panel-messages", messages_section, order=70)
