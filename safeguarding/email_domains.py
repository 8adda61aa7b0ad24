"""Work e-mail domains per organisation (issue 15, item 2): a local authority or partnership
with domains accepts invitations and requests for an account only from addresses at one of
them. A subdomain counts as the domain's own (`childrens.leeds.gov.uk` for `leeds.gov.uk`),
since councils give departments their own; an organisation with no domain accepts any
address. Administrators add and remove them on the organisation's page; each change is
audited."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.db.models import Q

from . import policy
from .audit import audit_log
from .codes import Role
from .errors import DomainInvalid
from .models import AuditAction, EmailDomain, LocalAuthority, Partnership, User

# Labels of letters, digits and hyphens, dot-separated, ending in a letters-only top level.
DOMAIN_PATTERN = re.compile(
    r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
)


class EmailDomainInvalid(DomainInvalid):
    """A domain that cannot be added, by field."""


def _organisation_q(organisation: LocalAuthority | Partnership) -> Q:
    if isinstance(organisation, LocalAuthority):
        return Q(local_authority=organisation)
    return Q(partnership=organisation)


def email_domains_of(organisation: LocalAuthority | Partnership | None) -> list[str]:
    """The organisation's work e-mail domains, in order."""
    if organisation is None:
        return []
    return list(
        EmailDomain.objects.filter(_organisation_q(organisation))
        .order_by("domain")
        .values_list("domain", flat=True)
    )


def address_domain(email: str) -> str:
    return email.strip().rpartition("@")[2].lower().rstrip(".")


def domain_allows(domain: str, email: str) -> bool:
    """`email` is at `domain` or at one of its subdomains."""
    host = address_domain(email)
    return host == domain or host.endswith(f".{domain}")


def organisation_for_role(
    *, role: str, local_authority: LocalAuthority | None, partnership: Partnership | None
) -> LocalAuthority | Partnership | None:
    """The organisation whose domains apply to a person of `role` (none for national roles)."""
    if role == Role.LA_USER:
        return local_authority
    if role == Role.PARTNERSHIP_LEAD:
        return partnership
    return None


def email_domain_problem(
    *, email: str, organisation: LocalAuthority | Partnership | None
) -> str | None:
    """The message for an address outside the organisation's domains, or None when it may be
    used (the organisation has no domain, or the address is at one of them)."""
    domains = email_domains_of(organisation)
    if not domains or any(domain_allows(domain, email) for domain in domains):
        return None
    endings = " or ".join(f"@{domain}" for domain in domains)
    return (
        f"Enter a {organisation} work email address, ending in {endings} "
        f"(or a subdomain of {'it' if len(domains) == 1 else 'one of them'})"
    )


def domain_normalise(value: str) -> str:
    return value.strip().lower().removeprefix("@").rstrip(".")


@transaction.atomic
def email_domain_add(
    *, by: User, organisation: LocalAuthority | Partnership, domain: str
) -> EmailDomain:
    """Add a work e-mail domain to an organisation (administrators)."""
    policy.require(policy.can_manage_organisations(by, organisation))
    domain = domain_normalise(domain)
    if not DOMAIN_PATTERN.match(domain):
        raise EmailDomainInvalid(
            {"domain": ["Enter a domain in the correct format, like leeds.gov.uk"]}
        )
    if EmailDomain.objects.filter(_organisation_q(organisation), domain=domain).exists():
        raise EmailDomainInvalid({"domain": [f"{organisation} already has {domain}"]})
    made = EmailDomain(domain=domain, created_by=by)
    if isinstance(organisation, LocalAuthority):
        made.local_authority = organisation
    else:
        made.partnership = organisation
    try:
        with transaction.atomic():
            made.save()
    except IntegrityError:
        # The same domain added at the same moment by another administrator.
        raise EmailDomainInvalid({"domain": [f"{organisation} already has {domain}"]}) from None
    audit_log(
        actor=by,
        action=AuditAction.CREATE,
        obj=made,
        changes={"organisation": str(organisation), "domain": domain},
        message=f"Work email domain {domain} added to {organisation}",
    )
    return made


@transaction.atomic
def email_domain_remove(
    *, by: User, organisation: LocalAuthority | Partnership, domain_pk: int
) -> EmailDomain | None:
    """Remove one of the organisation's domains; None when it had no such domain (already
    removed by someone else)."""
    policy.require(policy.can_manage_organisations(by, organisation))
    found = (
        EmailDomain.objects.select_for_update()
        .filter(_organisation_q(organisation), pk=domain_pk)
        .first()
    )
    if found is None:
        return None
    audit_log(
        actor=by,
        action=AuditAction.DELETE,
        obj=found,
        changes={"organisation": str(organisation), "domain": found.domain},
        message=f"Work email domain {found.domain} removed from {organisation}",
    )
    found.delete()
    return found
