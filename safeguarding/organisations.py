"""Reference data stays editable (issue 15, item 4): administrators add local authorities and
partnerships from the service's pages, as the annual reorganisations of local government need.
Moves and merges are `safeguarding.moves`."""

import re

from django.db import transaction
from django.utils.text import slugify

from .audit import audit_log
from .models import AuditAction, LocalAuthority, Partnership, Region, User

# Upper-tier authorities' ONS codes: "E" and eight digits (E06… unitary, E08… metropolitan,
# E09… London, E10… county).
ONS_CODE = re.compile(r"^E\d{8}$")
DFE_CODE = re.compile(r"^\d{3}$")
# Partnership pages live at /partnerships/<code>/, next to /partnerships/add/.
RESERVED_CODES = frozenset({"add"})
PARTNERSHIP_CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class OrganisationInvalid(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


def local_authority_errors(*, ons_code: str, dfe_code: str, name: str) -> dict[str, list[str]]:
    """What is wrong with a new authority's codes and name (empty when nothing is)."""
    errors: dict[str, list[str]] = {}
    if not ONS_CODE.match(ons_code):
        errors["ons_code"] = ["Enter an ONS code like E08000035: E and 8 digits"]
    elif LocalAuthority.objects.filter(ons_code=ons_code).exists():
        errors["ons_code"] = [f"A local authority already has the ONS code {ons_code}"]
    if not DFE_CODE.match(dfe_code):
        errors["dfe_code"] = ["Enter a DfE LA code like 383: 3 digits"]
    elif LocalAuthority.objects.filter(dfe_code=dfe_code).exists():
        errors["dfe_code"] = [f"A local authority already has the DfE LA code {dfe_code}"]
    if LocalAuthority.objects.filter(name__iexact=name).exists():
        errors["name"] = [f"There is already a local authority called {name}"]
    return errors


@transaction.atomic
def local_authority_create(
    *,
    ons_code: str,
    dfe_code: str,
    name: str,
    region: Region,
    partnership: Partnership,
    by: User,
) -> LocalAuthority:
    """Add a local authority (a new unitary authority, say)."""
    ons_code, dfe_code, name = ons_code.strip().upper(), dfe_code.strip(), name.strip()
    errors = local_authority_errors(ons_code=ons_code, dfe_code=dfe_code, name=name)
    if errors:
        raise OrganisationInvalid(errors)
    authority = LocalAuthority.objects.create(
        ons_code=ons_code, dfe_code=dfe_code, name=name, region=region, partnership=partnership
    )
    audit_log(
        actor=by,
        action=AuditAction.CREATE,
        obj=authority,
        changes={"ons_code": ons_code, "region": region.code, "partnership": partnership.code},
        message=f"Local authority added to {partnership}",
    )
    return authority


def partnership_code_for(name: str) -> str:
    return slugify(name.removesuffix(" Safeguarding Children Partnership"))[:80]


def partnership_errors(*, code: str, name: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not PARTNERSHIP_CODE.match(code):
        errors["code"] = [
            "Enter a code of lower-case letters, digits and hyphens, like west-testshire"
        ]
    elif code in RESERVED_CODES:
        errors["code"] = [f"The code {code} is used by the service's pages: choose another"]
    elif Partnership.objects.filter(code=code).exists():
        errors["code"] = [f"A partnership already has the code {code}"]
    if Partnership.objects.filter(name__iexact=name).exists():
        errors["name"] = [f"There is already a partnership called {name}"]
    return errors


@transaction.atomic
def partnership_create(*, name: str, code: str = "", email: str = "", by: User) -> Partnership:
    """Add a safeguarding partnership (`code` made from the name when left blank)."""
    name = name.strip()
    code = code.strip().lower() or partnership_code_for(name)
    errors = partnership_errors(code=code, name=name)
    if errors:
        raise OrganisationInvalid(errors)
    partnership = Partnership.objects.create(name=name, code=code, email=email.strip())
    audit_log(
        actor=by,
        action=AuditAction.CREATE,
        obj=partnership,
        changes={"code": code},
        message="Partnership added",
    )
    return partnership
