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

from . import meeting_services, services
from .models import Extent, Outcome, PanelMeeting, Quality

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


def seed_demo() -> str:
    """This app's part of `manage.py seed_demo` (registered in its AppConfig.ready())."""
    return (
        f"Demo Panel decisions with letters: {seed_demo_panel()}. "
        f"Demo Panel meetings: {seed_demo_meeting()}."
    )
