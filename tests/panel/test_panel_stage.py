"""A review's stored Panel stage (`RapidReview.panel_stage`) follows its submission, the
Panel's decision and the letter, through the services; `panel_stage_refresh` sets it for
records a bulk loader inserted directly."""

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from panel.models import ResponseLetter
from panel.selectors import panel_awaiting_count, panel_queue
from panel.services import panel_decision_record, panel_stage_refresh
from rapidreviews import services
from rapidreviews.models import PanelStage, RapidReview
from safeguarding.codes import Role

from ..rapidreviews.factories import CompleteReviewFactory, SubmittedReviewFactory
from .factories import PanelDecisionFactory, answers

pytestmark = pytest.mark.django_db


def stage(review: RapidReview) -> str:
    review.refresh_from_db(fields=["panel_stage"])
    return review.panel_stage


def test_submitting_deciding_reopening_and_resubmitting_move_the_stage(make_user):
    review = CompleteReviewFactory()
    lead = make_user(Role.PARTNERSHIP_LEAD, partnership=review.partnership)
    member = make_user(Role.PANEL_MEMBER)
    secretariat = make_user(Role.PANEL_SECRETARIAT)
    assert stage(review) == PanelStage.NOT_SUBMITTED

    services.rapid_review_submit(review=review, by=lead)
    assert stage(review) == PanelStage.AWAITING
    assert panel_awaiting_count(user=member) == 1

    panel_decision_record(review=review, by=member, answers=answers())
    assert stage(review) == PanelStage.DECIDED
    assert panel_awaiting_count(user=member) == 0
    assert list(panel_queue(user=member, filters={"stage": "decided"})) == [review]

    services.rapid_review_reopen(review=review, by=secretariat, reason="Missing chronology.")
    assert stage(review) == PanelStage.NOT_SUBMITTED

    services.rapid_review_submit(review=review, by=lead)
    assert stage(review) == PanelStage.DECIDED  # its decision still stands


def test_the_refresh_stores_every_stage_for_records_inserted_directly():
    awaiting = SubmittedReviewFactory()
    decided = PanelDecisionFactory().review
    sent = PanelDecisionFactory()
    letter = ResponseLetter(
        review=sent.review,
        decision=sent,
        version=1,
        status=ResponseLetter.Status.SENT,
        body="Synthetic letter.",
        sha256="0" * 64,
        rendered_at=timezone.now(),
        sent_at=timezone.now(),
        created_by=sent.decided_by,
    )
    letter.pdf.save("letter.pdf", ContentFile(b"%PDF-1.4"), save=False)
    letter.save()
    drafting = CompleteReviewFactory()
    RapidReview.objects.update(panel_stage="")

    assert panel_stage_refresh() == 4
    assert [stage(r) for r in (awaiting, decided, sent.review, drafting)] == [
        PanelStage.AWAITING,
        PanelStage.DECIDED,
        PanelStage.LETTER_SENT,
        PanelStage.NOT_SUBMITTED,
    ]
    RapidReview.objects.update(panel_stage="")
    assert panel_stage_refresh(reviews=[decided.pk]) == 1
    assert stage(decided) == PanelStage.DECIDED and stage(awaiting) == ""


def test_a_submitted_review_whose_stage_was_never_stored_still_awaits_the_panel(make_user):
    """Submitted by a process of the previous release during a rolling deploy (no stage
    stored): it is in the queue, counted, and not shown as decided."""
    review = SubmittedReviewFactory()
    RapidReview.objects.filter(pk=review.pk).update(panel_stage=PanelStage.NOT_SUBMITTED)
    member = make_user(Role.PANEL_MEMBER)
    assert panel_awaiting_count(user=member) == 1
    assert list(panel_queue(user=member)) == [review]
    assert list(panel_queue(user=member, filters={"stage": "awaiting"})) == [review]
    [shown] = panel_queue(user=member, filters={"stage": "all"})
    assert (shown.decided, shown.letter_sent) == (False, False)
