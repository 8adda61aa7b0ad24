from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum

from safeguarding.codes import EthnicGroup, Ethnicity, RegionCode
from safeguarding.models import (
    CensusEthnicityShare,
    LocalAuthority,
    Partnership,
    Region,
    RegionPopulation,
)
from safeguarding.services import reference_data_load

pytestmark = pytest.mark.django_db


def test_there_are_153_upper_tier_authorities_in_9_regions():
    assert LocalAuthority.objects.count() == 153
    assert set(Region.objects.values_list("code", flat=True)) == set(RegionCode.values)
    per_region = Counter(LocalAuthority.objects.values_list("region__code", flat=True))
    assert per_region == {
        "east_midlands": 10,
        "east_of_england": 11,
        "london": 33,
        "north_east": 12,
        "north_west": 24,
        "south_east": 19,
        "south_west": 15,
        "west_midlands": 14,
        "yorkshire_and_the_humber": 15,
    }


@pytest.mark.parametrize(
    ("name", "ons_code", "region"),
    [
        ("Cumberland", "E06000063", "north_west"),
        ("Westmorland and Furness", "E06000064", "north_west"),
        ("North Yorkshire", "E06000065", "yorkshire_and_the_humber"),
        ("Somerset", "E06000066", "south_west"),
        ("City of London", "E09000001", "london"),
        ("Isles of Scilly", "E06000053", "south_west"),
    ],
)
def test_authorities_after_the_2023_reorganisation(name, ons_code, region):
    authority = LocalAuthority.objects.get(ons_code=ons_code)
    assert authority.name == name
    assert authority.region.code == region


def test_child_populations_match_appendix_d_table_a():
    populations = RegionPopulation.objects.filter(year=2023)
    assert populations.aggregate(total=Sum("children"))["total"] == 11_998_646
    assert populations.get(region__code="east_of_england").children == 1_367_078
    assert populations.get(region__code="london").children == 1_899_880


def test_census_shares_match_table_1():
    shares = {
        (s.code, s.is_group): s.percentage
        for s in CensusEthnicityShare.objects.filter(census_year=2021)
    }
    assert shares[("white_british", False)] == Decimal("66.9")
    assert shares[("asian", True)] == Decimal("12.3")
    assert shares[("other_black", False)] == Decimal("1.2")
    categories = {code for code, is_group in shares if not is_group}
    assert categories == set(Ethnicity.values) - {"unknown"}
    assert {code for code, is_group in shares if is_group} == set(EthnicGroup.values)


def test_every_authority_has_a_partnership_and_a_partnership_may_cover_several():
    assert not LocalAuthority.objects.filter(partnership__isnull=True).exists()
    joint = Partnership.objects.create(code="joint", name="Joint Safeguarding Partnership")
    LocalAuthority.objects.filter(name__in=["Cumberland", "Westmorland and Furness"]).update(
        partnership=joint
    )
    assert joint.local_authorities.count() == 2


def test_loading_twice_adds_nothing_and_keeps_administrators_changes():
    population = RegionPopulation.objects.get(region__code="london", year=2023)
    population.children = 1_900_000
    population.save()
    joint = Partnership.objects.create(code="joint", name="Joint Safeguarding Partnership")
    LocalAuthority.objects.filter(name="Cumberland").update(partnership=joint)

    result = reference_data_load()
    call_command("load_reference_data", stdout=StringIO())

    assert result.created == 0
    assert LocalAuthority.objects.count() == 153
    assert RegionPopulation.objects.get(region__code="london", year=2023).children == 1_900_000
    assert LocalAuthority.objects.get(name="Cumberland").partnership == joint
