"""Asking for an account (issue 15, item 2): anyone may ask, on the public "Ask for an account"
page, for the role of a local authority or a partnership; the organisation's approvers are
told (by e-mail and in their inbox), or its administrators when it has no approver, and
approve or reject it with a reason.

- The organisation's work e-mail domains apply (`email_domains`).
- Nothing tells the person asking whether an address has an account: an address that has one
  gets an e-mail saying so (to its owner only) and the page answers as for any other; for a
  deactivated or invited account, its approvers are asked to reactivate it or to send the
  invitation again. Asking again while a request waits changes nothing but the audit trail.
- Approving invites the person through `invitations.person_invite` (the invitation e-mail,
  its single-use link); rejecting e-mails them the reason. A request is decided once: its row
  is locked, its status and version checked.
- Only the organisation's approvers and the administrators see a request (others: 404).
"""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import policy
from .audiences import Audience, notify
from .audit import audit_log
from .codes import Role
from .email import email_queue
from .email_domains import email_domain_problem, organisation_for_role
from .errors import DomainConflict, DomainError, DomainInvalid
from .invitations import person_invite
from .limits import REASON_MAX_CHARS
from .models import AccountRequest, AuditAction, LocalAuthority, Partnership, User
from .scoping import NOTHING

REASON_MAX = REASON_MAX_CHARS
NAME_PROBLEM = "Enter {which} without line breaks, web addresses or special characters"
NON_ASCII_EMAIL = "Enter an email address using only letters a to z, numbers and . - _ + @"
_WEB_ADDRESS = re.compile(r"://|www\.", re.IGNORECASE)


def name_is_plain(value: str) -> bool:
    """A typed name goes into e-mail subjects and e-mails branded with the service's name:
    no control characters (a line break would break the subject), no web addresses."""
    return not (
        any(unicodedata.category(c).startswith("C") for c in value) or _WEB_ADDRESS.search(value)
    )


ALREADY_DECIDED = "This request has already been {status}: nothing has been changed"


class AccountRequestError(DomainError):
    """A decision the request's state does not allow."""


class AccountRequestInvalid(AccountRequestError, DomainInvalid):
    """Answers that break a rule, by field."""


class AccountRequestConflict(AccountRequestError, DomainConflict):
    message = (
        "Someone else decided this request after you opened it. Nothing has been changed: "
        "check the request as it is now."
    )


# --- Scope -------------------------------------------------------------------------------------


def account_request_scope(user) -> Q:
    """The requests `user` may see: administrators all, an approver their organisation's."""
    if policy.is_administrator(user):
        return Q()
    if not policy.is_approver(user):
        return NOTHING
    if user.role == Role.LA_USER:
        return Q(role=Role.LA_USER, local_authority_id=user.local_authority_id)
    return Q(role=Role.PARTNERSHIP_LEAD, partnership_id=user.partnership_id)


def account_requests_visible_to(user) -> QuerySet[AccountRequest]:
    return AccountRequest.objects.filter(account_request_scope(user))


def account_requests_pending(*, user) -> QuerySet[AccountRequest]:
    """The requests waiting for `user`'s decision, oldest first (the people page)."""
    return (
        account_requests_visible_to(user)
        .filter(status=AccountRequest.Status.PENDING)
        .select_related("local_authority", "partnership")
        .order_by("created_at", "pk")
    )


def account_request_get_for_user(*, user, pk: int) -> AccountRequest:
    """The request, or 404 outside the user's scope."""
    return get_object_or_404(
        account_requests_visible_to(user).select_related(
            "local_authority", "partnership", "decided_by", "person"
        ),
        pk=pk,
    )


# --- Asking ------------------------------------------------------------------------------------


def account_request_deciders(account_request: AccountRequest | User) -> list[User]:
    """Who is told of a request (or of an account holder's): the organisation's active
    approvers, or the active administrators when it has none."""
    people = User.objects.filter(
        is_active=True, is_approver=True, is_staff=False, is_superuser=False
    )
    if account_request.role == Role.LA_USER and account_request.local_authority_id:
        people = people.filter(
            role=Role.LA_USER, local_authority_id=account_request.local_authority_id
        )
    elif account_request.role == Role.PARTNERSHIP_LEAD and account_request.partnership_id:
        people = people.filter(
            role=Role.PARTNERSHIP_LEAD, partnership_id=account_request.partnership_id
        )
    else:
        people = people.none()
    approvers = list(people.order_by("pk"))
    if approvers:
        return approvers
    return list(
        User.objects.filter(
            Q(role=Role.ADMINISTRATOR) | Q(is_superuser=True), is_active=True
        ).order_by("pk")
    )


