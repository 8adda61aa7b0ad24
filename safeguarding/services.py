"""Writes for the shared kernel: loading reference data and creating people."""

import csv
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from .audit import audit_log
from .codes import Role
from .models import (
    AuditAction,
    CensusEthnicityShare,
    LocalAuthority,
    Partnership,
    Region,
    RegionPopulation,
    User,
)

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
POPULATION_SOURCE = "ONS mid-2023 estimates, Panel annual report 2023 to 2024, Appendix D Table A"


@dataclass(frozen=True)
class ReferenceDataResult:
    regions: int
    local_authorities: int
    partnerships: int
    created: int


def _rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def reference_data_load() -> ReferenceDataResult:
    """Load the regions and their mid-2023 child populations, the 153 upper-tier local
    authorities with one partnership each, and the Census 2021 ethnicity shares.

    Idempotent: running it again creates only what is missing and never overwrites what an
    administrator has changed since (a population figure, an authority's partnership)."""
    created = 0
    regions: dict[str, Region] = {}
    for row in _rows("regions.csv"):
        region, was_created = Region.objects.get_or_create(
            code=row["code"], defaults={"name": row["name"]}
        )
        regions[region.code] = region
        created += was_created
        _, was_created = RegionPopulation.objects.get_or_create(
            region=region,
            year=2023,
            defaults={"children": int(row["children_mid_2023"]), "source": POPULATION_SOURCE},
        )
        created += was_created

    existing = set(LocalAuthority.objects.values_list("ons_code", flat=True))
    partnerships = {p.code: p for p in Partnership.objects.all()}
    new_authorities = []
    for row in _rows("local_authorities.csv"):
        if row["ons_code"] in existing:
            continue
        code = slugify(row["name"])
        partnership = partnerships.get(code)
        if partnership is None:
            partnership = Partnership.objects.create(
                code=code, name=f"{row['name']} Safeguarding Children Partnership"
            )
            partnerships[code] = partnership
            created += 1
        new_authorities.append(
            LocalAuthority(
                ons_code=row["ons_code"],
                dfe_code=row["dfe_code"],
                name=row["name"],
                region=regions[row["region"]],
                partnership=partnership,
            )
        )
    LocalAuthority.objects.bulk_create(new_authorities)
    created += len(new_authorities)

    for row in _rows("census_ethnicity_2021.csv"):
        _, was_created = CensusEthnicityShare.objects.get_or_create(
            census_year=2021,
            is_group=row["is_group"] == "1",
            code=row["code"],
            defaults={"percentage": Decimal(row["percentage"])},
        )
        created += was_created

    return ReferenceDataResult(
        regions=Region.objects.count(),
        local_authorities=LocalAuthority.objects.count(),
        partnerships=Partnership.objects.count(),
        created=created,
    )


@transaction.atomic
def user_create(
    *,
    username: str,
    email: str,
    role: Role | str,
    password: str | None,
    local_authority: LocalAuthority | None = None,
    partnership: Partnership | None = None,
    first_name: str = "",
    last_name: str = "",
    by: User | None = None,
) -> User:
    """Create a person with a role in an organisation (the database rejects a role without
    the organisation it needs). A None password leaves the account unusable until reset."""
    user = User(
        username=username,
        email=email,
        role=role,
        local_authority=local_authority,
        partnership=partnership,
        first_name=first_name,
        last_name=last_name,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    audit_log(actor=by, action=AuditAction.CREATE, obj=user, changes={"role": str(role)})
    return user
