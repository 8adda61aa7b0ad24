"""The API for Panel meetings (issue 17, item 2): the same services as the web pages, the
secretariat writes with the version it read, the Panel reads, nobody else sees meetings."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from panel.models import PanelMeeting
from safeguarding.codes import Role
from safeguarding.models import InboxMessage

from .factories import CHILD_NAME, PanelReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2027, 1, 5, 10, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def secretariat(make_user):
    return make_user(Role.PANEL_SECRETARIAT)


@pytest.fixture
def member(make_user):
    return make_user(Role.PANEL_MEMBER)


def _create(api, member) -> dict:
    response = api.post(
        reverse("panel-api:meeting-list"),
        {
            "date": "2027-01-12",
            "start_time": "10:30",
            "location": "Online",
            "attendees": [member.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_the_secretariat_schedules_sets_the_agenda_changes_and_cancels_a_meeting(
    api_client, secretariat, member, django_capture_on_commit_callbacks
):
    api = api_client(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        created = _create(api, member)
    assert created["title"] == "Panel meeting" and created["status"] == "scheduled"
    assert created["start_time"] == "10:30"
    assert [a["id"] for a in created["attendees"]] == [member.pk]
    assert InboxMessage.objects.filter(recipient=member).exists()
    pk = created["id"]

    review = PanelReviewFactory()
    response = api.post(
        reverse("panel-api:meeting-agenda", args=[pk]), {"reviews": [review.pk]}, format="json"
    )
    assert response.status_code == 201
    agenda = response.json()["agenda"]
    assert agenda[0]["reference"] == review.notification.reference
    assert agenda[0]["child_reference"] == review.notification.child_in_focus.child_reference
    assert CHILD_NAME not in response.content.decode()
    # Once per meeting.
    again = api.post(
        reverse("panel-api:meeting-agenda", args=[pk]), {"reviews": [review.pk]}, format="json"
    )
    assert again.status_code == 400
    assert "already on this meeting's agenda" in again.json()["reviews"][0]

    body = {"date": "2027-01-13", "start_time": "14:00", "location": "Room 2", "attendees": []}
    stale = api.patch(
        reverse("panel-api:meeting-detail", args=[pk]),
        {**body, "version": created["version"] + 5},
        format="json",
    )
    assert stale.status_code == 409
    changed = api.patch(
        reverse("panel-api:meeting-detail", args=[pk]),
        {**body, "version": created["version"]},
        format="json",
    )
    assert changed.status_code == 200
    assert changed.json()["date"] == "2027-01-13" and changed.json()["attendees"] == []

    item = changed.json()["agenda"][0]["id"]
    removed = api.delete(reverse("panel-api:agenda-item-detail", args=[pk, item]))
    assert removed.status_code == 204

    cancelled = api.post(
        reverse("panel-api:meeting-cancel", args=[pk]),
        {"version": changed.json()["version"], "reason": "Not quorate"},
        format="json",
    )
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert PanelMeeting.objects.get(pk=pk).cancellation_reason == "Not quorate"


def test_a_meeting_in_the_past_or_with_a_non_member_is_refused(api_client, secretariat, make_user):
    api = api_client(secretariat)
    lead = make_user(Role.PARTNERSHIP_LEAD)
    past = api.post(
        reverse("panel-api:meeting-list"),
        {"date": "2027-01-01", "start_time": "10:00", "location": "Online"},
        format="json",
    )
    assert past.status_code == 400 and "date" in past.json()
    outsider = api.post(
        reverse("panel-api:meeting-list"),
        {"date": "2027-01-12", "start_time": "10:00", "location": "Online", "attendees": [lead.pk]},
        format="json",
    )
    assert outsider.status_code == 400 and "attendees" in outsider.json()
    assert not PanelMeeting.objects.exists()


def test_members_read_meetings_but_do_not_write_them(api_client, secretariat, member):
    created = _create(api_client(secretariat), member)
    api = api_client(member)
    listed = api.get(reverse("panel-api:meeting-list"))
    assert listed.status_code == 200 and [m["id"] for m in listed.json()] == [created["id"]]
    assert api.get(reverse("panel-api:meeting-detail", args=[created["id"]])).status_code == 200
    refused = api.post(
        reverse("panel-api:meeting-cancel", args=[created["id"]]),
        {"version": created["version"], "reason": "No"},
        format="json",
    )
    assert refused.status_code == 403


@pytest.mark.parametrize("role", [Role.PARTNERSHIP_LEAD, Role.LA_USER, Role.DFE_VIEWER])
def test_outside_the_panel_meetings_are_refused_or_not_found(
    api_client, secretariat, member, make_user, role
):
    created = _create(api_client(secretariat), member)
    api = api_client(make_user(role))
    assert api.get(reverse("panel-api:meeting-list")).status_code == 403
    assert api.get(reverse("panel-api:meeting-detail", args=[created["id"]])).status_code == 404
