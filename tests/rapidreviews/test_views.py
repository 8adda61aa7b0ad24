import pytest
from django.urls import reverse

from rapidreviews.models import RapidReview
from safeguarding.codes import Role
from safeguarding.models import LocalAuthority

from .factories import CompleteReviewFactory, RapidReviewFactory, SubmittedReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead_client(client, make_user, leeds):
    client.force_login(make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership))
    return client


def url(name, *args):
    return reverse(f"rapidreviews:{name}", args=args)


def test_queue_lists_the_partnerships_reviews_most_urgent_first(lead_client):
    later = RapidReviewFactory(due_date="2024-07-10")
    sooner = RapidReviewFactory(due_date="2024-07-01")
    done = SubmittedReviewFactory(due_date="2024-06-01")
    elsewhere = RapidReviewFactory(
        notification__local_authority=LocalAuthority.objects.get(name="Bristol")
    )
    html = lead_client.get(url("review-queue")).content.decode()
    positions = [html.index(r.notification.reference) for r in (sooner, later, done)]
    assert positions == sorted(positions)
    assert elsewhere.notification.reference not in html
    assert "Overdue" in html  # due dates in 2024 are past


def test_another_partnerships_review_is_404(client, make_user):
    review = RapidReviewFactory()
    client.force_login(make_user(Role.PARTNERSHIP_LEAD))
    assert client.get(url("review-detail", review.pk)).status_code == 404
    assert client.get(url("review-section", review.pk, "narrative")).status_code == 404
    assert client.post(url("review-submit", review.pk)).status_code == 404


def test_panel_reads_but_cannot_edit(client, make_user):
    review = RapidReviewFactory()
    client.force_login(make_user(Role.PANEL_MEMBER))
    assert client.get(url("review-detail", review.pk)).status_code == 200
    assert client.get(url("review-section", review.pk, "narrative")).status_code == 403


def test_section_form_asks_only_the_questions_that_apply(lead_client):
    review = RapidReviewFactory(incident_type="death", age_years=16)
    cause = lead_client.get(url("review-section", review.pk, "cause")).content.decode()
    assert "Likely cause of death" in cause
    assert "Likely cause of serious harm" not in cause
    needs = lead_client.get(url("review-section", review.pk, "needs")).content.decode()
    assert "Not in education, employment or training" in needs
    assert "Child missing school" not in needs


def test_saving_a_section_and_a_conflict_showing_both_versions(lead_client):
    review = RapidReviewFactory()
    page = url("review-section", review.pk, "narrative")
    first = lead_client.post(page, {"version": 0, "reflection": "Saved first"})
    assert first.status_code == 302
    html = lead_client.post(page, {"version": 0, "reflection": "Typed second"}).content.decode()
    assert "Someone else saved this section after you opened it" in html
    assert "Saved first" in html  # their version
    assert "Typed second" in html  # what this user typed, still in the form
    review.refresh_from_db()
    assert review.reflection == "Saved first"


def test_submit_page_blocks_until_complete_then_submits(lead_client):
    incomplete = RapidReviewFactory()
    html = lead_client.get(url("review-submit", incomplete.pk)).content.decode()
    assert "Questions still to answer" in html
    assert "Submit to the Panel" not in html

    review = CompleteReviewFactory(answers={"lgbtq": "not_recorded"})
    html = lead_client.get(url("review-submit", review.pk)).content.decode()
    assert "Answered as not recorded" in html
    response = lead_client.post(url("review-submit", review.pk), {})
    assert "Confirm that you are submitting" in response.content.decode()
    response = lead_client.post(url("review-submit", review.pk), {"accept_not_recorded": "on"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == RapidReview.Status.SUBMITTED
    assert lead_client.get(url("review-section", review.pk, "narrative")).status_code == 302


@pytest.mark.parametrize(
    ("role", "extra"),
    [
        (Role.PARTNERSHIP_LEAD, "partnership"),
        (Role.LA_USER, "local_authority"),
        (Role.PANEL_MEMBER, None),
        (Role.ADMINISTRATOR, None),
    ],
)
def test_the_reopen_page_is_a_403_for_every_role_but_the_secretariat(
    client, make_user, leeds, role, extra
):
    review = SubmittedReviewFactory()
    scope = {"partnership": leeds.partnership, "local_authority": leeds}
    client.force_login(make_user(role, **({extra: scope[extra]} if extra else {})))
    for response in (
        client.get(url("review-reopen", review.pk)),
        client.post(url("review-reopen", review.pk), {"reason": "Needs the chronology"}),
    ):
        assert response.status_code == 403
        assert "You cannot do that" in response.content.decode()  # the GOV.UK 403 page
    review.refresh_from_db()
    assert review.status == RapidReview.Status.SUBMITTED


def test_secretariat_reopens_from_the_page(client, make_user):
    review = SubmittedReviewFactory()
    client.force_login(make_user(Role.PANEL_SECRETARIAT))
    html = client.post(url("review-reopen", review.pk), {"reason": ""}).content.decode()
    assert "Enter why the review is being reopened" in html
    response = client.post(url("review-reopen", review.pk), {"reason": "Needs the chronology"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == RapidReview.Status.DRAFTING
