"""Synthetic demo Panel work for `seed_demo`: a decision and a sent response letter on the
demo review submitted late (the partnership decided no LCSPR; the Panel did not agree), and an
upcoming Panel meeting with the two submitted demo reviews on its agenda."""

from datetime import time

from django.db import transaction
from django.utils import timezone

from notifications.demo import DEMO_MARK
from rapidreviews.models import RapidReview
from safeguarding.models import User
from safeguarding.workingdays import add_working_days

from . import (
    allocations,
    conversations,
    meeting_services,
    national_reviews,
    selectors,
    services,
)
from .models import (
    Extent,
    MessageKind,
    NationalReview,
    Outcome,
    PanelMeeting,
    PanelMemberProfile,
    Quality,
)

DEMO_MEETING_PLACE = "Demo: Meeting room 3, Sanctuary Buildings, and online"


@transaction.atomic
def seed_demo_panel() -> int:
    review = RapidReview.objects.filter(
        notification__summary__startswith=f"{DEMO_MARK} leeds-old:",
        status=RapidReview.Status.SUBMITTED,
    ).first()
    if review is None or review.panel_decisions.exists():
        return 0
    member = User.objects.get(username="panel-member")
    decision = services.panel_decision_record(
        review=review,
        by=member,
        answers=services.DecisionAnswers(
            outcome=Outcome.DISAGREE,
            reasons="Demo: the Panel considers there is further learning about infant "
            "safeguarding that an LCSPR would draw out.",
            analysis_quality=Quality.ADEQUATE,
            lived_experience=Quality.NEEDS_IMPROVEMENT,
            race_ethnicity_culture=Quality.NEEDS_IMPROVEMENT,
            characteristics_recorded=Extent.PARTLY,
            good_practice_identified=Extent.YES,
            feedback="Demo: record the child's ethnicity and the father's involvement.",
        ),
    )
    letter = services.response_letter_draft(
        review=review,
        by=member,
        body=services.response_letter_default_body(decision=decision),
    )
    services.response_letter_send(letter=letter, by=member)
    return 1


@transaction.atomic
def seed_demo_messages() -> int:
    """A conversation on the same review: the Panel's question, an internal note and the
    partnership lead's reply (issue 17, item 3)."""
    review = RapidReview.objects.filter(
        notification__summary__startswith=f"{DEMO_MARK} leeds-old:",
        status=RapidReview.Status.SUBMITTED,
    ).first()
    lead = User.objects.filter(username="partnership-lead").first()
    if review is None or lead is None or review.messages.exists():
        return 0
    member = User.objects.get(username="panel-member")
    conversations.case_message_send(
        user=member,
        review=review,
        kind=MessageKind.QUESTION,
        body="Demo: please send the health visitor's chronology for the six weeks before "
        "the incident.",
    )
    conversations.case_message_send(
        user=member,
        review=review,
        kind=MessageKind.INTERNAL_NOTE,
        body="Demo: discuss at the next meeting whether the chronology changes our view.",
    )
    conversations.case_message_send(
        user=lead,
        review=review,
        kind=MessageKind.REPLY,
        body="Demo: the chronology will follow from the health provider this week.",
    )
    return 3


def seed_demo_allocations() -> int:
    """Mark the demo Panel member available (the default cap) and allocate each submitted demo
    review nobody holds yet to them, as the secretariat would. Returns the reviews allocated."""
    member = User.objects.filter(username="panel-member").first()
    secretariat = User.objects.filter(username="panel-secretariat").first()
    if member is None or secretariat is None:
        return 0
    PanelMemberProfile.objects.update_or_create(user=member, defaults={"available": True})
    reviews = RapidReview.objects.filter(
        notification__summary__startswith=DEMO_MARK,
        status=RapidReview.Status.SUBMITTED,
        closed_on_withdrawal=False,
    )
    allocated = 0
    for review in selectors.allocation_filter(reviews, selectors.UNALLOCATED).order_by("pk"):
        allocations.allocation_set(
            review=review,
            by=secretariat,
            lead=member,
            expected_version=selectors.allocation_version(review=review),
        )
        allocated += 1
    return allocated


def seed_demo_meeting() -> int:
    """An upcoming Panel meeting (ten working days on) attended by the demo Panel member, with
    the submitted demo reviews on its agenda; once."""
    if PanelMeeting.objects.filter(location=DEMO_MEETING_PLACE).exists():
        return 0
    reviews = list(
        RapidReview.objects.filter(
            notification__summary__startswith=DEMO_MARK, status=RapidReview.Status.SUBMITTED
        ).order_by("submitted_at", "pk")[:2]
    )
    if not reviews:
        return 0
    secretariat = User.objects.get(username="panel-secretariat")
    meeting = meeting_services.panel_meeting_create(
        by=secretariat,
        details=meeting_services.MeetingDetails(
            date=add_working_days(timezone.localdate(), 10),
            start_time=time(10, 0),
            location=DEMO_MEETING_PLACE,
            attendees=[User.objects.get(username="panel-member")],
        ),
    )
    meeting_services.agenda_items_add(meeting=meeting, reviews=reviews, by=secretariat)
    return 1


DEMO_NATIONAL_REVIEW = "Demo: Infants at home in their first year"


def seed_demo_national_review() -> int:
    """A national review proposed by the demo Panel member with the demo review of an infant
    (issue 18, item 3), for the secretariat to commission and decide; once."""
    if NationalReview.objects.filter(title=DEMO_NATIONAL_REVIEW).exists():
        return 0
    review = RapidReview.objects.filter(
        notification__summary__startswith=f"{DEMO_MARK} leeds-old:",
        status=RapidReview.Status.SUBMITTED,
    ).first()
    if review is None:
        return 0
    national_reviews.national_review_propose_case(
        rapid_review=review,
        by=User.objects.get(username="panel-member"),
        reason="Demo: the Panel sees the same gaps in support for new parents in several areas.",
        title=DEMO_NATIONAL_REVIEW,
        theme="Demo: how services support parents of babies at home in their first year.",
        learning_theme="coordination",
    )
    return 1


def seed_demo() -> str:
    """This app's part of `manage.py seed_demo` (registered in its AppConfig.ready())."""
    decisions = seed_demo_panel()
    return (
        f"Demo Panel decisions with letters: {decisions}. "
        f"Demo messages on a case: {seed_demo_messages()}. "
        f"Demo reviews allocated to the demo Panel member: {seed_demo_allocations()}. "
        f"Demo Panel meetings: {seed_demo_meeting()}. "
        f"Demo national reviews: {seed_demo_national_review()}."
    )
