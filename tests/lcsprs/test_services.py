from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction

from lcsprs import services
from lcsprs.models import Lcspr
from lcsprs.timescales import lcspr_due_date
from rapidreviews import services as rapid_review_services
from safeguarding.audit import audit_events_for
from safeguarding.codes import Role

from ..factories import PanelSecretariatFactory
from ..rapidreviews.factories import CompleteReviewFactory, SubmittedReviewFactory
from .factories import (
    FACTORY_FOR_STATUS,
    FinalReportSentLcsprFactory,
    InProgressLcsprFactory,
    LcsprFactory,
    feedback_answers,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def lead(make_user, leeds):
    return make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership)


@pytest.mark.parametrize(
    ("submitted", "due"),
    [
        (date(2024, 3, 15), date(2024, 9, 15)),
        (date(2024, 8, 31), date(2025, 2, 28)),
        (date(2023, 8, 31), date(2024, 2, 29)),  # a leap year
        (date(2024, 10, 1), date(2025, 4, 1)),
    ],
)
def test_due_date_is_six_calendar_months_after_submission(submitted, due):
    assert lcspr_due_date(submitted) == due


def test_submitting_a_review_that_decides_an_lcspr_opens_it(lead):
    review = CompleteReviewFactory(answers={"lcspr_decision": "lcspr"})
    with time_machine.travel(datetime(2024, 8, 31, 10, tzinfo=LONDON), tick=False):
        rapid_review_services.rapid_review_submit(review=review, by=lead)
    lcspr = Lcspr.objects.get(rapid_review=review)
    assert lcspr.status == Lcspr.Status.COMMISSIONED
    assert (lcspr.clock_started_on, lcspr.due_date) == (date(2024, 8, 31), date(2025, 2, 28))
    assert (lcspr.partnership_id, lcspr.opened_by) == (review.partnership_id, lead)
    assert lcspr.opened_reason == services.DECIDED_IN_RAPID_REVIEW
    assert audit_events_for(lcspr).filter(message__startswith="LCSPR commissioned").count() == 1


def test_submitting_a_review_that_decides_no_lcspr_opens_none(lead):
    review = CompleteReviewFactory(answers={"lcspr_decision": "no_lcspr"})
    rapid_review_services.rapid_review_submit(review=review, by=lead)
    assert not Lcspr.objects.filter(rapid_review=review).exists()


def test_opening_twice_keeps_the_first(lead):
    review = SubmittedReviewFactory()
    first = services.lcspr_open(review=review, by=lead, reason="First")
    second = services.lcspr_open(review=review, by=lead, reason="Second")
    assert first.pk == second.pk
    assert Lcspr.objects.get().opened_reason == "First"
    assert audit_events_for(first).count() == 1


def test_a_lead_commissions_later_with_a_reason(lead):
    with time_machine.travel(datetime(2024, 1, 31, 10, tzinfo=LONDON), tick=False):
        review = SubmittedReviewFactory()
    lcspr = services.lcspr_open_later(review=review, by=lead, reason="After the Panel's letter")
    assert lcspr.due_date == date(2024, 7, 31)
    with pytest.raises(services.LcsprError, match="already been commissioned"):
        services.lcspr_open_later(review=review, by=lead, reason="Again")


@pytest.mark.parametrize("role", [Role.PANEL_SECRETARIAT, Role.LA_USER, Role.PARTNERSHIP_LEAD])
def test_only_the_partnerships_leads_commission_later(make_user, role):
    review = SubmittedReviewFactory()
    with pytest.raises(services.LcsprError, match="Only a lead"):
        services.lcspr_open_later(review=review, by=make_user(role), reason="Why")
    assert not Lcspr.objects.exists()


def test_an_unsubmitted_review_cannot_be_commissioned(lead):
    review = CompleteReviewFactory()
    with pytest.raises(services.LcsprError, match="once the rapid review has been submitted"):
        services.lcspr_open_later(review=review, by=lead, reason="Why")


def test_commissioning_later_needs_a_reason(lead):
    with pytest.raises(services.LcsprInvalid) as exc:
        services.lcspr_open_later(review=SubmittedReviewFactory(), by=lead, reason="  ")
    assert list(exc.value.errors) == ["reason"]


# Transitions: every target from every status, allowed only from its declared sources.

STEPS = {
    Lcspr.Status.IN_PROGRESS: lambda lcspr, by: services.lcspr_start(
        lcspr=lcspr, by=by, expected_version=None
    ),
    # The Panel records its receipt of the final report, not the partnership.
    Lcspr.Status.FINAL_REPORT_SENT: lambda lcspr, by: services.lcspr_final_report_record(
        lcspr=lcspr,
        by=PanelSecretariatFactory(),
        received_on=date(2024, 6, 20),
        expected_version=None,
    ),
    Lcspr.Status.PUBLISHED: lambda lcspr, by: services.lcspr_publish(
        lcspr=lcspr,
        by=by,
        published_on=date(2024, 7, 1),
        url="https://www.example.gov.uk/lcspr",
        expected_version=None,
    ),
}


@pytest.mark.parametrize("target", list(STEPS))
@pytest.mark.parametrize("source", list(Lcspr.Status))
def test_transitions_are_allowed_only_from_their_sources(lead, source, target):
    with time_machine.travel(datetime(2024, 6, 12, 10, tzinfo=LONDON), tick=False):
        lcspr = FACTORY_FOR_STATUS[source](opened_by=lead)
    before = (lcspr.status, lcspr.version)
    with time_machine.travel(datetime(2024, 7, 2, 10, tzinfo=LONDON), tick=False):
        if source in Lcspr.TRANSITIONS[target]:
            STEPS[target](lcspr, lead)
            lcspr.refresh_from_db()
            assert (lcspr.status, lcspr.version) == (target, before[1] + 1)
        else:
            with pytest.raises(services.LcsprError):
                STEPS[target](lcspr, lead)
            lcspr.refresh_from_db()
            assert (lcspr.status, lcspr.version) == before


