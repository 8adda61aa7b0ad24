"""The second factor: a TOTP authenticator app, with one-time recovery codes (django-otp).

django-otp keeps the devices, checks the codes (with its own throttling: each wrong code
doubles the wait before the next is checked) and marks a session verified (`django_otp.login`);
this module is what the service does with it: set-up, confirming, verifying, recovery codes and
an administrator's reset, each audited. A person has at most one confirmed TOTP device and one
set of recovery codes (a StaticDevice).
"""

from __future__ import annotations

import re
from base64 import b32encode
from dataclasses import dataclass

import django_otp
import qrcode
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathImage

from . import policy
from .audit import audit_log
from .lockout import (
    clear_second_factor_failures,
    record_second_factor_failure,
    second_factor_locked,
)
from .models import AuditAction, User

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
WRONG_CODE = "The code is not right. Enter the 6-digit code your authenticator app shows now"
WRONG_RECOVERY_CODE = "The recovery code is not right, or it has been used. Check it and try again"
THROTTLED = "You have entered too many wrong codes. Wait a few minutes, then try again"
LOCKED = (
    "You have entered too many wrong codes. You cannot enter a code for {minutes} minutes. "
    "If you need to sign in sooner, contact your administrator"
)


class SecondFactorError(Exception):
    """A code that was not accepted, with the message to show next to the field."""


@dataclass(frozen=True)
class Verified:
    device: TOTPDevice | StaticDevice
    recovery_codes_left: int | None = None


# --- Reads -------------------------------------------------------------------------------------


def authenticator_get(*, user: User) -> TOTPDevice | None:
    """The person's confirmed authenticator, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def second_factor_pending(user) -> bool:
    """Must this signed-in person still pass the second factor before seeing a page?"""
    if not settings.MFA_REQUIRED or not getattr(user, "is_authenticated", False):
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (is_verified and is_verified())


def recovery_codes_left(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def secret_for_display(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The set-up QR code, as SVG markup to put in the page: no image request, no script and
    no inline style (the Content-Security-Policy allows neither)."""
    image = qrcode.make(device.config_url, image_factory=SvgPathImage)
    svg = image.to_string(encoding="unicode")
    return svg.replace(
        "<svg ", '<svg role="img" aria-label="QR code to scan with your authenticator app" ', 1
    )


# --- Writes ------------------------------------------------------------------------------------


