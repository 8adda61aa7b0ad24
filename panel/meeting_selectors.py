"""Reads of Panel meetings and their agendas (issue 17, item 2), scoped in one place: the
Panel and administrators see every meeting; anyone else gets a 403 for the list
(`panel_meeting_list`) and a 404 for a meeting (`panel_meeting_get_for_user`), the same as
one that does not exist."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from rapidreviews.models import RapidReview
from rapidreviews.selectors import rapid_review_list
from safeguarding import policy
from safeguarding.audit import audit_read
from safeguarding.codes import Role
from safeguarding.limits import id_or_none
from safeguarding.models import User

from .models import AgendaItem, PanelDecision, PanelMeeting
from .selectors import AWAITING_Q


def _meetings(user: User) -> QuerySet[PanelMeeting]:
    """Every meeting the user may see: all of them for the Panel and administrators, none for
    anyone else."""
    if not policy.can_see_meetings(user):
        return PanelMeeting.objects.none()
    return PanelMeeting.objects.all()


def panel_meeting_list(*, user: User, today: date) -> tuple[list[PanelMeeting], list[PanelMeeting]]:
    """(upcoming, past): meetings from `today` on, the soonest first, then earlier ones, the
    latest first; each with its number of agenda items (`item_count`). A 403 for anyone who
    may not see meetings."""
    policy.require(policy.can_see_meetings(user))
    meetings = _meetings(user).annotate(item_count=Count("agenda", distinct=True))
    upcoming = list(meetings.filter(date__gte=today).order_by("date", "start_time", "pk"))
    past = list(meetings.filter(date__lt=today).order_by("-date", "-start_time", "-pk"))
    return upcoming, past


def panel_meeting_get_for_user(*, user: User, pk: int) -> PanelMeeting:
    """The meeting, or 404 (out of scope or missing); the read is recorded in the audit
    trail."""
    meeting = _meetings(user).filter(pk=pk).select_related("created_by", "cancelled_by").first()
    if meeting is None:
        raise Http404("No such meeting")
    audit_read(user=user, obj=meeting)
    return meeting


def agenda_item_get_for_user(*, user: User, pk: int) -> AgendaItem:
    """An agenda item of a meeting the user may see, or 404."""
    item = (
        AgendaItem.objects.filter(pk=pk, meeting__in=_meetings(user))
        .select_related("meeting", "review__notification")
        .first()
    )
    if item is None:
        raise Http404("No such agenda item")
    return item


def agenda_list(*, user: User, meeting: PanelMeeting) -> list[AgendaItem]:
    """The meeting's agenda in order, each item's review read through the reviews' scope,
    with its SIN, partnership, child in focus and current decision (`current_decision`)."""
    reviews = rapid_review_list(user=user, with_shared=False)
    items = (
        meeting.agenda.filter(review__in=reviews)
        .select_related("review__notification__local_authority", "review__partnership", "added_by")
        .prefetch_related(
            "review__notification__children",
            Prefetch(
                "review__panel_decisions",
                queryset=PanelDecision.objects.filter(is_current=True).select_related(
                    "decided_by", "meeting"
                ),
                to_attr="current_decisions",
            ),
        )
        .order_by("position")
    )
    result = list(items)
    for item in result:
        decisions = item.review.current_decisions
        item.current_decision = decisions[0] if decisions else None
    return result


def agenda_candidates(*, user: User, meeting: PanelMeeting) -> QuerySet[RapidReview]:
    """Reviews the secretariat may add to the meeting's agenda: submitted, without a Panel
    decision yet, and not on this meeting's agenda already; the longest waiting first."""
    return (
        rapid_review_list(user=user, with_shared=False)
        .filter(AWAITING_Q)
        .exclude(agenda_items__meeting=meeting)
        .select_related("notification__local_authority", "partnership")
        .order_by("submitted_at", "pk")
    )


def panel_meeting_for_decision(
    *, user: User, review: RapidReview, meeting_pk: object
) -> PanelMeeting | None:
    """The meeting a decision is being recorded at (the decision page's `?meeting=`), if it
    is a meeting the user may see whose agenda holds `review`; None for anything else (not a
    number, another meeting, a cancelled one), so a stray parameter is ignored."""
    pk = id_or_none(meeting_pk)
    if pk is None:
        return None
    return (
        _meetings(user)
        .filter(pk=pk, agenda__review=review)
        .exclude(status=PanelMeeting.Status.CANCELLED)
        .first()
    )


def meetings_for_review(*, user: User, review: RapidReview) -> QuerySet[PanelMeeting]:
    """The meetings (not cancelled) whose agenda holds the review, the earliest first."""
    return (
        _meetings(user)
        .filter(agenda__review=review)
        .exclude(status=PanelMeeting.Status.CANCELLED)
        .order_by("date", "start_time", "pk")
    )


def meeting_attendee_choices() -> QuerySet[User]:
    """Who may attend a meeting: active Panel members."""
    return User.objects.filter(role=Role.PANEL_MEMBER, is_active=True).order_by(
        "last_name", "first_name", "pk"
    )
