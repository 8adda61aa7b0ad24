"""The REST API for case-management systems: /api/v1/panel/ (decisions and response letters,
read-only)."""

import hashlib
import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.validation import validate_schema
from pypdf import PdfReader
from rest_framework.test import APIClient

from panel import services
from panel.models import ResponseLetter
from safeguarding.audit import audit_events_for
from safeguarding.codes import Role

from ..rapidreviews.factories import pdf_bytes
from .factories import PanelDecisionFactory

pytestmark = pytest.mark.django_db

DECISIONS_URL = "/api/v1/panel/decisions/"
LETTERS_URL = "/api/v1/panel/letters/"


def decision_url(pk: int) -> str:
    return f"/api/v1/panel/decisions/{pk}/"


def letter_url(pk: int) -> str:
    return f"/api/v1/panel/letters/{pk}/"


def pdf_url(pk: int) -> str:
    return f"/api/v1/panel/letters/{pk}/pdf/"


def ids(response) -> set[int]:
    assert response.status_code == 200, response.json()
    return {item["id"] for item in response.json()["results"]}


def make_letter(decision, *, status=ResponseLetter.Status.SENT, version=1) -> ResponseLetter:
    """A letter on the decision; rendered and sent ones carry a small real PDF."""
    letter = ResponseLetter(
        review=decision.review,
        decision=decision,
        version=version,
        status=status,
        body="Dear partnership,",
        created_by=decision.decided_by,
    )
    if status != ResponseLetter.Status.DRAFTED:
        letter.send_requested_by = decision.decided_by
        letter.send_requested_at = timezone.now()
    if status in {ResponseLetter.Status.RENDERED, ResponseLetter.Status.SENT}:
        data = pdf_bytes()
        letter.pdf.save(f"letter-v{version}.pdf", ContentFile(data), save=False)
        letter.pdf_name = f"{decision.review.notification.reference}-v{version}.pdf"
        letter.sha256 = hashlib.sha256(data).hexdigest()
        letter.page_count = 1
        letter.rendered_at = timezone.now()
    if status == ResponseLetter.Status.SENT:
        letter.sent_at = timezone.now()
    letter.save()
    return letter


@pytest.fixture
def lead(make_user, leeds):
    return make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership)


@pytest.fixture
def lead_client(api_client, lead) -> APIClient:
    return api_client(lead)


@pytest.fixture
def panel_client(api_client, make_user) -> APIClient:
    return api_client(make_user(Role.PANEL_MEMBER))


@pytest.fixture
def decisions(bristol):
    """Leeds: a decision corrected once (versions 1 and 2); Bristol: one decision."""
    first = PanelDecisionFactory(is_current=False)
    corrected = PanelDecisionFactory(
        review=first.review,
        version=2,
        outcome="agree",
        correction_reason="The outcome was recorded wrongly.",
    )
    other = PanelDecisionFactory(review__notification__local_authority=bristol)
    return {"leeds_v1": first, "leeds_v2": corrected, "bristol": other}


# --- Decisions -----------------------------------------------------------------------------


def test_a_partnership_lead_reads_only_their_partnerships_decisions(lead_client, decisions):
    assert ids(lead_client.get(DECISIONS_URL)) == {
        decisions["leeds_v1"].pk,
        decisions["leeds_v2"].pk,
    }
    assert lead_client.get(decision_url(decisions["leeds_v2"].pk)).status_code == 200
    assert lead_client.get(decision_url(decisions["bristol"].pk)).status_code == 404
    assert lead_client.get(decision_url(999_999)).status_code == 404


def test_a_local_authority_user_reads_their_authoritys_decisions(
    api_client, make_user, leeds, bristol, decisions
):
    leeds_client = api_client(make_user(Role.LA_USER, local_authority=leeds))
    bristol_client = api_client(make_user(Role.LA_USER, local_authority=bristol))

    assert ids(leeds_client.get(DECISIONS_URL)) == {
        decisions["leeds_v1"].pk,
        decisions["leeds_v2"].pk,
    }
    assert ids(bristol_client.get(DECISIONS_URL)) == {decisions["bristol"].pk}
    assert bristol_client.get(decision_url(decisions["leeds_v1"].pk)).status_code == 404


@pytest.mark.parametrize("role", [Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT, Role.ADMINISTRATOR])
def test_the_panel_and_administrators_read_every_decision(api_client, make_user, decisions, role):
    client = api_client(make_user(role))

    assert ids(client.get(DECISIONS_URL)) == {d.pk for d in decisions.values()}
    assert client.get(decision_url(decisions["bristol"].pk)).status_code == 200


