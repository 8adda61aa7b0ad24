import pytest
from django.urls import reverse

from safeguarding.codes import Role
from safeguarding.models import AuditAction, AuditEvent, LocalAuthority, RegionPopulation, User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "role", [Role.LA_USER, Role.PARTNERSHIP_LEAD, Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT]
)
def test_only_administrators_reach_the_admin(client, make_user, role):
    client.force_login(make_user(role))
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 403
    assert "You cannot do that" in response.content.decode()


def test_anonymous_admin_visit_goes_to_the_service_sign_in(client, db):
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith("/sign-in/?next=/admin/")


def test_administrator_edits_a_population_estimate_and_it_is_audited(client, make_user):
    admin = make_user(Role.ADMINISTRATOR)
    client.force_login(admin)
    population = RegionPopulation.objects.get(region__code="north_east", year=2023)
    url = reverse("admin:safeguarding_regionpopulation_change", args=[population.pk])
    response = client.post(
        url,
        {
            "region": population.region_id,
            "year": 2023,
            "children": 535_300,
            "source": "Corrected estimate",
        },
    )
    assert response.status_code == 302
    population.refresh_from_db()
    assert population.children == 535_300
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(population.pk))
    assert event.actor == admin
    assert event.changes["children"] == "535300"


def test_administrator_creates_an_la_user(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    leeds = LocalAuthority.objects.get(name="Leeds")
    response = client.post(
        reverse("admin:safeguarding_user_add"),
        {
            "username": "new.colleague",
            "email": "new.colleague@example.org",
            "role": Role.LA_USER,
            "local_authority": leeds.pk,
            "usable_password": "true",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    created = User.objects.get(username="new.colleague")
    assert created.local_authority == leeds
    assert not created.is_superuser


def test_a_role_without_its_organisation_is_refused_with_a_message(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    response = client.post(
        reverse("admin:safeguarding_user_add"),
        {
            "username": "orphan",
            "email": "orphan@example.org",
            "role": Role.LA_USER,
            "usable_password": "true",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )
    assert response.status_code == 200
    assert "A local authority user needs a local authority" in response.content.decode()
    assert not User.objects.filter(username="orphan").exists()


def test_users_cannot_be_deleted_only_deactivated(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    other = make_user(Role.LA_USER)
    response = client.post(
        reverse("admin:safeguarding_user_delete", args=[other.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert User.objects.filter(pk=other.pk).exists()
