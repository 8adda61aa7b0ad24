"""Synthetic demo Panel work for `seed_demo`: a decision and a sent response letter on the
demo review submitted late (the partnership decided no LCSPR; the Panel did not agree)."""

from django.db import transaction

from notifications.demo import DEMO_MARK
from rapidreviews.models import RapidReview
from safeguarding.models import User

from . import conversations, services
from .models import Extent, MessageKind, Outcome, Quality


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


def seed_demo() -> str:
    """This app's part of `manage.py seed_demo` (registered in its AppConfig.ready())."""
    return (
        f"Demo Panel decisions with letters: {seed_demo_panel()}. "
        f"Demo messages on a case: {seed_demo_messages()}."
    )
