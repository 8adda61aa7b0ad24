"""The SIN list's filters: one FilterSet (`NotificationFilter`), applied by the list's selector
for the list page and the API alike."""

from datetime import date

import pytest
from django.urls import reverse

from notifications.selectors import SORTS, NotificationFilter, notification_list
from safeguarding.api.schema import filter_parameters
from safeguarding.codes import Role
from safeguarding.filters import DATE_INVALID, FilterInvalid
from safeguarding.models import LocalAuthority

from .factories import SubmittedNotificationFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/notifications/"


@pytest.fixture
def sins(leeds):
    bristol = LocalAuthority.objects.get(name="Bristol")
    return {
        "death": SubmittedNotificationFactory(reason="death", incident_date=date(2024, 5, 1)),
        "harm": SubmittedNotificationFactory(reason="serious_harm", incident_date=date(2024, 7, 1)),
        "bristol": SubmittedNotificationFactory(
            local_authority=bristol, incident_date=date(2024, 6, 1)
        ),
    }


@pytest.fixture
def secretariat(make_user):
    return make_user(Role.PANEL_SECRETARIAT)


# The same filter as the page's form writes it and as the API takes it, and what it finds.
CASES = [
    ({"reason": "death"}, {"reason": "death"}, {"death"}),
    ({"local_authority": "E08000035"}, {"local_authority": "E08000035"}, {"death", "harm"}),
    ({"incident_from": "1/6/2024"}, {"incident_from": "2024-06-01"}, {"harm", "bristol"}),
    ({"incident_to": "31/5/2024"}, {"incident_to": "2024-05-31"}, {"death"}),
    (
        {"incident_from": "1/5/2024", "incident_to": "1/6/2024", "reason": "death"},
        {"incident_from": "2024-05-01", "incident_to": "2024-06-01", "reason": "death"},
        {"death"},
    ),
]


@pytest.mark.parametrize(("page_query", "api_query", "expected"), CASES)
def test_the_page_and_the_api_find_the_same_sins(
    client, api_client, secretariat, sins, page_query, api_query, expected
):
    client.force_login(secretariat)
    html = client.get(reverse("notifications:notification-list"), page_query).content.decode()
    listed = api_client(secretariat).get(API, api_query).json()["results"]

    on_page = {name for name, sin in sins.items() if sin.reference in html}
    in_api = {name for name, sin in sins.items() if sin.pk in {item["id"] for item in listed}}
    assert on_page == in_api == expected


@pytest.mark.parametrize(("page_query", "api_query", "expected"), CASES)
def test_the_selector_applies_the_filterset(secretariat, sins, page_query, api_query, expected):
    found = set(notification_list(user=secretariat, filters=api_query))

    assert found == {sins[name] for name in expected}


def test_no_filters_and_empty_filters_filter_nothing(secretariat, sins):
    everything = set(sins.values())

    assert set(notification_list(user=secretariat)) == everything
    assert set(notification_list(user=secretariat, filters={"reason": "", "sort": ""})) == (
        everything
    )


def test_sorting_is_a_filter_too(secretariat, sins):
    by_incident = list(notification_list(user=secretariat, filters={"sort": "incident"}))

    assert by_incident == [sins["harm"], sins["bristol"], sins["death"]]


def test_a_filter_that_does_not_parse_is_refused_naming_it(secretariat):
    with pytest.raises(FilterInvalid) as raised:
        notification_list(
            user=secretariat, filters={"incident_from": "2024-06-02", "incident_to": "1/6/2024"}
        )

    assert raised.value.errors == {"incident_to": [DATE_INVALID]}


def test_dates_out_of_order_are_refused_on_the_later_one(secretariat):
    with pytest.raises(FilterInvalid) as raised:
        notification_list(
            user=secretariat, filters={"incident_from": "2024-06-02", "incident_to": "2024-06-01"}
        )

    assert raised.value.errors == {
        "incident_to": ["incident_to must be the same as or after incident_from"]
    }


def test_a_bad_value_is_a_form_error_on_the_page_and_a_400_in_the_api(
    client, api_client, secretariat, sins
):
    client.force_login(secretariat)

    page = client.get(reverse("notifications:notification-list"), {"incident_from": "x"})
    api = api_client(secretariat).get(API, {"incident_from": "x"})

    assert page.status_code == 200
    assert "Enter a date, like 31/3/2025" in page.content.decode()
    assert api.status_code == 400
    assert api.json() == {"incident_from": [DATE_INVALID]}


def test_the_schema_documents_each_filter_from_the_filterset():
    parameters = {parameter.name: parameter for parameter in filter_parameters(NotificationFilter)}

    assert set(parameters) == {
        "status",
        "reason",
        "local_authority",
        "incident_from",
        "incident_to",
        "reference",
        "region",
        "notified_late",
        "draft_due_soon",
        "draft_overdue",
        "withdrawn",
        "sort",
    }
    assert parameters["sort"].enum == list(SORTS)
    assert parameters["incident_from"].description.startswith("Incidents on or after")
