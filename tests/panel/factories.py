"""Panel factories: a submitted review whose child in focus has a (synthetic) name, and the
Panel's decision on it."""

import factory
from django.utils import timezone

from panel.models import Extent, Outcome, PanelDecision, Quality
from panel.services import DecisionAnswers, panel_stage_refresh

from ..rapidreviews.factories import SubmittedReviewFactory

# Distinctive, so a test can be sure it never reaches a letter.
CHILD_NAME = "Zephyrine Quattlebaum"


class PanelReviewFactory(SubmittedReviewFactory):
    """A submitted review; the child in focus has a name as well as their reference."""

    @factory.post_generation
    def child_name(self, create, extracted, **kwargs):
        if create:
            self.notification.children.filter(is_child_in_focus=True).update(
                name=extracted or CHILD_NAME
            )


class PanelDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PanelDecision
        skip_postgeneration_save = True

    review = factory.SubFactory(PanelReviewFactory)
    version = 1
    is_current = True
    outcome = Outcome.DISAGREE
    reasons = "The learning about hidden men warrants a local review."
    analysis_quality = Quality.ADEQUATE
    lived_experience = Quality.GOOD
    race_ethnicity_culture = Quality.NEEDS_IMPROVEMENT
    characteristics_recorded = Extent.PARTLY
    good_practice_identified = Extent.YES
    feedback = "Good multi-agency chronology."
    decided_by = factory.SubFactory("tests.factories.PanelMemberFactory")
    decided_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def panel_stage(self, create, extracted, **kwargs):
        if create:  # inserted directly, as a bulk loader would: store the review's stage
            panel_stage_refresh(reviews=[self.review_id])


def answers(**overrides) -> DecisionAnswers:
    values = {
        "outcome": Outcome.AGREE,
        "reasons": "The partnership's reasoning is sound.",
        "analysis_quality": Quality.GOOD,
        "lived_experience": Quality.ADEQUATE,
        "race_ethnicity_culture": Quality.NEEDS_IMPROVEMENT,
        "characteristics_recorded": Extent.YES,
        "good_practice_identified": Extent.NO,
        "feedback": "Consider the child's voice more.",
    }
    return DecisionAnswers(**{**values, **overrides})


def form_data(**overrides) -> dict:
    return {**answers().__dict__, **overrides}