def test_a_decision_gives_its_outcome_feedback_and_version(lead_client, decisions):
    decision = decisions["leeds_v2"]

    body = lead_client.get(decision_url(decision.pk)).json()

    assert body == {
        "id": decision.pk,
        "review_id": decision.review_id,
        "reference": decision.review.notification.reference,
        "version": 2,
        "is_current": True,
        "outcome": "agree",
        "outcome_label": "Agreed",
        "reasons": "The learning about hidden men warrants a local review.",
        "analysis_quality": "adequate",
        "lived_experience": "good",
        "race_ethnicity_culture": "needs_improvement",
        "characteristics_recorded": "partly",
        "good_practice_identified": "yes",
        "feedback": "Good multi-agency chronology.",
        "correction_reason": "The outcome was recorded wrongly.",
        "decided_at": body["decided_at"],
    }
    assert body["decided_at"].startswith(str(timezone.localdate(decision.decided_at)))


def test_filter_decisions_by_current_and_review(panel_client, decisions):
    current = ids(panel_client.get(DECISIONS_URL, {"current": "true"}))
    replaced = ids(panel_client.get(DECISIONS_URL, {"current": "false"}))
    of_review = ids(panel_client.get(DECISIONS_URL, {"review": decisions["leeds_v1"].review_id}))
    both = ids(
        panel_client.get(
            DECISIONS_URL, {"current": "true", "review": decisions["leeds_v1"].review_id}
        )
    )

    assert current == {decisions["leeds_v2"].pk, decisions["bristol"].pk}
    assert replaced == {decisions["leeds_v1"].pk}
    assert of_review == {decisions["leeds_v1"].pk, decisions["leeds_v2"].pk}
    assert both == {decisions["leeds_v2"].pk}


def test_a_filter_stays_within_scope(lead_client, decisions):
    response = lead_client.get(DECISIONS_URL, {"review": decisions["bristol"].review_id})

    assert ids(response) == set()


@pytest.mark.parametrize(
    ("params", "field"), [({"current": "maybe"}, "current"), ({"review": "abc"}, "review")]
)
def test_a_bad_decision_filter_is_a_400_on_its_field(panel_client, decisions, params, field):
    response = panel_client.get(DECISIONS_URL, params)

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_empty_filters_are_ignored(panel_client, decisions):
    response = panel_client.get(DECISIONS_URL, {"current": "", "review": ""})

    assert response.json()["count"] == 3


# --- Letters -------------------------------------------------------------------------------


@pytest.fixture
def letters(decisions):
    """Leeds: version 1 sent, version 2 a draft; Bristol: version 1 sent."""
    return {
        "leeds_sent": make_letter(decisions["leeds_v1"]),
        "leeds_draft": make_letter(
            decisions["leeds_v2"], status=ResponseLetter.Status.DRAFTED, version=2
        ),
        "bristol_sent": make_letter(decisions["bristol"]),
    }


def test_a_partnership_lead_reads_their_sent_letters_only(lead_client, letters):
    assert ids(lead_client.get(LETTERS_URL)) == {letters["leeds_sent"].pk}
    assert lead_client.get(letter_url(letters["leeds_sent"].pk)).status_code == 200
    for name in ("leeds_draft", "bristol_sent"):
        assert lead_client.get(letter_url(letters[name].pk)).status_code == 404
        assert lead_client.get(pdf_url(letters[name].pk)).status_code == 404


@pytest.mark.parametrize(
    "status",
    [ResponseLetter.Status.RENDERING, ResponseLetter.Status.RENDERED, ResponseLetter.Status.FAILED],
)
def test_a_letter_being_sent_is_hidden_from_leads_until_it_is_sent(
    lead_client, panel_client, decisions, status
):
    letter = make_letter(decisions["leeds_v1"], status=status)

    assert lead_client.get(letter_url(letter.pk)).status_code == 404
    assert panel_client.get(letter_url(letter.pk)).status_code == 200


def test_a_local_authority_user_reads_their_authoritys_sent_letters(
    api_client, make_user, bristol, letters
):
    client = api_client(make_user(Role.LA_USER, local_authority=bristol))

    assert ids(client.get(LETTERS_URL)) == {letters["bristol_sent"].pk}
    assert client.get(letter_url(letters["leeds_sent"].pk)).status_code == 404


def test_the_panel_reads_every_letter_drafts_included(panel_client, letters):
    assert ids(panel_client.get(LETTERS_URL)) == {letter.pk for letter in letters.values()}
    assert ids(panel_client.get(LETTERS_URL, {"review": letters["leeds_draft"].review_id})) == {
        letters["leeds_sent"].pk,
        letters["leeds_draft"].pk,
    }


def test_a_letter_gives_its_metadata_and_pdf_link(lead_client, letters):
    letter = letters["leeds_sent"]

    body = lead_client.get(letter_url(letter.pk)).json()

    assert body["id"] == letter.pk
    assert body["review_id"] == letter.review_id
    assert body["decision_id"] == letter.decision_id
    assert body["reference"] == letter.review.notification.reference
    assert (body["version"], body["status"]) == (1, "sent")
    assert body["sha256"] == letter.sha256 and len(body["sha256"]) == 64
    assert body["page_count"] == 1
    assert body["rendered_at"] is not None and body["sent_at"] is not None
    assert body["pdf"] == {
        "name": letter.pdf_name,
        "url": f"http://testserver{pdf_url(letter.pk)}",
    }


