"""The REST API for partnership case-management systems: /api/v1/rapid-reviews/."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from rapidreviews import codes, rules
from rapidreviews.api import ANSWER_FIELDS
from rapidreviews.models import RapidReview
from rapidreviews.sections import SECTION_BY_KEY, SECTIONS
from safeguarding.audit import audit_events_for
from safeguarding.codes import Role

from .factories import (
    CompleteReviewFactory,
    DraftingReviewFactory,
    RapidReviewFactory,
    SubmittedReviewFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/rapid-reviews/"


def detail_url(pk: int) -> str:
    return f"/api/v1/rapid-reviews/{pk}/"


def section_url(pk: int, key: str) -> str:
    return f"/api/v1/rapid-reviews/{pk}/sections/{key}/"


def submit_url(pk: int) -> str:
    return f"/api/v1/rapid-reviews/{pk}/submit/"


@pytest.fixture(autouse=True)
def _today():
    # Thursday 20 June 2024: reviews opened on 10 June are due on 1 July.
    moment = dt.datetime(2024, 6, 20, 10, 0, tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(moment, tick=False):
        yield


@pytest.fixture
def lead(make_user, leeds):
    return make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership)


@pytest.fixture
def lead_client(api_client, lead) -> APIClient:
    return api_client(lead)


@pytest.fixture
def panel_client(api_client, make_user) -> APIClient:
    return api_client(make_user(Role.PANEL_MEMBER))


def ids(response) -> set[int]:
    return {item["id"] for item in response.json()["results"]}


def patch(client: APIClient, review: RapidReview, key: str, body: dict):
    return client.patch(section_url(review.pk, key), body, format="json")


# --- Reading, within the caller's scope ---------------------------------------------------


@pytest.fixture
def reviews(bristol):
    return {
        "leeds": RapidReviewFactory(),
        "leeds_submitted": SubmittedReviewFactory(),
        "bristol": RapidReviewFactory(notification__local_authority=bristol),
    }


def test_partnership_lead_lists_only_their_partnerships_reviews(lead_client, reviews):
    response = lead_client.get(LIST_URL)

    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert ids(response) == {reviews["leeds"].pk, reviews["leeds_submitted"].pk}


def test_another_partnerships_review_is_not_found(lead_client, reviews):
    bristol = reviews["bristol"]

    assert lead_client.get(detail_url(bristol.pk)).status_code == 404
    assert lead_client.get(detail_url(999_999)).status_code == 404
    assert (
        patch(lead_client, bristol, "narrative", {"version": 0, "answers": {}}).status_code == 404
    )
    assert lead_client.post(submit_url(bristol.pk), {}, format="json").status_code == 404
    bristol.refresh_from_db()
    assert bristol.status == RapidReview.Status.NOT_STARTED
    assert bristol.section_versions == {}


def test_panel_member_sees_every_review(panel_client, reviews):
    response = panel_client.get(LIST_URL)

    assert ids(response) == {review.pk for review in reviews.values()}
    assert panel_client.get(detail_url(reviews["bristol"].pk)).status_code == 200


def test_local_authority_user_reads_their_authoritys_reviews(api_client, make_user, leeds, reviews):
    client = api_client(make_user(Role.LA_USER, local_authority=leeds))

    assert ids(client.get(LIST_URL)) == {reviews["leeds"].pk, reviews["leeds_submitted"].pk}
    assert client.get(detail_url(reviews["leeds"].pk)).status_code == 200
    assert client.get(detail_url(reviews["bristol"].pk)).status_code == 404


@pytest.mark.parametrize(
    "role", [Role.LA_USER, Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT, Role.ADMINISTRATOR]
)
@pytest.mark.parametrize("action", ["section", "themes", "submit"])
def test_only_the_partnerships_leads_change_a_review(api_client, make_user, leeds, role, action):
    review = CompleteReviewFactory()
    kwargs = {"local_authority": leeds} if role == Role.LA_USER else {}
    client = api_client(make_user(role, **kwargs))

    response = {
        "section": lambda: patch(
            client, review, "narrative", {"version": 0, "answers": {"reflection": "Changed"}}
        ),
        "themes": lambda: patch(
            client,
            review,
            "themes",
            {"version": 0, "themes": [{"theme": "education", "present": True}]},
        ),
        "submit": lambda: client.post(submit_url(review.pk), {}, format="json"),
    }[action]()

    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Only a partnership lead of the review's partnership can change its rapid review"
    )
    review.refresh_from_db()
    assert review.status == RapidReview.Status.DRAFTING
    assert review.reflection == "Synthetic reflection."
    assert review.section_versions == {}
    assert review.themes.count() == 5


def test_the_review_gives_every_answer_as_its_code(lead_client, leeds):
    review = CompleteReviewFactory(answers={"disability": "not_recorded"})

    response = lead_client.get(detail_url(review.pk))

    assert response.status_code == 200
    body = response.json()
    assert set(ANSWER_FIELDS) <= set(body)
    assert body["id"] == review.pk
    assert body["notification_id"] == review.notification_id
    assert body["reference"] == review.notification.reference
    assert body["local_authority"] == {"ons_code": leeds.ons_code, "name": "Leeds"}
    assert body["partnership"] == {
        "code": leeds.partnership.code,
        "name": leeds.partnership.name,
    }
    assert (body["status"], body["overdue"]) == ("drafting", False)
    assert (body["due_date"], body["original_due_date"]) == ("2024-07-01", "2024-07-01")
    assert body["submitted_at"] is None
    assert body["working_days_taken"] is None
    assert body["submitted_on_time"] is None
    assert body["section_versions"] == {section.key: 0 for section in SECTIONS}
    assert body["incident_type"] == "serious_harm"
    assert body["age_years"] == 9
    assert body["disability"] == "not_recorded"
    assert body["parent_substance_misuse"] == "alcohol"
    assert body["cause_of_death"] == ""  # not asked about a serious harm
    assert body["reflection"] == "Synthetic reflection."
    assert (body["lcspr_decision"], body["lcspr_rationale"]) == (
        "no_lcspr",
        "Synthetic rationale.",
    )
    assert body["themes"][0] == {"theme": "coordination", "present": True, "good_practice": False}
    assert len(body["themes"]) == 5
    assert body["document"] == {"name": "Rapid review.pdf", "page_count": 1}
    assert body["completeness"] == {
        "unanswered": [],
        "not_recorded": ["disability"],
        "themes_missing": [],
        "document_missing": False,
        "complete": True,
    }


def test_a_new_review_is_blank_and_says_what_is_missing(lead_client):
    review = RapidReviewFactory()

    body = lead_client.get(detail_url(review.pk)).json()

    assert body["status"] == "not_started"
    assert body["sex"] == ""
    assert body["age_years"] is None
    assert body["reflection"] == ""
    assert body["themes"] == []
    assert body["document"] is None
    completeness = body["completeness"]
    assert completeness["complete"] is False
    assert {"incident_type", "sex", "age_years", "reflection", "lcspr_decision"} <= set(
        completeness["unanswered"]
    )
    assert set(completeness["themes_missing"]) == {
        "coordination",
        "curiosity",
        "risk_assessment",
        "voice_of_child",
        "escalation",
    }
    assert completeness["document_missing"] is True


# --- Filters and pages --------------------------------------------------------------------


@pytest.fixture
def varied(bristol):
    """Today is 20 June 2024."""
    return {
        "due_july": RapidReviewFactory(due_date=dt.date(2024, 7, 1)),
        "drafting_overdue": DraftingReviewFactory(due_date=dt.date(2024, 6, 19)),
        "submitted_late": SubmittedReviewFactory(due_date=dt.date(2024, 6, 18)),
        "bristol_overdue": RapidReviewFactory(
            notification__local_authority=bristol, due_date=dt.date(2024, 6, 10)
        ),
    }


def test_the_list_puts_the_most_urgent_first_and_submitted_last(panel_client, varied):
    results = panel_client.get(LIST_URL).json()["results"]

    assert [item["id"] for item in results] == [
        varied["bristol_overdue"].pk,
        varied["drafting_overdue"].pk,
        varied["due_july"].pk,
        varied["submitted_late"].pk,
    ]
    assert [item["overdue"] for item in results] == [True, True, False, False]
    assert results[0]["partnership"]["code"] == "bristol"
    assert results[0]["reference"] == varied["bristol_overdue"].notification.reference


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("not_started", {"due_july", "bristol_overdue"}),
        ("drafting", {"drafting_overdue"}),
        ("submitted", {"submitted_late"}),
        ("overdue", {"drafting_overdue", "bristol_overdue"}),
    ],
)
def test_filter_by_status(panel_client, varied, status, expected):
    response = panel_client.get(LIST_URL, {"status": status})

    assert ids(response) == {varied[name].pk for name in expected}


def test_filter_by_partnership(panel_client, varied, bristol):
    response = panel_client.get(LIST_URL, {"partnership": bristol.partnership.code})

    assert ids(response) == {varied["bristol_overdue"].pk}


def test_filter_by_due_date_excludes_the_dates_given(panel_client, varied):
    response = panel_client.get(LIST_URL, {"due_after": "2024-06-18", "due_before": "2024-07-01"})

    assert ids(response) == {varied["drafting_overdue"].pk}


def test_filters_combine_within_the_callers_scope(lead_client, varied, bristol):
    assert ids(lead_client.get(LIST_URL, {"status": "overdue"})) == {varied["drafting_overdue"].pk}
    assert ids(lead_client.get(LIST_URL, {"partnership": bristol.partnership.code})) == set()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "late"}, "status"),
        ({"partnership": "nowhere"}, "partnership"),
        ({"due_before": "2024-02-30"}, "due_before"),
        ({"due_after": "1 June 2024"}, "due_after"),
        ({"due_before": "9999-12-31"}, "due_before"),  # no range over millennia
        ({"due_after": "0001-01-01"}, "due_after"),
        ({"due_after": "2024-07-01", "due_before": "2024-06-01"}, "due_before"),
        ({"due_after": "2024-07-01", "due_before": "2024-07-01"}, "due_before"),
    ],
)
def test_a_bad_filter_is_a_400_on_its_field(panel_client, varied, params, field):
    response = panel_client.get(LIST_URL, params)

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_empty_filters_are_ignored(panel_client, varied):
    response = panel_client.get(LIST_URL, {"status": "", "partnership": "", "due_before": ""})

    assert response.status_code == 200
    assert response.json()["count"] == 4


def test_pages(panel_client, varied):
    first = panel_client.get(LIST_URL, {"page_size": 3}).json()
    second = panel_client.get(LIST_URL, {"page_size": 3, "page": 2}).json()

    assert first["count"] == 4
    assert len(first["results"]) == 3
    assert [item["id"] for item in second["results"]] == [varied["submitted_late"].pk]


def test_listing_takes_the_same_number_of_queries_for_more_reviews(lead_client):
    RapidReviewFactory()
    with CaptureQueriesContext(connection) as one:
        assert lead_client.get(LIST_URL).status_code == 200
    for _ in range(3):
        RapidReviewFactory()
    with CaptureQueriesContext(connection) as four:
        assert len(lead_client.get(LIST_URL).json()["results"]) == 4

    assert len(four) == len(one)


# --- Saving a section ----------------------------------------------------------------------


def test_lead_saves_a_section(lead_client, lead):
    review = RapidReviewFactory()

    response = patch(
        lead_client, review, "narrative", {"version": 0, "answers": {"reflection": "Learnt."}}
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["reflection"] == "Learnt."
    assert body["section_versions"]["narrative"] == 1
    assert body["status"] == "drafting"
    review.refresh_from_db()
    assert review.reflection == "Learnt."
    assert review.section_version("narrative") == 1
    assert review.status == RapidReview.Status.DRAFTING
    event = audit_events_for(review).get()
    assert event.actor == lead
    # That the narrative changed, never what it says (the trail outlives the case's text).
    assert event.changes == {"reflection": ["(changed)", "(changed)"]}


def test_answers_left_out_keep_their_saved_values(lead_client):
    review = DraftingReviewFactory(sex="female", age_years=9, section_versions={"child": 3})

    response = patch(
        lead_client, review, "child", {"version": 3, "answers": {"ethnicity": "irish"}}
    )

    assert response.status_code == 200, response.json()
    review.refresh_from_db()
    assert (review.sex, review.age_years, review.ethnicity) == ("female", 9, "irish")
    assert review.section_version("child") == 4


def test_blank_clears_an_answer(lead_client):
    review = DraftingReviewFactory(sex="female", age_years=9)

    response = patch(
        lead_client, review, "child", {"version": 0, "answers": {"sex": "", "age_years": None}}
    )

    assert response.status_code == 200, response.json()
    review.refresh_from_db()
    assert (review.sex, review.age_years) == ("", None)


def test_a_question_that_no_longer_applies_is_cleared_by_the_service(lead_client):
    review = DraftingReviewFactory(incident_type="death")

    response = patch(
        lead_client,
        review,
        "cause",
        {"version": 0, "answers": {"cause_of_death": "sudi_sudc", "cause_of_harm": "neglect"}},
    )

    assert response.status_code == 200
    assert (response.json()["cause_of_death"], response.json()["cause_of_harm"]) == (
        "sudi_sudc",
        "",
    )
    review.refresh_from_db()
    assert (review.cause_of_death, review.cause_of_harm) == ("sudi_sudc", "")


def test_a_save_from_a_stale_version_is_a_409_showing_the_saved_answers(
    lead_client, api_client, make_user, lead
):
    colleague = api_client(make_user(Role.PARTNERSHIP_LEAD, partnership=lead.partnership))
    review = RapidReviewFactory()
    first = patch(
        colleague, review, "narrative", {"version": 0, "answers": {"reflection": "First"}}
    )
    assert first.status_code == 200

    response = patch(
        lead_client, review, "narrative", {"version": 0, "answers": {"reflection": "Second"}}
    )

    assert response.status_code == 409
    body = response.json()
    assert body["detail"].startswith("Someone else saved this section after you opened it.")
    assert body["section"] == "narrative"
    assert body["version"] == 1
    assert body["answers"] == {
        "summary_of_facts": "",
        "relevant_information": "",
        "reflection": "First",
        "immediate_action": "",
    }
    review.refresh_from_db()
    assert review.reflection == "First"
    assert review.section_version("narrative") == 1

    again = patch(
        lead_client, review, "narrative", {"version": 1, "answers": {"reflection": "Second"}}
    )
    assert again.status_code == 200
    review.refresh_from_db()
    assert review.reflection == "Second"


@pytest.mark.parametrize(
    ("key", "answers", "field", "message"),
    [
        (
            "decision",
            {"reflection": "In the wrong section"},
            "reflection",
            "reflection is not a question in the section 'Decision on an LCSPR' (decision)",
        ),
        (
            "child",
            {"colour": "blue"},
            "colour",
            "colour is not a question in the section 'Characteristics of the child in focus' "
            "(child)",
        ),
        ("child", {"sex": "unknown"}, "sex", "Sex must be one of: male, female"),
        (
            "child",
            {"disability": "maybe"},
            "disability",
            "Disability must be one of: yes, no, not_recorded",
        ),
        ("child", {"age_years": "nine"}, "age_years", "Age must be a whole number from 0 to 17"),
        ("incident", {"incident_type": True}, "incident_type", None),
    ],
)
def test_an_answer_that_is_not_the_sections_or_not_a_code_is_a_400(
    lead_client, key, answers, field, message
):
    review = RapidReviewFactory()

    response = patch(lead_client, review, key, {"version": 0, "answers": answers})

    assert response.status_code == 400
    errors = response.json()["answers"]
    assert list(errors) == [field]
    if message:
        assert errors[field] == [message]
    review.refresh_from_db()
    assert review.section_versions == {}


@pytest.mark.parametrize(
    ("key", "answers", "field"),
    [
        ("decision", {"lcspr_decision": "lcspr", "lcspr_rationale": "  "}, "lcspr_rationale"),
        ("decision", {"lcspr_decision": "lcspr"}, "lcspr_rationale"),
        ("child", {"age_years": 18}, "age_years"),
    ],
)
def test_the_services_rules_are_a_400_with_the_rules_own_messages(lead_client, key, answers, field):
    review = RapidReviewFactory()
    expected = rules.section_errors(SECTION_BY_KEY[key], {"lcspr_rationale": "", **answers}, review)

    response = patch(lead_client, review, key, {"version": 0, "answers": answers})

    assert response.status_code == 400
    assert response.json() == {"answers": {field: expected[field]}}
    review.refresh_from_db()
    assert review.section_versions == {}
    assert review.lcspr_decision == ""


def test_a_decision_alone_keeps_the_saved_rationale(lead_client):
    review = DraftingReviewFactory(lcspr_decision="lcspr", lcspr_rationale="Saved rationale.")

    response = patch(
        lead_client, review, "decision", {"version": 0, "answers": {"lcspr_decision": "no_lcspr"}}
    )

    assert response.status_code == 200, response.json()
    review.refresh_from_db()
    assert (review.lcspr_decision, review.lcspr_rationale) == ("no_lcspr", "Saved rationale.")


@pytest.mark.parametrize(
    ("key", "body", "field"),
    [
        ("narrative", {"answers": {"reflection": "No version"}}, "version"),
        ("narrative", {"version": "latest", "answers": {}}, "version"),
        ("narrative", {"version": 0}, "answers"),
        ("narrative", {"version": 0, "answers": ["reflection"]}, "answers"),
        ("narrative", {"version": 0, "answers": {}, "themes": []}, "themes"),
        ("themes", {"version": 0}, "themes"),
        ("themes", {"version": 0, "themes": [], "answers": {}}, "answers"),
    ],
)
def test_a_malformed_body_is_a_400_on_its_field(lead_client, key, body, field):
    review = RapidReviewFactory()

    response = patch(lead_client, review, key, body)

    assert response.status_code == 400
    assert field in response.json()
    review.refresh_from_db()
    assert review.section_versions == {}


@pytest.mark.parametrize("key", ["nonsense", "document"])
def test_a_section_that_is_not_saved_with_answers_is_not_found(lead_client, key):
    review = RapidReviewFactory()

    response = patch(lead_client, review, key, {"version": 0, "answers": {}})

    assert response.status_code == 404
    review.refresh_from_db()
    assert review.section_versions == {}


# --- Themes --------------------------------------------------------------------------------


def test_lead_saves_the_themes(lead_client):
    review = RapidReviewFactory()

    response = patch(
        lead_client,
        review,
        "themes",
        {
            "version": 0,
            "themes": [
                {"theme": "coordination", "present": True, "good_practice": True},
                {"theme": "curiosity", "present": False},
            ],
        },
    )

    assert response.status_code == 200, response.json()
    assert response.json()["themes"] == [
        {"theme": "coordination", "present": True, "good_practice": True},
        {"theme": "curiosity", "present": False, "good_practice": False},
    ]
    assert response.json()["section_versions"]["themes"] == 1
    assert {(t.theme, t.present, t.good_practice) for t in review.themes.all()} == {
        ("coordination", True, True),
        ("curiosity", False, False),
    }


def test_a_themes_save_from_a_stale_version_is_a_409_showing_the_saved_themes(lead_client):
    review = CompleteReviewFactory(section_versions={"themes": 2})

    response = patch(
        lead_client,
        review,
        "themes",
        {"version": 1, "themes": [{"theme": "coordination", "present": False}]},
    )

    assert response.status_code == 409
    body = response.json()
    assert body["version"] == 2
    assert {"theme": "coordination", "present": True, "good_practice": False} in body["themes"]
    assert review.themes.get(theme="coordination").present is True


@pytest.mark.parametrize(
    ("themes", "expected"),
    [
        (
            [{"theme": "coordination", "present": True}, {"theme": "weather", "present": True}],
            [{}, {"theme": ["Theme must be one of: " + ", ".join(codes.LearningTheme.values)]}],
        ),
        (
            [{"theme": "coordination"}],
            [{"present": ["Say whether the theme features in the review"]}],
        ),
        (
            [{"theme": "curiosity", "present": True}, {"theme": "curiosity", "present": False}],
            ["Give each theme once: curiosity"],
        ),
    ],
)
def test_a_bad_theme_is_a_400_aligned_with_the_themes(lead_client, themes, expected):
    review = RapidReviewFactory()

    response = patch(lead_client, review, "themes", {"version": 0, "themes": themes})

    assert response.status_code == 400
    assert response.json() == {"themes": expected}
    assert not review.themes.exists()


# --- Submitting ----------------------------------------------------------------------------


def test_an_incomplete_review_is_not_submitted(lead_client):
    review = RapidReviewFactory()

    response = lead_client.post(submit_url(review.pk), {}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert "Narrative: answer reflection" in body["unanswered"]
    assert "Decision on an LCSPR: answer decision on an LCSPR" in body["unanswered"]
    assert body["themes"] == ["Learning and practice themes: answer every theme"]
    review.refresh_from_db()
    assert review.status == RapidReview.Status.NOT_STARTED
    assert review.submitted_at is None


def test_not_recorded_answers_must_be_accepted(lead_client):
    review = CompleteReviewFactory(answers={"lgbtq": "not_recorded"})

    refused = lead_client.post(submit_url(review.pk), {}, format="json")
    accepted = lead_client.post(submit_url(review.pk), {"accept_not_recorded": True}, format="json")

    assert refused.status_code == 400
    assert list(refused.json()) == ["accept_not_recorded"]
    assert accepted.status_code == 200, accepted.json()
    review.refresh_from_db()
    assert review.status == RapidReview.Status.SUBMITTED
    assert review.not_recorded_accepted is True


def test_a_complete_review_is_submitted_and_then_read_only(
    lead_client, lead, make_user, django_capture_on_commit_callbacks
):
    secretariat = make_user(Role.PANEL_SECRETARIAT)
    review = CompleteReviewFactory()

    with django_capture_on_commit_callbacks(execute=True):
        response = lead_client.post(submit_url(review.pk), {}, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "submitted"
    assert body["submitted_at"].startswith("2024-06-20")
    assert body["working_days_taken"] == 8  # 10 June to 20 June
    assert body["submitted_on_time"] is True
    review.refresh_from_db()
    assert review.status == RapidReview.Status.SUBMITTED
    assert review.submitted_by == lead
    assert [email.to for email in mail.outbox] == [[secretariat.email]]

    change = patch(
        lead_client, review, "narrative", {"version": 0, "answers": {"reflection": "Late"}}
    )
    assert change.status_code == 409
    assert change.json() == {
        "detail": "This rapid review has been submitted to the Panel and can no longer be "
        "changed. The Panel secretariat can reopen it."
    }
    themes = patch(
        lead_client,
        review,
        "themes",
        {"version": 0, "themes": [{"theme": "education", "present": True}]},
    )
    assert themes.status_code == 409
    again = lead_client.post(submit_url(review.pk), {}, format="json")
    assert again.status_code == 409
    assert again.json() == {"detail": "This rapid review has already been submitted"}
    review.refresh_from_db()
    assert review.reflection == "Synthetic reflection."
    assert not review.themes.filter(theme="education").exists()


# --- Authentication -------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["list", "detail", "section", "submit"])
@pytest.mark.parametrize("authorization", [None, "Token not-a-real-token"])
def test_without_a_valid_token_the_answer_is_401(endpoint, authorization):
    review = CompleteReviewFactory()
    client = APIClient()
    if authorization:
        client.credentials(HTTP_AUTHORIZATION=authorization)

    response = {
        "list": lambda: client.get(LIST_URL),
        "detail": lambda: client.get(detail_url(review.pk)),
        "section": lambda: patch(
            client, review, "narrative", {"version": 0, "answers": {"reflection": "x"}}
        ),
        "submit": lambda: client.post(submit_url(review.pk), {}, format="json"),
    }[endpoint]()

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    review.refresh_from_db()
    assert review.status == RapidReview.Status.DRAFTING
    assert review.reflection == "Synthetic reflection."


def test_a_signed_in_user_uses_the_api_with_their_session(client, lead):
    review = RapidReviewFactory()
    client.force_login(lead)

    assert client.get(LIST_URL).json()["count"] == 1
    assert client.get(detail_url(review.pk)).json()["id"] == review.pk


# --- OpenAPI schema ------------------------------------------------------------------------


def test_the_schema_documents_the_rapid_reviews_api(client, make_user):
    # The schema is for signed-in people and token holders only.
    client.force_login(make_user("administrator"))
    response = client.get(reverse("api-schema"), {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    paths = schema["paths"]
    components = schema["components"]["schemas"]
    collection = paths["/api/v1/rapid-reviews/"]["get"]
    query = {parameter["name"] for parameter in collection["parameters"]}
    assert {"status", "partnership", "due_before", "due_after", "page", "page_size"} <= query
    assert "get" in paths["/api/v1/rapid-reviews/{id}/"]

    section = paths["/api/v1/rapid-reviews/{id}/sections/{section_key}/"]["patch"]
    assert {"200", "400", "401", "403", "404", "409"} <= set(section["responses"])
    body_ref = section["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = components[body_ref.rsplit("/", 1)[-1]]
    assert {"version", "answers", "themes"} <= set(body["properties"])
    assert body["required"] == ["version"]
    assert set(ANSWER_FIELDS) <= set(components["RapidReviewAnswersInput"]["properties"])
    assert components["YesNoUnknownEnum"]["enum"] == ["yes", "no", "unknown"]
    assert set(components["RapidReviewOutput"]["properties"]) >= {
        *ANSWER_FIELDS,
        "completeness",
        "themes",
        "document",
        "section_versions",
    }

    submit = paths["/api/v1/rapid-reviews/{id}/submit/"]["post"]
    assert {"200", "400", "403", "409"} <= set(submit["responses"])
    assert "requestBody" in submit


def test_the_schema_generates_without_warnings(tmp_path):
    GENERATOR_STATS.reset()  # warnings of schemas generated earlier in this process

    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )

    assert "/api/v1/rapid-reviews/{id}/submit/" in (tmp_path / "schema.yaml").read_text()
