"""The national review API (issue 18, item 3): the same services and selectors as the pages,
documented in the OpenAPI schema."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse
from drf_spectacular.validation import validate_schema

from panel import national_reviews as services
from panel.models import NationalReview, NationalReviewCase
from safeguarding.codes import Role
from safeguarding.models import AuditEvent, InboxMessage

from .factories import CHILD_NAME, PanelReviewFactory
from .national_review_factories import REASON, TITLE, bristol_review, commissioned, propose

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2027, 3, 1, 10, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def member(make_user):
    return make_user(Role.PANEL_MEMBER)


@pytest.fixture
def secretariat(make_user):
    return make_user(Role.PANEL_SECRETARIAT)


@pytest.fixture
def lead(make_user, leeds):
    return make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership)


def test_a_member_proposes_and_the_secretariat_decides_through_the_api(
    api_client, member, secretariat, lead, django_capture_on_commit_callbacks
):
    rapid_review = PanelReviewFactory()
    response = api_client(member).post(
        reverse("panel-api:national-review-propose", args=[rapid_review.pk]),
        {"title": TITLE, "theme": "Extrafamilial harm", "reason": REASON},
        format="json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["title"], created["status"], created["version"]) == (TITLE, "proposed", 1)
    assert [c["reference"] for c in created["cases"]] == [rapid_review.notification.reference]
    assert CHILD_NAME not in response.content.decode()
    pk, case_pk = created["id"], created["cases"][0]["id"]

    api = api_client(secretariat)
    status_url = reverse("panel-api:national-review-status", args=[pk])
    moved = api.post(status_url, {"version": 1, "status": "commissioned"}, format="json")
    assert moved.status_code == 200 and moved.json()["status"] == "commissioned"
    stale = api.post(status_url, {"version": 1, "status": "in_progress"}, format="json")
    assert stale.status_code == 409
    skipped = api.post(status_url, {"version": 2, "status": "published"}, format="json")
    assert skipped.status_code == 400  # no date or link given
    assert set(skipped.json()) >= {"published_on", "published_url"}

    decide_url = reverse("panel-api:national-review-case-decide", args=[case_pk])
    no_reason = api.post(decide_url, {"decision": "decline"}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    with django_capture_on_commit_callbacks(execute=True):
        accepted = api.post(decide_url, {"decision": "accept"}, format="json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert InboxMessage.objects.filter(recipient=lead).exists()
    again = api.post(decide_url, {"decision": "decline", "reason": "No"}, format="json")
    assert again.status_code == 409


def test_a_proposal_for_an_existing_review_and_its_errors(api_client, member, secretariat):
    case = commissioned(member, secretariat)
    api = api_client(member)
    rapid_review = PanelReviewFactory()
    url = reverse("panel-api:national-review-propose", args=[rapid_review.pk])
    response = api.post(url, {"national_review": case.review_id, "reason": REASON}, format="json")
    assert response.status_code == 201
    assert len(response.json()["cases"]) == 2
    # Already in it: refused, as is a review that does not exist.
    for review_id in (case.review_id, 999999):
        response = api.post(url, {"national_review": review_id, "reason": REASON}, format="json")
        assert response.status_code == 400 and "national_review" in response.json()
    assert api.post(url, {"reason": REASON}, format="json").status_code == 400  # no title
    assert NationalReviewCase.objects.count() == 2


def test_the_list_and_a_review_as_each_reader_may_see_them(
    api_client, member, secretariat, lead, bristol, make_user
):
    case = commissioned(member, secretariat)
    elsewhere = propose(bristol_review(bristol), member, review=case.review)
    for accepted in (case, elsewhere):
        services.national_review_case_accept(case=accepted, by=secretariat)
    propose(PanelReviewFactory(), member, review=case.review)  # waiting

    listed = api_client(member).get(reverse("panel-api:national-review-list"))
    assert [r["title"] for r in listed.json()] == [TITLE]
    filtered = api_client(member).get(
        reverse("panel-api:national-review-list"), {"status": "published"}
    )
    assert filtered.json() == []
    assert api_client(lead).get(reverse("panel-api:national-review-list")).status_code == 403

    detail = reverse("panel-api:national-review-detail", args=[case.review_id])
    as_panel = api_client(member).get(detail).json()
    assert len(as_panel["cases"]) == 3 and as_panel["cases_in_other_areas"] == 0
    as_lead = api_client(lead).get(detail).json()
    assert [c["review_id"] for c in as_lead["cases"]] == [case.rapid_review_id]
    assert as_lead["cases_in_other_areas"] == 1
    assert AuditEvent.objects.filter(
        actor=lead, action="list", changes__ids=[case.rapid_review_id]
    ).exists()
    la_user = make_user(Role.LA_USER, local_authority=bristol)
    assert api_client(la_user).get(detail).status_code == 404


def test_only_the_secretariat_decides_and_moves(api_client, member, secretariat, lead):
    case = commissioned(member, secretariat)
    services.national_review_case_accept(case=case, by=secretariat)
    waiting = propose(PanelReviewFactory(), member, review=case.review)
    for who in (member, lead):
        api = api_client(who)
        response = api.post(
            reverse("panel-api:national-review-status", args=[case.review_id]),
            {"version": 2, "status": "in_progress"},
            format="json",
        )
        assert response.status_code == 403
    response = api_client(member).post(
        reverse("panel-api:national-review-case-decide", args=[waiting.pk]),
        {"decision": "accept"},
        format="json",
    )
    assert response.status_code == 403
    assert NationalReview.objects.get().status == "commissioned"


def test_the_schema_documents_the_national_review_api(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    validate_schema(schema)
    paths = schema["paths"]
    assert "get" in paths["/api/v1/panel/national-reviews/"]
    assert "get" in paths["/api/v1/panel/national-reviews/{id}/"]
    assert "post" in paths["/api/v1/panel/national-reviews/{id}/status/"]
    assert "post" in paths["/api/v1/panel/national-reviews/cases/{id}/decision/"]
    assert "post" in paths["/api/v1/panel/reviews/{review_pk}/national-review-proposals/"]
    assert "NationalReviewStatusEnum" in schema["components"]["schemas"]


def test_a_partnership_lead_reads_its_cases_without_the_panels_reasons(
    client, member, secretariat, lead
):
    case = commissioned(member, secretariat)
    services.national_review_case_accept(case=case, by=secretariat, reason="Secretariat's own note")
    client.force_login(lead)
    data = client.get(reverse("panel-api:national-review-detail", args=[case.review_id])).json()
    (shown,) = data["cases"]
    assert shown["reference"] == case.rapid_review.notification.reference
    assert (shown["reason"], shown["decision_reason"]) == ("", "")
    client.force_login(secretariat)
    data = client.get(reverse("panel-api:national-review-detail", args=[case.review_id])).json()
    assert data["cases"][0]["reason"] == REASON
    assert data["cases"][0]["decision_reason"] == "Secretariat's own note"
