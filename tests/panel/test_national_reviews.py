"""National review referrals (issue 18, item 3), the services: a case proposed for a new or an
existing review, each status step allowed once and in order (anything else refused, a stale
version refused), cases accepted or declined with a reason, and who is told what."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail

from panel import national_reviews as services
from panel.models import NationalReview, NationalReviewCase
from rapidreviews.models import RapidReview
from safeguarding.codes import Role
from safeguarding.history import case_history
from safeguarding.models import InboxMessage

from .factories import CHILD_NAME, PanelReviewFactory
from .national_review_factories import REASON, TITLE, bristol_review, commissioned, propose

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
Status = NationalReview.Status


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def member(make_user):
    return make_user(Role.PANEL_MEMBER, first_name="Ada", last_name="Member")


@pytest.fixture
def secretariat(make_user):
    return make_user(Role.PANEL_SECRETARIAT, first_name="Sam", last_name="Secretary")


@pytest.fixture
def lead(make_user, leeds):
    return make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership)


@pytest.fixture
def bristol_lead(make_user, bristol):
    return make_user(Role.PARTNERSHIP_LEAD, partnership=bristol.partnership)


def _move(review, by, target, **extra):
    return services.national_review_move(
        review=review, by=by, target=target, expected_version=review.version, **extra
    )


PUBLISH = {"published_on": date(2027, 2, 27), "published_url": "https://www.gov.uk/review"}


def test_proposing_a_case_for_a_new_review_creates_it_proposed(member):
    rapid_review = PanelReviewFactory()
    case = propose(rapid_review, member)
    review = case.review
    assert (review.title, review.status, review.learning_theme) == (TITLE, "proposed", "curiosity")
    assert review.created_by == member and review.version == 1
    assert (case.status, case.reason, case.proposed_by) == ("proposed", REASON, member)


def test_a_new_review_needs_a_title_and_theme_and_the_proposal_a_reason(member):
    with pytest.raises(services.NationalReviewInvalid) as caught:
        services.national_review_propose_case(
            rapid_review=PanelReviewFactory(), by=member, reason=" ", title="", theme=""
        )
    assert set(caught.value.errors) == {"reason", "title", "theme"}
    assert not NationalReview.objects.exists()


@pytest.mark.parametrize("role", [Role.PARTNERSHIP_LEAD, Role.ADMINISTRATOR, Role.LA_USER])
def test_only_the_panel_proposes(make_user, leeds, role):
    kwargs = (
        {"partnership": leeds.partnership}
        if role == Role.PARTNERSHIP_LEAD
        else {"local_authority": leeds}
        if role == Role.LA_USER
        else {}
    )
    with pytest.raises(services.NationalReviewError):
        propose(PanelReviewFactory(), make_user(role, **kwargs))
    assert not NationalReviewCase.objects.exists()


def test_a_case_not_submitted_is_refused(member):
    draft = PanelReviewFactory(status=RapidReview.Status.DRAFTING)
    with pytest.raises(services.NationalReviewInvalid) as caught:
        propose(draft, member)
    assert "rapid_review" in caught.value.errors


def test_a_case_is_proposed_once_per_review(member):
    case = propose(PanelReviewFactory(), member)
    with pytest.raises(services.NationalReviewInvalid) as caught:
        propose(case.rapid_review, member, review=case.review)
    assert "already proposed" in caught.value.errors["national_review"][0]
    second = propose(PanelReviewFactory(), member, review=case.review)
    assert second.review == case.review
    assert case.review.cases.count() == 2


# --- Transitions ---------------------------------------------------------------------------------

STEPS = [
    (Status.PROPOSED, Status.COMMISSIONED),
    (Status.PROPOSED, Status.DECLINED),
    (Status.COMMISSIONED, Status.IN_PROGRESS),
    (Status.IN_PROGRESS, Status.PUBLISHED),
]


def _review_in(status, member, secretariat) -> NationalReview:
    review = propose(PanelReviewFactory(), member).review
    path = {
        Status.PROPOSED: [],
        Status.COMMISSIONED: [Status.COMMISSIONED],
        Status.IN_PROGRESS: [Status.COMMISSIONED, Status.IN_PROGRESS],
        Status.PUBLISHED: [Status.COMMISSIONED, Status.IN_PROGRESS, Status.PUBLISHED],
        Status.DECLINED: [Status.DECLINED],
    }[status]
    for target in path:
        review = _move(review, secretariat, target, reason="Out of scope", **PUBLISH)
    return review


@pytest.mark.parametrize(("source", "target"), STEPS)
def test_each_allowed_step_moves_the_review_and_its_version(member, secretariat, source, target):
    review = _review_in(source, member, secretariat)
    before = review.version
    moved = _move(review, secretariat, target, reason="Out of scope", **PUBLISH)
    moved.refresh_from_db()
    assert moved.status == target and moved.version == before + 1


REFUSED = [
    (source, target)
    for source in Status
    for target in Status
    if target != Status.PROPOSED and (source, target) not in STEPS
]


@pytest.mark.parametrize(("source", "target"), REFUSED)
def test_every_other_step_is_refused(member, secretariat, source, target):
    review = _review_in(source, member, secretariat)
    with pytest.raises(services.NationalReviewError):
        _move(review, secretariat, target, reason="Out of scope", **PUBLISH)
    review.refresh_from_db()
    assert review.status == source


def test_a_stale_version_is_refused_and_nothing_changes(member, secretariat):
    review = propose(PanelReviewFactory(), member).review
    services.national_review_commission(review=review, by=secretariat, expected_version=1)
    with pytest.raises(services.NationalReviewConflict) as caught:
        services.national_review_start(review=review, by=secretariat, expected_version=1)
    assert caught.value.current.status == Status.COMMISSIONED
    review.refresh_from_db()
    assert review.status == Status.COMMISSIONED and review.version == 2


def test_declining_needs_a_reason_and_publishing_a_date_and_link(member, secretariat):
    review = propose(PanelReviewFactory(), member).review
    with pytest.raises(services.NationalReviewInvalid) as caught:
        _move(review, secretariat, Status.DECLINED, reason="  ")
    assert "reason" in caught.value.errors
    review = _review_in(Status.IN_PROGRESS, member, secretariat)
    with pytest.raises(services.NationalReviewInvalid) as caught:
        _move(review, secretariat, Status.PUBLISHED, published_on=date(2027, 3, 2))
    assert set(caught.value.errors) == {"published_on", "published_url"}


def test_only_the_secretariat_moves_a_review(member):
    review = propose(PanelReviewFactory(), member).review
    with pytest.raises(services.NationalReviewError):
        _move(review, member, Status.COMMISSIONED)
    review.refresh_from_db()
    assert review.status == Status.PROPOSED


# --- Cases ---------------------------------------------------------------------------------------


def test_a_case_is_accepted_only_once_the_review_is_commissioned(member, secretariat):
    case = propose(PanelReviewFactory(), member)
    with pytest.raises(services.NationalReviewError, match="commission it first"):
        services.national_review_case_accept(case=case, by=secretariat)
    services.national_review_commission(review=case.review, by=secretariat, expected_version=1)
    services.national_review_case_accept(case=case, by=secretariat)
    case.refresh_from_db()
    assert (case.status, case.decided_by) == ("accepted", secretariat)
    with pytest.raises(services.NationalReviewError, match="already been accepted"):
        services.national_review_case_decline(case=case, by=secretariat, reason="Changed my mind")


def test_declining_a_case_needs_a_reason(member, secretariat):
    case = propose(PanelReviewFactory(), member)
    with pytest.raises(services.NationalReviewInvalid):
        services.national_review_case_decline(case=case, by=secretariat, reason="")
    services.national_review_case_decline(case=case, by=secretariat, reason="Not on theme")
    case.refresh_from_db()
    assert (case.status, case.decision_reason) == ("declined", "Not on theme")


def test_declining_a_review_declines_its_cases_waiting(member, secretariat):
    case = propose(PanelReviewFactory(), member)
    _move(case.review, secretariat, Status.DECLINED, reason="Covered by last year's review")
    case.refresh_from_db()
    assert case.status == "declined"
    assert "Covered by last year's review" in case.decision_reason
    with pytest.raises(services.NationalReviewInvalid):
        propose(PanelReviewFactory(), member, review=case.review)


# --- Who is told ---------------------------------------------------------------------------------


def test_a_proposal_tells_the_secretariat_not_the_partnership(
    member, secretariat, lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = propose(PanelReviewFactory(), member)
    assert InboxMessage.objects.filter(recipient=secretariat, subject__contains=TITLE).exists()
    assert not InboxMessage.objects.filter(recipient=lead).exists()
    assert all(lead.email not in m.to for m in mail.outbox)
    reference = case.rapid_review.notification.reference
    assert any(reference in m.body for m in mail.outbox)


def test_an_accepted_case_tells_its_partnership_by_reference_only_and_the_proposer(
    member, secretariat, lead, bristol_lead, django_capture_on_commit_callbacks
):
    case = commissioned(member, secretariat)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.national_review_case_accept(case=case, by=secretariat)
    reference = case.rapid_review.notification.reference
    told = InboxMessage.objects.get(recipient=lead)
    assert reference in told.subject and told.url.endswith(f"/national-reviews/{case.review_id}/")
    to_lead = [m for m in mail.outbox if lead.email in m.to]
    assert len(to_lead) == 1
    body = to_lead[0].body
    assert reference in body and TITLE in body
    # Nothing of the case beyond its reference: not the child, not the Panel's reason.
    assert CHILD_NAME not in body and REASON not in body
    child = case.rapid_review.notification.child_in_focus
    assert child.child_reference not in body
    assert InboxMessage.objects.filter(recipient=member, subject__startswith="Accepted").exists()
    assert not InboxMessage.objects.filter(recipient=bristol_lead).exists()


def test_a_declined_case_tells_the_proposer_only(
    member, secretariat, lead, django_capture_on_commit_callbacks
):
    case = propose(PanelReviewFactory(), member)
    with django_capture_on_commit_callbacks(execute=True):
        services.national_review_case_decline(case=case, by=secretariat, reason="Not on theme")
    told = InboxMessage.objects.get(recipient=member, subject__startswith="Declined")
    assert "Not on theme" in told.body
    assert any(member.email in m.to and "Not on theme" in m.body for m in mail.outbox)
    assert not InboxMessage.objects.filter(recipient=lead).exists()


def test_commissioning_and_declining_tell_whoever_proposed_the_review(
    member, secretariat, django_capture_on_commit_callbacks
):
    first = propose(PanelReviewFactory(), member).review
    second = services.national_review_propose_case(
        rapid_review=PanelReviewFactory(), by=member, reason=REASON, title="Another", theme="T"
    ).review
    with django_capture_on_commit_callbacks(execute=True):
        _move(first, secretariat, Status.COMMISSIONED)
        _move(second, secretariat, Status.DECLINED, reason="Too narrow")
    subjects = set(InboxMessage.objects.filter(recipient=member).values_list("subject", flat=True))
    assert f"Commissioned: the national review “{TITLE}”" in subjects
    assert "Declined: the national review “Another”" in subjects


def test_publication_tells_the_partnership_of_each_accepted_case_once(
    member, secretariat, lead, bristol_lead, bristol, django_capture_on_commit_callbacks
):
    case = commissioned(member, secretariat)
    review = case.review
    leeds_second = propose(PanelReviewFactory(), member, review=review)
    in_bristol = propose(bristol_review(bristol), member, review=review)
    declined = propose(
        PanelReviewFactory(notification__local_authority=bristol), member, review=review
    )
    for accepted in (case, leeds_second, in_bristol):
        services.national_review_case_accept(case=accepted, by=secretariat)
    services.national_review_case_decline(case=declined, by=secretariat, reason="No")
    review.refresh_from_db()
    review = _move(review, secretariat, Status.IN_PROGRESS)
    InboxMessage.objects.all().delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _move(review, secretariat, Status.PUBLISHED, **PUBLISH)
    leeds_message = InboxMessage.objects.get(recipient=lead)
    assert leeds_message.subject.startswith("Published")
    assert case.rapid_review.notification.reference in leeds_message.body
    assert leeds_second.rapid_review.notification.reference in leeds_message.body
    assert in_bristol.rapid_review.notification.reference not in leeds_message.body
    bristol_message = InboxMessage.objects.get(recipient=bristol_lead)
    assert in_bristol.rapid_review.notification.reference in bristol_message.body
    assert declined.rapid_review.notification.reference not in bristol_message.body
    assert len([m for m in mail.outbox if lead.email in m.to]) == 1


# --- History -------------------------------------------------------------------------------------


def test_the_case_history_says_proposed_accepted_and_declined_panel_only_where_due(
    member, secretariat
):
    case = commissioned(member, secretariat)
    services.national_review_case_accept(case=case, by=secretariat)
    other = propose(case.rapid_review, member)  # a second, new review
    services.national_review_case_decline(case=other, by=secretariat, reason="One is enough")
    panel = [item.what for item in case_history(case.rapid_review)]
    assert f"proposed the case for the national review {TITLE}" in panel
    assert f"accepted the case into the national review {TITLE}" in panel
    assert f"declined the case for the national review {TITLE}" in panel
    partnership = [item.what for item in case_history(case.rapid_review, with_panel_only=False)]
    assert partnership == [f"accepted the case into the national review {TITLE}"]


# --- Many cases at once --------------------------------------------------------------------------


def test_add_cases_by_the_secretariat_to_a_commissioned_review_accepts_them(
    member, secretariat, lead, django_capture_on_commit_callbacks
):
    case = commissioned(member, secretariat)
    cohort = [PanelReviewFactory(), PanelReviewFactory(), case.rapid_review]
    with django_capture_on_commit_callbacks(execute=True):
        added = services.national_review_add_cases(
            case.review, cohort, by=secretariat, reason="From the cohort of 11 to 17 year olds"
        )
    assert [c.rapid_review for c in added] == cohort[:2]  # the one already held is left
    assert {c.status for c in added} == {"accepted"}
    assert (
        InboxMessage.objects.filter(recipient=lead, subject__contains="national review").count()
        == 2
    )


def test_add_cases_by_a_member_proposes_them(member, secretariat):
    case = commissioned(member, secretariat)
    added = services.national_review_add_cases(
        case.review, [PanelReviewFactory()], by=member, reason="From a cohort"
    )
    assert [c.status for c in added] == ["proposed"]


def test_add_cases_refuses_them_all_when_one_is_not_submitted(member, secretariat):
    case = commissioned(member, secretariat)
    draft = PanelReviewFactory(status=RapidReview.Status.DRAFTING)
    with pytest.raises(services.NationalReviewInvalid):
        services.national_review_add_cases(
            case.review, [PanelReviewFactory(), draft], by=secretariat, reason="Cohort"
        )
    assert case.review.cases.count() == 1
