"""API tokens for case-management systems (django-rest-knox, `models.ApiToken`): made with a
name and an expiry, shown once, stored only as a digest, and revoked when the owner's password
changes or the account is deactivated, whichever path changed it (the web pages, the admin,
`manage.py changepassword`)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .audit import audit_log
from .models import ApiToken, AuditAction, User


class ApiTokenRefused(Exception):
    pass


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str,
    by: User | None = None,
    by_name: str = "",
    days: int | None = None,
) -> tuple[ApiToken, str]:
    """Make a token for `user`, valid for `days` (at most, and by default,
    settings.API_TOKEN_DAYS: REST_KNOX["TOKEN_TTL"]). Returns the stored token (its digest
    only) and the token itself, which nothing keeps: show it once."""
    if not user.is_active:
        raise ApiTokenRefused(f"{user} is not active: an inactive user cannot use the API")
    name = name.strip()
    if not name:
        raise ApiTokenRefused("Give the token a name, such as the system that will use it")
    days = min(days or settings.API_TOKEN_DAYS, settings.API_TOKEN_DAYS)
    token, raw = ApiToken.objects.create(user=user, name=name[:100], expiry=timedelta(days=days))
    # The token is a secret: the audit trail records whose it is and its name, not the token.
    audit_log(
        actor=by,
        actor_username=by_name,
        action=AuditAction.CREATE,
        obj=user,
        message=f"API token {token.name!r} created, expires {token.expiry:%Y-%m-%d}",
    )
    return token, raw


def api_token_expiry_choices() -> list[int]:
    """The lifetimes offered when making a token, in days: none longer than the setting."""
    cap = settings.API_TOKEN_DAYS
    return sorted({days for days in (7, 30, 90, 365) if days < cap} | {cap})


def api_tokens_of(*, user: User):
    return ApiToken.objects.filter(user=user).order_by("-created")


@transaction.atomic
def api_token_revoke(*, user: User, token_key: str, by: User) -> ApiToken:
    """Delete one of `user`'s tokens (known by its key, the first characters of the token)."""
    token = ApiToken.objects.select_for_update().filter(user=user, token_key=token_key).first()
    if token is None:
        raise ApiTokenRefused("This token has already been revoked or has expired")
    token.delete()
    audit_log(
        actor=by,
        action=AuditAction.DELETE,
        obj=user,
        message=f"API token {token.name!r} revoked",
    )
    return token


def api_tokens_revoke(*, user: User, reason: str, by: User | None = None) -> int:
    """Delete every API token of `user` (audited when there were any). Returns how many."""
    names = list(ApiToken.objects.filter(user=user).values_list("name", flat=True))
    if not names:
        return 0
    ApiToken.objects.filter(user=user).delete()
    audit_log(
        actor=by,
        actor_username="" if by else "service",
        action=AuditAction.DELETE,
        obj=user,
        message=f"API tokens revoked ({reason}): {', '.join(sorted(names))}",
    )
    return len(names)


# Every way a password changes or an account is deactivated ends in User.save(), so the
# revocation hangs there rather than in each of the views, forms and commands that do it.


@receiver(pre_save, sender=User)
def _note_credentials_change(sender, instance: User, update_fields=None, **kwargs) -> None:
    instance._api_tokens_revoke_reason = None
    if instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return  # e.g. last_login on each sign-in
    before = User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    # Django re-hashes a password at sign-in when its hasher's settings change: the same
    # password, so not a change (it saves only the password and forgets the raw one first).
    rehash = getattr(instance, "_password", None) is None and update_fields is not None
    if before["password"] != instance.password and not rehash:
        instance._api_tokens_revoke_reason = "password changed"
    elif before["is_active"] and not instance.is_active:
        instance._api_tokens_revoke_reason = "account deactivated"


@receiver(post_save, sender=User)
def _revoke_on_credentials_change(sender, instance: User, created: bool, **kwargs) -> None:
    reason = getattr(instance, "_api_tokens_revoke_reason", None)
    if reason:
        instance._api_tokens_revoke_reason = None
        api_tokens_revoke(user=instance, reason=reason)
