"""What the entries of a person's account mean, for the history on their page
(safeguarding.history): invitations, role changes, deactivation and API tokens."""

from __future__ import annotations

from .history import Rule, register, rules_describer
from .models import AuditAction, User

LABELS = {
    "role": "Role",
    "is_approver": "Approver",
    "local_authority": "Local authority",
    "partnership": "Partnership",
    "organisation": "Organisation",
}

RULES = (
    Rule(AuditAction.INVITE, r"Invited", "sent an invitation", labels=LABELS),
    Rule(AuditAction.INVITE, r"Invitation sent again", "sent the invitation again", show=()),
    Rule(AuditAction.INVITATION_ACCEPTED, r"", "accepted the invitation and chose a password"),
    Rule(AuditAction.INVITATION_CANCELLED, r"", "cancelled the invitation", show=()),
    Rule(
        AuditAction.DEACTIVATE,
        r"Account deactivated(: (?P<reason>.*))?",
        "deactivated the account",
        note="Reason: {reason}.",
        show=(),
    ),
    Rule(AuditAction.REACTIVATE, r"", "reactivated the account", show=()),
    Rule(
        AuditAction.LAPSE_WARNING,
        r"Warned that the account will be deactivated on (?P<day>.*)",
        "warned that the account will be deactivated on {day} unless used",
        show=(),
    ),
    Rule(AuditAction.UPDATE, r"Role changed", "changed the role", labels=LABELS),
    Rule(AuditAction.UPDATE, r"Changed their password", "changed their password", show=()),
    Rule(
        AuditAction.CREATE,
        r"API token '(?P<name>.*)' created, expires (?P<expires>.*)",
        "created the API token {name}",
        note="It expires on {expires}.",
        show=(),
    ),
    Rule(
        AuditAction.DELETE,
        r"API token '(?P<name>.*)' revoked",
        "revoked the API token {name}",
        show=(),
    ),
    Rule(
        AuditAction.DELETE,
        r"API tokens revoked \((?P<reason>[^)]*)\): (?P<names>.*)",
        "revoked the API tokens {names}",
        note="Reason: {reason}.",
        show=(),
    ),
)

register(User, rules_describer(RULES))