def test_a_draft_has_no_pdf(panel_client, letters):
    draft = letters["leeds_draft"]

    body = panel_client.get(letter_url(draft.pk)).json()

    assert (body["status"], body["pdf"], body["sha256"], body["page_count"]) == (
        "drafted",
        None,
        "",
        None,
    )
    assert body["rendered_at"] is None and body["sent_at"] is None
    response = panel_client.get(pdf_url(draft.pk))
    assert response.status_code == 404
    assert response.json() == {"detail": "This letter has not been made into a PDF yet"}


def test_the_pdf_downloads_as_an_attachment_and_is_audited(lead_client, lead, letters):
    letter = letters["leeds_sent"]

    response = lead_client.get(pdf_url(letter.pk), HTTP_ACCEPT="application/pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{letter.pdf_name}"'
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == letter.sha256
    event = audit_events_for(letter.review).get()
    assert event.actor == lead
    assert event.changes == {"letter_version": 1, "sha256": letter.sha256}


def test_the_pdf_the_panel_rendered_downloads_through_the_api(
    api_client, make_user, django_capture_on_commit_callbacks
):
    decision = PanelDecisionFactory()
    lead = make_user(
        Role.PARTNERSHIP_LEAD, partnership=decision.review.partnership, email="lead@example.org"
    )
    member = make_user(Role.PANEL_MEMBER)
    letter = services.response_letter_draft(review=decision.review, by=member, body="Text")
    with django_capture_on_commit_callbacks(execute=True):
        services.response_letter_send(letter=letter, by=member)
    letter.refresh_from_db()
    assert letter.status == ResponseLetter.Status.SENT

    response = api_client(lead).get(pdf_url(letter.pk))

    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF")
    assert len(PdfReader(io.BytesIO(data)).pages) == letter.page_count
    assert response["Content-Disposition"] == f'attachment; filename="{letter.pdf_name}"'


# --- Read-only, authentication ---------------------------------------------------------------


@pytest.fixture
def urls(letters, decisions) -> dict[str, str]:
    letter = letters["leeds_sent"]
    return {
        "decisions": DECISIONS_URL,
        "decision": decision_url(decisions["leeds_v1"].pk),
        "letters": LETTERS_URL,
        "letter": letter_url(letter.pk),
        "pdf": pdf_url(letter.pk),
    }


@pytest.mark.parametrize("endpoint", ["decisions", "decision", "letters", "letter", "pdf"])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(panel_client, urls, endpoint, method):
    response = getattr(panel_client, method)(urls[endpoint], {}, format="json")

    assert response.status_code == 405


@pytest.mark.parametrize("endpoint", ["decisions", "decision", "letters", "letter", "pdf"])
@pytest.mark.parametrize("authorization", [None, "Token not-a-real-token"])
def test_without_a_valid_token_the_answer_is_401(urls, endpoint, authorization):
    client = APIClient()
    if authorization:
        client.credentials(HTTP_AUTHORIZATION=authorization)

    response = client.get(urls[endpoint])

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


# --- OpenAPI schema ------------------------------------------------------------------------


def test_the_schema_documents_the_panel_api(client, make_user):
    # The schema is for signed-in people and token holders only.
    client.force_login(make_user("administrator"))
    response = client.get(reverse("api-schema"), {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    paths = schema["paths"]
    components = schema["components"]["schemas"]
    for path in (
        "/api/v1/panel/decisions/",
        "/api/v1/panel/decisions/{id}/",
        "/api/v1/panel/letters/",
        "/api/v1/panel/letters/{id}/",
        "/api/v1/panel/letters/{id}/pdf/",
    ):
        assert set(paths[path]) == {"get"}, path
    decisions = paths["/api/v1/panel/decisions/"]["get"]
    assert {"current", "review", "page", "page_size"} <= {
        p["name"] for p in decisions["parameters"]
    }
    pdf = paths["/api/v1/panel/letters/{id}/pdf/"]["get"]["responses"]
    assert pdf["200"]["content"] == {
        "application/pdf": {"schema": {"type": "string", "format": "binary"}}
    }
    assert {"401", "404"} <= set(pdf)
    assert components["PanelOutcomeEnum"]["enum"] == ["agree", "disagree", "unable_to_conclude"]
    assert components["PanelQualityEnum"]["enum"] == ["good", "adequate", "needs_improvement"]
    assert {"outcome", "outcome_label", "version", "is_current", "feedback"} <= set(
        components["PanelDecisionOutput"]["properties"]
    )


def test_the_schema_generates_without_warnings(tmp_path):
    GENERATOR_STATS.reset()

    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )

    assert "/api/v1/panel/letters/{id}/pdf/" in (tmp_path / "schema.yaml").read_text()
