import pytest
import time_machine
from django.core import mail

from rapidreviews import services
from rapidreviews.models import RapidReview
from safeguarding.audit import audit_events_for
from safeguarding.codes import Role
from safeguarding.models import InboxMessage, LocalAuthority

from .factories import CompleteReviewFactory, RapidReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(make_user):
    return make_user(
        Role.PARTNERSHIP_LEAD, partnership=LocalAuthority.objects.get(name="Leeds").partnership
    )


def save(review, user, key, values, version=None):
    review.refresh_from_db()
    return services.rapid_review_section_save(
        review=review,
        by=user,
        section_key=key,
        values=values,
        expected_version=review.section_version(key) if version is None else version,
    )


def test_saving_a_section_starts_drafting_and_is_audited(lead):
    review = RapidReviewFactory()
    save(review, lead, "incident", {"incident_type": "death"})
    review.refresh_from_db()
    assert review.status == RapidReview.Status.DRAFTING
    assert review.incident_type == "death"
    assert review.section_version("incident") == 1
    event = audit_events_for(review).get()
    assert event.changes == {"incident_type": ["", "death"]}


def test_a_second_save_from_the_same_version_is_a_conflict_and_keeps_the_first(lead, make_user):
    other = make_user(Role.PARTNERSHIP_LEAD, partnership=lead.partnership)
    review = RapidReviewFactory()
    save(review, lead, "narrative", {"reflection": "First"}, version=0)
    with pytest.raises(services.RapidReviewConflict) as raised:
        save(review, other, "narrative", {"reflection": "Second"}, version=0)
    assert raised.value.current.reflection == "First"
    review.refresh_from_db()
    assert review.reflection == "First"


def test_different_sections_can_be_saved_from_the_same_page_load(lead):
    review = RapidReviewFactory()
    save(review, lead, "narrative", {"reflection": "Mine"}, version=0)
    save(review, lead, "decision", {"lcspr_decision": "lcspr", "lcspr_rationale": "Why"}, 0)
    review.refresh_from_db()
    assert (review.reflection, review.lcspr_decision) == ("Mine", "lcspr")


def test_changing_the_incident_type_clears_a_cause_that_no_longer_fits(lead):
    review = RapidReviewFactory()
    save(review, lead, "incident", {"incident_type": "death"})
    save(review, lead, "cause", {"cause_of_death": "sudi_sudc"})
    save(review, lead, "incident", {"incident_type": "serious_harm"})
    review.refresh_from_db()
    assert review.cause_of_death == ""


def test_completeness_lists_unanswered_and_not_recorded_separately():
    review = CompleteReviewFactory(answers={"lcspr_rationale": "", "ethnicity": "unknown"})
    review.lcspr_rationale = ""
    check = services.rapid_review_completeness(review)
    assert [gap.field for gap in check.unanswered] == ["lcspr_rationale"]
    assert [gap.field for gap in check.not_recorded] == ["ethnicity"]
    assert not check.complete


def test_submission_needs_every_answer(lead):
    review = RapidReviewFactory()
    with pytest.raises(services.RapidReviewInvalid) as raised:
        services.rapid_review_submit(review=review, by=lead)
    assert any("Narrative: answer reflection" in m for m in raised.value.errors["unanswered"])
    review.refresh_from_db()
    assert review.status == RapidReview.Status.NOT_STARTED


def test_not_recorded_answers_must_be_accepted_before_submission(lead):
    review = CompleteReviewFactory(answers={"disability": "not_recorded"})
    with pytest.raises(services.RapidReviewInvalid) as raised:
        services.rapid_review_submit(review=review, by=lead)
    assert "accept_not_recorded" in raised.value.errors
    services.rapid_review_submit(review=review, by=lead, accept_not_recorded=True)
    review.refresh_from_db()
    assert review.status == RapidReview.Status.SUBMITTED
    assert review.not_recorded_accepted


@time_machine.travel("2024-06-28 10:00 +01:00", tick=False)
def test_submission_locks_the_review_and_tells_the_panel(
    lead, make_user, django_capture_on_commit_callbacks
):
    secretariat = make_user(Role.PANEL_SECRETARIAT)
    member = make_user(Role.PANEL_MEMBER)
    review = CompleteReviewFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.rapid_review_submit(review=review, by=lead)
    review.refresh_from_db()
    assert review.status == RapidReview.Status.SUBMITTED
    assert review.working_days_taken == 14  # 10 June to 28 June
    assert review.submitted_on_time is True
    [email] = mail.outbox
    assert email.to == [secretariat.email]
    assert InboxMessage.objects.filter(recipient=member).exists()
    with pytest.raises(services.RapidReviewError, match="submitted"):
        save(review, lead, "narrative", {"reflection": "Too late"})
    review.refresh_from_db()
    assert review.reflection == "Synthetic reflection."


@time_machine.travel("2024-07-02 10:00 +01:00", tick=False)
def test_a_review_after_its_due_date_is_late(lead):
    review = CompleteReviewFactory()
    services.rapid_review_submit(review=review, by=lead)
    review.refresh_from_db()
    assert review.working_days_taken == 16
    assert review.submitted_on_time is False


def test_only_the_secretariat_reopens_with_a_reason(lead, make_user):
    secretariat = make_user(Role.PANEL_SECRETARIAT)
    review = CompleteReviewFactory()
    services.rapid_review_submit(review=review, by=lead)
    with pytest.raises(services.RapidReviewError):
        services.rapid_review_reopen(review=review, by=lead, reason="Please")
    with pytest.raises(services.RapidReviewInvalid):
        services.rapid_review_reopen(review=review, by=secretariat, reason="")
    services.rapid_review_reopen(review=review, by=secretariat, reason="Missing chronology")
    review.refresh_from_db()
    assert review.status == RapidReview.Status.DRAFTING
    assert "Missing chronology" in audit_events_for(review).first().message


def test_due_date_counts_15_working_days_across_a_bank_holiday():
    from datetime import date

    from tests.notifications.factories import SubmittedNotificationFactory

    # A SIN on Friday 24 May 2024: Monday 27 May is a bank holiday, so day 1 is Tuesday.
    review = services.rapid_review_open(
        notification=SubmittedNotificationFactory(), sin_date=date(2024, 5, 24)
    )
    assert review.due_date == date(2024, 6, 17)
    assert review.original_due_date == date(2024, 6, 17)
    assert review.partnership == review.notification.local_authority.partnership


def test_good_practice_needs_the_theme_to_feature(lead):
    review = RapidReviewFactory()
    with pytest.raises(services.RapidReviewInvalid) as raised:
        services.rapid_review_themes_save(
            review=review, by=lead, themes={"escalation": (False, True)}, expected_version=0
        )
    assert "escalation_good_practice" in raised.value.errors
    assert not review.themes.exists()
