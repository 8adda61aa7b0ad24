"""A notification's children are limited (settings.NOTIFICATION_MAX_CHILDREN) and saving
them costs the same number of queries however many there are: a request with thousands of
children is refused quickly, without the worker's memory growing."""

import time

import pytest
from django.urls import reverse

from notifications.models import Notification, NotificationChild
from tests.memory import MB, peak_growth

from .factories import DraftNotificationFactory, NotificationChildFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_10_june_2024")]
LIST_URL = "/api/v1/notifications/"


def children(count: int) -> list[dict]:
    return [
        {
            "child_reference": f"Child {number}",
            "age_years": number % 18,
            "sex": "female" if number % 2 else "male",
            "harm": "serious_harm" if number % 3 else "death",
        }
        for number in range(count)
    ]


def draft(count: int) -> dict:
    return {"incident_date": "2024-06-03", "reason": "death", "children": children(count)}


def test_the_api_refuses_more_children_than_the_limit_with_a_field_error(
    api_client, leeds_user, settings
):
    settings.NOTIFICATION_MAX_CHILDREN = 4
    response = api_client(leeds_user).post(LIST_URL, draft(5), format="json")
    assert response.status_code == 400
    assert response.json() == {
        "children": [
            "A notification can have at most 4 children: this one would have 5. Notify the "
            "rest in another notification, or tell the Panel"
        ]
    }
    assert not Notification.objects.exists()

    response = api_client(leeds_user).post(LIST_URL, draft(4), format="json")
    assert response.status_code == 201
    assert NotificationChild.objects.count() == 4


def test_a_3000_child_notification_is_refused_quickly_without_the_memory_growing(
    api_client, leeds_user
):
    client = api_client(leeds_user)
    started = time.monotonic()
    response, growth = peak_growth(lambda: client.post(LIST_URL, draft(3_000), format="json"))
    assert response.status_code == 400
    assert "at most 20 children" in response.json()["children"][0]
    assert time.monotonic() - started < 2
    assert growth < 50 * MB
    assert not Notification.objects.exists()


def test_saving_children_costs_the_same_queries_however_many_there_are(
    api_client, leeds_user, django_assert_max_num_queries
):
    client = api_client(leeds_user)
    with django_assert_max_num_queries(80) as two:
        assert client.post(LIST_URL, draft(2), format="json").status_code == 201
    with django_assert_max_num_queries(len(two.captured_queries)):
        response = client.post(LIST_URL, draft(20), format="json")
    assert response.status_code == 201
    body = response.json()
    assert len(body["children"]) == 20
    # The child in focus, once: the eldest of those who died (ages 15 and 12 died; 15 eldest).
    in_focus = [c["child_reference"] for c in body["children"] if c["is_child_in_focus"]]
    assert in_focus == ["Child 15"]


def test_repeated_references_in_one_request_are_a_childs_error(api_client, leeds_user):
    payload = draft(3)
    payload["children"][2]["child_reference"] = "child 0"
    response = api_client(leeds_user).post(LIST_URL, payload, format="json")
    assert response.status_code == 400
    assert response.json()["children"] == [
        {},
        {},
        {"child_reference": ["Each child on a notification needs a different reference"]},
    ]


def test_the_web_form_refuses_a_child_over_the_limit(client, leeds_user, settings):
    settings.NOTIFICATION_MAX_CHILDREN = 2
    notification = DraftNotificationFactory(local_authority=leeds_user.local_authority)
    NotificationChildFactory.create_batch(2, notification=notification)
    client.force_login(leeds_user)
    page = client.get(reverse("notifications:notification-children", args=[notification.pk]))
    assert "A notification can have at most 2 children" in page.content.decode()
    assert "Add another child" not in page.content.decode()

    notification.refresh_from_db()
    response = client.post(
        reverse("notifications:child-add", args=[notification.pk]),
        {
            "version": notification.version,
            "child_reference": "Child Z",
            "age_years": 3,
            "sex": "male",
            "harm": "death",
            "action": "continue",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "A notification can have at most 2 children: this one would have 3" in html
    assert notification.children.count() == 2
