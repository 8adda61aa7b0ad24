"""Sign-in lockout (django-axes) and the second-factor lockout service: 10 failures in a row,
for an account or from one address, refuse sign-in for 30 minutes, audited, lifted by time or
by an administrator."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from safeguarding.codes import Role
from safeguarding.lockout import (
    account_locked,
    clear_second_factor_failures,
    lockout_lift,
    record_second_factor_failure,
    second_factor_locked,
)
from safeguarding.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

LOCKED = "Too many attempts to sign in. You cannot sign in for 30 minutes."
WRONG = "Enter a correct username and password"


@pytest.fixture(autouse=True)
def _fast_hashes(settings):
    # Hundreds of sign-in attempts: a fast hash for these tests' passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sign_in(client, username: str, password: str, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def fail(client, username: str, times: int, **extra) -> list:
    return [sign_in(client, username, "not-the-password", **extra) for _ in range(times)]


@pytest.mark.parametrize("exists", [True, False], ids=["existing account", "no such account"])
def test_ten_failures_lock_the_username_with_the_same_answer_whether_it_exists(
    client, make_user, exists
):
    username = make_user(Role.LA_USER).username if exists else "nobody-by-this-name"

    responses = fail(client, username, 10)

    assert [r.status_code for r in responses[:9]] == [200] * 9
    assert all(WRONG in r.content.decode() for r in responses[:9])
    locked = responses[9]
    html = locked.content.decode()
    assert locked.status_code == 429
    assert LOCKED in html
    assert "govuk-error-summary" in html
    assert f'value="{username}"' in html  # the username typed is kept
    assert WRONG not in html
    event = AuditEvent.objects.get(action=AuditAction.LOCKED_OUT)
    assert event.actor_username == username
    assert event.ip_address == "127.0.0.1"


def test_the_right_password_is_refused_while_locked_and_accepted_after_30_minutes(
    client, make_user, password
):
    user = make_user(Role.PANEL_MEMBER)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        fail(client, user.username, 10)

        refused = sign_in(client, user.username, password)
        assert refused.status_code == 429
        assert LOCKED in refused.content.decode()
        assert client.get("/").status_code == 302  # not signed in

        traveller.shift(timedelta(minutes=29))
        assert sign_in(client, user.username, password).status_code == 429

        traveller.shift(timedelta(minutes=2))
        response = sign_in(client, user.username, password)
        assert response.status_code == 302
        # The password is accepted: the next step is the second factor, not sign-in again.
        assert client.get("/")["Location"].startswith("/second-factor/")
    # Tries while locked neither lock again nor extend the lockout: one lockout, audited once.
    assert AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT).count() == 1


def test_a_success_starts_the_count_again(client, make_user, password):
    user = make_user(Role.LA_USER)
    fail(client, user.username, 9)
    assert sign_in(client, user.username, password).status_code == 302
    client.logout()

    responses = fail(client, user.username, 9)

    assert all(r.status_code == 200 for r in responses)


def test_a_success_does_not_forget_the_addresss_failures_for_other_accounts(
    client, make_user, password
):
    """One valid password must not let its owner keep guessing another account's."""
    mine, theirs = make_user(Role.LA_USER), make_user(Role.LA_USER)
    fail(client, theirs.username, 9)
    assert sign_in(client, mine.username, password).status_code == 302
    client.logout()

    assert sign_in(client, theirs.username, "still-guessing").status_code == 429


