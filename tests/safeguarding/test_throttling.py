"""Throttles: token guessing answered 429 after a burst, a per-token rate for authenticated
clients, and password-reset requests limited without revealing which addresses have accounts."""

import importlib
import re

import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from safeguarding.codes import Role
from safeguarding.models import OutboundEmail

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/"


def guess(n: int, **extra) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {n:064x}", **extra)
    return client


def test_token_guessing_from_one_address_is_answered_429_after_30_failures(api_client, make_user):
    answers = [guess(n).get(URL).status_code for n in range(31)]

    assert answers == [401] * 30 + [429]
    refused = guess(99).get(URL)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    # The address is refused until its minute is over, even with a real token; another
    # address is not.
    assert api_client(make_user(Role.LA_USER)).get(URL).status_code == 429
    other = guess(100, REMOTE_ADDR="198.51.100.9").get(URL)
    assert other.status_code == 401


def test_the_failed_token_burst_is_a_setting(settings):
    settings.API_FAILED_TOKEN_RATE = "3/minute"

    answers = [guess(n).get(URL).status_code for n in range(4)]

    assert answers == [401, 401, 401, 429]


@pytest.mark.parametrize(
    "token", [b"Token \xc3\xa9t\xc3\xa9", b"Token \xff\xfe", b"Token zz-not-hex"], ids=repr
)
def test_a_token_that_is_not_text_or_hex_is_a_counted_401_not_a_500(token, settings):
    settings.API_FAILED_TOKEN_RATE = "2/minute"
    client = APIClient()

    answers = [client.get(URL, HTTP_AUTHORIZATION=token).status_code for _ in range(3)]

    assert answers == [401, 401, 429]


def test_sign_in_by_session_is_not_throttled_by_failed_tokens(client, make_user, settings):
    settings.API_FAILED_TOKEN_RATE = "1/minute"
    guess(1).get(URL)
    guess(2).get(URL)
    client.force_login(make_user(Role.LA_USER))

    assert client.get(URL).status_code == 200


def test_each_token_has_its_own_rate(api_client, make_user, settings):
    settings.API_USER_RATE = "5/minute"
    busy = api_client(make_user(Role.LA_USER))
    quiet = api_client(make_user(Role.LA_USER))

    answers = [busy.get(URL).status_code for _ in range(6)]

    assert answers == [200] * 5 + [429]
    assert quiet.get(URL).status_code == 200


# --- Password reset ------------------------------------------------------------------------------


def reset(client, email: str, **extra):
    return client.post(reverse("password_reset"), {"email": email}, **extra)


def test_password_reset_answers_the_same_for_an_unknown_address(
    client, make_user, django_capture_on_commit_callbacks
):
    make_user(Role.LA_USER, email="known@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        known = reset(client, "known@example.org", follow=True)
        unknown = reset(client, "unknown@example.org", follow=True)

    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain == [(reverse("password_reset_done"), 302)]
    assert known.content == unknown.content
    assert len(mail.outbox) == 1


def test_password_reset_is_limited_per_e_mail_address(client, make_user, settings):
    make_user(Role.LA_USER, email="known@example.org")
    answers = [
        reset(client, "Known@example.org", REMOTE_ADDR=f"198.51.100.{n}").status_code
        for n in range(6)
    ]

    assert answers == [302] * 5 + [429]
    assert OutboundEmail.objects.count() == 5


@pytest.mark.parametrize("exists", [True, False], ids=["known address", "unknown address"])
def test_password_reset_is_limited_per_client_address_the_same_for_any_address(
    client, make_user, exists
):
    if exists:
        make_user(Role.LA_USER, email="someone-0@example.org")
    for n in range(5):
        assert reset(client, f"someone-{n}@example.org").status_code == 302

    refused = reset(client, "someone-0@example.org")

    html = refused.content.decode()
    assert refused.status_code == 429
    assert "govuk-error-summary" in html
    assert "You have asked for too many password reset links. Wait an hour" in html
    assert reset(client, "x@example.org", REMOTE_ADDR="198.51.100.1").status_code == 302


def test_the_e_mail_log_keeps_the_reset_message_without_its_link(
    client, make_user, django_capture_on_commit_callbacks
):
    user = make_user(Role.LA_USER, email="reset.me@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        reset(client, "reset.me@example.org")

    sent = mail.outbox[0].body
    link = re.search(r"https?://\S+/password-reset/\S+/", sent).group(0)
    stored = OutboundEmail.objects.get()
    assert stored.status == OutboundEmail.Status.SENT
    assert "/password-reset/" not in stored.body
    assert "[password reset link removed]" in stored.body
    assert user.username in stored.body
    assert stored.body.replace("[password reset link removed]", link) == sent


def test_the_admin_shows_the_reset_e_mail_without_a_live_link(
    client, make_user, django_capture_on_commit_callbacks
):
    make_user(Role.LA_USER, email="reset.me@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        reset(client, "reset.me@example.org")
    client.force_login(make_user(Role.ADMINISTRATOR))

    email = OutboundEmail.objects.get()
    page = client.get(reverse("admin:safeguarding_outboundemail_change", args=[email.pk]))

    assert page.status_code == 200
    html = page.content.decode()
    assert "[password reset link removed]" in html
    assert not re.search(r"/password-reset/[^/\s\"]+/[^/\s\"]+/", html)


def test_the_migration_blanks_reset_links_already_in_the_e_mail_log(db):
    from django.apps import apps

    migration = importlib.import_module(
        "safeguarding.migrations.0006_lockout_api_tokens_secret_links"
    )
    old = OutboundEmail.objects.create(
        to=["a@example.org"],
        subject="Reset your password",
        body="Choose a new password here:\nhttps://csir.example/password-reset/MTI/abc-123def/\n",
    )
    other = OutboundEmail.objects.create(to=["b@example.org"], subject="SIN", body="Nothing.")

    migration.redact_reset_links(apps, None)

    old.refresh_from_db()
    assert old.body == "Choose a new password here:\n[password reset link removed]\n"
    other.refresh_from_db()
    assert other.body == "Nothing."
