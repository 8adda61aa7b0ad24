"""The REST API for case-management systems: /api/v1/lcsprs/ (read-only)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from safeguarding.codes import Role

from .factories import (
    FinalReportSentLcsprFactory,
    InProgressLcsprFactory,
    LcsprFactory,
    PublishedLcsprFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/lcsprs/"


def detail_url(pk: int) -> str:
    return f"/api/v1/lcsprs/{pk}/"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [item["id"] for item in response.json()["results"]]


@pytest.fixture
def lead_client(api_client, make_user, leeds) -> APIClient:
    return api_client(make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership))


@pytest.fixture
def panel_client(api_client, make_user) -> APIClient:
    return api_client(make_user(Role.PANEL_MEMBER))


@pytest.fixture
def lcsprs(bristol):
    today = timezone.localdate()
    return {
        "commissioned": LcsprFactory(),
        "overdue": InProgressLcsprFactory(due_date=today - timedelta(days=1)),
        "published": PublishedLcsprFactory(due_date=today - timedelta(days=1)),
        "bristol": LcsprFactory(rapid_review__notification__local_authority=bristol),
    }


def test_a_partnership_lead_reads_only_their_partnerships_lcsprs(lead_client, lcsprs):
    assert set(ids(lead_client.get(LIST_URL))) == {
        lcsprs["commissioned"].pk,
        lcsprs["overdue"].pk,
        lcsprs["published"].pk,
    }
    assert lead_client.get(detail_url(lcsprs["commissioned"].pk)).status_code == 200
    assert lead_client.get(detail_url(lcsprs["bristol"].pk)).status_code == 404
    assert lead_client.get(detail_url(999_999)).status_code == 404


def test_a_local_authority_user_reads_their_authoritys_lcsprs(
    api_client, make_user, bristol, lcsprs
):
    client = api_client(make_user(Role.LA_USER, local_authority=bristol))

    assert ids(client.get(LIST_URL)) == [lcsprs["bristol"].pk]
    assert client.get(detail_url(lcsprs["commissioned"].pk)).status_code == 404


def test_the_panel_reads_every_lcspr_overdue_first_published_last(panel_client, lcsprs):
    listed = ids(panel_client.get(LIST_URL))

    assert listed[0] == lcsprs["overdue"].pk
    assert listed[-1] == lcsprs["published"].pk
    assert set(listed) == {lcspr.pk for lcspr in lcsprs.values()}
    assert panel_client.get(detail_url(lcsprs["bristol"].pk)).status_code == 200


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "commissioned"}, {"commissioned", "bristol"}),
        ({"status": "in_progress"}, {"overdue"}),
        ({"status": "published"}, {"published"}),
        ({"overdue": "true"}, {"overdue"}),
        ({"overdue": "false"}, {"commissioned", "published", "bristol"}),
        ({"status": "commissioned", "overdue": "true"}, set()),
        ({"status": "", "overdue": ""}, {"commissioned", "overdue", "published", "bristol"}),
    ],
)
def test_filters(panel_client, lcsprs, params, expected):
    response = panel_client.get(LIST_URL, params)

    assert set(ids(response)) == {lcsprs[name].pk for name in expected}


def test_filters_stay_within_scope(lead_client, lcsprs):
    assert set(ids(lead_client.get(LIST_URL, {"status": "commissioned"}))) == {
        lcsprs["commissioned"].pk
    }


@pytest.mark.parametrize(
    ("params", "field"), [({"status": "late"}, "status"), ({"overdue": "maybe"}, "overdue")]
)
def test_a_bad_filter_is_a_400_on_its_field(panel_client, lcsprs, params, field):
    response = panel_client.get(LIST_URL, params)

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_an_lcspr_gives_its_progress_to_publication(lead_client, make_user, leeds):
    today = timezone.localdate()
    member = make_user(Role.PANEL_MEMBER)
    lcspr = FinalReportSentLcsprFactory(
        planned_publication_date=today + timedelta(days=5),
        panel_feedback="A clear report.",
        panel_feedback_at=timezone.now(),
        panel_feedback_by=member,
    )

    body = lead_client.get(detail_url(lcspr.pk)).json()

    assert body["id"] == lcspr.pk
    assert body["rapid_review_id"] == lcspr.rapid_review_id
    assert body["reference"] == lcspr.rapid_review.notification.reference
    assert body["partnership"] == {"code": leeds.partnership.code, "name": leeds.partnership.name}
    assert (body["status"], body["overdue"]) == ("final_report_sent", False)
    assert body["due_date"] == lcspr.due_date.isoformat()
    assert body["final_report_received_on"] == (today - timedelta(days=10)).isoformat()
    assert body["planned_publication_date"] == (today + timedelta(days=5)).isoformat()
    assert body["actual_publication_date"] is None
    assert body["published_url"] == ""
    assert (body["panel_notice_days"], body["panel_notice_short"]) == (15, False)
    assert body["panel_feedback"] == "A clear report."
    assert body["panel_feedback_at"] is not None


def test_a_published_lcspr_gives_its_link_and_is_not_overdue(lead_client, lcsprs):
    body = lead_client.get(detail_url(lcsprs["published"].pk)).json()

    assert (body["status"], body["overdue"]) == ("published", False)
    assert body["published_url"] == "https://www.example.gov.uk/lcspr/synthetic"
    assert body["actual_publication_date"] == (timezone.localdate() - timedelta(days=1)).isoformat()
    assert body["panel_notice_days"] == 9
    assert lead_client.get(detail_url(lcsprs["overdue"].pk)).json()["overdue"] is True


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("detail", [False, True])
def test_the_api_is_read_only(lead_client, lcsprs, method, detail):
    url = detail_url(lcsprs["commissioned"].pk) if detail else LIST_URL

    assert getattr(lead_client, method)(url, {}, format="json").status_code == 405


@pytest.mark.parametrize("detail", [False, True])
@pytest.mark.parametrize("authorization", [None, "Token not-a-real-token"])
def test_without_a_valid_token_the_answer_is_401(lcsprs, detail, authorization):
    client = APIClient()
    if authorization:
        client.credentials(HTTP_AUTHORIZATION=authorization)

    response = client.get(detail_url(lcsprs["commissioned"].pk) if detail else LIST_URL)

    assert response.status_code == 401


def test_the_schema_documents_the_lcsprs_api(client, make_user):
    # The schema is for signed-in people and token holders only.
    client.force_login(make_user("administrator"))
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()

    validate_schema(schema)
    paths = schema["paths"]
    assert set(paths["/api/v1/lcsprs/"]) == {"get"}
    assert set(paths["/api/v1/lcsprs/{id}/"]) == {"get"}
    query = {p["name"] for p in paths["/api/v1/lcsprs/"]["get"]["parameters"]}
    assert {"status", "overdue", "page", "page_size"} <= query
    components = schema["components"]["schemas"]
    assert components["LcsprStatusEnum"]["enum"] == [
        "commissioned",
        "in_progress",
        "final_report_sent",
        "published",
    ]
    assert {"overdue", "panel_notice_days", "panel_feedback", "published_url"} <= set(
        components["LcsprOutput"]["properties"]
    )


def test_a_partnership_cannot_set_the_panels_receipt_date(lead_client, lcsprs, client, make_user):
    lcspr = lcsprs["commissioned"]
    response = lead_client.patch(
        detail_url(lcspr.pk), {"final_report_received_on": "2025-03-01"}, format="json"
    )

    assert response.status_code == 405
    lcspr.refresh_from_db()
    assert lcspr.final_report_received_on is None
    client.force_login(make_user("administrator"))
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    field = schema["components"]["schemas"]["LcsprOutput"]["properties"]["final_report_received_on"]
    assert "Recorded by the Panel" in field["description"]
    assert field["readOnly"] is True
