"""A Panel meeting's agenda pack (issue 17, item 2): a PDF made on a worker through the
documents kernel (`safeguarding.documents`), as its requester may see the meeting: a cover
page (when, where, who attends), the agenda, then each review's reference, partnership,
local authority, child reference(s) (never names), submission date, summary and coded
answers (their labels, as on the review's page)."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils import timezone
from pypdf import PdfReader

from rapidreviews.selectors import rapid_review_answers
from safeguarding.dates import long_date
from safeguarding.documents import DocumentKind, RenderedFile, register
from safeguarding.models import User
from safeguarding.pdf import html_to_pdf

from .meeting_selectors import agenda_list, panel_meeting_get_for_user
from .models import PanelMeeting

AGENDA_PACK = "agenda-pack"
# The summary is shown on its own; the other narrative answers are in the review itself.
LEFT_OUT_SECTIONS = {"narrative"}


def agenda_pack_subject(user: User, pk: int) -> PanelMeeting:
    """The meeting, read for `user` through the meetings' selector (Panel roles only)."""
    return panel_meeting_get_for_user(user=user, pk=pk)


def agenda_pack_title(meeting: PanelMeeting) -> str:
    return f"Agenda pack for the {meeting.title} on {long_date(meeting.date)}"


def agenda_pack_covers(meeting: PanelMeeting, user: User) -> list:
    """The reviews in the pack: a download is audited against each of them."""
    return [item.review for item in agenda_list(user=user, meeting=meeting)]


def agenda_pack_html(*, meeting: PanelMeeting, user: User) -> str:
    items = agenda_list(user=user, meeting=meeting)
    entries = []
    for item in items:
        review = item.review
        children = sorted(
            review.notification.children.all(),
            key=lambda child: (not child.is_child_in_focus, child.child_reference),
        )
        entries.append(
            {
                "item": item,
                "review": review,
                "notification": review.notification,
                "child_references": [child.child_reference for child in children],
                "sections": [
                    answers
                    for answers in rapid_review_answers(review=review)
                    if answers.section.key not in LEFT_OUT_SECTIONS
                ],
            }
        )
    return render_to_string(
        "panel/agenda_pack.html",
        {
            "meeting": meeting,
            "title": agenda_pack_title(meeting),
            "attendees": list(meeting.attendees.order_by("last_name", "first_name", "pk")),
            "entries": entries,
            "prepared_on": timezone.localdate(),
        },
    )


def agenda_pack_render(meeting: PanelMeeting, user: User) -> RenderedFile:
    data = html_to_pdf(agenda_pack_html(meeting=meeting, user=user))
    return RenderedFile(
        data,
        f"panel-meeting-{meeting.date:%Y-%m-%d}-agenda-pack.pdf",
        page_count=len(PdfReader(io.BytesIO(data)).pages),
    )


def register_agenda_pack() -> None:
    """From the app's `ready()`."""
    register(
        DocumentKind(
            name=AGENDA_PACK,
            subject=agenda_pack_subject,
            title=agenda_pack_title,
            render=agenda_pack_render,
            covers=agenda_pack_covers,
        )
    )