def test_ten_failures_from_one_address_across_accounts_lock_the_address(
    client, make_user, password
):
    for n in range(10):
        last = sign_in(client, f"guess-{n}", "not-the-password")
    assert last.status_code == 429

    user = make_user(Role.LA_USER)
    refused = sign_in(client, user.username, password)
    assert refused.status_code == 429
    assert LOCKED in refused.content.decode()
    # The same person from another address is not locked out.
    assert sign_in(client, user.username, password, REMOTE_ADDR="198.51.100.7").status_code == 302


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(
    client, make_user, password, settings
):
    settings.AUDIT_TRUST_X_FORWARDED_FOR = True
    # The proxy appends the address it saw; what the client wrote before it changes nothing.
    for n in range(10):
        forged = f"10.0.0.{n}, 203.0.113.1"
        sign_in(client, f"guess-{n}", "wrong", HTTP_X_FORWARDED_FOR=forged)
    assert AuditEvent.objects.get(action=AuditAction.LOCKED_OUT).ip_address == "203.0.113.1"

    user = make_user(Role.LA_USER)
    other = sign_in(client, user.username, password, HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert other.status_code == 302


def admin_lift(client, admin, user):
    client.force_login(admin)
    return client.post(
        reverse("admin:safeguarding_user_changelist"),
        {"action": "lift_lockout", "_selected_action": [user.pk]},
        follow=True,
    )


def test_an_administrator_lifts_a_lockout_in_the_admin_and_it_is_audited(
    client, make_user, password
):
    user = make_user(Role.LA_USER)
    admin = make_user(Role.ADMINISTRATOR)
    fail(client, user.username, 10)
    assert account_locked(user)

    response = admin_lift(client, admin, user)

    assert response.status_code == 200
    assert f"Lockout lifted for {user.username}" in response.content.decode()
    assert not account_locked(user)
    lifted = AuditEvent.objects.get(action=AuditAction.LOCKOUT_LIFTED)
    assert lifted.actor == admin
    assert lifted.object_id == str(user.pk)
    client.logout()
    assert sign_in(client, user.username, password).status_code == 302


def test_the_lift_action_is_offered_to_administrators_only(client, make_user):
    admin = make_user(Role.ADMINISTRATOR)
    client.force_login(admin)
    page = client.get(reverse("admin:safeguarding_user_changelist")).content.decode()
    assert "Lift sign-in lockout" in page

    client.force_login(make_user(Role.PANEL_SECRETARIAT))
    refused = client.get(reverse("admin:safeguarding_user_changelist"), follow=True)
    assert refused.status_code == 403


def test_locked_addresses_are_listed_in_the_admin_for_administrators(client, make_user):
    fail(client, "guess", 10)
    client.force_login(make_user(Role.ADMINISTRATOR))

    page = client.get(reverse("admin:axes_accessattempt_changelist"))

    assert page.status_code == 200
    assert "127.0.0.1" in page.content.decode()


# --- Second-factor codes -----------------------------------------------------------------------


def test_ten_wrong_codes_lock_the_second_factor_for_30_minutes(make_user):
    user = make_user(Role.LA_USER)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        results = [record_second_factor_failure(user) for _ in range(10)]

        assert results == [False] * 9 + [True]
        assert second_factor_locked(user)
        assert record_second_factor_failure(user) is True  # still locked, not extended
        event = AuditEvent.objects.get(action=AuditAction.LOCKED_OUT)
        assert event.object_id == str(user.pk)
        assert "Second factor locked" in event.message

        traveller.shift(timedelta(minutes=30, seconds=1))
        assert not second_factor_locked(user)
        assert record_second_factor_failure(user) is False  # the count starts again
    assert AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT).count() == 1


def test_a_right_code_clears_the_count(make_user):
    user = make_user(Role.LA_USER)
    for _ in range(9):
        record_second_factor_failure(user)

    clear_second_factor_failures(user)

    assert record_second_factor_failure(user) is False
    assert not second_factor_locked(user)


def test_wrong_codes_spread_out_over_more_than_30_minutes_do_not_lock(make_user):
    user = make_user(Role.LA_USER)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(9):
            record_second_factor_failure(user)
        traveller.shift(timedelta(minutes=31))
        assert record_second_factor_failure(user) is False


def test_the_second_factor_lock_is_per_account(make_user):
    user, other = make_user(Role.LA_USER), make_user(Role.LA_USER)
    for _ in range(10):
        record_second_factor_failure(user)

    assert second_factor_locked(user)
    assert not second_factor_locked(other)


def test_lifting_a_lockout_ends_the_second_factor_lock_too(client, make_user):
    user = make_user(Role.LA_USER)
    for _ in range(10):
        record_second_factor_failure(user)
    assert account_locked(user)

    admin_lift(client, make_user(Role.ADMINISTRATOR), user)

    assert not second_factor_locked(user)
    assert AuditEvent.objects.filter(action=AuditAction.LOCKOUT_LIFTED).count() == 1


def test_lockout_lift_service_is_audited_even_without_a_lockout(make_user):
    user, admin = make_user(Role.LA_USER), make_user(Role.ADMINISTRATOR)

    assert lockout_lift(user=user, by=admin) == 0

    assert AuditEvent.objects.filter(action=AuditAction.LOCKOUT_LIFTED, actor=admin).exists()
