"""Drafts that can be thrown away: starting records nothing until the first save, a draft is
named by its incident and shows when it is due, and its authority can delete it."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from notifications import services
from notifications.models import Notification
from safeguarding.codes import Role
from safeguarding.models import AuditAction, AuditEvent, LocalAuthority

from .factories import CompleteDraftFactory, DraftNotificationFactory, SubmittedNotificationFactory

pytestmark = pytest.mark.django_db
# Wednesday 5 June 2024, London.
WEDNESDAY = "2024-06-05 10:00 +01:00"


def url(name, *args):
    return reverse(f"notifications:{name}", args=args)


def date_fields(name, day: date) -> dict:
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


@pytest.fixture
def la_client(client, make_user, leeds):
    client.user = make_user(Role.LA_USER, local_authority=leeds)
    client.force_login(client.user)
    return client


def test_opening_the_start_page_and_cancelling_leaves_no_draft(la_client):
    page = la_client.get(url("notification-start"))

    assert page.status_code == 200
    assert "When did the incident happen?" in page.text
    assert f'href="{url("notification-list")}">Cancel' in page.text
    assert not Notification.objects.exists()
    assert "Draft notifications not yet sent" not in la_client.get("/").text


def test_saving_an_empty_start_as_a_draft_records_nothing(la_client):
    response = la_client.post(url("notification-start"), {"version": 1, "action": "draft"})

    assert response.status_code == 302
    assert response["Location"] == url("notification-list")
    assert not Notification.objects.exists()
    assert "Nothing was saved" in la_client.get(response["Location"]).text


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_first_save_creates_the_draft_with_its_incident(la_client):
    response = la_client.post(
        url("notification-start"),
        {
            "version": 1,
            **date_fields("incident_date", date(2024, 5, 24)),
            **date_fields("date_aware", date(2024, 6, 3)),
            "reason": "death",
            "action": "continue",
        },
    )

    draft = Notification.objects.get()
    assert response["Location"] == url("notification-children", draft.pk)
    assert (draft.incident_date, draft.reason, draft.created_by) == (
        date(2024, 5, 24),
        "death",
        la_client.user,
    )
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(draft.pk)).exists()


@time_machine.travel(WEDNESDAY, tick=False)
def test_answers_that_break_the_rules_create_nothing(la_client):
    response = la_client.post(
        url("notification-start"),
        {
            "version": 1,
            **date_fields("incident_date", date(2024, 6, 4)),
            **date_fields("date_aware", date(2024, 6, 3)),
            "reason": "death",
            "action": "continue",
        },
    )

    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert not Notification.objects.exists()


@time_machine.travel(WEDNESDAY, tick=False)
def test_drafts_are_named_by_their_incident_and_show_when_they_are_due(la_client):
    # Aware on Monday 3 June: 5 working days later is Monday 10 June.
    named = CompleteDraftFactory(
        created_by=la_client.user,
        incident_date=date(2024, 5, 24),
        date_aware=date(2024, 6, 3),
        reason="death",
    )
    DraftNotificationFactory(created_by=la_client.user)

    listing = la_client.get(url("notification-list")).text
    task_list = la_client.get(url("notification-detail", named.pk)).text
    home = la_client.get("/").text

    assert "Draft: death, 24 May 2024" in listing
    assert "Draft started 5 June 2024" in listing
    assert "Due by 10 June 2024" in listing
    assert "Draft notification" not in listing.replace("Draft notifications", "")
    assert "Draft: death, 24 May 2024" in task_list
    assert "10 June 2024" in task_list
    assert "Draft: death, 24 May 2024 is due first, by 10 June 2024." in home


def test_a_draft_without_a_date_aware_is_not_urgent(la_client):
    DraftNotificationFactory(created_by=la_client.user)
    home = la_client.get("/").text
    assert "Draft notifications not yet sent to the Panel" in home
    assert "Urgent" not in home


def test_the_authority_deletes_a_draft_after_confirming(la_client):
    draft = CompleteDraftFactory(created_by=la_client.user, incident_date=date(2024, 5, 24))
    assert (
        url("notification-delete", draft.pk)
        in la_client.get(url("notification-detail", draft.pk)).text
    )

    confirm = la_client.get(url("notification-delete", draft.pk)).text
    assert "Are you sure you want to delete this draft notification?" in confirm
    assert "govuk-button--warning" in confirm and "govuk-warning-text" in confirm

    response = la_client.post(url("notification-delete", draft.pk), follow=True)

    assert response.redirect_chain[-1][0] == url("notification-list")
    assert "Draft: serious harm, 24 May 2024 has been deleted" in response.text
    assert not Notification.objects.filter(pk=draft.pk).exists()
    event = AuditEvent.objects.get(action=AuditAction.DELETE, object_id=str(draft.pk))
    assert event.actor == la_client.user and event.changes == {"children": 1}


def test_a_submitted_notification_cannot_be_deleted(la_client):
    submitted = SubmittedNotificationFactory(created_by=la_client.user)

    response = la_client.post(url("notification-delete", submitted.pk))

    assert response["Location"] == url("notification-detail", submitted.pk)
    assert Notification.objects.filter(pk=submitted.pk).exists()
    assert (
        url("notification-delete", submitted.pk)
        not in la_client.get(url("notification-detail", submitted.pk)).text
    )
    with pytest.raises(services.NotificationError):
        services.notification_draft_delete(notification=submitted, by=la_client.user)
    assert Notification.objects.filter(pk=submitted.pk).exists()


def test_another_authoritys_draft_answers_404_on_the_delete_page(la_client):
    kent = LocalAuthority.objects.get(name="Kent")
    theirs = DraftNotificationFactory(local_authority=kent)

    assert la_client.get(url("notification-delete", theirs.pk)).status_code == 404
    assert la_client.post(url("notification-delete", theirs.pk)).status_code == 404
    assert Notification.objects.filter(pk=theirs.pk).exists()


def test_only_local_authority_users_may_delete_drafts(client, make_user):
    draft = DraftNotificationFactory()
    client.force_login(make_user(Role.PANEL_MEMBER))
    assert client.post(url("notification-delete", draft.pk)).status_code == 404
    assert Notification.objects.filter(pk=draft.pk).exists()
