""" "Change" on the SIN's check answers page comes back to check answers once saved."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from safeguarding.codes import Role

from .factories import CompleteDraftFactory

pytestmark = pytest.mark.django_db
MONDAY = "2024-06-10 10:00 +01:00"


@pytest.fixture
def la_client(client, make_user, leeds):
    client.force_login(make_user(Role.LA_USER, local_authority=leeds))
    return client


def url(name, *args):
    return reverse(f"notifications:{name}", args=args)


def incident(day: date, **extra) -> dict:
    return {
        "incident_date_0": day.day,
        "incident_date_1": day.month,
        "incident_date_2": day.year,
        "date_aware_0": 4,
        "date_aware_1": 6,
        "date_aware_2": 2024,
        "reason": "serious_harm",
        **extra,
    }


@time_machine.travel(MONDAY, tick=False)
def test_change_from_check_answers_returns_there_after_saving(la_client):
    draft = CompleteDraftFactory()
    check = la_client.get(url("notification-check", draft.pk)).text
    change = f"{url('notification-incident', draft.pk)}?return=check"
    assert change in check
    child = draft.children.get()
    assert f"{url('child-edit', draft.pk, child.pk)}?return=check" in check

    form = la_client.get(change).text
    assert f'href="{url("notification-check", draft.pk)}" class="govuk-back-link"' in form

    response = la_client.post(change, incident(date(2024, 6, 1), version=draft.version))

    assert response["Location"] == url("notification-check", draft.pk)
    assert "1 June 2024" in la_client.get(response["Location"]).text


@time_machine.travel(MONDAY, tick=False)
def test_without_return_the_section_goes_on_through_the_journey(la_client):
    draft = CompleteDraftFactory()
    response = la_client.post(
        f"{url('notification-incident', draft.pk)}?return=https://evil.example/",
        incident(date(2024, 6, 1), version=draft.version),
    )
    assert response["Location"] == url("notification-children", draft.pk)


@time_machine.travel(MONDAY, tick=False)
def test_a_stale_version_from_check_answers_is_a_conflict_not_a_save(la_client):
    draft = CompleteDraftFactory()
    response = la_client.post(
        f"{url('notification-incident', draft.pk)}?return=check",
        incident(date(2024, 6, 1), version=draft.version + 5),
    )
    assert response.status_code == 200
    assert "Someone else changed this notification" in response.text
    draft.refresh_from_db()
    assert draft.incident_date == date(2024, 6, 3)