@transaction.atomic
def authenticator_start(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator a person is setting up (made on their first visit, kept
    until confirmed so the QR code does not change on a reload)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def _recovery_codes_replace(*, user: User) -> list[str]:
    """New codes on the person's one recovery-code device. The device itself is kept: a session
    verified with a recovery code stays verified (django-otp ties the session to the device)."""
    device = StaticDevice.objects.filter(user=user).order_by("pk").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def authenticator_confirm(
    *, request: HttpRequest, user: User, device: TOTPDevice, code: str
) -> list[str]:
    """Confirm a new authenticator with a code from it: the session is verified, and the
    person's ten new recovery codes are returned (to be shown once). A wrong code is audited
    and counted by django-otp's throttling, so neither is inside a transaction that the error
    would roll back."""
    if device.user_id != user.pk or device.confirmed:
        raise SecondFactorError("Start setting up your authenticator app again")
    _refuse_if_locked(user)
    throttled = _throttled_message(device)
    if throttled or not device.verify_token(_digits(code)):
        audit_log(
            actor=user,
            action=AuditAction.SECOND_FACTOR_FAILED,
            obj=user,
            message="Wrong code while setting up an authenticator app",
        )
        _count_failure(user, request)
        raise SecondFactorError(throttled or WRONG_CODE)
    clear_second_factor_failures(user)
    with transaction.atomic():
        # One authenticator per person: the new one replaces any other.
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _recovery_codes_replace(user=user)
        audit_log(actor=user, action=AuditAction.SECOND_FACTOR_SET_UP, obj=user)
    _session_verify(request, user, device)
    return codes


def second_factor_verify(*, request: HttpRequest, user: User, code: str) -> Verified:
    """Check a code from the person's authenticator app and, if right, verify the session."""
    device = authenticator_get(user=user)
    if device is None:
        raise SecondFactorError("Set up your authenticator app first")
    _refuse_if_locked(user)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        throttled = _throttled_message(device)
        accepted = not throttled and device.verify_token(_digits(code))
    if not accepted:
        audit_log(actor=user, action=AuditAction.SECOND_FACTOR_FAILED, obj=user)
        _count_failure(user, request)
        raise SecondFactorError(throttled or WRONG_CODE)
    clear_second_factor_failures(user)
    _session_verify(request, user, device)
    audit_log(actor=user, action=AuditAction.SECOND_FACTOR_VERIFIED, obj=user)
    return Verified(device=device)


def recovery_code_use(*, request: HttpRequest, user: User, code: str) -> Verified:
    """Verify the session with one of the person's recovery codes, which is used up."""
    normalised = re.sub(r"[\s-]", "", code).lower()
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        raise SecondFactorError("You have no recovery codes. Contact your administrator")
    _refuse_if_locked(user)
    with transaction.atomic():
        device = StaticDevice.objects.select_for_update().get(pk=device.pk)
        throttled = _throttled_message(device)
        accepted = not throttled and device.verify_token(normalised)
    if not accepted:
        audit_log(
            actor=user,
            action=AuditAction.SECOND_FACTOR_FAILED,
            obj=user,
            message="Wrong recovery code",
        )
        _count_failure(user, request)
        raise SecondFactorError(throttled or WRONG_RECOVERY_CODE)
    clear_second_factor_failures(user)
    left = device.token_set.count()
    _session_verify(request, user, device)
    audit_log(
        actor=user,
        action=AuditAction.RECOVERY_CODE_USED,
        obj=user,
        message=f"{left} recovery code(s) left",
    )
    return Verified(device=device, recovery_codes_left=left)


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """New recovery codes for a verified person; the old ones stop working."""
    codes = _recovery_codes_replace(user=user)
    audit_log(actor=user, action=AuditAction.RECOVERY_CODES_CREATED, obj=user)
    return codes


@transaction.atomic
def second_factor_reset(*, user: User, by: User) -> int:
    """Remove someone's authenticator and recovery codes (a lost phone, say): they set up a
    new one at their next sign-in, and a session verified with the old one is no longer
    verified. Returns how many devices were removed."""
    policy.require(policy.can_reset_second_factor(by, user))
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    static, _ = StaticDevice.objects.filter(user=user).delete()
    audit_log(
        actor=by,
        action=AuditAction.SECOND_FACTOR_RESET,
        obj=user,
        message=f"Reset the second factor of {user.get_username()}",
    )
    return removed + static


@transaction.atomic
def authenticator_set_for_demo(*, user: User, key_hex: str) -> TOTPDevice:
    """Give a demo account a confirmed authenticator with a known secret (demo data only)."""
    device = authenticator_get(user=user)
    if device is None or device.key != key_hex:
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(
            user=user, name=AUTHENTICATOR_NAME, key=key_hex, confirmed=True
        )
    return device


# --- Messages ----------------------------------------------------------------------------------


def _session_verify(request: HttpRequest, user: User, device) -> None:
    """Mark the session as having passed the second factor: a complete sign-in, so it is also
    the account's use (its lapse clock starts again: safeguarding.lapses)."""
    from .lapses import account_used

    django_otp.login(request, device)
    account_used(user)


def _refuse_if_locked(user: User) -> None:
    """The sign-in lockout's rule for codes (safeguarding.lockout): after AXES_FAILURE_LIMIT
    wrong codes in a row the account may not try another for LOCKOUT_MINUTES, right or not."""
    if second_factor_locked(user):
        raise SecondFactorError(LOCKED.format(minutes=settings.LOCKOUT_MINUTES))


def _count_failure(user: User, request: HttpRequest) -> None:
    if record_second_factor_failure(user, request):
        raise SecondFactorError(LOCKED.format(minutes=settings.LOCKOUT_MINUTES))


def _digits(code: str) -> str:
    return re.sub(r"[\s-]", "", code)


def _throttled_message(device) -> str:
    allowed, _ = device.verify_is_allowed()
    if allowed:
        return ""
    return THROTTLED
