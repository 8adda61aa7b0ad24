"""The Panel decides with the review in front of it (issue 13, item 2): the decision page shows
the case, the child in focus, every answer as its label, the narrative, the rationale and the
review document, and keeps the correction form folded away until asked for."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from rapidreviews.models import RapidReview
from rapidreviews.selectors import rapid_review_answers
from safeguarding.codes import Role
from safeguarding.models import AuditAction, AuditEvent, LocalAuthority

from .factories import CHILD_NAME, PanelDecisionFactory, PanelReviewFactory

pytestmark = pytest.mark.django_db


def decision_page(client, review) -> str:
    response = client.get(reverse("panel:decision", args=[review.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_member_sees_the_whole_review_above_the_decision_form(client, make_user):
    review = PanelReviewFactory(
        answers={
            "summary_of_facts": "Synthetic facts: the family moved twice in a year.",
            "reflection": "Synthetic reflection on the handover between agencies.",
            "lcspr_rationale": "Synthetic rationale: the learning is already known nationally.",
        }
    )
    client.force_login(make_user(Role.PANEL_MEMBER))
    html = decision_page(client, review)

    # The case and the child in focus (the Panel may see the child's name).
    assert "Serious harm" in html
    assert "Leeds" in html and str(review.partnership) in html
    child = review.notification.child_in_focus
    assert child.child_reference in html and CHILD_NAME in html
    # Coded answers as their labels, grouped by section; never the codes.
    for section in ("Characteristics of the child in focus", "Risk factors and abuse types"):
        assert f">{section}</h3>" in html
    assert "White British" in html and "Yes – on CPP" in html
    assert "white_british" not in html and "on_plan" not in html
    # The narrative, the partnership's decision and its rationale, and the document.
    assert "Synthetic facts: the family moved twice in a year." in html
    assert "Synthetic reflection on the handover between agencies." in html
    assert "Synthetic rationale: the learning is already known nationally." in html
    assert "LCSPR not needed" in html
    document = reverse("rapidreviews:review-document-download", args=[review.pk])
    assert f'href="{document}"' in html
    # The form comes after the review.
    assert html.index("Synthetic rationale") < html.index("Record the decision")


def test_every_answer_on_the_review_s_page_is_on_the_decision_page(client, make_user):
    review = PanelReviewFactory()
    client.force_login(make_user(Role.PANEL_MEMBER))
    html = decision_page(client, review)
    rows = [row for part in rapid_review_answers(review=review) for row in part.rows]
    assert len(rows) > 40  # every coded answer of the complete review
    for question, answer in rows:
        assert escape(question) in html
        assert escape(answer) in html


def test_the_correction_form_is_folded_in_a_closed_details_until_asked_for(client, make_user):
    decision = PanelDecisionFactory()
    client.force_login(make_user(Role.PANEL_MEMBER))
    html = decision_page(client, decision.review)
    details = re.search(r'<details class="govuk-details"([^>]*)>(.*?)</details>', html, re.S)
    assert details, "the correction form is in a details component"
    assert "open" not in details.group(1)
    assert "Correct the decision" in details.group(2)
    assert 'name="correction_reason"' in details.group(2)
    assert html.count('name="correction_reason"') == 1


def test_a_correction_with_errors_opens_the_details_to_show_them(client, make_user):
    decision = PanelDecisionFactory()
    client.force_login(make_user(Role.PANEL_MEMBER))
    response = client.post(
        reverse("panel:decision", args=[decision.review_id]), {"correction_reason": ""}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<details class="govuk-details" open>', html)
    assert "Enter why the decision is being corrected" in html


def test_reading_the_decision_page_records_the_read_of_the_review(client, make_user):
    review = PanelReviewFactory()
    member = make_user(Role.PANEL_MEMBER)
    client.force_login(member)
    decision_page(client, review)
    assert AuditEvent.objects.filter(
        actor=member, action=AuditAction.VIEW, object_id=str(review.pk)
    ).exists()


@pytest.mark.parametrize("role", [Role.PARTNERSHIP_LEAD, Role.LA_USER])
def test_the_case_s_own_people_read_the_review_there_without_the_child_s_name_unless_allowed(
    client, make_user, role
):
    review = PanelReviewFactory(
        answers={"lcspr_rationale": "Synthetic rationale for the partnership."}
    )
    kwargs = (
        {"partnership": review.partnership}
        if role == Role.PARTNERSHIP_LEAD
        else {"local_authority": review.notification.local_authority}
    )
    client.force_login(make_user(role, **kwargs))
    html = decision_page(client, review)
    assert "Synthetic rationale for the partnership." in html
    assert "Record the decision" not in html and 'name="outcome"' not in html
    # Only the notifying authority and the Panel see a child's name.
    assert (CHILD_NAME in html) is (role == Role.LA_USER)


@pytest.mark.parametrize("role", [Role.PARTNERSHIP_LEAD, Role.LA_USER])
def test_another_authority_or_partnership_gets_404(client, make_user, role):
    review = PanelReviewFactory()
    bristol = LocalAuthority.objects.get(name="Bristol")
    kwargs = (
        {"partnership": bristol.partnership}
        if role == Role.PARTNERSHIP_LEAD
        else {"local_authority": bristol}
    )
    client.force_login(make_user(role, **kwargs))
    assert client.get(reverse("panel:decision", args=[review.pk])).status_code == 404
    assert client.post(reverse("panel:decision", args=[review.pk]), {}).status_code == 404


def test_a_review_not_yet_sent_to_the_panel_opens_on_its_own_page(client, make_user):
    review = PanelReviewFactory()
    RapidReview.objects.filter(pk=review.pk).update(status=RapidReview.Status.DRAFTING)
    client.force_login(make_user(Role.PANEL_MEMBER))

    response = client.get(reverse("panel:decision", args=[review.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("rapidreviews:review-detail", args=[review.pk])
