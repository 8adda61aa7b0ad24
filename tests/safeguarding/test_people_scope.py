"""Who sees whom on the team pages, and who may change whom (safeguarding.people, policy)."""

import pytest

from safeguarding import policy
from safeguarding.codes import Role
from safeguarding.models import LocalAuthority
from safeguarding.people import people_visible_to


@pytest.fixture
def kent(db):
    return LocalAuthority.objects.get(name="Kent")


def test_an_approver_sees_their_own_authority_only(make_user, leeds, kent):
    approver = make_user(Role.LA_USER, local_authority=leeds, is_approver=True)
    colleague = make_user(Role.LA_USER, local_authority=leeds)
    kent_person = make_user(Role.LA_USER, local_authority=kent)
    lead = make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership)

    visible = set(people_visible_to(approver))

    assert visible == {approver, colleague}
    assert kent_person not in visible and lead not in visible


def test_a_partnership_approver_sees_their_partnerships_leads(make_user, leeds, kent):
    approver = make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership, is_approver=True)
    colleague = make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership)
    make_user(Role.PARTNERSHIP_LEAD, partnership=kent.partnership)
    make_user(Role.LA_USER, local_authority=leeds)

    assert set(people_visible_to(approver)) == {approver, colleague}


def test_administrators_see_everyone_and_others_only_themselves(make_user, leeds, kent):
    admin = make_user(Role.ADMINISTRATOR)
    person = make_user(Role.LA_USER, local_authority=leeds)
    other = make_user(Role.LA_USER, local_authority=kent)

    assert {admin, person, other} <= set(people_visible_to(admin))
    assert set(people_visible_to(person)) == {person}
    panel = make_user(Role.PANEL_MEMBER)
    assert set(people_visible_to(panel)) == {panel}


def test_approvers_manage_only_their_organisation_and_its_role(make_user, leeds, kent):
    approver = make_user(Role.LA_USER, local_authority=leeds, is_approver=True)
    colleague = make_user(Role.LA_USER, local_authority=leeds)
    kent_person = make_user(Role.LA_USER, local_authority=kent)
    admin = make_user(Role.ADMINISTRATOR)

    assert policy.can_manage_people(approver, colleague)
    assert not policy.can_manage_people(approver, kent_person)
    assert not policy.can_manage_people(approver, admin)
    assert policy.roles_grantable(approver) == [Role.LA_USER]
    assert Role.ADMINISTRATOR in policy.roles_grantable(admin)
    assert policy.can_manage_people(admin, kent_person)
    assert not policy.can_manage_people(colleague, approver)
    assert not policy.can_see_people(colleague)


def test_only_organisation_roles_can_be_approvers(make_user):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        make_user(Role.PANEL_MEMBER, is_approver=True)


def test_approvers_never_manage_staff_or_superusers_of_their_organisation(make_user, leeds):
    approver = make_user(Role.LA_USER, local_authority=leeds, is_approver=True)
    staff = make_user(Role.LA_USER, local_authority=leeds, is_staff=True)
    superuser = make_user(Role.LA_USER, local_authority=leeds, is_superuser=True)

    assert set(people_visible_to(approver)) == {approver}
    assert not policy.is_approver_of(approver, staff)
    assert not policy.can_manage_people(approver, superuser)
