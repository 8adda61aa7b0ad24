"""People and their accounts, managed in the service (issue 15): who sees whom (the scope),
and the changes an administrator or an organisation's approver makes to an account (role,
approver, deactivation, reactivation), each checked by `policy`, locked, versioned and audited.
Invitations are in `safeguarding.invitations`.

The scope is written once, here: administrators see everyone; an approver sees the people of
their own organisation (the same local authority, or the same partnership); everyone else sees
only themselves (their own page, for their API tokens). Anyone else is a 404.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import django_filters
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import policy
from .api_tokens import api_tokens_revoke
from .audit import audit_log
from .codes import NATIONAL_ROLES, REGULATOR_ORGANISATION_NAMES, Role
from .errors import DomainConflict, DomainError, DomainInvalid
from .filters import filters_apply
from .models import AuditAction, LocalAuthority, Partnership, PersonStatus, User
from .scoping import NOTHING

PANEL = "panel"
# The organisation filter's codes for the DfE and Ofsted viewers' organisations.
REGULATOR_CODES = {Role.DFE_VIEWER: "dfe", Role.OFSTED_VIEWER: "ofsted"}


class PersonError(DomainError):
    """A change the account's state does not allow (shown as a message on the person's page)."""


class PersonInvalid(PersonError, DomainInvalid):
    """Answers that break a rule, by field."""


class PersonConflict(PersonError, DomainConflict):
    message = (
        "Someone else changed this account after you opened it. Nothing has been changed: "
        "check the account as it is now and try again."
    )


# --- Scope -------------------------------------------------------------------------------------


def people_scope(user) -> Q:
    """The people `user` may see, as a filter of User."""
    if not (user and user.is_authenticated and user.is_active):
        return NOTHING
    if policy.is_administrator(user):
        return Q()
    own = Q(pk=user.pk)
    if policy.is_approver(user):
        # The service's own operators (staff, superusers) are never an approver's people,
        # whatever their organisation (`policy.is_approver_of` says the same).
        operators = Q(is_superuser=True) | Q(is_staff=True)
        if user.role == Role.LA_USER:
            colleagues = Q(role=Role.LA_USER, local_authority_id=user.local_authority_id)
        else:
            colleagues = Q(role=Role.PARTNERSHIP_LEAD, partnership_id=user.partnership_id)
        return own | (colleagues & ~operators)
    return own


def people_visible_to(user) -> QuerySet[User]:
    """Everyone `user` may see: the one place the people scope is applied."""
    return User.objects.filter(people_scope(user))


def person_get_for_user(*, user, pk: int) -> User:
    """The person, or 404 when they are outside the user's scope."""
    return get_object_or_404(
        people_visible_to(user).select_related("local_authority", "partnership"), pk=pk
    )


# --- The list ----------------------------------------------------------------------------------


def organisation_value(person: User) -> str:
    """The organisation filter's code for a person's organisation."""
    if person.role == Role.LA_USER and person.local_authority_id:
        return f"la-{person.local_authority.ons_code}"
    if person.role == Role.PARTNERSHIP_LEAD and person.partnership_id:
        return f"partnership-{person.partnership.code}"
    return REGULATOR_CODES.get(person.role, PANEL)


def organisation_choices(*, user) -> list[tuple[str, str]]:
    """The organisations whose people `user` may see, as (code, name)."""
    if policy.is_administrator(user):
        return [
            (PANEL, "The Panel and administrators"),
            *((code, REGULATOR_ORGANISATION_NAMES[role]) for role, code in REGULATOR_CODES.items()),
            *((f"partnership-{code}", name) for code, name in _partnerships()),
            *((f"la-{code}", name) for code, name in _authorities()),
        ]
    if policy.is_approver(user):
        return [(organisation_value(user), str(user.organisation))]
    return []


def _partnerships():
    return Partnership.objects.order_by("name").values_list("code", "name")


def _authorities():
    return LocalAuthority.objects.order_by("name").values_list("ons_code", "name")


