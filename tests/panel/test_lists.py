"""The lists of Panel decisions and of response letters: whole counts, pages that keep the
filters, each filter narrowing the list, and nothing of another partnership's."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from panel.models import Outcome, ResponseLetter
from safeguarding.codes import Role

from ..notifications.factories import SubmittedNotificationFactory
from .factories import PanelDecisionFactory, PanelReviewFactory

DECIDED = datetime(2025, 3, 10, 12, tzinfo=UTC)


def decision_in(authority, **kwargs):
    review = PanelReviewFactory(
        notification=SubmittedNotificationFactory(local_authority=authority),
        partnership=authority.partnership,
    )
    return PanelDecisionFactory(review=review, **kwargs)


def letter_for(decision, status: str, *, sent_at=None, version: int = 1) -> ResponseLetter:
    made = status in (ResponseLetter.Status.RENDERED, ResponseLetter.Status.SENT)
    return ResponseLetter.objects.create(
        review=decision.review,
        decision=decision,
        version=version,
        status=status,
        body="Synthetic letter.",
        created_by=decision.decided_by,
        send_requested_at=None if status == ResponseLetter.Status.DRAFTED else DECIDED,
        pdf="panel-letters/2025/03/letter.pdf" if made else "",
        sha256="a" * 64 if made else "",
        rendered_at=DECIDED if made else None,
        sent_at=sent_at,
    )


def shown(response) -> list:
    return list(response.context["listing"].page.object_list)


@pytest.fixture
def panel(client, make_user):
    client.force_login(make_user(Role.PANEL_MEMBER))
    return client


def test_decisions_are_counted_in_full_and_page_two_keeps_the_filters(panel, leeds):
    for day in range(26):
        decision_in(leeds, outcome=Outcome.AGREE, decided_at=DECIDED - timedelta(days=day))
    decision_in(leeds, outcome=Outcome.DISAGREE, decided_at=DECIDED)
    url = reverse("panel:decision-list")

    first = panel.get(url, {"outcome": "agree"})
    assert "26 decisions" in first.content.decode()
    assert "Showing 1 to 25 of 26 results" in first.content.decode()
    assert "outcome=agree&amp;page=2" in first.content.decode()

    second = panel.get(url, {"outcome": "agree", "page": 2})
    assert [d.decided_at for d in shown(second)] == [DECIDED - timedelta(days=25)]
    assert second.context["form"]["outcome"].value() == "agree"


def test_only_each_reviews_current_decision_is_listed_with_a_link_to_it(panel, leeds):
    first = decision_in(leeds, is_current=False, decided_at=DECIDED)
    corrected = PanelDecisionFactory(
        review=first.review, version=2, correction_reason="Typo.", decided_at=DECIDED
    )
    response = panel.get(reverse("panel:decision-list"))
    assert shown(response) == [corrected]
    html = response.content.decode()
    assert reverse("panel:decision", args=[first.review_id]) in html
    assert "Corrected" in html


@pytest.mark.parametrize(
    "query",
    [
        lambda wanted: {"outcome": "unable_to_conclude"},
        lambda wanted: {"partnership": wanted.review.partnership.code},
        lambda wanted: {"local_authority": wanted.review.notification.local_authority.ons_code},
        lambda wanted: {"region": wanted.review.notification.local_authority.region.code},
        lambda wanted: {"decided_from": "1/1/2025", "decided_to": "31/1/2025"},
        lambda wanted: {"reference": wanted.review.notification.reference[-6:]},
    ],
    ids=["decision", "partnership", "local authority", "region", "dates", "reference"],
)
def test_each_decision_filter_narrows_the_list(panel, leeds, bristol, query):
    wanted = decision_in(
        bristol, outcome=Outcome.UNABLE_TO_CONCLUDE, decided_at=datetime(2025, 1, 15, tzinfo=UTC)
    )
    decision_in(leeds, outcome=Outcome.AGREE, decided_at=DECIDED)
    assert shown(panel.get(reverse("panel:decision-list"), query(wanted))) == [wanted]


def test_a_lead_sees_only_their_partnerships_decisions_whatever_the_filters(
    client, make_user, leeds, bristol
):
    own = decision_in(leeds, decided_at=DECIDED)
    other = decision_in(bristol, decided_at=DECIDED)
    client.force_login(make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership))
    url = reverse("panel:decision-list")
    response = client.get(url)
    assert shown(response) == [own]
    assert other.review.notification.reference not in response.content.decode()
    # With one partnership and one authority to choose from, neither filter is offered; naming
    # the other partnership or its authority changes nothing; its reference finds nothing.
    for query in ({"partnership": bristol.partnership.code}, {"local_authority": bristol.ons_code}):
        response = client.get(url, query)
        assert shown(response) == [own]
        html = response.content.decode()
        assert 'name="partnership"' not in html and 'name="local_authority"' not in html
        assert bristol.partnership.name not in html
    assert shown(client.get(url, {"reference": other.review.notification.reference})) == []


def test_a_date_the_user_got_wrong_is_explained_and_kept_and_the_rest_still_filter(
    panel, leeds, bristol
):
    wanted = decision_in(leeds, outcome=Outcome.AGREE, decided_at=DECIDED)
    decision_in(bristol, outcome=Outcome.DISAGREE, decided_at=DECIDED)
    response = panel.get(
        reverse("panel:decision-list"), {"outcome": "agree", "decided_from": "31/13/2025"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter a date, like 1/4/2024" in html
    assert 'value="31/13/2025"' in html
    assert shown(response) == [wanted]


def test_dates_the_wrong_way_round_are_an_error(panel, leeds):
    decision_in(leeds, decided_at=DECIDED)
    response = panel.get(
        reverse("panel:decision-list"), {"decided_from": "1/3/2025", "decided_to": "1/2/2025"}
    )
    assert "Decided on or before must be the same as or after decided on or after" in (
        response.content.decode()
    )
    assert len(shown(response)) == 1


def test_signed_out_people_are_sent_to_sign_in(client):
    for name in ("panel:decision-list", "panel:letter-list"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "sign-in" in response.url


def test_failed_letters_come_first_then_unsent_then_the_latest_sent_across_pages(panel, leeds):
    decision = decision_in(leeds, decided_at=DECIDED)
    sent = [
        letter_for(decision, "sent", sent_at=DECIDED + timedelta(days=n), version=n + 1)
        for n in range(25)
    ]
    waiting = letter_for(decision, "rendering", version=26)
    failed = letter_for(decision_in(leeds, decided_at=DECIDED), "failed")
    url = reverse("panel:letter-list")

    first = panel.get(url)
    assert first.context["listing"].count == 27
    assert shown(first)[:3] == [failed, waiting, sent[-1]]
    assert shown(panel.get(url, {"page": 2})) == [sent[1], sent[0]]


def test_letter_filters_narrow_the_list(panel, leeds, bristol):
    in_leeds = letter_for(decision_in(leeds, decided_at=DECIDED), "sent", sent_at=DECIDED)
    in_bristol = letter_for(
        decision_in(bristol, decided_at=DECIDED), "sent", sent_at=datetime(2025, 1, 5, tzinfo=UTC)
    )
    draft = letter_for(decision_in(leeds, decided_at=DECIDED), "drafted")
    url = reverse("panel:letter-list")
    assert shown(panel.get(url, {"status": "drafted"})) == [draft]
    assert shown(panel.get(url, {"partnership": bristol.partnership.code})) == [in_bristol]
    assert shown(panel.get(url, {"region": bristol.region.code})) == [in_bristol]
    assert shown(panel.get(url, {"sent_from": "1/3/2025", "sent_to": "31/3/2025"})) == [in_leeds]
    reference = in_bristol.review.notification.reference
    assert shown(panel.get(url, {"reference": reference})) == [in_bristol]


def test_a_lead_sees_their_partnerships_sent_letters_only_and_can_download_them(
    client, make_user, leeds, bristol
):
    decision = decision_in(leeds, decided_at=DECIDED)
    sent = letter_for(decision, "sent", sent_at=DECIDED)
    letter_for(decision, "drafted", version=2)
    other = letter_for(decision_in(bristol, decided_at=DECIDED), "sent", sent_at=DECIDED)
    client.force_login(make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership))
    url = reverse("panel:letter-list")
    response = client.get(url)
    assert shown(response) == [sent]
    html = response.content.decode()
    assert reverse("panel:letter-download", args=[sent.pk]) in html
    assert reverse("panel:decision", args=[sent.review_id]) in html
    assert 'name="status"' not in html
    assert other not in shown(client.get(url, {"partnership": bristol.partnership.code}))
    assert shown(client.get(url, {"reference": other.review.notification.reference})) == []


def test_the_overview_links_to_both_lists(panel):
    html = panel.get(reverse("panel:overview")).content.decode()
    assert reverse("panel:decision-list") in html
    assert reverse("panel:letter-list") in html


def test_a_leads_home_page_links_to_the_panels_recent_letters(client, make_user, leeds):
    decision = decision_in(leeds, decided_at=DECIDED)
    with time_machine.travel(datetime(2025, 3, 20, 10, tzinfo=UTC)):
        letter_for(decision, "sent", sent_at=DECIDED)
        letter_for(decision, "sent", sent_at=DECIDED - timedelta(days=40), version=2)
        client.force_login(make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership))
        html = client.get(reverse("home")).content.decode()
    assert "Letters from the Panel in the last 30 days" in html
    assert reverse("panel:letter-list") + "?sent_from=18%2F2%2F2025" in html


def test_the_panels_home_page_links_unsent_letters_to_the_letters_list(panel, leeds):
    letter_for(decision_in(leeds, decided_at=DECIDED), "failed")
    html = panel.get(reverse("home")).content.decode()
    assert f'href="{reverse("panel:letter-list")}"' in html
