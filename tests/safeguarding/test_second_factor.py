"""A second factor for everyone: after the password, a code from an authenticator app (or a
one-time recovery code) before any case is served; the API's tokens are unchanged."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.codes import Role
from safeguarding.lockout import lockout_lift
from safeguarding.models import AuditAction, AuditEvent

from ..factories import TEST_PASSWORD
from ..notifications.factories import SubmittedNotificationFactory
from ..second_factor import authenticator_for, current_code, force_login_password_only

pytestmark = pytest.mark.django_db

VERIFY = "/second-factor/"
SETUP = "/second-factor/set-up/"


@pytest.fixture(autouse=True)
def _no_throttle_wait(settings):
    # django-otp's throttling makes a code after a wrong one wait a second; the throttle test
    # turns it back on.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def notification(db):
    return SubmittedNotificationFactory()


@pytest.fixture
def la_user(notification, make_user):
    """A user of the notification's local authority."""
    return make_user(Role.LA_USER, local_authority=notification.local_authority)


def sign_in_with_password(client, user, next_url: str = "/"):
    return client.post(
        f"{reverse('login')}?next={next_url}",
        {"username": user.username, "password": TEST_PASSWORD},
        follow=True,
    )


def wrong_code(device: TOTPDevice) -> str:
    right = current_code(device)
    return "000000" if right != "000000" else "111111"


def events(user, action) -> int:
    return AuditEvent.objects.filter(action=action, object_id=str(user.pk)).count()


def test_a_correct_password_alone_reaches_no_case_page(client, notification, la_user):
    authenticator_for(la_user)
    detail = reverse("notifications:notification-detail", args=[notification.pk])

    response = sign_in_with_password(client, la_user, next_url=detail)

    assert response.redirect_chain[-1][0] == f"{VERIFY}?next={detail.replace('/', '%2F')}"
    assert notification.reference not in response.content.decode()
    assert client.get(detail).status_code == 302
    # The API, with the same browser session, refuses too.
    api = client.get(reverse("notifications-api:notification-detail", args=[notification.pk]))
    assert api.status_code in (401, 403)
    assert notification.reference not in api.content.decode()
    # The admin and the password change page wait for the code as well.
    assert client.get(reverse("password_change"))["Location"].startswith(VERIFY)


def test_the_api_token_is_unchanged(api_client, notification, la_user):
    response = api_client(la_user).get(
        reverse("notifications-api:notification-detail", args=[notification.pk])
    )
    assert response.status_code == 200


