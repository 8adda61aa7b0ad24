import pytest
from django.urls import reverse

from safeguarding.codes import Role
from safeguarding.selectors import local_authority_list

from ..factories import LocalAuthorityFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def detail_url(authority):
    return reverse("local-authority-detail", args=[authority.ons_code])


def test_la_user_sees_only_their_authority(client, make_user, leeds, bristol):
    user = make_user(Role.LA_USER, local_authority=leeds)
    client.force_login(user)
    assert list(local_authority_list(user=user)) == [leeds]
    assert client.get(detail_url(leeds)).status_code == 200
    assert client.get(detail_url(bristol)).status_code == 404


def test_another_authority_answers_404_not_403(client, make_user, leeds, bristol):
    client.force_login(make_user(Role.LA_USER, local_authority=bristol))
    response = client.get(detail_url(leeds))
    assert response.status_code == 404
    assert "Leeds" not in response.content.decode()


def test_partnership_lead_sees_every_authority_of_their_partnership_only(client, make_user):
    partnership = PartnershipFactory()
    first, second = LocalAuthorityFactory.create_batch(2, partnership=partnership)
    outside = LocalAuthorityFactory()
    lead = make_user(Role.PARTNERSHIP_LEAD, partnership=partnership)
    client.force_login(lead)
    assert set(local_authority_list(user=lead)) == {first, second}
    assert client.get(detail_url(first)).status_code == 200
    assert client.get(detail_url(second)).status_code == 200
    assert client.get(detail_url(outside)).status_code == 404


@pytest.mark.parametrize("role", [Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT, Role.ADMINISTRATOR])
def test_national_roles_see_every_authority(client, make_user, role, leeds, bristol):
    user = make_user(role)
    client.force_login(user)
    assert local_authority_list(user=user).count() == 153
    assert client.get(detail_url(leeds)).status_code == 200
    assert client.get(detail_url(bristol)).status_code == 200


def test_inactive_user_sees_nothing(make_user):
    user = make_user(Role.PANEL_MEMBER, is_active=False)
    assert not local_authority_list(user=user).exists()


def test_list_page_shows_only_what_is_in_scope(client, make_user, leeds):
    client.force_login(make_user(Role.LA_USER, local_authority=leeds))
    html = client.get(reverse("local-authority-list")).content.decode()
    assert "Leeds" in html
    assert "Bristol" not in html
    assert "1 local authority" in html


def test_list_page_searches_and_paginates(client, make_user):
    client.force_login(make_user(Role.PANEL_MEMBER))
    page_one = client.get(reverse("local-authority-list")).content.decode()
    assert "153 local authorities" in page_one
    assert "govuk-pagination" in page_one
    found = client.get(reverse("local-authority-list"), {"q": "york"}).content.decode()
    assert "North Yorkshire" in found
    assert "Leeds" not in found
