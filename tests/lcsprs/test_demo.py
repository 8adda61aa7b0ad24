from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from lcsprs.demo import PLANNED_BEFORE_DUE, seed_demo_lcsprs
from lcsprs.models import Lcspr
from safeguarding.codes import Role

from ..rapidreviews.factories import SubmittedReviewFactory

pytestmark = pytest.mark.django_db


def test_seed_demo_lcsprs_opens_and_starts_the_demo_lcspr_once(make_user, leeds):
    make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership)
    with time_machine.travel(datetime(2025, 8, 31, 12, tzinfo=ZoneInfo("Europe/London"))):
        review = SubmittedReviewFactory(
            notification__summary="Demo record kent-1: synthetic.",
            answers={"lcspr_decision": "lcspr"},
        )
    SubmittedReviewFactory(notification__summary="Demo record leeds-old: synthetic.")
    SubmittedReviewFactory(answers={"lcspr_decision": "lcspr"})  # not demo data
    # Seeded soon after: the planned date is 2 weeks before the due date (never in the past).
    with time_machine.travel(datetime(2025, 9, 1, 12, tzinfo=ZoneInfo("Europe/London"))):
        assert seed_demo_lcsprs() == 1
        assert seed_demo_lcsprs() == 0
    lcspr = Lcspr.objects.get()
    assert lcspr.rapid_review == review
    assert lcspr.status == Lcspr.Status.IN_PROGRESS
    assert lcspr.due_date == date(2026, 2, 28)
    assert lcspr.planned_publication_date == date(2026, 2, 28) - PLANNED_BEFORE_DUE


def test_a_demo_lcspr_seeded_late_is_planned_after_its_seven_day_notice(make_user, leeds):
    make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership)
    london = ZoneInfo("Europe/London")
    with time_machine.travel(datetime(2025, 8, 31, 12, tzinfo=london)):
        SubmittedReviewFactory(
            notification__summary="Demo record kent-1: synthetic.",
            answers={"lcspr_decision": "lcspr"},
        )
    with time_machine.travel(datetime(2026, 4, 1, 12, tzinfo=london)):  # past its due date
        assert seed_demo_lcsprs() == 1
    assert Lcspr.objects.get().planned_publication_date == date(2026, 4, 15)
