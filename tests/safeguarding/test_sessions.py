"""Sessions that end: the idle timeout, the absolute lifetime, the keep-alive, and signing out
(or changing the password) ending the person's other sessions."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.codes import Role
from safeguarding.models import AuditAction, AuditEvent

from ..second_factor import authenticator_for, current_code

pytestmark = pytest.mark.django_db

START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def user(make_user, leeds):
    return make_user(Role.LA_USER, local_authority=leeds)


def sign_in(client: Client, user, password: str) -> None:
    """The password, then the code from the person's authenticator app."""
    response = client.post(reverse("login"), {"username": user.username, "password": password})
    assert response.status_code == 302
    device = authenticator_for(user)
    # A code is accepted once; a second sign-in at the same (frozen) moment types it again.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    response = client.post(reverse("second-factor-verify"), {"code": current_code(device)})
    assert response.status_code == 302


def signed_in(client: Client) -> bool:
    return client.get(reverse("home")).status_code == 200


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_idle_for_the_timeout_signs_the_person_out_with_a_banner_and_an_audit_entry(
    client, user, password, clock
):
    sign_in(client, user, password)
    clock.shift(timedelta(minutes=29))
    assert signed_in(client)
    clock.shift(timedelta(minutes=30, seconds=1))

    response = client.get(reverse("notifications:notification-list"), follow=True)

    assert response.redirect_chain == [("/sign-in/?next=/notifications/", 302)]
    html = response.content.decode()
    assert "govuk-notification-banner" in html
    assert (
        "You were signed out because you had not used the service for 30 minutes. "
        "Sign in again to continue."
    ) in html
    assert not signed_in(client)
    event = AuditEvent.objects.filter(action=AuditAction.LOGOUT, actor=user).get()
    assert "had not used the service for 30 minutes" in event.message


def test_the_idle_timeout_is_a_setting(client, user, password, clock, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 10 * 60
    sign_in(client, user, password)
    clock.shift(timedelta(minutes=11))
    response = client.get(reverse("home"), follow=True)
    assert "had not used the service for 10 minutes" in response.content.decode()


def test_using_the_service_keeps_the_session_until_its_absolute_lifetime(
    client, user, password, clock
):
    sign_in(client, user, password)
    for _ in range(35):  # 11 hours 40 minutes, a request every 20 minutes
        clock.shift(timedelta(minutes=20))
        assert signed_in(client)
    clock.shift(timedelta(minutes=21))

    response = client.get(reverse("home"), follow=True)

    assert "You were signed out because you had been signed in for 12 hours." in (
        response.content.decode()
    )
    assert not signed_in(client)
    assert AuditEvent.objects.filter(
        action=AuditAction.LOGOUT, actor=user, message__contains="12 hours"
    ).exists()


def test_stay_signed_in_restarts_the_idle_clock(client, user, password, clock):
    sign_in(client, user, password)
    clock.shift(timedelta(minutes=28))
    assert client.post(reverse("session-keep-alive")).status_code == 204
    clock.shift(timedelta(minutes=28))
    assert signed_in(client)


def test_keep_alive_after_the_timeout_does_not_revive_the_session(client, user, password, clock):
    sign_in(client, user, password)
    clock.shift(timedelta(minutes=31))
    assert client.post(reverse("session-keep-alive")).status_code == 302
    assert not signed_in(client)


def test_an_api_call_with_an_idle_session_is_refused(client, user, password, clock):
    sign_in(client, user, password)
    clock.shift(timedelta(minutes=31))
    response = client.get(reverse("notifications-api:notification-list"))
    assert response.status_code in (401, 403)


def test_signed_in_pages_carry_the_timeout_warning_settings(client, user, password):
    sign_in(client, user, password)
    html = client.get(reverse("home")).content.decode()
    assert 'data-session-timeout-seconds="1800"' in html
    assert 'data-session-warning-seconds="120"' in html
    assert f'data-session-keep-alive-url="{reverse("session-keep-alive")}"' in html
    assert "You’re about to be signed out" in html
    assert "session-timeout.js" in html


def test_the_timeout_warning_counts_from_the_activity_the_server_recorded(
    client, user, password, clock
):
    """A page read within a minute of the recorded activity does not record itself again, so
    the page tells the browser the time that is really left, not a full 30 minutes."""
    sign_in(client, user, password)
    client.get(reverse("home"))
    clock.shift(timedelta(seconds=50))
    html = client.get(reverse("home")).content.decode()
    assert 'data-session-timeout-seconds="1750"' in html


def test_the_sign_in_page_has_no_timeout_warning(client):
    html = client.get(reverse("login")).content.decode()
    assert "data-session-timeout-seconds" not in html
    assert "session-timeout.js" not in html


def test_signing_out_ends_the_persons_sessions_on_every_device(user, password):
    laptop, desktop = Client(), Client()
    sign_in(laptop, user, password)
    sign_in(desktop, user, password)
    assert signed_in(laptop) and signed_in(desktop)

    laptop.post(reverse("logout"))

    assert not signed_in(laptop)
    assert not signed_in(desktop)
    # Signing in again works, and starts a fresh session.
    sign_in(desktop, user, password)
    assert signed_in(desktop)


def test_signing_out_leaves_other_peoples_sessions_alone(user, password, make_user, leeds):
    colleague = make_user(Role.LA_USER, local_authority=leeds)
    mine, theirs = Client(), Client()
    sign_in(mine, user, password)
    sign_in(theirs, colleague, password)
    mine.post(reverse("logout"))
    assert signed_in(theirs)


def test_changing_the_password_keeps_this_session_and_ends_the_others(user, password):
    this_browser, other_browser = Client(), Client()
    sign_in(this_browser, user, password)
    sign_in(other_browser, user, password)
    new_password = "a-brand-new-passphrase-2025"

    response = this_browser.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": new_password, "new_password2": new_password},
    )

    assert response.status_code == 302
    assert signed_in(this_browser)
    assert not signed_in(other_browser)
