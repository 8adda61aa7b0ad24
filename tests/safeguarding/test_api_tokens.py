"""API tokens (django-rest-knox): hashed at rest, shown once with a name and an expiry,
refused when expired, revoked when the owner's password changes or the account is
deactivated, and shown in the admin without their secrets."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from safeguarding.api_tokens import api_token_create
from safeguarding.codes import Role
from safeguarding.models import ApiToken, AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/"


def client_with(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def la_user(make_user):
    return make_user(Role.LA_USER)


def test_the_command_prints_a_new_named_token_once_and_says_when_it_expires(la_user, capsys):
    with time_machine.travel("2026-12-02 09:00Z", tick=False):
        call_command("create_api_token", la_user.username, "--name", "Leeds CMS")
    out, err = capsys.readouterr()
    token = out.strip()

    assert re.fullmatch(r"[0-9a-f]{64}", token)
    assert "'Leeds CMS'" in err and "expires on 2 March 2027" in err
    assert "only this once" in err
    stored = ApiToken.objects.get()
    assert stored.name == "Leeds CMS"
    assert stored.user == la_user
    assert client_with(token).get(URL).status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(la_user.pk))
    assert "Leeds CMS" in event.message and token not in event.message

    # Running it again makes another token; the first is never printed again.
    call_command("create_api_token", la_user.username, "--name", "Leeds CMS test")
    second = capsys.readouterr().out.strip()
    assert second != token
    assert ApiToken.objects.count() == 2


def test_the_command_refuses_an_unknown_or_inactive_user_and_needs_a_name(la_user):
    with pytest.raises(CommandError, match="no user called"):
        call_command("create_api_token", "nobody", "--name", "x")
    with pytest.raises(CommandError, match="Give the token a name"):
        call_command("create_api_token", la_user.username, "--name", " ")
    la_user.is_active = False
    la_user.save()
    with pytest.raises(CommandError, match="not active"):
        call_command("create_api_token", la_user.username, "--name", "x")


def test_only_a_digest_of_the_token_is_stored(la_user):
    _, token = api_token_create(user=la_user, name="CMS")

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM safeguarding_apitoken")
        row = " ".join(str(value) for value in cursor.fetchone())
    assert token not in row
    digest = ApiToken.objects.get().digest
    assert digest != token and len(digest) == 128


def test_an_expired_token_is_refused(la_user):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _, token = api_token_create(user=la_user, name="CMS")
        traveller.shift(timedelta(days=89))
        assert client_with(token).get(URL).status_code == 200
        traveller.shift(timedelta(days=1, minutes=1))

        response = client_with(token).get(URL)

    assert response.status_code == 401
    assert not ApiToken.objects.exists()


def test_a_password_change_revokes_the_tokens(client, la_user, password):
    _, token = api_token_create(user=la_user, name="CMS")
    client.force_login(la_user)
    new = "a-brand-new-long-passphrase"

    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": new, "new_password2": new},
    )

    assert response.status_code == 302
    assert client_with(token).get(URL).status_code == 401
    assert not ApiToken.objects.filter(user=la_user).exists()
    revoked = AuditEvent.objects.get(action=AuditAction.DELETE, object_id=str(la_user.pk))
    assert "password changed" in revoked.message


def test_a_password_reset_revokes_the_tokens(client, la_user, django_capture_on_commit_callbacks):
    _, token = api_token_create(user=la_user, name="CMS")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": la_user.email})
    link = re.search(r"https?://[^/]+(/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    new = "a-brand-new-long-passphrase"
    client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})

    assert client_with(token).get(URL).status_code == 401


def test_an_administrator_setting_a_password_revokes_the_tokens(client, la_user, make_user):
    _, token = api_token_create(user=la_user, name="CMS")
    client.force_login(make_user(Role.ADMINISTRATOR))
    new = "a-brand-new-long-passphrase"

    response = client.post(
        reverse("admin:auth_user_password_change", args=[la_user.pk]),
        {"password1": new, "password2": new, "usable_password": "true"},
    )

    assert response.status_code == 302
    assert client_with(token).get(URL).status_code == 401


def test_deactivating_the_account_revokes_the_tokens(la_user):
    _, token = api_token_create(user=la_user, name="CMS")
    la_user.is_active = False
    la_user.save(update_fields=["is_active"])

    la_user.is_active = True
    la_user.save(update_fields=["is_active"])

    assert client_with(token).get(URL).status_code == 401
    assert not ApiToken.objects.exists()


def test_a_sign_in_does_not_revoke_the_tokens(client, la_user, password):
    _, token = api_token_create(user=la_user, name="CMS")

    client.post(reverse("login"), {"username": la_user.username, "password": password})

    assert client_with(token).get(URL).status_code == 200


def test_the_admin_lists_tokens_without_their_secrets_and_revokes_them(client, la_user, make_user):
    stored, token = api_token_create(user=la_user, name="Leeds CMS")
    client.force_login(make_user(Role.ADMINISTRATOR))

    page = client.get(reverse("admin:safeguarding_apitoken_changelist")).content.decode()
    assert "Leeds CMS" in page
    # Neither the token nor its first characters (knox's lookup key); the digest, which names
    # the row in the admin's links, cannot be turned back into the token.
    assert token not in page and token[:15] not in page
    assert "knox" not in client.get(reverse("admin:index")).content.decode().lower()

    response = client.post(
        reverse("admin:safeguarding_apitoken_delete", args=[stored.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert client_with(token).get(URL).status_code == 401
    assert AuditEvent.objects.filter(message__contains="revoked in the admin").exists()