class PeopleFilter(django_filters.FilterSet):
    organisation = django_filters.CharFilter(method="filter_organisation", max_length=100)
    role = django_filters.ChoiceFilter(choices=Role.choices)
    status = django_filters.ChoiceFilter(choices=PersonStatus.choices, method="filter_status")
    name = django_filters.CharFilter(method="filter_name", max_length=200)

    def filter_organisation(self, queryset, name, value):
        kind, _, code = value.partition("-")
        if kind == "la":
            return queryset.filter(role=Role.LA_USER, local_authority__ons_code=code)
        if kind == "partnership":
            return queryset.filter(role=Role.PARTNERSHIP_LEAD, partnership__code=code)
        if value == PANEL:
            return queryset.filter(
                Q(role__in=NATIONAL_ROLES) | Q(is_superuser=True),
                local_authority__isnull=True,
                partnership__isnull=True,
            )
        for role, code in REGULATOR_CODES.items():
            if value == code:
                return queryset.filter(role=role)
        return queryset.none()

    def filter_status(self, queryset, name, value):
        return queryset.filter(PersonStatus.q(value))

    def filter_name(self, queryset, name, value):
        q = Q()
        for word in value.split():
            q &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(username__icontains=word)
            )
        return queryset.filter(q)


def people_list(*, user, filters: Mapping[str, Any] | None = None) -> QuerySet[User]:
    """The people `user` may see, by name, with whether each has set up a second factor
    (`has_second_factor`). Raises FilterInvalid on a filter that does not parse."""
    people = (
        people_visible_to(user)
        .select_related("local_authority", "partnership")
        .annotate(
            has_second_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
        )
        .order_by("last_name", "first_name", "username")
    )
    return filters_apply(PeopleFilter, people, filters)


# --- Changes -----------------------------------------------------------------------------------


def person_lock(person: User, expected_version: int | None) -> User:
    """The account, locked for a change; PersonConflict when it changed since `expected_version`."""
    locked = User.objects.select_for_update().get(pk=person.pk)
    if expected_version is not None and locked.version != expected_version:
        raise PersonConflict(locked)
    return locked


def _active_administrators() -> QuerySet[User]:
    return User.objects.filter(Q(role=Role.ADMINISTRATOR) | Q(is_superuser=True), is_active=True)


def _administrators_lock(person: User) -> None:
    """Two administrators removing each other at the same moment would each still see the other
    and leave none. A change that could remove an administrator first locks every active
    administrator, always in one order, so that such changes run one after the other and the
    second sees the first (`_is_last_administrator`)."""
    if person.is_administrator:
        list(_active_administrators().order_by("pk").select_for_update().values_list("pk"))


# For other services that deactivate an account and must lock in the same order first
# (safeguarding.lapses).
administrators_lock = _administrators_lock


def _is_last_administrator(person: User) -> bool:
    return person.is_administrator and not _active_administrators().exclude(pk=person.pk).exists()


def organisation_check(
    *, by: User, role: str, local_authority: LocalAuthority | None, partnership: Partnership | None
) -> dict[str, LocalAuthority | Partnership | None]:
    """The organisation fields for a person of `role`, or PersonInvalid: a local authority user
    needs a local authority, a partnership lead a partnership, national roles neither; an
    approver gives only their organisation's role, in their own organisation."""
    if role not in policy.roles_grantable(by):
        raise PersonInvalid({"role": ["Choose a role you can give"]})
    if not policy.is_administrator(by):
        # An approver's people join the approver's own organisation, whatever was sent.
        return {"local_authority": by.local_authority, "partnership": by.partnership}
    if role == Role.LA_USER:
        if local_authority is None:
            raise PersonInvalid({"local_authority": ["Choose the person's local authority"]})
        return {"local_authority": local_authority, "partnership": None}
    if role == Role.PARTNERSHIP_LEAD:
        if partnership is None:
            raise PersonInvalid({"partnership": ["Choose the person's partnership"]})
        return {"local_authority": None, "partnership": partnership}
    return {"local_authority": None, "partnership": None}


APPROVER_ROLES_ONLY = "Only a local authority user or a partnership lead can be an approver"


def approver_check(*, role: str, is_approver: bool) -> None:
    if is_approver and role not in policy.ORGANISATION_ROLES:
        raise PersonInvalid({"is_approver": [APPROVER_ROLES_ONLY]})


