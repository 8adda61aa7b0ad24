"""Every date on a SIN has a window, applied by the rules the web form and the API share
(notifications/rules.py, windows in notifications/timescales.py); a date no case can have
(0001-01-01, 31/12/9999) is refused everywhere, list filters included, never a 500."""

import datetime as dt

import pytest
from django.urls import reverse

from notifications import rules
from notifications.models import Notification

from .factories import DraftNotificationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_10_june_2024")]

TODAY = dt.date(2024, 6, 10)
LIST_URL = "/api/v1/notifications/"


@pytest.fixture
def la_user(leeds_user):
    return leeds_user


def date_fields(name: str, day: dt.date) -> dict:
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


INCIDENT_CASES = [
    (
        {"incident_date": dt.date(2017, 12, 31)},
        "incident_date",
        "Date of the incident must be the same as or after 1 January 2018",
    ),
    (
        {"incident_date": dt.date(2024, 6, 11)},
        "incident_date",
        "Date of the incident must be today or in the past",
    ),
    (
        {"date_aware": dt.date(2017, 12, 31)},
        "date_aware",
        "Date the local authority became aware must be the same as or after 1 January 2018",
    ),
    (
        {"date_aware": dt.date(2024, 6, 11)},
        "date_aware",
        "Date the local authority became aware must be today or in the past",
    ),
    (
        {"incident_date": dt.date(2024, 6, 3), "date_aware": dt.date(2024, 6, 2)},
        "date_aware",
        "Date the local authority became aware must be the same as or after the date of the "
        "incident",
    ),
]


@pytest.mark.parametrize(("dates", "field", "message"), INCIDENT_CASES)
def test_incident_dates_have_a_window(dates, field, message):
    values = {"incident_date": None, "date_aware": None, **dates}
    assert rules.incident_errors(**values, today=TODAY) == {field: [message]}


def test_the_first_and_last_days_of_the_window_are_accepted():
    assert (
        rules.incident_errors(incident_date=dt.date(2018, 1, 1), date_aware=TODAY, today=TODAY)
        == {}
    )
    assert (
        rules.child_errors(
            date_of_birth=dt.date(2000, 1, 1), age_years=None, incident_date=None, today=TODAY
        )
        == {}
    )


@pytest.mark.parametrize(
    ("date_of_birth", "message"),
    [
        (
            dt.date(1999, 12, 31),
            "Date of birth must be the same as or after 1 January 2000: a SIN is for children "
            "under 18",
        ),
        (dt.date(2024, 6, 11), "Date of birth must be today or in the past"),
    ],
)
def test_a_date_of_birth_has_a_window_even_without_an_incident(date_of_birth, message):
    errors = rules.child_errors(
        date_of_birth=date_of_birth, age_years=None, incident_date=None, today=TODAY
    )
    assert errors == {"date_of_birth": [message]}


# The web form: the message is next to the field and in the error summary.


@pytest.mark.parametrize(("dates", "field", "message"), INCIDENT_CASES)
def test_the_incident_page_shows_the_window_next_to_the_field(
    client, la_user, dates, field, message
):
    notification = DraftNotificationFactory(
        created_by=la_user, local_authority=la_user.local_authority
    )
    client.force_login(la_user)
    data = {"version": notification.version, "reason": "death", "action": "draft"}
    for name, day in dates.items():
        data |= date_fields(name, day)

    response = client.post(
        reverse("notifications:notification-incident", args=[notification.pk]), data
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="#id_{field}' in html
    assert message in html
    notification.refresh_from_db()
    assert notification.incident_date is None and notification.date_aware is None


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("1", "1", "0001", "Date of the incident must be the same as or after 1 January 2000"),
        ("31", "12", "9999", "Date of the incident must be the same as or before 31 December 2100"),
        ("1", "1", "18", "Date of the incident year must include 4 numbers"),
    ],
)
def test_a_date_no_case_can_have_is_refused_by_the_web_form(
    client, la_user, day, month, year, message
):
    notification = DraftNotificationFactory(
        created_by=la_user, local_authority=la_user.local_authority
    )
    client.force_login(la_user)
    response = client.post(
        reverse("notifications:notification-incident", args=[notification.pk]),
        {
            "version": notification.version,
            "incident_date_0": day,
            "incident_date_1": month,
            "incident_date_2": year,
            "action": "draft",
        },
    )

    assert response.status_code == 200
    assert message in response.content.decode()


def test_the_child_page_refuses_a_date_of_birth_before_the_window(client, la_user):
    notification = DraftNotificationFactory(
        created_by=la_user, local_authority=la_user.local_authority
    )
    client.force_login(la_user)
    response = client.post(
        reverse("notifications:child-add", args=[notification.pk]),
        {
            "version": notification.version,
            "child_reference": "Child A",
            **date_fields("date_of_birth", dt.date(1990, 5, 1)),
            "sex": "female",
            "harm": "death",
            "action": "continue",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_date_of_birth' in html
    assert "Date of birth must be the same as or after 1 January 2000" in html
    assert not notification.children.exists()


# The API: a 400 on the field, the same words.


@pytest.mark.parametrize(("dates", "field", "message"), INCIDENT_CASES)
def test_the_api_applies_the_same_windows(api_client, la_user, dates, field, message):
    body = {name: day.isoformat() for name, day in dates.items()}

    response = api_client(la_user).post(LIST_URL, body, format="json")

    assert response.status_code == 400
    assert message in response.json()[field]
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "incident_date",
            "0001-01-01",
            "Date of the incident must be the same as or after 1 January 2018",
        ),
        ("incident_date", "9999-12-31", "Date of the incident must be today or in the past"),
        (
            "date_aware",
            "0001-01-01",
            "Date the local authority became aware must be the same as or after 1 January 2018",
        ),
        (
            "date_aware",
            "9999-12-31",
            "Date the local authority became aware must be today or in the past",
        ),
    ],
)
def test_the_api_refuses_a_date_no_case_can_have(api_client, la_user, field, value, message):
    response = api_client(la_user).post(LIST_URL, {field: value}, format="json")

    assert response.status_code == 400
    assert response.json()[field] == [message]


def test_the_api_refuses_a_date_of_birth_before_the_window(api_client, la_user):
    child = {
        "child_reference": "Child A",
        "date_of_birth": "1999-12-31",
        "sex": "male",
        "harm": "death",
    }

    response = api_client(la_user).post(LIST_URL, {"children": [child]}, format="json")

    assert response.status_code == 400
    assert response.json()["children"][0]["date_of_birth"] == [
        "Date of birth must be the same as or after 1 January 2000: a SIN is for children under 18"
    ]


# List filters: any reasonable date, but not one that makes a query range over millennia.


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_a_list_filter_refuses_a_date_no_case_can_have(api_client, la_user, value):
    response = api_client(la_user).get(LIST_URL, {"incident_to": value})

    assert response.status_code == 400
    assert response.json() == {
        "incident_to": ["Enter a date from 1 January 2000 to 31 December 2100"]
    }


def test_the_list_page_shows_the_filter_error_next_to_the_field(client, la_user):
    client.force_login(la_user)

    response = client.get(reverse("notifications:notification-list"), {"incident_from": "1/1/0001"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_incident_from"' in html
    assert "Enter a date from 1 January 2000 to 31 December 2100" in html
