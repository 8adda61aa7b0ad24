"""Invitations: an administrator or an approver invites someone by e-mail; the account waits,
unable to sign in, until the person follows the single-use link (valid for
settings.INVITATION_DAYS) and chooses a password. The first sign-in then makes them set up
their second factor (safeguarding.middleware), as for everyone.

Only a SHA-256 digest of a link's token is stored. The token is made when the e-mail is sent
(`invitation_token_issue`, called by safeguarding.email), so neither the database nor the
e-mail log ever holds a working link. A resend withdraws the open invitation and sends a new
one (the old link stops working); a cancel withdraws it and leaves the account deactivated.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import policy
from .audit import audit_log
from .email import INVITATION_LINK_PLACEHOLDER, email_queue
from .email_domains import email_domain_problem, organisation_for_role
from .models import AuditAction, Invitation, LocalAuthority, Partnership, SecretLink, User
from .people import (
    PersonError,
    PersonInvalid,
    approver_check,
    organisation_check,
    people_visible_to,
    person_lock,
)

DUPLICATE_EMAIL = "Someone already has an account with this email address"
# What an approver is told about an address with an account outside their organisation: not
# that it has one (nor where), so that the invitation form cannot tell anyone who has an
# account elsewhere in the country.
ADDRESS_REFUSED = (
    "You cannot invite this email address. Check that it is the person's own work email "
    "address, or ask the service's administrators for help"
)


class InvitationClosed(Exception):
    """The link cannot be used: `reason` is "unknown", "expired", "used" or "withdrawn"."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_link(token: str) -> str:
    """The link, on the service's own address (settings.SITE_URL)."""
    return f"{settings.SITE_URL}{reverse('invitation-accept', kwargs={'token': token})}"


def invitation_token_issue(*, invitation: Invitation) -> str | None:
    """A new token for an open invitation, its digest stored in place of any earlier one (so
    only the newest e-mail's link works). None when the invitation is no longer open."""
    token = secrets.token_urlsafe(32)
    issued = Invitation.objects.filter(
        pk=invitation.pk,
        accepted_at__isnull=True,
        withdrawn_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).update(token_digest=token_digest(token))
    return token if issued else None


def _invitation_send(*, person: User, by: User) -> Invitation:
    """Withdraw the person's open invitations, make a new one and e-mail its link."""
    now = timezone.now()
    person.invitations.filter(accepted_at__isnull=True, withdrawn_at__isnull=True).update(
        withdrawn_at=now
    )
    invitation = Invitation.objects.create(
        user=person,
        created_by=by,
        expires_at=now + timedelta(days=settings.INVITATION_DAYS),
    )
    body = render_to_string(
        "people/invitation_email.txt",
        {
            "person": person,
            "by": by,
            "link": INVITATION_LINK_PLACEHOLDER,
            "days": settings.INVITATION_DAYS,
            "service_name": settings.SERVICE_NAME,
        },
    )
    email_queue(
        to=[person.email],
        subject=f"You have been invited to use {settings.SERVICE_NAME}",
        body=body,
        related=invitation,
        secret_link=SecretLink.INVITATION,
    )
    return invitation


def email_taken(email: str) -> bool:
    return User.objects.filter(email__iexact=email.strip()).exists()


def _same_address(email: str) -> Q:
    return Q(email__iexact=email) | Q(username__iexact=email.lower())


def _address_taken(email: str) -> bool:
    return User.objects.filter(_same_address(email)).exists()


def _duplicate_error(*, by: User, email: str) -> str:
    """What the inviter is told about an address that already has an account: administrators
    and an approver whose own people hold it, that it has one; any other approver, only that
    it cannot be invited (`ADDRESS_REFUSED`)."""
    if policy.is_administrator(by) or people_visible_to(by).filter(_same_address(email)).exists():
        return DUPLICATE_EMAIL
    return ADDRESS_REFUSED