@pytest.mark.parametrize("role", [Role.PANEL_SECRETARIAT, Role.LA_USER, Role.PARTNERSHIP_LEAD])
def test_only_the_partnerships_leads_move_an_lcspr_on(make_user, role):
    lcspr = LcsprFactory()
    with pytest.raises(services.LcsprError, match="Only a lead"):
        services.lcspr_start(lcspr=lcspr, by=make_user(role), expected_version=None)
    lcspr.refresh_from_db()
    assert lcspr.status == Lcspr.Status.COMMISSIONED


def test_a_change_from_a_stale_version_is_a_conflict(lead):
    lcspr = LcsprFactory(opened_by=lead)
    planned = lcspr.due_date  # within the window whatever today is
    services.lcspr_planned_publication_set(
        lcspr=lcspr, by=lead, planned_on=planned, expected_version=0
    )
    with pytest.raises(services.LcsprConflict) as exc:
        services.lcspr_start(lcspr=lcspr, by=lead, expected_version=0)
    assert exc.value.current.version == 1
    lcspr.refresh_from_db()
    assert (lcspr.status, lcspr.planned_publication_date) == ("commissioned", planned)


def test_final_report_date_cannot_be_in_the_future_or_before_the_review(lead, make_user):
    panel = make_user(Role.PANEL_MEMBER)
    with time_machine.travel(datetime(2024, 6, 12, 10, tzinfo=LONDON), tick=False):
        lcspr = InProgressLcsprFactory(opened_by=lead)
    with time_machine.travel(datetime(2024, 7, 1, 10, tzinfo=LONDON), tick=False):
        for received_on, message in [
            (None, "Enter the date"),
            (date(2024, 7, 2), "today or in the past"),
            (date(2024, 6, 11), "on or after 12 June 2024"),
        ]:
            with pytest.raises(services.LcsprInvalid) as exc:
                services.lcspr_final_report_record(
                    lcspr=lcspr, by=panel, received_on=received_on, expected_version=None
                )
            assert message in exc.value.errors["received_on"][0]
    lcspr.refresh_from_db()
    assert lcspr.status == Lcspr.Status.IN_PROGRESS


def test_publishing_needs_a_date_after_the_final_report_and_a_link(lead):
    lcspr = FinalReportSentLcsprFactory(opened_by=lead, final_report_received_on=date(2024, 6, 20))
    with pytest.raises(services.LcsprInvalid) as exc:
        services.lcspr_publish(
            lcspr=lcspr, by=lead, published_on=date(2024, 6, 19), url=" ", expected_version=None
        )
    assert set(exc.value.errors) == {"published_on", "url"}
    published = services.lcspr_publish(
        lcspr=lcspr,
        by=lead,
        published_on=date(2024, 6, 27),
        url="https://www.example.gov.uk/lcspr",
        expected_version=lcspr.version,
    )
    published.refresh_from_db()
    assert published.status == Lcspr.Status.PUBLISHED
    assert published.actual_publication_date == date(2024, 6, 27)


@pytest.mark.parametrize(("days", "short"), [(6, True), (7, False), (10, False)])
def test_seven_day_rule(days, short):
    lcspr = Lcspr(
        final_report_received_on=date(2025, 3, 1),
        planned_publication_date=date(2025, 3, 1 + days),
    )
    assert lcspr.panel_notice_days == days
    assert lcspr.panel_notice_short is short


def test_seven_day_rule_uses_the_actual_publication_date_once_published():
    lcspr = Lcspr(
        final_report_received_on=date(2025, 3, 1),
        planned_publication_date=date(2025, 3, 20),
        actual_publication_date=date(2025, 3, 5),
    )
    assert (lcspr.panel_notice_days, lcspr.panel_notice_short) == (4, True)
    assert Lcspr(planned_publication_date=date(2025, 3, 2)).panel_notice_short is False


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.PANEL_MEMBER, True),
        (Role.PANEL_SECRETARIAT, True),
        (Role.ADMINISTRATOR, False),
        (Role.PARTNERSHIP_LEAD, False),
        (Role.LA_USER, False),
    ],
)
def test_only_panel_roles_give_feedback(make_user, leeds, role, allowed):
    lcspr = FinalReportSentLcsprFactory()
    kwargs = {"partnership": leeds.partnership} if role == Role.PARTNERSHIP_LEAD else {}
    by = make_user(role, **kwargs)
    if allowed:
        services.lcspr_feedback_record(
            lcspr=lcspr,
            by=by,
            answers=feedback_answers(feedback="Clear learning."),
            expected_version=None,
        )
    else:
        with pytest.raises(services.LcsprError, match="Only the Panel"):
            services.lcspr_feedback_record(
                lcspr=lcspr, by=by, answers=feedback_answers(), expected_version=None
            )
    lcspr.refresh_from_db()
    assert (lcspr.panel_feedback == "Clear learning.") is allowed


def test_feedback_waits_for_the_final_report(make_user):
    with pytest.raises(services.LcsprError, match="once it has received the final report"):
        services.lcspr_feedback_record(
            lcspr=InProgressLcsprFactory(),
            by=make_user(Role.PANEL_MEMBER),
            answers=feedback_answers(feedback="Too early"),
            expected_version=None,
        )


def test_database_refuses_a_published_lcspr_without_a_link():
    lcspr = FinalReportSentLcsprFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Lcspr.objects.filter(pk=lcspr.pk).update(
            status=Lcspr.Status.PUBLISHED, actual_publication_date=date(2024, 7, 1)
        )
