"""Synthetic demo Panel work for `seed_demo`: a decision and a sent response letter on the
demo review submitted late (the partnership decided no LCSPR; the Panel did not agree)."""

from django.db import transaction

from notifications.demo import DEMO_MARK
from rapidreviews.models import RapidReview
from safeguarding.models import User

from . import services
from .models import Extent, Outcome, Quality


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


def seed_demo() -> str:
    """This app's part of `manage.py seed_demo` (registered in its AppConfig.ready())."""
    return f"Demo Panel decisions with letters: {seed_demo_panel()}."