@transaction.atomic
def person_invite(
    *,
    by: User,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    is_approver: bool = False,
    local_authority: LocalAuthority | None = None,
    partnership: Partnership | None = None,
) -> User:
    """Make an invited account (it cannot sign in until the invitation is accepted) and e-mail
    the person their link. An approver invites only into their own organisation and its role."""
    policy.require(policy.can_manage_people(by))
    email = email.strip()
    organisation = organisation_check(
        by=by, role=role, local_authority=local_authority, partnership=partnership
    )
    approver_check(role=role, is_approver=is_approver)
    errors: dict[str, list[str]] = {}
    if not first_name.strip():
        errors["first_name"] = ["Enter the person's first name"]
    if not last_name.strip():
        errors["last_name"] = ["Enter the person's last name"]
    username = email.lower()
    outside = email_domain_problem(
        email=email, organisation=organisation_for_role(role=role, **organisation)
    )
    if outside:
        errors["email"] = [outside]
    elif _address_taken(email):
        errors["email"] = [_duplicate_error(by=by, email=email)]
    if errors:
        raise PersonInvalid(errors)
    person = User(
        username=username,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        role=role,
        is_approver=is_approver,
        is_active=False,
        is_invited=True,
        **organisation,
    )
    person.set_unusable_password()
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        # The same address invited at the same moment by someone else (the check above saw
        # neither): the unique username refuses the second.
        raise PersonInvalid({"email": [_duplicate_error(by=by, email=email)]}) from None
    policy.require(policy.can_manage_people(by, person))
    audit_log(
        actor=by,
        action=AuditAction.INVITE,
        obj=person,
        changes={
            "role": role,
            "is_approver": is_approver,
            "organisation": str(person.organisation),
        },
        message=f"Invited {email}",
    )
    _invitation_send(person=person, by=by)
    return person


@transaction.atomic
def invitation_resend(*, person: User, by: User, expected_version: int | None = None) -> User:
    """A new link for someone invited (or whose invitation was cancelled and who never chose a
    password): the old link stops working."""
    locked = person_lock(person, expected_version)
    policy.require(policy.can_manage_people(by, locked))
    if locked.is_active or (locked.has_usable_password() and not locked.is_invited):
        raise PersonError("This person has already accepted their invitation")
    locked.is_invited = True
    locked.version = F("version") + 1
    locked.save(update_fields=["is_invited", "version"])
    locked.refresh_from_db()
    _invitation_send(person=locked, by=by)
    audit_log(actor=by, action=AuditAction.INVITE, obj=locked, message="Invitation sent again")
    return locked


@transaction.atomic
def invitation_cancel(*, person: User, by: User, expected_version: int | None = None) -> User:
    """Withdraw an invitation: the link stops working and the account stays unable to sign in
    (shown as deactivated; it can be invited again)."""
    locked = person_lock(person, expected_version)
    policy.require(policy.can_manage_people(by, locked))
    if not locked.is_invited:
        raise PersonError("This person has no invitation waiting")
    locked.invitations.filter(accepted_at__isnull=True, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    locked.is_invited = False
    locked.version = F("version") + 1
    locked.save(update_fields=["is_invited", "version"])
    locked.refresh_from_db()
    audit_log(actor=by, action=AuditAction.INVITATION_CANCELLED, obj=locked)
    return locked


def invitation_for_token(token: str) -> Invitation:
    """The open invitation of a link, or InvitationClosed saying why it cannot be used."""
    invitation = (
        Invitation.objects.select_related("user").filter(token_digest=token_digest(token)).first()
    )
    if invitation is None:
        raise InvitationClosed("unknown")
    if invitation.accepted_at is not None:
        raise InvitationClosed("used")
    if invitation.withdrawn_at is not None:
        raise InvitationClosed("withdrawn")
    if invitation.expires_at <= timezone.now():
        raise InvitationClosed("expired")
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    """Open the account: the password (already checked by the form against the password
    validators) is set, the account becomes active and the link is used up."""
    found = invitation_for_token(token)
    invitation = Invitation.objects.select_for_update().get(pk=found.pk)
    if invitation.token_digest != token_digest(token) or not invitation.is_open(timezone.now()):
        raise InvitationClosed("used")
    person = User.objects.select_for_update().get(pk=invitation.user_id)
    if not person.is_invited:
        raise InvitationClosed("withdrawn")
    invitation.accepted_at = timezone.now()
    # The digest stays, so that the used link is recognised and said to be used.
    invitation.save(update_fields=["accepted_at"])
    person.set_password(password)
    person.is_active = True
    person.is_invited = False
    person.version = F("version") + 1
    person.save(update_fields=["password", "is_active", "is_invited", "version"])
    person.refresh_from_db()
    audit_log(actor=person, action=AuditAction.INVITATION_ACCEPTED, obj=person)
    return person
