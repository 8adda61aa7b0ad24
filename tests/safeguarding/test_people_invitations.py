"""Invitations: an invited account cannot sign in until its single-use link is followed; the
link expires, is refused once used, and stops working when resent or cancelled."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from safeguarding.codes import Role
from safeguarding.models import AuditAction, AuditEvent, Invitation, LocalAuthority, User

NEW_PASSWORD = "a-long-new-password-for-tests"


@pytest.fixture
def kent(db):
    return LocalAuthority.objects.get(name="Kent")


@pytest.fixture
def admin_client(client, make_user):
    admin = make_user(Role.ADMINISTRATOR)
    client.force_login(admin)
    client.user = admin
    return client


def _invite(client, capture, **overrides):
    data = {
        "first_name": "Alex",
        "last_name": "Example",
        "email": "alex.example@leeds.example.org",
        "role": Role.LA_USER,
        "local_authority": LocalAuthority.objects.get(name="Leeds").pk,
        "is_approver": "yes",
        **overrides,
    }
    with capture(execute=True):
        return client.post(reverse("people-invite"), data)


def _link(message) -> str:
    return re.search(r"https?://[^\s]+(/invitation/[^/\s]+/)", message.body).group(1)


def test_an_administrator_invites_someone_who_cannot_sign_in_yet(
    admin_client, django_capture_on_commit_callbacks, client
):
    response = _invite(admin_client, django_capture_on_commit_callbacks)

    person = User.objects.get(email="alex.example@leeds.example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("people-detail", args=[person.pk])
    assert person.is_invited and not person.is_active and person.is_approver
    assert person.status == "invited"
    assert len(mail.outbox) == 1
    assert "/invitation/" in mail.outbox[0].body
    assert mail.outbox[0].to == ["alex.example@leeds.example.org"]
    # Only a digest is stored: the link's token is in neither the invitation nor the log.
    token = _link(mail.outbox[0]).split("/")[2]
    invitation = Invitation.objects.get(user=person)
    assert token not in invitation.token_digest
    assert AuditEvent.objects.filter(action=AuditAction.INVITE, object_id=str(person.pk)).exists()
    assert not User.objects.get(pk=person.pk).has_usable_password()


def test_accepting_sets_the_password_signs_in_and_asks_for_a_second_factor(
    admin_client, django_capture_on_commit_callbacks, client
):
    _invite(admin_client, django_capture_on_commit_callbacks)
    link = _link(mail.outbox[0])

    page = client.get(link)
    assert page.status_code == 200
    assert "Choose your password" in page.content.decode()
    response = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    person = User.objects.get(email="alex.example@leeds.example.org")
    assert response.status_code == 302
    assert person.is_active and not person.is_invited and person.check_password(NEW_PASSWORD)
    # The first page asks for the second factor's set-up.
    home = client.get(reverse("home"))
    assert home.status_code == 302 and reverse("second-factor-setup") in home["Location"]
    assert AuditEvent.objects.filter(
        action=AuditAction.INVITATION_ACCEPTED, object_id=str(person.pk)
    ).exists()
    # Single use: the link now says so, and changes nothing.
    again = client.post(link, {"new_password1": "x" * 20, "new_password2": "x" * 20})
    assert again.status_code == 410
    assert "already been used" in again.content.decode()


def test_a_weak_password_is_refused_with_a_govuk_error(
    admin_client, django_capture_on_commit_callbacks, client
):
    _invite(admin_client, django_capture_on_commit_callbacks)
    link = _link(mail.outbox[0])

    response = client.post(link, {"new_password1": "short", "new_password2": "short"})

    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert User.objects.get(email="alex.example@leeds.example.org").is_invited


def test_the_link_expires(admin_client, django_capture_on_commit_callbacks, client, settings):
    settings.INVITATION_DAYS = 7
    _invite(admin_client, django_capture_on_commit_callbacks)
    link = _link(mail.outbox[0])

    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not User.objects.get(email="alex.example@leeds.example.org").is_active


def test_resending_makes_the_old_link_stop_working(
    admin_client, django_capture_on_commit_callbacks, client
):
    _invite(admin_client, django_capture_on_commit_callbacks)
    person = User.objects.get(email="alex.example@leeds.example.org")
    old = _link(mail.outbox[0])

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("people-invitation-resend", args=[person.pk]), {"version": person.version}
        )

    assert response.status_code == 302
    assert len(mail.outbox) == 2
    new = _link(mail.outbox[1])
    assert new != old
    refused = client.get(old)
    assert refused.status_code == 410 and "replaced" in refused.content.decode()
    assert client.get(new).status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditAction.INVITE, object_id=str(person.pk), message="Invitation sent again"
    ).exists()


def test_cancelling_withdraws_the_link(admin_client, django_capture_on_commit_callbacks, client):
    _invite(admin_client, django_capture_on_commit_callbacks)
    person = User.objects.get(email="alex.example@leeds.example.org")
    link = _link(mail.outbox[0])

    response = admin_client.post(
        reverse("people-invitation-cancel", args=[person.pk]), {"version": person.version}
    )

    person.refresh_from_db()
    assert response.status_code == 302
    assert not person.is_invited and not person.is_active
    assert client.get(link).status_code == 410
    assert AuditEvent.objects.filter(
        action=AuditAction.INVITATION_CANCELLED, object_id=str(person.pk)
    ).exists()


def test_an_unknown_link_says_so_in_words(client, db):
    response = client.get(reverse("invitation-accept", args=["not-a-real-token"]))

    assert response.status_code == 404
    assert "This invitation link cannot be used" in response.content.decode()


def test_a_duplicate_email_is_refused_next_to_the_field(
    admin_client, django_capture_on_commit_callbacks, make_user, leeds
):
    make_user(Role.LA_USER, local_authority=leeds, email="Taken@Example.org")

    response = _invite(admin_client, django_capture_on_commit_callbacks, email="taken@example.org")

    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone already has an account with this email address" in body
    assert 'href="#id_email"' in body
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1
    assert mail.outbox == []


def test_an_approver_invites_into_their_own_authority_only(
    client, make_user, leeds, kent, django_capture_on_commit_callbacks
):
    approver = make_user(Role.LA_USER, local_authority=leeds, is_approver=True)
    client.force_login(approver)

    # What the form does not offer, a crafted request cannot do either.
    for crafted in ({"role": Role.ADMINISTRATOR}, {"local_authority": kent.pk}):
        response = _invite(client, django_capture_on_commit_callbacks, **crafted)
        assert response.status_code == 403
        assert not User.objects.filter(email="alex.example@leeds.example.org").exists()
    assert mail.outbox == []

    response = _invite(client, django_capture_on_commit_callbacks)
    person = User.objects.get(email="alex.example@leeds.example.org")
    assert response.status_code == 302
    assert person.local_authority == leeds and person.role == Role.LA_USER


def test_people_who_are_not_approvers_cannot_invite(client, make_user, leeds):
    client.force_login(make_user(Role.LA_USER, local_authority=leeds))

    assert client.get(reverse("people-invite")).status_code == 403
    response = client.post(reverse("people-invite"), {"email": "someone@example.org"})
    assert response.status_code == 403
    assert not User.objects.filter(email="someone@example.org").exists()


def test_an_approver_is_not_told_about_accounts_in_other_organisations(
    client, make_user, leeds, kent, django_capture_on_commit_callbacks
):
    make_user(Role.LA_USER, local_authority=kent, email="someone@kent.example.org")
    make_user(Role.LA_USER, local_authority=leeds, email="colleague@leeds.example.org")
    client.force_login(make_user(Role.LA_USER, local_authority=leeds, is_approver=True))

    capture = django_capture_on_commit_callbacks
    elsewhere = _invite(client, capture, email="someone@kent.example.org")
    own = _invite(client, capture, email="colleague@leeds.example.org")

    body = elsewhere.content.decode()
    assert elsewhere.status_code == 200 and 'href="#id_email"' in body
    assert "You cannot invite this email address" in body
    assert "already has an account" not in body and "Kent" not in body
    # Their own organisation's people they see anyway: they are told plainly.
    assert "Someone already has an account with this email address" in own.content.decode()
    assert User.objects.filter(email="someone@kent.example.org").count() == 1
    assert mail.outbox == []


def test_the_same_address_invited_at_the_same_moment_is_refused_next_to_the_field(
    admin_client, django_capture_on_commit_callbacks, make_user, leeds, monkeypatch
):
    # The other invitation is saved between this one's check and its save: the check sees
    # nothing, the database's unique username refuses the second.
    make_user(
        Role.LA_USER,
        local_authority=leeds,
        username="alex.example@leeds.example.org",
        email="alex.example@leeds.example.org",
    )
    monkeypatch.setattr("safeguarding.invitations._address_taken", lambda email: False)

    response = _invite(admin_client, django_capture_on_commit_callbacks)

    body = response.content.decode()
    assert response.status_code == 200 and 'href="#id_email"' in body
    assert "Someone already has an account with this email address" in body
    assert User.objects.filter(email="alex.example@leeds.example.org").count() == 1
    assert mail.outbox == []


@pytest.mark.parametrize("action", ["people-invitation-resend", "people-invitation-cancel"])
@pytest.mark.parametrize("sent", [{}, {"version": "not-a-number"}])
def test_resend_and_cancel_without_the_version_seen_change_nothing(
    admin_client, django_capture_on_commit_callbacks, client, action, sent
):
    _invite(admin_client, django_capture_on_commit_callbacks)
    person = User.objects.get(email="alex.example@leeds.example.org")
    link = _link(mail.outbox[0])

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse(action, args=[person.pk]), sent)

    person.refresh_from_db()
    assert response.status_code == 302
    assert person.is_invited and person.version == 0
    assert len(mail.outbox) == 1 and client.get(link).status_code == 200
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("the page you used was out of date" in message for message in said)
