"""National review pages (issue 18, item 3): proposing a case from its page, the
secretariat's decisions and status steps, and each review's cases as the reader may see them
(the Panel every case; a partnership lead its own accepted cases, the others counted; anyone
else a 404), every read audited against the cases shown."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from panel import national_reviews as services
from panel.models import NationalReview, NationalReviewCase
from rapidreviews.models import RapidReview
from safeguarding.codes import Role
from safeguarding.models import AuditEvent

from .factories import CHILD_NAME, PanelReviewFactory
from .national_review_factories import REASON, TITLE, bristol_review, commissioned, propose

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def people(make_user, leeds, bristol):
    return {
        "member": make_user(Role.PANEL_MEMBER),
        "secretariat": make_user(Role.PANEL_SECRETARIAT),
        "administrator": make_user(Role.ADMINISTRATOR),
        "lead": make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership),
        "lead_other": make_user(Role.PARTNERSHIP_LEAD, partnership=bristol.partnership),
        "la_user": make_user(Role.LA_USER, local_authority=leeds),
        "dfe": make_user(Role.DFE_VIEWER),
    }


@pytest.fixture
def review_with_cases(people, bristol):
    """A commissioned review: a Leeds case and a Bristol case accepted, a Leeds case still
    proposed and a Leeds case declined."""
    member, secretariat = people["member"], people["secretariat"]
    leeds_case = commissioned(member, secretariat)
    review = leeds_case.review
    bristol_case = propose(bristol_review(bristol), member, review=review)
    waiting = propose(PanelReviewFactory(), member, review=review)
    declined = propose(PanelReviewFactory(), member, review=review)
    for case in (leeds_case, bristol_case):
        services.national_review_case_accept(case=case, by=secretariat)
    services.national_review_case_decline(case=declined, by=secretariat, reason="Off theme")
    return review, {
        "leeds": leeds_case,
        "bristol": bristol_case,
        "waiting": waiting,
        "declined": declined,
    }


def _ref(case: NationalReviewCase) -> str:
    return case.rapid_review.notification.reference


def test_the_panel_proposes_a_case_from_its_page_for_a_new_review(client, people):
    rapid_review = PanelReviewFactory()
    client.force_login(people["member"])
    page = client.get(reverse("rapidreviews:review-detail", args=[rapid_review.pk]))
    propose_url = reverse("panel:national-review-propose", args=[rapid_review.pk])
    assert "Propose for a national review" in page.content.decode()
    assert propose_url in page.content.decode()
    response = client.post(
        propose_url,
        {
            "national_review": "new",
            "title": TITLE,
            "theme": "Extrafamilial harm",
            "learning_theme": "curiosity",
            "reason": REASON,
        },
        follow=True,
    )
    assert response.status_code == 200
    case = NationalReviewCase.objects.get()
    assert (case.review.title, case.review.status, case.reason) == (TITLE, "proposed", REASON)
    assert "has been proposed for the national review" in response.content.decode()


def test_a_proposal_for_a_new_review_without_a_title_keeps_what_was_typed(client, people):
    rapid_review = PanelReviewFactory()
    client.force_login(people["member"])
    response = client.post(
        reverse("panel:national-review-propose", args=[rapid_review.pk]),
        {"national_review": "new", "theme": "Extrafamilial harm", "reason": REASON},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter the title of the new national review" in page
    assert REASON in page and "Extrafamilial harm" in page
    assert not NationalReview.objects.exists()


def test_the_propose_link_is_for_the_panel_only(client, people):
    rapid_review = PanelReviewFactory()
    for who in ("lead", "administrator", "la_user"):
        client.force_login(people[who])
        page = client.get(reverse("rapidreviews:review-detail", args=[rapid_review.pk]))
        assert "Propose for a national review" not in page.content.decode()
        response = client.get(reverse("panel:national-review-propose", args=[rapid_review.pk]))
        assert response.status_code == 403


def test_the_panel_proposes_for_an_existing_review(client, people, review_with_cases):
    review, _ = review_with_cases
    rapid_review = PanelReviewFactory()
    client.force_login(people["member"])
    url = reverse("panel:national-review-propose", args=[rapid_review.pk])
    assert TITLE in client.get(url).content.decode()
    client.post(url, {"national_review": str(review.pk), "reason": REASON})
    assert review.cases.filter(rapid_review=rapid_review, status="proposed").exists()


def test_the_secretariat_accepts_and_declines_cases_on_the_page(client, people, review_with_cases):
    review, cases = review_with_cases
    client.force_login(people["secretariat"])
    detail = client.get(reverse("panel:national-review-detail", args=[review.pk])).content.decode()
    decide = reverse("panel:national-review-case-decide", args=[cases["waiting"].pk])
    assert decide in detail
    response = client.post(decide, {"decision": "decline", "reason": ""})
    assert "Enter why the case is declined" in response.content.decode()
    cases["waiting"].refresh_from_db()
    assert cases["waiting"].status == "proposed"
    response = client.post(decide, {"decision": "accept", "reason": ""})
    assert response.status_code == 302
    cases["waiting"].refresh_from_db()
    assert cases["waiting"].status == "accepted"


def test_the_secretariat_moves_the_review_and_a_stale_page_is_refused(client, people):
    review = propose(PanelReviewFactory(), people["member"]).review
    client.force_login(people["secretariat"])
    url = reverse("panel:national-review-status", args=[review.pk])
    assert "Commission the review" in client.get(url).content.decode()
    assert client.post(url, {"version": "1", "target": "commissioned"}).status_code == 302
    response = client.post(url, {"version": "1", "target": "in_progress"})
    assert "Someone else changed this national review" in response.content.decode()
    review.refresh_from_db()
    assert (review.status, review.version) == ("commissioned", 2)
    response = client.post(url, {"version": "2", "target": "in_progress"})
    assert response.status_code == 302
    response = client.post(url, {"version": "3", "target": "published"})
    page = response.content.decode()
    assert "Enter the date the review was published" in page
    assert "Enter the link to the published review" in page


def test_the_members_and_administrators_cannot_decide(client, people, review_with_cases):
    review, cases = review_with_cases
    for who in ("member", "administrator"):
        client.force_login(people[who])
        url = reverse("panel:national-review-case-decide", args=[cases["waiting"].pk])
        assert client.post(url, {"decision": "accept"}).status_code == 403
        url = reverse("panel:national-review-status", args=[review.pk])
        assert (
            client.post(url, {"version": review.version, "target": "in_progress"}).status_code
            == 403
        )


# --- Visibility ----------------------------------------------------------------------------------


def test_the_panel_sees_every_case_with_a_link(client, people, review_with_cases):
    review, cases = review_with_cases
    for who in ("member", "administrator"):
        client.force_login(people[who])
        page = client.get(reverse("panel:national-review-detail", args=[review.pk]))
        text = page.content.decode()
        for case in cases.values():
            assert reverse("rapidreviews:review-detail", args=[case.rapid_review_id]) in text
        assert "Off theme" in text


def test_a_partnership_lead_sees_its_own_accepted_cases_and_counts_the_others(
    client, people, review_with_cases
):
    review, cases = review_with_cases
    client.force_login(people["lead"])
    page = client.get(reverse("panel:national-review-detail", args=[review.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert _ref(cases["leeds"]) in text
    for other in ("bristol", "waiting", "declined"):
        assert _ref(cases[other]) not in text
    assert "1 case in other areas" in text
    assert "Off theme" not in text and REASON not in text and CHILD_NAME not in text
    # Their case's page links to the review.
    case_page = client.get(
        reverse("rapidreviews:review-detail", args=[cases["leeds"].rapid_review_id])
    )
    assert reverse("panel:national-review-detail", args=[review.pk]) in case_page.content.decode()


def test_a_lead_with_only_a_case_waiting_gets_404(
    client, people, make_user, bristol, review_with_cases
):
    review, _ = review_with_cases
    # Bristol's case is accepted: Bristol's lead reads it; a review holding only a proposed
    # Bristol case is not theirs to see.
    client.force_login(people["lead_other"])
    assert client.get(reverse("panel:national-review-detail", args=[review.pk])).status_code == 200
    other = propose(bristol_review(bristol), people["member"]).review
    assert client.get(reverse("panel:national-review-detail", args=[other.pk])).status_code == 404


@pytest.mark.parametrize("who", ["la_user", "dfe"])
def test_everyone_else_gets_404(client, people, review_with_cases, who):
    review, cases = review_with_cases
    client.force_login(people[who])
    for url in (
        reverse("panel:national-review-detail", args=[review.pk]),
        reverse("panel:national-review-status", args=[review.pk]),
        reverse("panel:national-review-case-decide", args=[cases["waiting"].pk]),
        reverse("panel-api:national-review-detail", args=[review.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("panel:national-review-list")).status_code == 403


def test_another_authoritys_lead_gets_404_for_every_page_showing_a_case(client, people, leeds):
    member, secretariat = people["member"], people["secretariat"]
    case = commissioned(member, secretariat)
    services.national_review_case_accept(case=case, by=secretariat)
    waiting = propose(PanelReviewFactory(), member, review=case.review)
    client.force_login(people["lead_other"])
    get, post = client.get, client.post
    for method, url in (
        (get, reverse("panel:national-review-detail", args=[case.review_id])),
        (get, reverse("panel:national-review-status", args=[case.review_id])),
        (get, reverse("panel:national-review-case-decide", args=[waiting.pk])),
        (get, reverse("panel:national-review-propose", args=[case.rapid_review_id])),
        (get, reverse("panel-api:national-review-detail", args=[case.review_id])),
        (post, reverse("panel-api:national-review-case-decide", args=[waiting.pk])),
        (post, reverse("panel-api:national-review-status", args=[case.review_id])),
        (post, reverse("panel-api:national-review-propose", args=[case.rapid_review_id])),
    ):
        assert method(url).status_code == 404, url


def test_the_list_filters_by_status(client, people, review_with_cases):
    review, _ = review_with_cases
    proposed = services.national_review_propose_case(
        rapid_review=PanelReviewFactory(),
        by=people["member"],
        reason=REASON,
        title="Babies under one",
        theme="Sudden unexpected death in infancy",
    ).review
    client.force_login(people["administrator"])
    url = reverse("panel:national-review-list")
    text = client.get(url).content.decode()
    assert TITLE in text and "Babies under one" in text
    text = client.get(url, {"status": "proposed"}).content.decode()
    assert "Babies under one" in text and TITLE not in text
    text = client.get(url, {"status": "nonsense"}).content.decode()
    assert TITLE in text
    assert proposed.pk != review.pk


# --- Audit ---------------------------------------------------------------------------------------


def test_each_read_is_audited_against_the_cases_shown(client, people, review_with_cases):
    review, cases = review_with_cases
    client.force_login(people["lead"])
    client.get(reverse("panel:national-review-detail", args=[review.pk]))
    listed = AuditEvent.objects.get(actor=people["lead"], action="list")
    assert listed.changes["ids"] == [cases["leeds"].rapid_review_id]
    assert AuditEvent.objects.filter(
        actor=people["lead"], action="view", object_id=str(review.pk)
    ).exists()
    client.force_login(people["member"])
    client.get(reverse("panel:national-review-detail", args=[review.pk]))
    listed = AuditEvent.objects.get(actor=people["member"], action="list")
    assert sorted(listed.changes["ids"]) == sorted(c.rapid_review_id for c in cases.values())


# --- Bad ids -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/panel/national-reviews/999999/",
        "/panel/national-reviews/999999/status/",
        "/panel/national-reviews/cases/999999/decide/",
        "/panel/reviews/999999/national-review/",
        "/panel/national-reviews/99999999999999999999/",
        "/api/v1/panel/national-reviews/999999/",
    ],
)
def test_no_500_on_bad_ids(client, people, url):
    client.force_login(people["secretariat"])
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code in (404, 405)


def test_a_bad_choice_on_the_propose_form_is_an_error_not_a_500(client, people):
    rapid_review = PanelReviewFactory()
    client.force_login(people["member"])
    url = reverse("panel:national-review-propose", args=[rapid_review.pk])
    response = client.post(url, {"national_review": "999999", "reason": REASON})
    assert response.status_code == 200
    assert "Choose a national review from the list" in response.content.decode()
    draft = PanelReviewFactory(status=RapidReview.Status.DRAFTING)
    response = client.post(
        reverse("panel:national-review-propose", args=[draft.pk]),
        {"national_review": "new", "title": "T", "theme": "T", "reason": REASON},
    )
    assert "has not been submitted to the Panel" in response.content.decode()


def test_the_secretariat_home_page_counts_what_waits_on_its_decision(client, people):
    propose(PanelReviewFactory(), people["member"])  # a new review, and its case
    client.force_login(people["secretariat"])
    page = client.get(reverse("home")).content.decode()
    assert "National reviews and cases proposed, waiting for your decision" in page
    client.force_login(people["member"])
    page = client.get(reverse("home")).content.decode()
    assert "National reviews and cases proposed" not in page
