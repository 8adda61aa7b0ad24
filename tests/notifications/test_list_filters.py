"""The SIN list's filters by region, notified late, and drafts due soon or overdue (5 working
days from the date the local authority became aware), on the page and in the API alike."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from notifications.timescales import notification_aware_cutoff, notification_due_date
from safeguarding.codes import Role

from .factories import DraftNotificationFactory, SubmittedNotificationFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/notifications/"
LIST = "/notifications/"


@pytest.fixture(autouse=True)
def _wednesday_11_june_2025():
    with time_machine.travel(datetime(2025, 6, 11, 10, tzinfo=ZoneInfo("Europe/London"))):
        yield


@pytest.fixture
def drafts(leeds):
    return {
        "overdue": DraftNotificationFactory(date_aware=date(2025, 6, 2)),  # due Mon 9 June
        "due_today": DraftNotificationFactory(date_aware=date(2025, 6, 4)),  # due Wed 11 June
        "due_tomorrow": DraftNotificationFactory(date_aware=date(2025, 6, 5)),  # due Thu 12
        "later": DraftNotificationFactory(date_aware=date(2025, 6, 6)),  # due Fri 13 June
        "no_date": DraftNotificationFactory(),
        "late": SubmittedNotificationFactory(notified_on_time=False, date_aware=date(2025, 5, 1)),
    }


@pytest.fixture
def leeds_user(make_user, leeds):
    return make_user(Role.LA_USER, local_authority=leeds)


def listed(client, query) -> set:
    return {n.pk for n in client.get(LIST, query).context["listing"].page}


@pytest.mark.parametrize(
    ("page_query", "api_query", "expected"),
    [
        ({"draft_overdue": "on"}, {"draft_overdue": "true"}, {"overdue"}),
        ({"draft_due_soon": "on"}, {"draft_due_soon": "true"}, {"due_today", "due_tomorrow"}),
        ({"notified_late": "on"}, {"notified_late": "true"}, {"late"}),
    ],
)
def test_deadline_filters_on_the_page_and_in_the_api(
    client, api_client, leeds_user, drafts, page_query, api_query, expected
):
    client.force_login(leeds_user)
    in_api = {item["id"] for item in api_client(leeds_user).get(API, api_query).json()["results"]}
    wanted = {drafts[name].pk for name in expected}
    assert listed(client, page_query) == in_api == wanted


def test_false_means_the_others(api_client, leeds_user, drafts):
    found = api_client(leeds_user).get(API, {"draft_overdue": "false"}).json()["results"]
    assert drafts["overdue"].pk not in {item["id"] for item in found}
    assert len(found) == len(drafts) - 1


def test_region_narrows_the_list_and_names_no_other_region(client, make_user, leeds, bristol):
    in_leeds = SubmittedNotificationFactory()
    in_bristol = SubmittedNotificationFactory(local_authority=bristol)
    client.force_login(make_user(Role.PANEL_SECRETARIAT))
    assert listed(client, {"region": bristol.region.code}) == {in_bristol.pk}
    assert listed(client, {"region": leeds.region.code}) == {in_leeds.pk}
    refused = client.get(LIST, {"region": "atlantis"})
    assert refused.status_code == 200
    assert "There is a problem" in refused.content.decode()


def test_another_authoritys_overdue_draft_never_appears(client, make_user, leeds, bristol):
    DraftNotificationFactory(local_authority=bristol, date_aware=date(2025, 6, 2))
    client.force_login(make_user(Role.LA_USER, local_authority=leeds))
    assert listed(client, {"draft_overdue": "on"}) == set()


def test_the_cutoff_turns_due_before_into_aware_before():
    for day in range(1, 29):
        due_from = date(2025, 12, day)  # across Christmas and Boxing Day
        cutoff = notification_aware_cutoff(due_from)
        assert notification_due_date(cutoff) >= due_from
        assert notification_due_date(date.fromordinal(cutoff.toordinal() - 1)) < due_from