def _tell_deciders(account_request: AccountRequest) -> None:
    people = account_request_deciders(account_request)
    organisation = account_request.organisation
    # The reason is not repeated here: it was written by someone not signed in.
    body = (
        f"{account_request.full_name} ({account_request.email}) asked for an account as a "
        f"{account_request.get_role_display().lower()} of {organisation}. Sign in to read "
        "their reason and approve or reject the request."
    )
    notify(
        Audience(tuple(people), tuple(dict.fromkeys(p.email for p in people if p.email))),
        subject=f"Request for an account: {account_request.full_name}, {organisation}",
        body=body,
        url=reverse("people-request-detail", args=[account_request.pk]),
        related=account_request,
        dedupe_key=f"account-request:{account_request.pk}",
    )


def _tell_account_holder(holder: User, email: str) -> None:
    """Someone asked for an account with an address that has one: its owner is told, and
    nobody else learns anything. A deactivated account, or an invitation not yet accepted,
    cannot be used by signing in or resetting the password: the organisation's approvers (or
    the administrators) are asked to reactivate it or to send the invitation again, and the
    owner is told that they were asked."""
    if holder.is_invited or not holder.is_active:
        invited = holder.is_invited
        wants = (
            "their invitation to be sent again (it has not been accepted)"
            if invited
            else "their deactivated account to be reactivated"
        )
        people = account_request_deciders(holder)
        notify(
            Audience(tuple(people), tuple(dict.fromkeys(p.email for p in people if p.email))),
            subject=(
                f"{holder.get_full_name() or holder.email} asks for their "
                + ("invitation to be sent again" if invited else "account to be reactivated")
            ),
            body=(
                f"{holder.get_full_name()} ({holder.email}) asked for an account and already "
                f"has one: they ask for {wants}. Sign in to check their account and decide."
            ),
            url=reverse("people-detail", args=[holder.pk]),
            related=holder,
        )
        email_queue(
            to=[email],
            subject=f"Your request for an account on {settings.SERVICE_NAME}",
            body=render_to_string(
                "people/account_request_existing_inactive_email.txt",
                {"service_name": settings.SERVICE_NAME, "invited": invited},
            ),
            related=holder,
        )
        return
    email_queue(
        to=[email],
        subject=f"Someone asked for an account on {settings.SERVICE_NAME}",
        body=render_to_string(
            "people/account_request_existing_email.txt",
            {
                "service_name": settings.SERVICE_NAME,
                "sign_in": f"{settings.SITE_URL}{reverse('login')}",
                "reset": f"{settings.SITE_URL}{reverse('password_reset')}",
            },
        ),
    )


@transaction.atomic
def account_request_submit(
    *,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    local_authority: LocalAuthority | None,
    partnership: Partnership | None,
    reason: str,
) -> AccountRequest | None:
    """Record a request for an account and tell the organisation's approvers. Returns None,
    saying nothing different to the person asking, when the address already has an account
    (its owner is e-mailed) or a request waiting."""
    email = email.strip()
    errors: dict[str, list[str]] = {}
    for field, which, value in (
        ("first_name", "your first name", first_name),
        ("last_name", "your last name", last_name),
    ):
        if not name_is_plain(value):
            errors[field] = [NAME_PROBLEM.format(which=which)]
    if not email.isascii():
        errors["email"] = [NON_ASCII_EMAIL]
    if role not in policy.ORGANISATION_ROLES:
        errors["role"] = ["Select where you work"]
    elif role == Role.LA_USER and local_authority is None:
        errors["local_authority"] = ["Choose your local authority"]
    elif role == Role.PARTNERSHIP_LEAD and partnership is None:
        errors["partnership"] = ["Choose your safeguarding partnership"]
    if not reason.strip():
        errors["reason"] = ["Enter why you need an account"]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [f"Reason must be {REASON_MAX:,} characters or fewer"]
    if errors:
        raise AccountRequestInvalid(errors)
    local_authority = local_authority if role == Role.LA_USER else None
    partnership = partnership if role == Role.PARTNERSHIP_LEAD else None
    outside = email_domain_problem(
        email=email,
        organisation=organisation_for_role(
            role=role, local_authority=local_authority, partnership=partnership
        ),
    )
    if outside:
        raise AccountRequestInvalid({"email": [outside]})
    holder = User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).first()
    if holder is not None:
        audit_log(
            actor=None,
            action=AuditAction.SUBMIT,
            obj=holder,
            changes={
                "email": email,
                "role": role,
                "status": str(holder.status),
            },
            message="Account requested for an existing account",
        )
        _tell_account_holder(holder, holder.email or email)
        return None
    try:
        with transaction.atomic():
            made = AccountRequest.objects.create(
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                email=email,
                role=role,
                local_authority=local_authority,
                partnership=partnership,
                reason=reason.strip(),
            )
    except IntegrityError:
        # A request from this address is already waiting: recorded, nothing else changes.
        audit_log(
            actor=None,
            action=AuditAction.SUBMIT,
            obj=AccountRequest.objects.filter(
                email__iexact=email, status=AccountRequest.Status.PENDING
            ).first(),
            changes={"email": email, "role": role},
            message="Account requested again while a request waits",
        )
        return None
    audit_log(
        actor=None,
        action=AuditAction.SUBMIT,
        obj=made,
        changes={"email": email, "role": role, "organisation": str(made.organisation)},
        message="Account requested",
    )
    _tell_deciders(made)
    return made


