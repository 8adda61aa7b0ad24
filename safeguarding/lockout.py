"""Sign-in lockout: after settings.AXES_FAILURE_LIMIT consecutive failures, for one username or
from one address across usernames, sign-in is refused for settings.LOCKOUT_MINUTES.

Passwords are counted by django-axes (its backend, middleware and database handler; see
settings), a well-kept library rather than counters of our own. This module gives axes the
client address the audit trail uses, audits each lockout, and turns a refusal into the sign-in
page with a message that says nothing about whether the account exists.

Second-factor codes follow the same rule per account (`record_second_factor_failure`,
`second_factor_locked`, `clear_second_factor_failures`), and `lockout_lift` ends both kinds of
lockout of an account, for an administrator.
"""

from __future__ import annotations

from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models import Sum
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django_otp import devices_for_user

from .audit import audit_log, request_origin
from .models import AuditAction, SecondFactorLock, User

LOCKOUT_MESSAGE = (
    "Too many attempts to sign in. You cannot sign in for {minutes} minutes. "
    "If you need to sign in sooner, contact your administrator."
)


def lockout_message() -> str:
    return LOCKOUT_MESSAGE.format(minutes=settings.LOCKOUT_MINUTES)


def lockout_cooloff() -> timedelta:
    return timedelta(minutes=settings.LOCKOUT_MINUTES)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, read as the audit trail reads it (settings.AXES_CLIENT_IP_CALLABLE):
    X-Forwarded-For only behind a proxy trusted to set it (AUDIT_TRUST_X_FORWARDED_FOR)."""
    return request_origin(request).ip_address


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """settings.AXES_LOCKOUT_CALLABLE. The sign-in form has already put the lockout message on
    the page (forms.SignInForm) and kept the username typed; the page is answered 429, the same
    for an account that exists and one that does not."""
    if original_response is None:
        original_response = HttpResponse(lockout_message())
    original_response.status_code = 429
    return original_response


@receiver(user_locked_out)
def _audit_lockout(sender, request, username, ip_address, **kwargs) -> None:
    # Axes sends this for the failure that locks and again for each try refused while locked;
    # only a failure that was counted (axes_failures_since_start is set) makes a new lockout.
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    audit_log(
        actor=None,
        action=AuditAction.LOCKED_OUT,
        actor_username=str(username or "")[:150],
        message=(
            f"Sign-in locked for {settings.LOCKOUT_MINUTES} minutes after "
            f"{request.axes_failures_since_start} failed attempts for this username or from "
            f"{ip_address}"
        ),
    )


@receiver(user_logged_in)
def _forget_the_usernames_failures(sender, request, user, **kwargs) -> None:
    """A right password ends that username's run of failures, and only that username's: the
    address's failures for other usernames still count towards its lockout."""
    AxesProxyHandler.reset_attempts(username=user.get_username())


# --- Second-factor codes -----------------------------------------------------------------------


def second_factor_locked(user: User) -> bool:
    """Whether the account may not try a second-factor code now."""
    return SecondFactorLock.objects.filter(user=user, locked_until__gt=timezone.now()).exists()


@transaction.atomic
def record_second_factor_failure(user: User, request: HttpRequest | None = None) -> bool:
    """Count one wrong second-factor code for the account; at settings.AXES_FAILURE_LIMIT in
    a row, lock it for settings.LOCKOUT_MINUTES (audited; the audit middleware adds the
    request's address, so `request` is optional). Returns whether the account is locked.
    A lockout that has run out starts the count again."""
    now = timezone.now()
    lock, _ = SecondFactorLock.objects.select_for_update().get_or_create(
        user=user, defaults={"last_failure_at": now}
    )
    if lock.locked_until is not None and lock.locked_until <= now:
        lock.failures, lock.locked_until = 0, None
    if lock.locked_until is not None:
        return True  # a try while locked neither counts nor extends the lockout
    if lock.last_failure_at < now - lockout_cooloff():
        lock.failures = 0  # failures this long ago are forgotten, as axes forgets them
    lock.failures += 1
    lock.last_failure_at = now
    if lock.failures >= settings.AXES_FAILURE_LIMIT:
        lock.locked_until = now + lockout_cooloff()
        audit_log(
            actor=None,
            action=AuditAction.LOCKED_OUT,
            obj=user,
            actor_username=user.get_username(),
            message=(
                f"Second factor locked for {settings.LOCKOUT_MINUTES} minutes after "
                f"{lock.failures} wrong codes"
            ),
        )
    lock.save()
    return lock.locked_until is not None


def clear_second_factor_failures(user: User) -> None:
    """A right code: the count starts again."""
    SecondFactorLock.objects.filter(user=user).delete()


# --- Lifting a lockout -------------------------------------------------------------------------


def account_locked(user: User) -> bool:
    """Whether the account's sign-in (its username) or its second factor is locked now."""
    failures = AccessAttempt.objects.filter(
        username=user.get_username(), attempt_time__gte=timezone.now() - lockout_cooloff()
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return (failures or 0) >= settings.AXES_FAILURE_LIMIT or second_factor_locked(user)


@transaction.atomic
def lockout_lift(*, user: User, by: User) -> int:
    """End the account's sign-in and second-factor lockouts and forget its failed attempts
    (audited). Lockouts of an address are lifted in the admin's *Access attempts*, or end
    by themselves. Returns how many records of failures were removed."""
    removed = AxesProxyHandler.reset_attempts(username=user.get_username())
    removed += SecondFactorLock.objects.filter(user=user).delete()[0]
    # django-otp's own back-off (each wrong code doubles the wait) starts again too.
    for device in devices_for_user(user, confirmed=None):
        if hasattr(device, "throttle_reset"):
            device.throttle_reset()
    audit_log(
        actor=by,
        action=AuditAction.LOCKOUT_LIFTED,
        obj=user,
        message=f"Sign-in lockout lifted ({removed} records of failed attempts removed)",
    )
    return removed
