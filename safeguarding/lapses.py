"""Leavers (issue 15, item 3): an account nobody uses is deactivated, after one warning.

An account's **last use** is the latest of its last complete sign-in (`User.last_verified_at`:
the second factor passed, or the password alone where MFA_REQUIRED is off), the last use of any
of its API tokens (a case-management system calling the API as it), and its last reactivation;
one never used counts from its creation. A password without the second factor is not use:
someone who knows a leaver's password but not their second factor cannot keep the account
alive. The daily "Account lapses" task (`account_lapse_sweep`):

1. clears the warning of anyone warned who has used the account since (a complete sign-in
   clears it at once: `account_used`);
2. warns, once, each active account not used for ACCOUNT_LAPSE_DAYS - ACCOUNT_LAPSE_WARNING_DAYS:
   an e-mail and an inbox message giving the day it will be deactivated and how to keep it
   (sign in). That day (`User.lapses_on`) is ACCOUNT_LAPSE_DAYS after the last use, and never
   less than ACCOUNT_LAPSE_WARNING_DAYS after the warning, so everyone gets the whole warning
   period, even when the task first runs on accounts unused for longer;
3. deactivates, on or after that day, each warned account still not used since its warning,
   through `people.person_deactivate(by=None)`: its sessions end, its API tokens are revoked,
   and its history says "The service" and why. The last active administrator is never
   deactivated (`person_deactivate` refuses): it is warned, and kept.

Invited accounts (not yet accepted: they cannot sign in, and their invitation expires) and
deactivated ones are left alone. Each warning and each deactivation happens once per person
and period, however many sweeps run at once: each is done with the person's row locked, after
asking again under the lock whether it is still due, and doing it makes it no longer due (the
warning is recorded on the row; the account is no longer active).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models import DateTimeField, F, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .audiences import Audience, notify
from .audit import audit_log
from .dates import long_date
from .models import ApiToken, AuditAction, User
from .people import PersonError, administrators_lock, person_deactivate, person_lock

logger = logging.getLogger(__name__)


def lapse_reason() -> str:
    return f"not used for {settings.ACCOUNT_LAPSE_DAYS} days"


def _tokens_last_used() -> Subquery:
    return Subquery(
        ApiToken.objects.filter(user=OuterRef("pk"))
        .order_by()
        .values("user")
        .annotate(last=Max("last_used_at"))
        .values("last"),
        output_field=DateTimeField(),
    )


def with_last_use(people: QuerySet[User]) -> QuerySet[User]:
    """`people` with `last_use`: the latest of the last complete sign-in (second factor
    passed), the last API call with one of their tokens and the last reactivation, or their
    account's creation if none. (`last_login` is not used: Django sets it after the password,
    before the second factor.)"""
    joined = F("date_joined")
    return people.annotate(
        last_use=Greatest(
            Coalesce("last_verified_at", joined),
            Coalesce(_tokens_last_used(), joined),
            Coalesce("reactivated_at", joined),
            output_field=DateTimeField(),
        )
    )


def _active() -> QuerySet[User]:
    """The accounts that can lapse: active ones (an invited account is not active)."""
    return with_last_use(User.objects.filter(is_active=True, is_invited=False))


def warning_due(now: datetime) -> QuerySet[User]:
    """Active accounts, not warned, unused since the warning moment."""
    unused_days = settings.ACCOUNT_LAPSE_DAYS - settings.ACCOUNT_LAPSE_WARNING_DAYS
    return _active().filter(
        lapse_warned_at__isnull=True, last_use__lt=now - timedelta(days=unused_days)
    )


def used_since_warning() -> QuerySet[User]:
    return _active().filter(lapse_warned_at__isnull=False, last_use__gte=F("lapse_warned_at"))


def deactivation_due(now: datetime) -> QuerySet[User]:
    """Warned accounts whose day has come, not used since their warning."""
    return _active().filter(
        lapse_warned_at__isnull=False,
        lapses_on__lte=timezone.localdate(now),
        last_use__lt=F("lapse_warned_at"),
    )


def lapse_day(*, last_use: datetime, warned_at: datetime) -> date:
    """The day an account warned at `warned_at` is deactivated unless used before: the lapse
    period after its last use, and never less than the warning period after the warning."""
    return max(
        timezone.localdate(last_use) + timedelta(days=settings.ACCOUNT_LAPSE_DAYS),
        timezone.localdate(warned_at) + timedelta(days=settings.ACCOUNT_LAPSE_WARNING_DAYS),
    )


@dataclass
class LapseResult:
    warned: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    # The last administrator, warned and due, whom deactivation refuses.
    kept: list[str] = field(default_factory=list)
    # Warnings cleared: the account was used after the warning.
    cleared: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "warned": self.warned,
            "deactivated": self.deactivated,
            "kept": self.kept,
            "cleared": self.cleared,
        }


def _lapse_warning_clear(person_pk: int) -> bool:
    return bool(
        User.objects.filter(pk=person_pk, lapse_warned_at__isnull=False).update(
            lapse_warned_at=None, lapses_on=None
        )
    )


def account_used(user: User) -> None:
    """A complete sign-in (the second factor passed) is using the account: its clock starts
    again and any warning goes. Called where a session is verified (safeguarding.second_factor)
    and, where MFA_REQUIRED is off, at the password sign-in."""
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(
        last_verified_at=now, lapse_warned_at=None, lapses_on=None
    )
    user.last_verified_at = now
    user.lapse_warned_at = user.lapses_on = None


@receiver(user_logged_in)
def _account_used_at_sign_in(sender, request, user, **kwargs) -> None:
    """The password alone is a complete sign-in only where no second factor is required;
    otherwise the use is recorded when the second factor is passed."""
    if not settings.MFA_REQUIRED and isinstance(user, User):
        account_used(user)


@transaction.atomic
def lapse_warn(*, person_pk: int, now: datetime) -> User | None:
    """Warn one person that their account will lapse: once (None when it is no longer due,
    say warned by another sweep meanwhile, or used since)."""
    User.objects.select_for_update().filter(pk=person_pk).first()
    person = warning_due(now).filter(pk=person_pk).first()
    if person is None:
        return None
    lapses_on = lapse_day(last_use=person.last_use, warned_at=now)
    person.lapse_warned_at = now
    person.lapses_on = lapses_on
    person.save(update_fields=["lapse_warned_at", "lapses_on"])
    url = reverse("people-detail", args=[person.pk])
    context = {
        "person": person,
        "last_use": long_date(timezone.localdate(person.last_use)),
        "lapses_on": long_date(lapses_on),
        "days": settings.ACCOUNT_LAPSE_DAYS,
        "service_name": settings.SERVICE_NAME,
        "sign_in": f"{settings.SITE_URL}{reverse('login')}",
    }
    subject = f"Your {settings.SERVICE_NAME} account will be deactivated on {long_date(lapses_on)}"
    key = f"lapse-warning-{person.pk}-{person.last_use.isoformat()}"
    notify(
        Audience((person,), (person.email,) if person.email else ()),
        subject=subject,
        body=render_to_string("people/lapse_warning.txt", {**context, "email": False}),
        email_body=render_to_string("people/lapse_warning.txt", {**context, "email": True}),
        url=url,
        related=person,
        dedupe_key=key,
    )
    audit_log(
        actor=None,
        action=AuditAction.LAPSE_WARNING,
        obj=person,
        changes={
            "last_used": person.last_use.isoformat(),
            "lapses_on": lapses_on.isoformat(),
        },
        message=f"Warned that the account will be deactivated on {long_date(lapses_on)}",
    )
    return person


def lapse_deactivate(*, person_pk: int, now: datetime) -> User | None:
    """Deactivate one warned person whose day has come (None when it is no longer due: used
    since, or deactivated by another sweep meanwhile). PersonError when deactivation refuses
    (the last administrator)."""
    with transaction.atomic():
        person = User.objects.filter(pk=person_pk).first()
        if person is None:
            return None
        # The locks person_deactivate takes, in its order, before asking again.
        administrators_lock(person)
        person_lock(person, None)
        due = deactivation_due(now).filter(pk=person_pk).first()
        if due is None:
            return None
        return person_deactivate(person=due, by=None, expected_version=None, reason=lapse_reason())


def account_lapse_sweep(*, now: datetime | None = None) -> LapseResult:
    """Clear the warnings of accounts used since, warn the accounts due a warning, and
    deactivate the warned ones whose day has come. Safe to run twice or at once."""
    now = now or timezone.now()
    result = LapseResult()
    for pk, username in used_since_warning().values_list("pk", "username"):
        if _lapse_warning_clear(pk):
            result.cleared.append(username)
    for pk in list(warning_due(now).order_by("pk").values_list("pk", flat=True)):
        person = lapse_warn(person_pk=pk, now=now)
        if person is not None:
            result.warned.append(person.username)
    for pk in list(deactivation_due(now).order_by("pk").values_list("pk", flat=True)):
        try:
            person = lapse_deactivate(person_pk=pk, now=now)
        except PersonError as refused:
            logger.info("Account %s not deactivated: %s", pk, refused)
            result.kept.append(User.objects.get(pk=pk).username)
            continue
        if person is not None:
            result.deactivated.append(person.username)
    return result
