"""The Panel queue as a list: every waiting review counted and paged (no cut at 500), the
longest waiting first on every page, filters for where a review is in the Panel's work and
the partnership's LCSPR decision, kept from page to page, and the Panel's scope."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from panel.models import ResponseLetter
from panel.services import panel_stage_refresh
from rapidreviews.models import RapidReview
from safeguarding.codes import Role
from safeguarding.models import AuditEvent

from ..rapidreviews.factories import RapidReviewFactory
from .factories import PanelDecisionFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2024, 9, 2, 10, 0, tzinfo=LONDON)
URL = reverse("panel:queue")


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def panel_client(client, make_user):
    client.force_login(make_user(Role.PANEL_MEMBER))
    return client


def submitted(days_ago: int, **kwargs) -> RapidReview:
    """A submitted review (answers left out: the queue shows none of them)."""
    return RapidReviewFactory(
        status=RapidReview.Status.SUBMITTED,
        submitted_at=NOW - timedelta(days=days_ago),
        working_days_taken=10,
        submitted_on_time=True,
        **kwargs,
    )


def letter_sent(review: RapidReview) -> None:
    decision = PanelDecisionFactory(review=review)
    letter = ResponseLetter(
        review=review,
        decision=decision,
        version=1,
        status=ResponseLetter.Status.SENT,
        body="Synthetic letter.",
        sha256="0" * 64,
        rendered_at=timezone.now(),
        sent_at=timezone.now(),
        created_by=decision.decided_by,
    )
    letter.pdf.save("letter.pdf", ContentFile(b"%PDF-1.4"), save=False)
    letter.save()
    panel_stage_refresh(reviews=[review.pk])  # saved directly, not sent by the service


def references(response) -> list[str]:
    return [row["review"].notification.reference for row in response.context["rows"]]


def test_every_waiting_review_is_counted_and_paged_longest_waiting_first(panel_client):
    waiting = [submitted(days_ago=40 - n) for n in range(28)]
    PanelDecisionFactory(review=submitted(days_ago=60))
    first = panel_client.get(URL)
    html = first.content.decode()
    assert "28 rapid reviews waiting for a decision" in html
    assert "Showing 1 to 25 of 28 results" in html
    assert references(first) == [r.notification.reference for r in waiting[:25]]
    assert [row["days_waiting"] for row in first.context["rows"]][:2] == [40, 39]
    second = panel_client.get(URL, {"page": 2})
    assert references(second) == [r.notification.reference for r in waiting[25:]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"waiting", "bristol"}),
        ({"stage": "awaiting"}, {"waiting", "bristol"}),
        ({"stage": "decided"}, {"decided"}),
        ({"stage": "letter_sent"}, {"sent"}),
        ({"stage": "all"}, {"waiting", "bristol", "decided", "sent"}),
        ({"lcspr_decision": "lcspr"}, {"bristol"}),
        ({"partnership": "bristol"}, {"bristol"}),
        ({"local_authority": "E06000023"}, {"bristol"}),
        ({"region": "south_west"}, {"bristol"}),
        ({"submitted_from": "1/8/2024", "submitted_to": "20/8/2024"}, {"bristol"}),
        ({"reference": "SIN-QUEUE-W"}, {"waiting"}),
    ],
)
def test_each_filter_narrows_the_queue(panel_client, bristol, query, expected):
    made = {
        "waiting": submitted(days_ago=40),
        "bristol": submitted(
            days_ago=20,
            notification__local_authority=bristol,
            partnership=bristol.partnership,
            lcspr_decision="lcspr",
        ),
        "decided": submitted(days_ago=50),
        "sent": submitted(days_ago=60),
    }
    made["waiting"].notification.reference = "SIN-QUEUE-WAITING"
    made["waiting"].notification.save(update_fields=["reference"])
    PanelDecisionFactory(review=made["decided"])
    letter_sent(made["sent"])
    response = panel_client.get(URL, query)
    assert not response.context["form"].errors
    assert set(references(response)) == {made[key].notification.reference for key in expected}


def test_decided_reviews_come_after_those_waiting_and_say_where_they_are(panel_client):
    decided = submitted(days_ago=90)
    PanelDecisionFactory(review=decided)
    waiting = submitted(days_ago=3)
    response = panel_client.get(URL, {"stage": "all"})
    assert references(response) == [waiting.notification.reference, decided.notification.reference]
    html = response.content.decode()
    assert "Awaiting decision" in html and "Decided" in html


def test_page_two_keeps_the_filters_and_the_read_is_audited(panel_client):
    reviews = [submitted(days_ago=40 - n, lcspr_decision="no_lcspr") for n in range(27)]
    submitted(days_ago=50, lcspr_decision="lcspr")
    response = panel_client.get(URL, {"lcspr_decision": "no_lcspr", "page": 2})
    assert "lcspr_decision=no_lcspr&amp;page=1" in response.content.decode()
    assert references(response) == [r.notification.reference for r in reviews[25:]]
    event = AuditEvent.objects.filter(content_type__model="rapidreview").latest("id")
    assert event.changes["ids"] == [r.pk for r in reviews[25:]]
    assert event.changes["filters"] == {"lcspr_decision": "no_lcspr"}
    assert event.changes["page"] == 2


def test_a_wrong_filter_is_explained_and_the_queue_shown_without_it(panel_client):
    submitted(days_ago=4)
    response = panel_client.get(URL, {"stage": "nonsense", "submitted_from": "yesterday"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Enter a date, like 1/4/2024" in html
    assert len(response.context["rows"]) == 1
