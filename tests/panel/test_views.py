from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from panel.models import PanelDecision
from safeguarding.codes import Role
from safeguarding.models import LocalAuthority

from ..rapidreviews.factories import DraftingReviewFactory, SubmittedReviewFactory
from .factories import PanelDecisionFactory, PanelReviewFactory, form_data


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.PANEL_MEMBER, 200),
        (Role.PANEL_SECRETARIAT, 200),
        (Role.ADMINISTRATOR, 200),
        (Role.PARTNERSHIP_LEAD, 403),
        (Role.LA_USER, 403),
    ],
)
def test_panel_queue_access(client, make_user, role, status):
    client.force_login(make_user(role))
    assert client.get(reverse("panel:queue")).status_code == status


def test_panel_queue_lists_undecided_submitted_reviews_oldest_first(client, make_user):
    now = timezone.now()
    newer = PanelReviewFactory(submitted_at=now - timedelta(days=2))
    older = PanelReviewFactory(submitted_at=now - timedelta(days=9))
    PanelDecisionFactory(review=PanelReviewFactory(submitted_at=now - timedelta(days=20)))
    DraftingReviewFactory()
    client.force_login(make_user(Role.PANEL_MEMBER))
    response = client.get(reverse("panel:queue"))
    rows = response.context["rows"]
    assert [row["review"] for row in rows] == [older, newer]
    assert [row["days_waiting"] for row in rows] == [9, 2]
    html = response.content.decode()
    assert html.index(older.notification.reference) < html.index(newer.notification.reference)
    assert "LCSPR not needed" in html
    assert str(older.partnership) in html


def test_a_member_records_a_decision_on_the_page(client, make_user):
    review = PanelReviewFactory()
    client.force_login(make_user(Role.PANEL_MEMBER))
    url = reverse("panel:decision", args=[review.pk])
    response = client.post(url, form_data())
    assert response.status_code == 302
    decision = PanelDecision.objects.get(review=review)
    assert decision.outcome == "agree" and decision.version == 1
    page = client.get(url).content.decode()
    assert "Version 1 (current): Agreed" in page
    assert "Correct the decision" in page


def test_errors_are_shown_and_nothing_typed_is_lost(client, make_user):
    review = PanelReviewFactory()
    client.force_login(make_user(Role.PANEL_MEMBER))
    data = form_data(reasons="", feedback="Kept feedback text")
    del data["outcome"]
    response = client.post(reverse("panel:decision", args=[review.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Select whether the Panel agrees" in html
    assert "Enter the reasons for the Panel&#x27;s view" in html
    assert "Kept feedback text" in html
    assert not PanelDecision.objects.exists()


def test_correction_on_the_page_needs_a_reason_then_shows_both_versions(client, make_user):
    decision = PanelDecisionFactory()
    client.force_login(make_user(Role.PANEL_MEMBER))
    url = reverse("panel:decision", args=[decision.review_id])
    response = client.post(url, form_data(correction_reason=""))
    assert "Enter why the decision is being corrected" in response.content.decode()
    client.post(url, form_data(correction_reason="Wrong outcome chosen."))
    page = client.get(url).content.decode()
    assert "Version 2 (current): Agreed" in page
    assert "Version 1: Did not agree" in page
    assert "Wrong outcome chosen." in page


@pytest.mark.parametrize("role", [Role.PANEL_SECRETARIAT, Role.ADMINISTRATOR])
def test_others_read_the_decision_page_but_cannot_post(client, make_user, role):
    decision = PanelDecisionFactory()
    client.force_login(make_user(role))
    url = reverse("panel:decision", args=[decision.review_id])
    assert client.get(url).status_code == 200
    assert client.post(url, form_data(correction_reason="x")).status_code == 403
    assert PanelDecision.objects.count() == 1


def test_decision_page_is_scoped_to_the_partnership(client, make_user):
    decision = PanelDecisionFactory()
    own_lead = make_user(Role.PARTNERSHIP_LEAD, partnership=decision.review.partnership)
    client.force_login(own_lead)
    assert client.get(reverse("panel:decision", args=[decision.review_id])).status_code == 200
    other = LocalAuthority.objects.get(name="Bristol").partnership
    client.force_login(make_user(Role.PARTNERSHIP_LEAD, partnership=other))
    assert client.get(reverse("panel:decision", args=[decision.review_id])).status_code == 404


def test_review_page_shows_the_panel_decision(client, make_user):
    decision = PanelDecisionFactory()
    client.force_login(make_user(Role.PANEL_SECRETARIAT))
    page = client.get(reverse("rapidreviews:review-detail", args=[decision.review_id]))
    assert "Did not agree" in page.content.decode()


def test_panel_queue_is_in_the_navigation_for_the_panel_only(client, make_user):
    client.force_login(make_user(Role.PANEL_SECRETARIAT))
    assert "Panel queue" in client.get(reverse("home")).content.decode()
    client.force_login(make_user(Role.LA_USER))
    assert "Panel queue" not in client.get(reverse("home")).content.decode()


def test_panel_overview_counts(client, make_user):
    PanelReviewFactory()
    PanelDecisionFactory(outcome="agree")
    PanelDecisionFactory(outcome="agree")
    old = PanelDecisionFactory(outcome="disagree", is_current=False)
    PanelDecisionFactory(
        review=old.review, version=2, outcome="unable_to_conclude", correction_reason="x"
    )
    client.force_login(make_user(Role.PANEL_MEMBER))
    response = client.get(reverse("panel:overview"))
    overview = response.context["overview"]
    assert overview.awaiting_decision == 1
    assert overview.decisions_by_outcome == [
        ("Agreed", 2),
        ("Did not agree", 0),
        ("Unable to conclude", 1),
    ]
    assert overview.letters_not_sent == 0
    client.force_login(make_user(Role.LA_USER))
    assert client.get(reverse("panel:overview")).status_code == 403


def test_panel_home_page_lists_reviews_awaiting_a_decision(client, make_user):
    SubmittedReviewFactory()
    client.force_login(make_user(Role.PANEL_MEMBER))
    html = client.get("/").content.decode()
    assert "Rapid reviews awaiting the Panel&#x27;s decision" in html
