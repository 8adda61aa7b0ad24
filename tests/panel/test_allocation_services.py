"""Allocating submitted rapid reviews to Panel members: by the secretariat (lead and others,
reallocation with its history, stale forms refused, only active Panel members) and by the
round robin (fair turns, caps, availability, on submission with PANEL_AUTO_ALLOCATE)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from panel import allocations, selectors
from panel.models import Allocation, PanelMemberProfile
from rapidreviews import services as review_services
from safeguarding.audit import audit_events_for
from safeguarding.codes import Role
from safeguarding.models import InboxMessage

from ..rapidreviews.factories import CompleteReviewFactory
from .factories import PanelDecisionFactory, PanelReviewFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def secretariat(make_user):
    return make_user(Role.PANEL_SECRETARIAT)


@pytest.fixture
def ann(make_user):
    return make_user(Role.PANEL_MEMBER, first_name="Ann", last_name="Abbott")


@pytest.fixture
def ben(make_user):
    return make_user(Role.PANEL_MEMBER, first_name="Ben", last_name="Bryce")


def allocate(review, by, lead, others=(), reason="", version=None):
    if version is None:
        version = selectors.allocation_version(review=review)
    return allocations.allocation_set(
        review=review, by=by, lead=lead, others=others, reason=reason, expected_version=version
    )


def current(review):
    return {(a.member_id, a.is_lead) for a in selectors.allocation_current(review=review)}


def test_the_secretariat_allocates_a_lead_and_others_who_are_told(
    secretariat, ann, ben, django_capture_on_commit_callbacks
):
    review = PanelReviewFactory()
    with django_capture_on_commit_callbacks(execute=True):
        allocate(review, secretariat, ann, [ben])
    assert current(review) == {(ann.pk, True), (ben.pk, False)}
    assert {m.to[0] for m in mail.outbox} == {ann.email, ben.email}
    assert "allocated to you" in mail.outbox[0].subject
    assert InboxMessage.objects.filter(recipient=ann, subject__contains="allocated").exists()
    event = audit_events_for(review).filter(message__startswith="Allocated to").get()
    assert "Ann Abbott (lead)" in event.message


def test_reallocation_needs_a_reason_and_keeps_the_history(secretariat, ann, ben):
    review = PanelReviewFactory()
    allocate(review, secretariat, ann)
    with pytest.raises(allocations.AllocationInvalid) as raised:
        allocate(review, secretariat, ben)
    assert "reason" in raised.value.errors
    assert current(review) == {(ann.pk, True)}

    allocate(review, secretariat, ben, reason="Ann is on leave")
    assert current(review) == {(ben.pk, True)}
    ended = Allocation.objects.get(review=review, member=ann)
    assert ended.ended_at is not None and ended.ended_by == secretariat
    assert ended.end_reason == "Ann is on leave"
    assert Allocation.objects.filter(review=review).count() == 2
    assert audit_events_for(review).filter(message__startswith="Reallocated to Ben").exists()


def test_adding_a_member_needs_no_reason_and_leaves_the_lead_alone(secretariat, ann, ben):
    review = PanelReviewFactory()
    [lead] = allocate(review, secretariat, ann)
    allocate(review, secretariat, ann, [ben])
    assert current(review) == {(ann.pk, True), (ben.pk, False)}
    assert Allocation.objects.get(pk=lead.pk).ended_at is None


def test_a_stale_form_is_refused_and_changes_nothing(secretariat, ann, ben):
    review = PanelReviewFactory()
    opened = selectors.allocation_version(review=review)
    allocate(review, secretariat, ann)
    with pytest.raises(allocations.AllocationConflict):
        allocate(review, secretariat, ben, reason="Mine", version=opened)
    assert current(review) == {(ann.pk, True)}


@pytest.mark.parametrize("who", ["not_member", "inactive", "lead_as_other"])
def test_only_active_panel_members_can_be_allocated(secretariat, ann, make_user, who):
    review = PanelReviewFactory()
    if who == "not_member":
        lead, others, field = make_user(Role.PANEL_SECRETARIAT), [], "lead"
    elif who == "inactive":
        lead, others, field = make_user(Role.PANEL_MEMBER, is_active=False), [], "lead"
    else:
        lead, others, field = ann, [ann], "others"
    with pytest.raises(allocations.AllocationInvalid) as raised:
        allocate(review, secretariat, lead, others)
    assert field in raised.value.errors
    assert not Allocation.objects.exists()


def test_only_the_secretariat_allocates(ann):
    with pytest.raises(allocations.PanelError):
        allocate(PanelReviewFactory(), ann, ann)
    assert not Allocation.objects.exists()


# --- The round robin ------------------------------------------------------------------------------


def available(member, cap=None, last=None):
    return PanelMemberProfile.objects.create(
        user=member, available=True, open_case_cap=cap, last_auto_allocated_at=last
    )


def reviews(n):
    start = timezone.now() - timedelta(days=n)
    return [PanelReviewFactory(submitted_at=start + timedelta(hours=i)) for i in range(n)]


def test_round_robin_takes_turns_starting_with_the_longest_waiting_member(secretariat, ann, ben):
    available(ann, last=datetime(2024, 5, 2, tzinfo=LONDON))
    available(ben, last=datetime(2024, 5, 1, tzinfo=LONDON))  # waited longer: goes first
    first, second, third = reviews(3)
    result = allocations.allocation_auto(by=secretariat)
    assert [a.member for a in result.allocated] == [ben, ann, ben]
    assert [a.review for a in result.allocated] == [first, second, third]
    assert all(a.is_lead and a.automatic for a in result.allocated)
    assert not result.left_unallocated


def test_the_cap_and_availability_are_respected_and_the_secretariat_told_of_the_rest(
    secretariat, ann, ben, settings
):
    settings.PANEL_ALLOCATION_DEFAULT_CAP = 1
    available(ann)  # the default cap: 1
    PanelMemberProfile.objects.create(user=ben, available=False)
    already = PanelReviewFactory()
    allocate(already, secretariat, ann)  # Ann is full already
    left = reviews(2)
    result = allocations.allocation_auto(by=secretariat)
    assert result.allocated == []
    assert result.left_unallocated == left
    assert not Allocation.objects.filter(review__in=left).exists()
    told = InboxMessage.objects.filter(recipient=secretariat, subject__contains="no Panel member")
    assert told.count() == 2
    # Pressing the button again tells nobody twice.
    allocations.allocation_auto(by=secretariat)
    assert told.count() == 2


def test_a_members_own_cap_beats_the_default(secretariat, ann, ben):
    available(ann, cap=1, last=datetime(2024, 5, 1, tzinfo=LONDON))
    available(ben, cap=5, last=datetime(2024, 5, 2, tzinfo=LONDON))
    reviews(3)
    result = allocations.allocation_auto(by=secretariat)
    assert [a.member for a in result.allocated] == [ann, ben, ben]


def test_decided_and_allocated_reviews_are_not_allocated_again(secretariat, ann, ben):
    available(ann)
    allocated = PanelReviewFactory()
    allocate(allocated, secretariat, ben)
    PanelDecisionFactory()  # decided: not open
    result = allocations.allocation_auto(by=secretariat)
    assert result.allocated == [] and result.left_unallocated == []


def test_a_review_is_allocated_on_submission_when_the_setting_says_so(
    ann, make_user, settings, django_capture_on_commit_callbacks
):
    settings.PANEL_AUTO_ALLOCATE = True
    available(ann)
    review = CompleteReviewFactory()
    lead = make_user(Role.PARTNERSHIP_LEAD, partnership=review.partnership)
    with django_capture_on_commit_callbacks(execute=True):
        review_services.rapid_review_submit(review=review, by=lead, accept_not_recorded=True)
    assert current(review) == {(ann.pk, True)}
    assert ann.email in {to for m in mail.outbox for to in m.to}


def test_no_allocation_on_submission_by_default(ann, make_user, django_capture_on_commit_callbacks):
    available(ann)
    review = CompleteReviewFactory()
    lead = make_user(Role.PARTNERSHIP_LEAD, partnership=review.partnership)
    with django_capture_on_commit_callbacks(execute=True):
        review_services.rapid_review_submit(review=review, by=lead, accept_not_recorded=True)
    assert not Allocation.objects.exists()


def test_the_case_history_says_who_allocated_and_why(secretariat, ann, ben):
    from safeguarding.history import case_history

    review = PanelReviewFactory()
    allocate(review, secretariat, ann)
    allocate(review, secretariat, ben, reason="Ann is on leave")
    PanelMemberProfile.objects.create(user=ann, available=True)
    other = PanelReviewFactory()
    allocations.allocation_auto(by=secretariat)
    said = {(item.what, item.note) for item in case_history(review)}
    assert ("reallocated the review to Ben Bryce (lead)", "Reason: Ann is on leave") in said
    assert ("allocated the review to Ann Abbott (lead)", "") in said
    assert [item.what for item in case_history(other)][0] == (
        "allocated the review automatically to Ann Abbott (lead)"
    )
