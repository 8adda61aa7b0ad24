"""factory_boy factories for the kernel: one user factory per role."""

import factory
from django.utils.text import slugify

from safeguarding.codes import RegionCode, Role
from safeguarding.models import LocalAuthority, Partnership, Region, User

TEST_PASSWORD = "correct-horse-battery-staple"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = RegionCode.NORTH_EAST
    name = "North East"


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    name = factory.Sequence(lambda n: f"Testshire {n} Safeguarding Children Partnership")
    code = factory.LazyAttribute(lambda o: slugify(o.name))


class LocalAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalAuthority

    name = factory.Sequence(lambda n: f"Testshire {n}")
    ons_code = factory.Sequence(lambda n: f"E99{n:06d}")
    dfe_code = factory.Sequence(lambda n: f"T{n % 100:02d}")
    region = factory.SubFactory(RegionFactory)
    partnership = factory.SubFactory(PartnershipFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    password = factory.django.Password(TEST_PASSWORD)


class LaUserFactory(UserFactory):
    role = Role.LA_USER
    local_authority = factory.SubFactory(LocalAuthorityFactory)


class PartnershipLeadFactory(UserFactory):
    role = Role.PARTNERSHIP_LEAD
    partnership = factory.SubFactory(PartnershipFactory)


class PanelMemberFactory(UserFactory):
    role = Role.PANEL_MEMBER


class PanelSecretariatFactory(UserFactory):
    role = Role.PANEL_SECRETARIAT


class AdministratorFactory(UserFactory):
    role = Role.ADMINISTRATOR


class DfeViewerFactory(UserFactory):
    role = Role.DFE_VIEWER


class OfstedViewerFactory(UserFactory):
    role = Role.OFSTED_VIEWER


FACTORY_FOR_ROLE = {
    Role.LA_USER: LaUserFactory,
    Role.PARTNERSHIP_LEAD: PartnershipLeadFactory,
    Role.PANEL_MEMBER: PanelMemberFactory,
    Role.PANEL_SECRETARIAT: PanelSecretariatFactory,
    Role.ADMINISTRATOR: AdministratorFactory,
    Role.DFE_VIEWER: DfeViewerFactory,
    Role.OFSTED_VIEWER: OfstedViewerFactory,
}
