import pytest
from django.db import IntegrityError, transaction

from panel import services
from panel.models import Outcome, PanelDecision
from rapidreviews.models import RapidReview
from safeguarding.audit import audit_events_for
from safeguarding.codes import Role

from ..rapidreviews.factories import DraftingReviewFactory
from .factories import PanelDecisionFactory, PanelReviewFactory, answers


def test_a_panel_member_records_the_decision_once(make_user):
    review = PanelReviewFactory()
    member = make_user(Role.PANEL_MEMBER)
    decision = services.panel_decision_record(review=review, by=member, answers=answers())
    decision.refresh_from_db()
    assert (decision.version, decision.is_current, decision.outcome) == (1, True, "agree")
    assert decision.get_outcome_display() == "Agreed"
    assert decision.decided_by == member
    assert "Panel decision recorded: Agreed" in [e.message for e in audit_events_for(review)]
    with pytest.raises(services.PanelError, match="correct it instead"):
        services.panel_decision_record(review=review, by=member, answers=answers())
    assert PanelDecision.objects.filter(review=review).count() == 1


@pytest.mark.parametrize(
    "role", [Role.PANEL_SECRETARIAT, Role.ADMINISTRATOR, Role.PARTNERSHIP_LEAD, Role.LA_USER]
)
def test_only_a_panel_member_decides(make_user, role):
    review = PanelReviewFactory()
    with pytest.raises(services.PanelError, match="Only a Panel member"):
        services.panel_decision_record(review=review, by=make_user(role), answers=answers())
    assert not PanelDecision.objects.exists()


def test_the_panel_decides_only_on_a_submitted_review(make_user):
    review = DraftingReviewFactory()
    with pytest.raises(services.PanelError, match="submitted"):
        services.panel_decision_record(
            review=review, by=make_user(Role.PANEL_MEMBER), answers=answers()
        )
    assert review.status == RapidReview.Status.DRAFTING


def test_a_correction_is_version_2_with_its_reason_and_the_history_keeps_both(make_user):
    first = PanelDecisionFactory(outcome=Outcome.DISAGREE)
    member = make_user(Role.PANEL_MEMBER)
    second = services.panel_decision_correct(
        decision=first,
        by=member,
        correction_reason="Recorded against the wrong outcome.",
        answers=answers(outcome=Outcome.UNABLE_TO_CONCLUDE),
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.version, first.is_current, first.outcome) == (1, False, "disagree")
    assert (second.version, second.is_current, second.outcome) == (2, True, "unable_to_conclude")
    assert second.correction_reason == "Recorded against the wrong outcome."
    assert list(first.review.panel_decisions.order_by("version")) == [first, second]
    [event] = [e for e in audit_events_for(first.review) if "corrected" in e.message]
    assert event.changes["outcome"] == ["disagree", "unable_to_conclude"]


def test_a_correction_needs_a_reason_and_a_current_version(make_user):
    first = PanelDecisionFactory()
    member = make_user(Role.PANEL_MEMBER)
    with pytest.raises(services.PanelInvalid) as exc:
        services.panel_decision_correct(
            decision=first, by=member, correction_reason=" ", answers=answers()
        )
    assert "correction_reason" in exc.value.errors
    services.panel_decision_correct(
        decision=first, by=member, correction_reason="Typo.", answers=answers()
    )
    with pytest.raises(services.PanelError, match="Someone else corrected"):
        services.panel_decision_correct(
            decision=first, by=member, correction_reason="Again.", answers=answers()
        )
    assert PanelDecision.objects.filter(review=first.review).count() == 2


def test_the_database_allows_one_current_version_and_reasons_for_corrections(db):
    first = PanelDecisionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PanelDecisionFactory(review=first.review, version=2, correction_reason="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        PanelDecisionFactory(review=first.review, version=2, is_current=False)
