"""The REST API for local authority case-management systems: /api/v1/notifications/."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from notifications import rules
from notifications.models import Notification, NotificationChild
from notifications.services import ChildData, notification_create
from rapidreviews.models import RapidReview
from safeguarding.codes import Role
from safeguarding.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_10_june_2024")]

TODAY = dt.date(2024, 6, 10)  # a Monday; 27 May 2024 was a bank holiday
LIST_URL = "/api/v1/notifications/"


def detail_url(pk: int) -> str:
    return f"/api/v1/notifications/{pk}/"


@pytest.fixture
def leeds_client(api_client, leeds_user) -> APIClient:
    return api_client(leeds_user)


def child(**overrides) -> dict:
    return {
        "child_reference": "Child A",
        "name": "Amy Example",
        "date_of_birth": "2021-01-15",
        "sex": "female",
        "harm": "death",
        **overrides,
    }


def sin(**overrides) -> dict:
    """A complete, on-time SIN: aware on Wednesday 5 June, submitted Monday 10 June."""
    return {
        "incident_date": "2024-06-03",
        "date_aware": "2024-06-05",
        "reason": "death",
        "abuse_or_neglect": "suspected",
        "child_looked_after_death": False,
        "placement_postcode": "ls1 4ap",
        "imd_decile": 3,
        "summary": "Synthetic summary of what happened.",
        "children": [
            child(),
            child(
                child_reference="Child B",
                name="",
                date_of_birth=None,
                age_years=10,
                sex="male",
                harm="serious_harm",
            ),
        ],
        "submit": True,
        **overrides,
    }


def make_sin(user, *, submit: bool = True, **overrides) -> Notification:
    """A SIN made through the service, as the API and the web journey make them."""
    values = {
        "incident_date": dt.date(2024, 6, 3),
        "date_aware": dt.date(2024, 6, 5),
        "reason": "death",
        "abuse_or_neglect": "suspected",
        "child_looked_after_death": False,
        "summary": "Synthetic.",
        "children": [
            ChildData(child_reference="Child A", sex="male", harm="death", age_years=4, name="Sam")
        ],
        **overrides,
    }
    if values["reason"] != "death":
        values["children"] = [
            ChildData(child_reference="Child A", sex="male", harm=values["reason"], age_years=4)
        ]
    return notification_create(
        local_authority=user.local_authority, by=user, submit=submit, **values
    )


def ids(response) -> set[int]:
    return {item["id"] for item in response.json()["results"]}


def nothing_saved() -> bool:
    return not (
        Notification.objects.exists()
        or NotificationChild.objects.exists()
        or RapidReview.objects.exists()
    )


# --- Creating ----------------------------------------------------------------------------


def test_la_user_creates_a_draft(leeds_client, leeds_user, leeds):
    response = leeds_client.post(
        LIST_URL, {"incident_date": "2024-06-03", "children": [child()]}, format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert body["reference"] is None
    assert body["notified_at"] is None
    assert body["rapid_review_due_date"] is None
    assert body["local_authority"] == {"ons_code": leeds.ons_code, "name": "Leeds"}
    assert response["Location"] == detail_url(body["id"])
    notification = Notification.objects.get(pk=body["id"])
    assert notification.status == Notification.Status.DRAFT
    assert notification.local_authority == leeds
    assert notification.created_by == leeds_user
    assert notification.incident_date == dt.date(2024, 6, 3)
    assert [c.child_reference for c in notification.children.all()] == ["Child A"]
    assert not RapidReview.objects.exists()


def test_la_user_submits_a_sin_with_two_children(
    leeds_client, leeds_user, leeds, make_user, django_capture_on_commit_callbacks
):
    lead = make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership)

    with django_capture_on_commit_callbacks(execute=True):
        response = leeds_client.post(LIST_URL, sin(), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"] == "SIN-2024-000001"
    assert body["status"] == "submitted"
    assert body["working_days_to_notify"] == 3
    assert body["notified_on_time"] is True
    assert body["notified_at"].startswith("2024-06-10")
    assert body["rapid_review_due_date"] == "2024-07-01"  # 15 working days after 10 June
    assert body["placement_postcode"] == "LS1 4AP"
    assert [
        (c["child_reference"], c["name"], c["age_years"], c["is_child_in_focus"])
        for c in body["children"]
    ] == [("Child A", "Amy Example", 3, True), ("Child B", "", 10, False)]

    notification = Notification.objects.get(pk=body["id"])
    assert notification.status == Notification.Status.SUBMITTED
    assert notification.submitted_by == leeds_user
    assert notification.working_days_to_notify == 3
    assert notification.notified_on_time is True
    assert notification.children.count() == 2
    review = RapidReview.objects.get(notification=notification)
    assert review.partnership == leeds.partnership
    assert review.due_date == dt.date(2024, 7, 1)
    assert len(mail.outbox) == 1
    assert lead.email in mail.outbox[0].to
    assert mail.outbox[0].subject.startswith("SIN-2024-000001")
    assert "Amy Example" not in mail.outbox[0].body


def test_the_local_authority_is_always_the_callers_own(leeds_client, leeds, bristol):
    response = leeds_client.post(LIST_URL, sin(local_authority=bristol.ons_code), format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["local_authority"]
    assert nothing_saved()

    response = leeds_client.post(LIST_URL, sin(local_authority=leeds.ons_code), format="json")
    assert response.status_code == 201
    assert Notification.objects.get().local_authority == leeds


@pytest.mark.parametrize(
    "role", [Role.PARTNERSHIP_LEAD, Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT, Role.ADMINISTRATOR]
)
def test_only_local_authority_users_create(api_client, make_user, leeds, role):
    kwargs = {"partnership": leeds.partnership} if role == Role.PARTNERSHIP_LEAD else {}
    client = api_client(make_user(role, **kwargs))

    response = client.post(LIST_URL, sin(), format="json")

    assert response.status_code == 403
    assert nothing_saved()


# --- Validation: every rule from the services, with its field -----------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"incident_date": "2024-06-11"},
            "incident_date",
            "Date of the incident must be today or in the past",
        ),
        (
            {"date_aware": "2024-06-01"},
            "date_aware",
            "Date the local authority became aware must be the same as or after the date of "
            "the incident",
        ),
        (
            {"abuse_or_neglect": "not_suspected", "child_looked_after_death": False},
            "abuse_or_neglect",
            "Select 'Not suspected' only when notifying the death of a looked-after child",
        ),
        (
            {"placement_postcode": "LS1 XYZ"},
            "placement_postcode",
            "Enter a real postcode, like LS1 4AP",
        ),
        ({"imd_decile": 11}, "imd_decile", "IMD decile must be a whole number from 1 to 10"),
        ({"imd_decile": 0}, "imd_decile", "IMD decile must be a whole number from 1 to 10"),
        ({"summary": "  "}, "summary", "Enter a summary of what happened"),
        ({"children": []}, "children", "Add at least one child"),
        (
            {"reason": "other"},
            "reason",
            "No child is recorded with the harm 'Other': change the reason for notification "
            "or the children's harm",
        ),
    ],
)
def test_a_broken_rule_is_a_400_on_its_field_and_nothing_is_saved(
    leeds_client, overrides, field, message
):
    response = leeds_client.post(LIST_URL, sin(**overrides), format="json")

    assert response.status_code == 400
    assert message in response.json()[field]
    assert nothing_saved()
    assert not AuditEvent.objects.filter(object_repr__startswith="Draft").exists()


def test_a_childs_errors_are_aligned_with_the_children(leeds_client):
    children = [
        child(),
        child(child_reference="Child B", date_of_birth="2014-01-01", age_years=5),
        child(child_reference="child a"),
    ]

    response = leeds_client.post(LIST_URL, sin(children=children), format="json")

    assert response.status_code == 400
    assert response.json()["children"] == [
        {},
        {
            "age_years": [
                "Age must match the date of birth: the child was 10 on the date of the incident"
            ]
        },
        {"child_reference": ["Each child on a notification needs a different reference"]},
    ]
    assert nothing_saved()


def test_every_problem_is_reported_together(leeds_client):
    response = leeds_client.post(
        LIST_URL,
        sin(
            incident_date="2024-07-01",
            date_aware=None,
            imd_decile=11,
            children=[child(), child(child_reference="Child B", date_of_birth="2030-01-01")],
        ),
        format="json",
    )

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"incident_date", "imd_decile", "children"}
    assert body["children"][0] == {}
    assert body["children"][1] == {"date_of_birth": ["Date of birth must be today or in the past"]}


def test_a_late_sin_requires_a_reason(leeds_client):
    late = sin(incident_date="2024-05-20", date_aware="2024-05-24")  # 10 working days ago

    response = leeds_client.post(LIST_URL, late, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "lateness_reason": [
            "Enter why this notification is being sent 10 working days after the local "
            "authority became aware (the deadline is 5)"
        ]
    }
    assert nothing_saved()

    response = leeds_client.post(
        LIST_URL, {**late, "lateness_reason": "Awaiting police information"}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert body["notified_on_time"] is False
    assert body["working_days_to_notify"] == 10
    notification = Notification.objects.get(pk=body["id"])
    assert notification.notified_on_time is False
    assert notification.lateness_reason == "Awaiting police information"


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (
            sin(incident_date="03/06/2024"),
            {"incident_date": ["Enter a date in the format YYYY-MM-DD, like 2024-03-27"]},
        ),
        (sin(reason="murder"), {"reason": ["Reason must be one of: death, serious_harm, other"]}),
        (
            sin(imd_decile="three"),
            {"imd_decile": ["IMD decile must be a whole number from 1 to 10"]},
        ),
        (
            sin(children=[child(sex="x", age_years="ten"), {"harm": "death"}]),
            {
                "children": [
                    {
                        "age_years": ["Age must be a whole number from 0 to 17"],
                        "sex": ["Sex must be one of: male, female"],
                    },
                    {
                        "child_reference": ["Enter a reference for the child"],
                        "sex": ["Select the child's sex"],
                    },
                ]
            },
        ),
    ],
)
def test_values_of_the_wrong_type_are_400_with_field_messages(leeds_client, payload, expected):
    response = leeds_client.post(LIST_URL, payload, format="json")

    assert response.status_code == 400
    assert response.json() == expected
    assert nothing_saved()


def test_a_submission_without_answers_lists_what_is_missing(leeds_client):
    response = leeds_client.post(LIST_URL, {"submit": True, "children": [child()]}, format="json")

    assert response.status_code == 400
    body = response.json()
    # The notifier's name and e-mail are the caller's account's unless given (issue 16).
    prefilled = ("notifier_name", "notifier_email")
    for field, message in rules.MISSING.items():
        if field not in prefilled:
            assert body[field] == [message]
    assert not set(prefilled) & set(body)
    assert nothing_saved()


# --- One rule, one message: the API says what the web form says -------------------------


def test_the_api_gives_the_rules_own_messages(leeds_client):
    """The web journey shows the messages of `rules`, through the same services; the API
    answers with exactly the same text."""
    incident = rules.incident_errors(
        incident_date=dt.date(2024, 6, 12), date_aware=None, today=TODAY
    )
    circumstances = rules.circumstances_errors(
        reason="death",
        abuse_or_neglect="not_suspected",
        child_looked_after_death=False,
        placement_postcode="NOT A POSTCODE",
        imd_decile=11,
    )

    future = leeds_client.post(
        LIST_URL, sin(incident_date="2024-06-12", date_aware=None), format="json"
    ).json()
    wrong_circumstances = leeds_client.post(
        LIST_URL,
        sin(abuse_or_neglect="not_suspected", placement_postcode="NOT A POSTCODE", imd_decile=11),
        format="json",
    ).json()

    assert future["incident_date"] == incident["incident_date"]
    for field in ("abuse_or_neglect", "placement_postcode", "imd_decile"):
        assert wrong_circumstances[field] == circumstances[field]


def test_the_api_gives_the_child_rules_own_messages(leeds_client):
    expected = rules.child_errors(
        date_of_birth=dt.date(2014, 1, 1),
        age_years=5,
        incident_date=dt.date(2024, 6, 3),
        today=TODAY,
    )

    response = leeds_client.post(
        LIST_URL, sin(children=[child(date_of_birth="2014-01-01", age_years=5)]), format="json"
    )

    assert response.json()["children"] == [expected]


# --- Reading, within the caller's scope ---------------------------------------------------


@pytest.fixture
def sins(make_user, leeds, bristol):
    """A Leeds draft, a submitted Leeds SIN and a submitted Bristol SIN."""
    leeds_author = make_user(Role.LA_USER, local_authority=leeds)
    bristol_author = make_user(Role.LA_USER, local_authority=bristol)
    return {
        "leeds_draft": make_sin(leeds_author, submit=False),
        "leeds": make_sin(leeds_author),
        "bristol": make_sin(bristol_author),
    }


def test_la_user_lists_only_their_authoritys_sins(leeds_client, sins):
    response = leeds_client.get(LIST_URL)

    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert ids(response) == {sins["leeds_draft"].pk, sins["leeds"].pk}


def test_la_user_retrieves_their_sin_with_childrens_names(leeds_client, sins):
    response = leeds_client.get(detail_url(sins["leeds"].pk))

    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == sins["leeds"].reference
    assert body["children"][0]["name"] == "Sam"


def test_another_authoritys_sin_is_not_found(leeds_client, sins):
    assert leeds_client.get(detail_url(sins["bristol"].pk)).status_code == 404
    assert leeds_client.get(detail_url(999_999)).status_code == 404


def test_partnership_lead_sees_its_partnerships_submitted_sins_but_not_drafts(
    api_client, make_user, leeds, sins
):
    client = api_client(make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership))

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert ids(response) == {sins["leeds"].pk}
    assert client.get(detail_url(sins["leeds_draft"].pk)).status_code == 404
    assert client.get(detail_url(sins["bristol"].pk)).status_code == 404
    detail = client.get(detail_url(sins["leeds"].pk)).json()
    assert detail["children"][0]["name"] is None


@pytest.mark.parametrize("role", [Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT])
def test_the_panel_sees_every_submitted_sin_with_names(api_client, make_user, sins, role):
    # One rule for names on the web and in the API (safeguarding.policy.can_see_child_identity):
    # the notifying authority and the Panel see them.
    client = api_client(make_user(role))

    response = client.get(LIST_URL)

    assert ids(response) == {sins["leeds"].pk, sins["bristol"].pk}
    leeds = client.get(detail_url(sins["leeds"].pk)).json()
    assert leeds["children"][0]["name"] == "Sam"
    assert client.get(detail_url(sins["leeds_draft"].pk)).status_code == 404


def test_an_administrator_sees_every_submitted_sin_without_names(api_client, make_user, sins):
    client = api_client(make_user(Role.ADMINISTRATOR))

    response = client.get(LIST_URL)

    assert ids(response) == {sins["leeds"].pk, sins["bristol"].pk}
    assert all(c["name"] is None for item in response.json()["results"] for c in item["children"])


@pytest.mark.parametrize("method", ["get_list", "get_detail", "post"])
@pytest.mark.parametrize("authorization", [None, "Token not-a-real-token"])
def test_without_a_valid_token_the_answer_is_401(sins, method, authorization):
    client = APIClient()
    if authorization:
        client.credentials(HTTP_AUTHORIZATION=authorization)
    response = {
        "get_list": lambda: client.get(LIST_URL),
        "get_detail": lambda: client.get(detail_url(sins["leeds"].pk)),
        "post": lambda: client.post(LIST_URL, sin(), format="json"),
    }[method]()

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert Notification.objects.count() == 3


def test_an_inactive_users_token_is_refused(api_client, leeds_user, sins):
    client = api_client(leeds_user)
    leeds_user.is_active = False
    leeds_user.save(update_fields=["is_active"])

    assert client.get(LIST_URL).status_code == 401


def test_listing_takes_the_same_number_of_queries_for_more_sins(api_client, make_user, leeds):
    author = make_user(Role.LA_USER, local_authority=leeds)
    client = api_client(author)
    make_sin(author)

    with CaptureQueriesContext(connection) as one:
        assert client.get(LIST_URL).status_code == 200
    for _ in range(3):
        make_sin(author)
    with CaptureQueriesContext(connection) as four:
        assert len(client.get(LIST_URL).json()["results"]) == 4

    assert len(four) == len(one)


# --- Filters, sorting and pages -----------------------------------------------------------


@pytest.fixture
def panel_client(api_client, make_user) -> APIClient:
    return api_client(make_user(Role.PANEL_MEMBER))


@pytest.fixture
def varied(make_user, leeds, bristol):
    leeds_author = make_user(Role.LA_USER, local_authority=leeds)
    bristol_author = make_user(Role.LA_USER, local_authority=bristol)
    return {
        "leeds_death": make_sin(leeds_author, incident_date=dt.date(2024, 6, 3)),
        "leeds_harm": make_sin(
            leeds_author, reason="serious_harm", incident_date=dt.date(2024, 5, 31)
        ),
        "bristol_death": make_sin(bristol_author, incident_date=dt.date(2024, 6, 1)),
        "leeds_draft": make_sin(leeds_author, submit=False, incident_date=dt.date(2024, 6, 4)),
    }


def test_filter_by_status(api_client, make_user, leeds, varied):
    client = api_client(make_user(Role.LA_USER, local_authority=leeds))

    assert ids(client.get(LIST_URL, {"status": "draft"})) == {varied["leeds_draft"].pk}
    assert ids(client.get(LIST_URL, {"status": "submitted"})) == {
        varied["leeds_death"].pk,
        varied["leeds_harm"].pk,
    }


def test_filter_by_reason(panel_client, varied):
    response = panel_client.get(LIST_URL, {"reason": "death"})

    assert ids(response) == {varied["leeds_death"].pk, varied["bristol_death"].pk}


def test_filter_by_local_authority(panel_client, varied, bristol):
    response = panel_client.get(LIST_URL, {"local_authority": bristol.ons_code})

    assert ids(response) == {varied["bristol_death"].pk}


def test_filter_by_incident_dates(panel_client, varied):
    response = panel_client.get(
        LIST_URL, {"incident_from": "2024-06-01", "incident_to": "2024-06-02"}
    )

    assert ids(response) == {varied["bristol_death"].pk}


def test_search_by_reference(panel_client, varied):
    reference = varied["leeds_harm"].reference

    response = panel_client.get(LIST_URL, {"reference": reference[-3:].lower()})

    assert ids(response) == {varied["leeds_harm"].pk}


def test_sort(panel_client, varied):
    response = panel_client.get(LIST_URL, {"sort": "incident"})

    assert [item["id"] for item in response.json()["results"]] == [
        varied["leeds_death"].pk,
        varied["bristol_death"].pk,
        varied["leeds_harm"].pk,
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"incident_from": "1 June 2024"}, "incident_from"),
        ({"incident_to": "2024-02-30"}, "incident_to"),
        ({"incident_from": "2024-06-02", "incident_to": "2024-06-01"}, "incident_to"),
        ({"status": "closed"}, "status"),
        ({"reason": "unknown"}, "reason"),
        ({"sort": "random"}, "sort"),
    ],
)
def test_a_bad_filter_is_a_400_on_its_field(panel_client, varied, params, field):
    response = panel_client.get(LIST_URL, params)

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_empty_filters_are_ignored(panel_client, varied):
    response = panel_client.get(LIST_URL, {"status": "", "incident_from": "", "reference": ""})

    assert response.status_code == 200
    assert response.json()["count"] == 3


def test_pages(panel_client, varied):
    first = panel_client.get(LIST_URL, {"page_size": 2, "sort": "incident"}).json()
    second = panel_client.get(LIST_URL, {"page_size": 2, "sort": "incident", "page": 2}).json()

    assert first["count"] == 3
    assert len(first["results"]) == 2
    assert "page=2" in first["next"]
    assert [item["id"] for item in second["results"]] == [varied["leeds_harm"].pk]
    assert second["next"] is None
    assert panel_client.get(LIST_URL, {"page": 3, "page_size": 2}).status_code == 404


def test_page_size_defaults_to_50_and_stops_at_200(panel_client, varied, settings):
    from safeguarding.api.pagination import ApiPagination as NotificationPagination

    assert settings.REST_FRAMEWORK["PAGE_SIZE"] == 50
    assert NotificationPagination.max_page_size == 200
    response = panel_client.get(LIST_URL, {"page_size": 10_000})
    assert len(response.json()["results"]) == 3


# --- OpenAPI schema and docs --------------------------------------------------------------


def test_the_schema_documents_the_notifications_api(client, make_user):
    # The schema is for signed-in people and token holders only.
    client.force_login(make_user("administrator"))
    response = client.get(reverse("api-schema"), {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    collection = schema["paths"]["/api/v1/notifications/"]
    assert {"get", "post"} <= set(collection)
    assert "get" in schema["paths"]["/api/v1/notifications/{id}/"]
    query = {parameter["name"] for parameter in collection["get"]["parameters"]}
    assert {
        "status",
        "reason",
        "local_authority",
        "incident_from",
        "incident_to",
        "reference",
        "sort",
        "page",
        "page_size",
    } <= query
    body_ref = collection["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = schema["components"]["schemas"][body_ref.rsplit("/", 1)[-1]]
    assert {
        "incident_date",
        "date_aware",
        "reason",
        "abuse_or_neglect",
        "child_looked_after_death",
        "placement_postcode",
        "imd_decile",
        "summary",
        "children",
        "submit",
        "lateness_reason",
    } <= set(body["properties"])
    assert {"201", "400", "403"} <= set(collection["post"]["responses"])
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_a_signed_in_user_can_browse_the_api(client, leeds_user, sins):
    client.force_login(leeds_user)

    response = client.get(LIST_URL, HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert sins["leeds"].reference in response.content.decode()


def test_the_browsable_docs_answer_signed_in_people_only(client, leeds_user):
    assert client.get(reverse("api-docs"))["Location"].startswith("/sign-in/")
    client.force_login(leeds_user)

    response = client.get(reverse("api-docs"))

    assert response.status_code == 200


# --- Tokens for case-management systems: tests/safeguarding/test_api_tokens.py -------------


def test_a_draft_not_suspected_looked_after_death_without_a_reason_is_not_a_500(leeds_client):
    response = leeds_client.post(
        LIST_URL,
        {"abuse_or_neglect": "not_suspected", "child_looked_after_death": True},
        format="json",
    )

    assert response.status_code in (201, 400)
