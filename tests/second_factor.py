"""The second factor in tests. Most tests are about what a signed-in person may do, so
`Client.force_login` and `Client.login` also pass the second factor (tests/conftest.py patches
them with `login_verified`); a test about the second factor itself signs in with the password
only (`force_login_password_only`) and works out codes with `current_code`."""

from __future__ import annotations

import time

from django.contrib.auth import SESSION_KEY
from django.test.client import ClientMixin
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.models import User

# Django's own methods, before tests/conftest.py wraps them.
_force_login = ClientMixin.force_login
_login = ClientMixin.login


def force_login_password_only(client, user, backend=None) -> None:
    """Signed in with the password, not yet with a code: what an attacker with a stolen
    password has."""
    _force_login(client, user, backend)


def authenticator_for(user) -> TOTPDevice:
    """The person's confirmed authenticator (one is made for them if they have none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)


def current_code(device: TOTPDevice, at: float | None = None) -> str:
    """The 6-digit code the person's authenticator app shows now (or at Unix time `at`)."""
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    generator.time = time.time() if at is None else at
    return f"{generator.token():0{device.digits}d}"


def verify_session(client, user) -> None:
    """Mark the client's session as having passed the second factor, as django_otp.login does."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator_for(user).persistent_id
    session.save()


def force_login_verified(client, user, backend=None) -> None:
    _force_login(client, user, backend)
    verify_session(client, user)


def login_verified(client, **credentials) -> bool:
    signed_in = _login(client, **credentials)
    if signed_in:
        verify_session(client, User.objects.get(pk=client.session[SESSION_KEY]))
    return signed_in
