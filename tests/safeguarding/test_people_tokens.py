"""API tokens on the person's page: made with a name and an expiry (shown once, stored as a
digest), listed with their last use, revoked; the person themselves and administrators only."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguarding.codes import Role
from safeguarding.models import ApiToken, AuditAction, AuditEvent


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def person(make_user, leeds):
    return make_user(Role.LA_USER, local_authority=leeds)


def test_a_person_makes_their_own_token_shown_once(person, settings):
    settings.API_TOKEN_DAYS = 90
    client = _signed_in(person)

    response = client.post(
        reverse("people-api-token-create", args=[person.pk]), {"name": "Leeds CMS", "days": 30}
    )

    # The token is in the answer to the POST, which no cache may keep.
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=person)
    assert token.name == "Leeds CMS"
    assert abs(token.expiry - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    page = response.content.decode()
    assert "shown only once" in page
    raw = page.split('<code class="app-api-token">')[1].split("</code>")[0]
    assert raw.startswith(token.token_key) and token.digest != raw
    # Shown once: kept nowhere in the (database-backed) session, nor on the person's page.
    session = client.session
    assert not any(raw in str(value) for value in session.values())
    assert raw not in str(session.load())
    assert raw not in client.get(reverse("people-detail", args=[person.pk])).content.decode()
    # It works, and its last use is shown.
    api = Client(HTTP_AUTHORIZATION=f"Token {raw}")
    assert api.get("/api/v1/notifications/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_id=str(person.pk), message__startswith="API token"
    ).exists()


def test_a_new_token_never_shows_on_another_persons_page(person, make_user, leeds):
    admin = make_user(Role.ADMINISTRATOR)
    other = make_user(Role.LA_USER, local_authority=leeds)
    client = _signed_in(admin)

    response = client.post(
        reverse("people-api-token-create", args=[person.pk]), {"name": "CMS", "days": 30}
    )
    raw = response.content.decode().split('<code class="app-api-token">')[1].split("</code>")[0]

    for page in (other, person, admin):
        body = client.get(reverse("people-detail", args=[page.pk])).content.decode()
        assert raw not in body and "shown only once" not in body


def test_an_expiry_longer_than_the_setting_is_refused(person, settings):
    settings.API_TOKEN_DAYS = 30

    response = _signed_in(person).post(
        reverse("people-api-token-create", args=[person.pk]), {"name": "CMS", "days": 365}
    )

    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not ApiToken.objects.filter(user=person).exists()


def test_revoking_a_token_stops_it(person, make_user):
    admin = make_user(Role.ADMINISTRATOR)
    token, raw = ApiToken.objects.create(user=person, name="CMS")

    response = _signed_in(admin).post(
        reverse("people-api-token-revoke", args=[person.pk]), {"token": token.token_key}
    )

    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=person).exists()
    assert (
        Client(HTTP_AUTHORIZATION=f"Token {raw}").get("/api/v1/notifications/").status_code == 401
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.DELETE, object_id=str(person.pk), message="API token 'CMS' revoked"
    ).exists()


def test_approvers_do_not_manage_other_peoples_tokens(person, make_user, leeds):
    approver = make_user(Role.LA_USER, local_authority=leeds, is_approver=True)
    token, _ = ApiToken.objects.create(user=person, name="CMS")
    client = _signed_in(approver)

    assert client.get(reverse("people-api-token-create", args=[person.pk])).status_code == 403
    response = client.post(
        reverse("people-api-token-revoke", args=[person.pk]), {"token": token.token_key}
    )
    assert response.status_code == 403
    assert ApiToken.objects.filter(user=person).exists()
