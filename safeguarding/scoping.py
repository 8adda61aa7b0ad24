"""Who may see which local authority's records: the one rule every app's selectors apply.

A local authority user sees their authority's records; a partnership lead sees the records of
every authority their partnership covers; Panel members, the secretariat and administrators
see England. The Department for Education's and Ofsted's viewers are none of these: their
own clause (`sees_submitted_england`), which each selector adds beside `authority_scope`,
lets them read every submitted SIN in England and the rapid reviews the Panel shares with
them, and nothing else. Each model's selector calls `authority_scope(user, path)` with the
path from that model to its local authority, so the rule is written once and a record out of
scope is a 404.

A case that belongs to a partnership also passes `partnership`, the path to the partnership
that did the work: when an authority moves to another partnership its closed cases keep theirs
(safeguarding.moves), so their old partnership's leads still see them, read-only, and the
new partnership's leads see them through the authority and act on them (`policy.is_lead_of`).
"""

from django.db.models import Q

from .codes import NATIONAL_ROLES, REGULATOR_ROLES, Role

NOTHING = Q(pk__in=[])


def sees_england(user) -> bool:
    """Panel members, the secretariat and administrators: every authority and partnership."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and (user.role in NATIONAL_ROLES or user.is_superuser)
    )


def sees_submitted_england(user) -> bool:
    """The Department for Education's and Ofsted's read-only viewers: every SUBMITTED SIN in
    England (never a draft) and a rapid review once the Panel shares it; never anything else
    of a partnership's work. Selectors add this as a clause of its own, e.g.

        visible = authority_scope(user, "local_authority")
        if sees_submitted_england(user):
            visible |= ~Q(status="draft")

    (`authority_scope` is NOTHING for them, never Q(), so OR-ing narrows nothing.)"""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and not user.is_superuser
        and user.role in REGULATOR_ROLES
    )


def authority_scope(user, path: str, *, partnership: str = "") -> Q:
    """A filter for records whose local authority (reached by `path`, e.g. "local_authority"
    or "notification__local_authority"; "" for LocalAuthority itself) the user may see, or,
    for a partnership lead, whose own partnership (reached by `partnership`, e.g.
    "partnership" or "review__partnership") is the lead's."""
    if not (user and user.is_authenticated and user.is_active):
        return NOTHING
    prefix = f"{path}__" if path else ""
    if sees_england(user):
        return Q()
    if user.role == Role.LA_USER and user.local_authority_id:
        return Q(**{f"{path or 'pk'}": user.local_authority_id})
    if user.role == Role.PARTNERSHIP_LEAD and user.partnership_id:
        covered = Q(**{f"{prefix}partnership": user.partnership_id})
        return covered | Q(**{partnership: user.partnership_id}) if partnership else covered
    return NOTHING