@transaction.atomic
def person_change(
    *,
    person: User,
    by: User,
    expected_version: int | None,
    role: str,
    is_approver: bool,
    local_authority: LocalAuthority | None = None,
    partnership: Partnership | None = None,
) -> User:
    """Change a person's role (and with it their organisation) or approver flag. An approver
    changes only the approver flag of the people of their organisation."""
    _administrators_lock(person)
    locked = person_lock(person, expected_version)
    policy.require(policy.can_manage_people(by, locked))
    if not policy.is_administrator(by):
        role = locked.role
    organisation = organisation_check(
        by=by, role=role, local_authority=local_authority, partnership=partnership
    )
    if not policy.is_administrator(by):
        organisation = {"local_authority": locked.local_authority, "partnership": None}
        organisation["partnership"] = locked.partnership
    approver_check(role=role, is_approver=is_approver)
    if locked.pk == by.pk and role != locked.role:
        raise PersonInvalid({"role": ["You cannot change your own role"]})
    if role != Role.ADMINISTRATOR and _is_last_administrator(locked):
        raise PersonInvalid(
            {"role": ["This is the service's last administrator: make someone else one first"]}
        )
    before = {
        "role": locked.role,
        "is_approver": locked.is_approver,
        "local_authority": str(locked.local_authority or ""),
        "partnership": str(locked.partnership or ""),
    }
    locked.role = role
    locked.is_approver = is_approver
    locked.local_authority = organisation["local_authority"]
    locked.partnership = organisation["partnership"]
    after = {
        "role": locked.role,
        "is_approver": locked.is_approver,
        "local_authority": str(locked.local_authority or ""),
        "partnership": str(locked.partnership or ""),
    }
    changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if not changes:
        return locked
    # A new role or organisation is new access: what the person's sessions and API tokens
    # could reach was decided for the old one, so both end (they sign in again; a token is
    # made again by the person if still needed).
    moved = bool({"role", "local_authority", "partnership"} & changes.keys())
    fields = ["role", "is_approver", "local_authority", "partnership", "version"]
    if moved:
        locked.session_epoch = F("session_epoch") + 1
        fields.append("session_epoch")
    locked.version = F("version") + 1
    locked.save(update_fields=fields)
    locked.refresh_from_db()
    audit_log(
        actor=by, action=AuditAction.UPDATE, obj=locked, changes=changes, message="Role changed"
    )
    if moved:
        api_tokens_revoke(user=locked, reason="role or organisation changed", by=by)
    return locked


@transaction.atomic
def person_deactivate(
    *, person: User, by: User | None, expected_version: int | None, reason: str = ""
) -> User:
    """Deactivate an account: it cannot sign in, its sessions end at once (the session epoch
    changes the session hash) and its API tokens are deleted. Nobody deactivates themselves,
    and the last administrator stays. `by` None is the service itself (a scheduled task, such
    as one for accounts left unused), which says why in `reason`."""
    _administrators_lock(person)
    locked = person_lock(person, expected_version)
    if by is not None:
        policy.require(policy.can_manage_people(by, locked))
        if locked.pk == by.pk:
            raise PersonError("You cannot deactivate your own account")
    if not locked.is_active:
        raise PersonError("This account is already deactivated")
    if _is_last_administrator(locked):
        raise PersonError("This is the service's last administrator: it cannot be deactivated")
    locked.is_active = False
    locked.session_epoch = F("session_epoch") + 1
    locked.version = F("version") + 1
    # Saving is_active False deletes the API tokens (safeguarding.api_tokens).
    locked.save(update_fields=["is_active", "session_epoch", "version"])
    locked.refresh_from_db()
    audit_log(
        actor=by,
        action=AuditAction.DEACTIVATE,
        obj=locked,
        message=f"Account deactivated: {reason}" if reason else "Account deactivated",
    )
    return locked


@transaction.atomic
def person_reactivate(*, person: User, by: User, expected_version: int | None) -> User:
    """Let a deactivated account sign in again (its API tokens stay revoked)."""
    locked = person_lock(person, expected_version)
    policy.require(policy.can_manage_people(by, locked))
    if locked.is_active or locked.is_invited:
        raise PersonError("Only a deactivated account can be reactivated")
    if not locked.has_usable_password():
        raise PersonError(
            "This person never chose a password: invite them again instead of reactivating"
        )
    locked.is_active = True
    locked.version = F("version") + 1
    # Its clock of use starts again, and any warning that it would lapse is over
    # (safeguarding.lapses).
    locked.reactivated_at = timezone.now()
    locked.lapse_warned_at = None
    locked.lapses_on = None
    locked.save(
        update_fields=["is_active", "version", "reactivated_at", "lapse_warned_at", "lapses_on"]
    )
    locked.refresh_from_db()
    audit_log(actor=by, action=AuditAction.REACTIVATE, obj=locked, message="Account reactivated")
    return locked