# --- Deciding ----------------------------------------------------------------------------------


def _lock(account_request: AccountRequest, by: User, expected_version: int | None):
    locked = AccountRequest.objects.select_for_update().get(pk=account_request.pk)
    policy.require(policy.can_decide_account_request(by, locked))
    if locked.status != AccountRequest.Status.PENDING:
        raise AccountRequestConflict(
            locked, ALREADY_DECIDED.format(status=locked.get_status_display().lower())
        )
    if expected_version is not None and locked.version != expected_version:
        raise AccountRequestConflict(locked)
    return locked


def _decided(locked: AccountRequest, *, by: User, status: str, fields: list[str]) -> None:
    locked.status = status
    locked.decided_at = timezone.now()
    locked.decided_by = by
    locked.version = F("version") + 1
    locked.save(update_fields=["status", "decided_at", "decided_by", "version", *fields])
    locked.refresh_from_db()


@transaction.atomic
def account_request_approve(
    *, account_request: AccountRequest, by: User, expected_version: int | None
) -> User:
    """Approve a request: the person is invited (`person_invite`: the account waits for them
    to follow the e-mailed link). Raises PersonInvalid when the invitation cannot be made (an
    account with the address made since, an address outside the domains added since)."""
    locked = _lock(account_request, by, expected_version)
    person = person_invite(
        by=by,
        first_name=locked.first_name,
        last_name=locked.last_name,
        email=locked.email,
        role=locked.role,
        local_authority=locked.local_authority,
        partnership=locked.partnership,
    )
    locked.person = person
    _decided(locked, by=by, status=AccountRequest.Status.APPROVED, fields=["person"])
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=locked,
        changes={"status": ["pending", "approved"], "person": person.pk},
        message="Account request approved",
    )
    return person


@transaction.atomic
def account_request_reject(
    *, account_request: AccountRequest, by: User, expected_version: int | None, reason: str
) -> AccountRequest:
    """Reject a request with a reason, which is e-mailed to the person who asked."""
    reason = reason.strip()
    if not reason:
        raise AccountRequestInvalid({"decision_reason": ["Enter the reason for rejecting"]})
    if len(reason) > REASON_MAX:
        raise AccountRequestInvalid(
            {"decision_reason": [f"Reason must be {REASON_MAX:,} characters or fewer"]}
        )
    locked = _lock(account_request, by, expected_version)
    locked.decision_reason = reason
    _decided(locked, by=by, status=AccountRequest.Status.REJECTED, fields=["decision_reason"])
    audit_log(
        actor=by,
        action=AuditAction.UPDATE,
        obj=locked,
        changes={"status": ["pending", "rejected"], "reason": reason},
        message="Account request rejected",
    )
    email_queue(
        to=[locked.email],
        subject=f"Your request for an account on {settings.SERVICE_NAME}",
        body=render_to_string(
            "people/account_request_rejected_email.txt",
            {
                "request": locked,
                "organisation": locked.organisation,
                "reason": reason,
                "service_name": settings.SERVICE_NAME,
            },
        ),
        related=locked,
    )
    return locked
