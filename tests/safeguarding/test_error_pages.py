"""Errors look like the service (issue 13, item 10): with DEBUG on, as under `make run`, a wrong
address, another authority's case and a crash answer with the service's own pages; Django's
technical pages only when DEBUG_TECHNICAL_ERRORS asks. E-mail links use SITE_URL."""

import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from notifications import services as notification_services
from safeguarding.codes import Role
from tests.notifications.factories import CompleteDraftFactory

TECHNICAL = ("Page not found (404)", "Using the URLconf", "Traceback", "DEBUG = True")
MONDAY = "2024-06-10 10:00"


@pytest.fixture
def debug(settings):
    settings.DEBUG = True
    settings.DEBUG_TECHNICAL_ERRORS = False
    return settings


def _page(response) -> str:
    """The page as the user sees it: without the per-request CSP nonce and CSRF token."""
    html = response.content.decode()
    html = re.sub(r'nonce="[^"]*"', "", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def _assert_service_page(response, status: int, heading: str) -> None:
    assert response.status_code == status
    html = response.content.decode()
    assert heading in html
    for text in TECHNICAL:
        assert text not in html


@time_machine.travel(MONDAY, tick=False)
def test_a_wrong_address_shows_the_service_404_page_under_debug(debug, client, make_user, leeds):
    client.force_login(make_user(Role.LA_USER, local_authority=leeds))
    _assert_service_page(client.get("/no-such-page/"), 404, "Page not found")


@time_machine.travel(MONDAY, tick=False)
def test_another_authoritys_case_looks_exactly_like_a_missing_one_under_debug(
    debug, client, make_user, bristol
):
    notification = CompleteDraftFactory()  # Leeds's
    client.force_login(make_user(Role.LA_USER, local_authority=bristol))
    theirs = client.get(reverse("notifications:notification-detail", args=[notification.pk]))
    missing = client.get(
        reverse("notifications:notification-detail", args=[notification.pk + 1000])
    )
    _assert_service_page(theirs, 404, "Page not found")
    assert _page(theirs) == _page(missing)


@time_machine.travel(MONDAY, tick=False)
def test_a_missing_trailing_slash_is_still_redirected_under_debug(debug, client, make_user, leeds):
    client.force_login(make_user(Role.LA_USER, local_authority=leeds))
    response = client.get("/notifications")
    assert response.status_code == 301
    assert response["Location"] == "/notifications/"


@time_machine.travel(MONDAY, tick=False)
def test_a_crash_shows_the_service_500_page_under_debug(debug, make_user, leeds, monkeypatch):
    def crash(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("notifications.selectors.notification_list", crash)
    client = Client(raise_request_exception=False)
    client.force_login(make_user(Role.LA_USER, local_authority=leeds))
    response = client.get(reverse("notifications:notification-list"))
    _assert_service_page(response, 500, "Sorry, there is a problem with the service")


@time_machine.travel(MONDAY, tick=False)
def test_the_technical_pages_come_back_only_when_asked_for(debug, client, make_user, leeds):
    debug.DEBUG_TECHNICAL_ERRORS = True
    client.force_login(make_user(Role.LA_USER, local_authority=leeds))
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Using the URLconf" in response.content.decode()


def test_the_password_reset_link_starts_with_site_url(
    settings, client, make_user, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://example.test:8123"
    make_user(Role.LA_USER, email="reset.me@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "reset.me@example.org"})
    links = re.findall(r"https?://\S+", mail.outbox[0].body)
    assert links
    assert all(link.startswith("http://example.test:8123/password-reset/") for link in links)


@time_machine.travel(MONDAY, tick=False)
def test_case_emails_link_to_site_url(
    settings, make_user, leeds, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://example.test:8123"
    make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership, email="lead@example.org")
    draft = CompleteDraftFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notification_services.notification_submit(
            notification=draft,
            by=make_user(Role.LA_USER, local_authority=leeds),
            expected_version=None,
        )
    message = next(m for m in mail.outbox if m.to == ["lead@example.org"])
    links = re.findall(r"https?://\S+", message.body)
    assert links
    assert all(link.startswith("http://example.test:8123/") for link in links)