def test_first_sign_in_goes_to_set_up_and_a_password_cannot_add_a_second_app(client, la_user):
    response = sign_in_with_password(client, la_user)
    assert response.redirect_chain[-1][0].startswith(SETUP)
    html = response.content.decode()
    assert "<svg" in html and "<script" not in html.split("<main")[1].split("</main>")[0]
    device = TOTPDevice.objects.get(user=la_user, confirmed=False)
    secret = re.search(r'id="authenticator-secret">([A-Z2-7 ]+)<', html).group(1)
    assert len(secret.replace(" ", "")) == 32 and all(len(g) == 4 for g in secret.split())
    # Reloading keeps the same secret (the app already holds it).
    assert secret in client.get(SETUP).content.decode()

    response = client.post(SETUP, {"code": current_code(device)})

    assert response["Location"] == reverse("second-factor-recovery-codes")
    device.refresh_from_db()
    assert device.confirmed
    assert events(la_user, AuditAction.SECOND_FACTOR_SET_UP) == 1
    page = client.get(response["Location"]).content.decode()
    codes = re.findall(r'<span class="govuk-!-font-weight-bold">([a-z2-7]{8})</span>', page)
    assert len(set(codes)) == 10
    assert codes[0] not in client.get(response["Location"]).content.decode()  # shown once

    # Someone else with the password, in another browser, is sent to the code page, not set-up.
    other = client_class()
    sign_in_with_password(other, la_user)
    assert other.get(SETUP)["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=la_user).count() == 1


def client_class():
    from django.test import Client

    return Client()


def test_a_wrong_code_is_an_error_next_to_the_field_and_audited(client, la_user):
    device = authenticator_for(la_user)
    force_login_password_only(client, la_user)

    response = client.post(VERIFY, {"code": wrong_code(device)})

    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    next_to_field = r"govuk-error-message[^>]*>\s*<span[^>]*>Error:</span>\s*The code is not"
    assert re.search(next_to_field, html)
    assert "<title>Error: Enter the code" in html
    assert events(la_user, AuditAction.SECOND_FACTOR_FAILED) == 1
    assert client.get("/")["Location"].startswith(VERIFY)


def test_letters_in_the_code_are_a_form_error(client, la_user):
    authenticator_for(la_user)
    force_login_password_only(client, la_user)
    response = client.post(VERIFY, {"code": "12ab56"})
    assert "Enter the code as 6 digits" in response.content.decode()


def test_the_right_code_reaches_the_next_page(client, notification, la_user):
    device = authenticator_for(la_user)
    detail = reverse("notifications:notification-detail", args=[notification.pk])
    sign_in_with_password(client, la_user, next_url=detail)

    response = client.post(f"{VERIFY}?next={detail}", {"code": current_code(device)})

    assert response["Location"] == detail
    assert notification.reference in client.get(detail).content.decode()
    assert events(la_user, AuditAction.SECOND_FACTOR_VERIFIED) == 1
    api = client.get(reverse("notifications-api:notification-detail", args=[notification.pk]))
    assert api.status_code == 200


def test_a_code_is_accepted_once(client, la_user):
    device = authenticator_for(la_user)
    code = current_code(device)
    force_login_password_only(client, la_user)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    other = client_class()
    force_login_password_only(other, la_user)
    assert "The code is not right" in other.post(VERIFY, {"code": code}).content.decode()


def test_an_offsite_next_is_ignored(client, la_user):
    device = authenticator_for(la_user)
    force_login_password_only(client, la_user)
    response = client.post(f"{VERIFY}?next=https://evil.example/", {"code": current_code(device)})
    assert response["Location"] == "/"


def test_wrong_codes_are_throttled(client, la_user, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    device = authenticator_for(la_user)
    force_login_password_only(client, la_user)
    client.post(VERIFY, {"code": wrong_code(device)})

    response = client.post(VERIFY, {"code": current_code(device)})

    assert "too many wrong codes" in response.content.decode()
    assert client.get("/")["Location"].startswith(VERIFY)


def _set_up_with_recovery_codes(client, user) -> list[str]:
    force_login_password_only(client, user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    client.post(SETUP, {"code": current_code(device)})
    return list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


def test_a_recovery_code_works_once_only(client, la_user):
    codes = _set_up_with_recovery_codes(client, la_user)
    assert len(codes) == 10

    first = client_class()
    force_login_password_only(first, la_user)
    verify_page = first.get(VERIFY).content.decode()
    assert "Use a recovery code" in verify_page
    response = first.post(reverse("second-factor-recovery"), {"code": codes[0].upper()})
    assert response["Location"] == "/"
    assert first.get("/").status_code == 200
    assert events(la_user, AuditAction.RECOVERY_CODE_USED) == 1

    second = client_class()
    force_login_password_only(second, la_user)
    response = second.post(reverse("second-factor-recovery"), {"code": codes[0]})
    assert response.status_code == 200
    assert "has been used" in response.content.decode()
    assert second.get("/")["Location"].startswith(VERIFY)
    assert StaticToken.objects.filter(device__user=la_user).count() == 9


def test_new_recovery_codes_replace_the_old(client, la_user):
    old = _set_up_with_recovery_codes(client, la_user)
    client.get(reverse("second-factor-recovery-codes"))  # the set-up's codes, shown once
    page = client.get(reverse("second-factor-recovery-codes")).content.decode()
    assert "You have 10 unused recovery codes" in page

    response = client.post(reverse("second-factor-recovery-codes-regenerate"), follow=True)

    new = set(StaticToken.objects.filter(device__user=la_user).values_list("token", flat=True))
    assert len(new) == 10 and not new & set(old)
    assert all(code in response.content.decode() for code in new)
    assert events(la_user, AuditAction.RECOVERY_CODES_CREATED) == 1


def test_an_administrator_resets_a_second_factor_in_the_admin(client, make_user, la_user):
    _set_up_with_recovery_codes(client_class(), la_user)
    their_session = client_class()
    their_session.force_login(la_user)  # verified
    assert their_session.get("/").status_code == 200
    admin = make_user(Role.ADMINISTRATOR)
    client.force_login(admin)

    response = client.post(
        reverse("admin:safeguarding_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [la_user.pk]},
        follow=True,
    )

    assert "Reset the second factor of 1 person" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=la_user).exists()
    assert not StaticDevice.objects.filter(user=la_user).exists()
    event = AuditEvent.objects.get(action=AuditAction.SECOND_FACTOR_RESET)
    assert (event.actor, event.object_id) == (admin, str(la_user.pk))
    # Their session no longer counts as verified, and they set up a new app.
    assert their_session.get("/")["Location"].startswith(SETUP)


def test_an_administrator_resets_a_second_factor_with_the_reset_page(client, make_user, la_user):
    authenticator_for(la_user)
    client.force_login(make_user(Role.ADMINISTRATOR))
    url = reverse("second-factor-reset", args=[la_user.pk])

    response = client.post(url)

    # Back to the person's page on the team pages (it was the admin's before issue 15).
    assert response["Location"] == reverse("people-detail", args=[la_user.pk])
    assert not TOTPDevice.objects.filter(user=la_user).exists()
    assert AuditEvent.objects.filter(action=AuditAction.SECOND_FACTOR_RESET).count() == 1
    panel = client_class()
    panel.force_login(make_user(Role.PANEL_SECRETARIAT))
    assert panel.post(url).status_code == 403


def test_only_administrators_may_reset_a_second_factor(make_user, la_user):
    from django.core.exceptions import PermissionDenied

    from safeguarding.second_factor import second_factor_reset

    authenticator_for(la_user)
    with pytest.raises(PermissionDenied):
        second_factor_reset(user=la_user, by=make_user(Role.PANEL_SECRETARIAT))
    assert TOTPDevice.objects.filter(user=la_user).exists()


def test_without_mfa_required_the_password_is_enough(client, la_user, settings):
    settings.MFA_REQUIRED = False
    force_login_password_only(client, la_user)
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    "url", ["/sign-in/", "/password-reset/", "/healthz", SETUP, "/second-factor/recovery-code/"]
)
def test_the_pages_before_the_second_factor_are_served(client, la_user, url):
    authenticator_for(la_user)
    force_login_password_only(client, la_user)
    response = client.get(url)
    assert not response.get("Location", "").startswith(VERIFY) or url == SETUP
    assert response.status_code in (200, 302, 503)


def test_signing_out_needs_no_second_factor(client, la_user):
    authenticator_for(la_user)
    force_login_password_only(client, la_user)
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert client.get("/")["Location"].startswith("/sign-in/")


def test_ten_wrong_codes_lock_the_second_factor_until_lifted_or_30_minutes(
    client, la_user, make_user
):
    """The sign-in lockout's rule for codes: after 10 wrong codes in a row even the right code
    is refused for 30 minutes (audited), unless an administrator lifts it."""
    device = authenticator_for(la_user)
    force_login_password_only(client, la_user)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(10):
            client.post(VERIFY, {"code": wrong_code(device)})
        assert AuditEvent.objects.filter(
            action=AuditAction.LOCKED_OUT, object_id=str(la_user.pk)
        ).exists()
        device.refresh_from_db()
        response = client.post(VERIFY, {"code": current_code(device)})
        assert "You cannot enter a code for 30 minutes" in response.content.decode()
        assert client.get("/")["Location"].startswith(VERIFY)

    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        device.refresh_from_db()
        response = client.post(VERIFY, {"code": current_code(device)})
        assert "You cannot enter a code for 30 minutes" in response.content.decode()

    # An administrator lifts it: the next right code is accepted at once.
    administrator = make_user(Role.ADMINISTRATOR)
    with time_machine.travel(start + timedelta(minutes=29, seconds=30), tick=False):
        lockout_lift(user=la_user, by=administrator)
        device.refresh_from_db()
        response = client.post(VERIFY, {"code": current_code(device)})
        assert response.status_code == 302
        assert client.get("/").status_code == 200


def test_a_second_factor_lockout_ends_after_30_minutes(client, la_user, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 60 * 60  # the half-hour wait is not idleness here
    device = authenticator_for(la_user)
    force_login_password_only(client, la_user)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(10):
            client.post(VERIFY, {"code": wrong_code(device)})
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
        device.refresh_from_db()
        response = client.post(VERIFY, {"code": current_code(device)})
        assert response.status_code == 302
        assert client.get("/").status_code == 200


def test_nobody_reads_authenticator_secrets_or_recovery_codes_in_the_admin(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    for url in ("/admin/otp_totp/totpdevice/", "/admin/otp_static/staticdevice/"):
        assert client.get(url).status_code == 404


def test_new_recovery_codes_keep_a_session_verified_by_a_recovery_code(client, la_user):
    codes = _set_up_with_recovery_codes(client, la_user)
    client.logout()
    force_login_password_only(client, la_user)
    client.post(reverse("second-factor-recovery"), {"code": codes[0]})
    assert client.get("/").status_code == 200

    client.post(reverse("second-factor-recovery-codes-regenerate"))

    assert client.get("/").status_code == 200
    assert not StaticToken.objects.filter(token=codes[1]).exists()


def test_a_password_alone_does_not_sign_the_person_out_elsewhere(client, la_user):
    from django.test import Client

    elsewhere = Client()
    elsewhere.force_login(la_user)  # the person, verified, on another computer
    authenticator_for(la_user)
    force_login_password_only(client, la_user)

    client.post(reverse("logout"))

    assert elsewhere.get("/").status_code == 200
