"""The team pages: the list and a person's page in scope, role changes, deactivation (sessions
and API tokens end at once) and reactivation, each audited and shown in the history."""

import pytest
from django.test import Client
from django.urls import reverse

from safeguarding.codes import Role
from safeguarding.models import ApiToken, AuditAction, AuditEvent, LocalAuthority

from ..conftest import api_token_header


@pytest.fixture
def kent(db):
    return LocalAuthority.objects.get(name="Kent")


@pytest.fixture
def approver(make_user, leeds):
    return make_user(Role.LA_USER, local_authority=leeds, is_approver=True, first_name="Robin")


def _can_sign_in(user) -> bool:
    client = Client()
    response = client.post(
        reverse("login"), {"username": user.username, "password": "correct-horse-battery-staple"}
    )
    return response.status_code == 302 and "_auth_user_id" in client.session


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_approver_lists_their_own_people(approver, make_user, leeds, kent):
    colleague = make_user(Role.LA_USER, local_authority=leeds, last_name="Colleague")
    make_user(Role.LA_USER, local_authority=kent, last_name="Kentish")

    response = _signed_in(approver).get(reverse("people-list"))

    body = response.content.decode()
    assert response.status_code == 200
    assert colleague.email in body and "Kentish" not in body
    assert "Invite someone" in body


def test_the_list_filters_by_status(make_user, leeds):
    admin = make_user(Role.ADMINISTRATOR)
    gone = make_user(Role.LA_USER, local_authority=leeds, last_name="Gone", is_active=False)
    here = make_user(Role.LA_USER, local_authority=leeds, last_name="Here")

    response = _signed_in(admin).get(
        reverse("people-list"), {"status": "deactivated", "organisation": "la-E08000035"}
    )

    body = response.content.decode()
    assert gone.email in body and here.email not in body


def test_an_approver_gets_404_on_another_authoritys_person(approver, make_user, kent):
    kent_person = make_user(Role.LA_USER, local_authority=kent)
    client = _signed_in(approver)

    for name in ("people-detail", "people-change", "people-deactivate"):
        assert client.get(reverse(name, args=[kent_person.pk])).status_code == 404
    response = client.post(reverse("people-deactivate", args=[kent_person.pk]), {"version": 0})
    assert response.status_code == 404
    kent_person.refresh_from_db()
    assert kent_person.is_active


def test_people_who_are_not_approvers_see_only_themselves(make_user, leeds):
    person = make_user(Role.LA_USER, local_authority=leeds)
    colleague = make_user(Role.LA_USER, local_authority=leeds)
    client = _signed_in(person)

    assert client.get(reverse("people-list")).status_code == 403
    assert client.get(reverse("people-detail", args=[colleague.pk])).status_code == 404
    own = client.get(reverse("people-detail", args=[person.pk]))
    assert own.status_code == 200 and "Deactivate account" not in own.content.decode()


def test_a_persons_page_shows_the_facts_and_the_history(approver, make_user, leeds):
    person = make_user(Role.LA_USER, local_authority=leeds)
    client = _signed_in(approver)
    client.post(reverse("people-change", args=[person.pk]), {"version": 0, "is_approver": "yes"})

    body = client.get(reverse("people-detail", args=[person.pk])).content.decode()

    assert person.email in body and "Leeds" in body and "Active" in body
    assert "changed the role" in body and "Approver: Yes (was No)" in body
    assert "Deactivate account" in body


def test_an_approver_makes_a_colleague_an_approver(approver, make_user, leeds):
    person = make_user(Role.LA_USER, local_authority=leeds)

    response = _signed_in(approver).post(
        reverse("people-change", args=[person.pk]), {"version": 0, "is_approver": "yes"}
    )

    person.refresh_from_db()
    assert response.status_code == 302
    assert person.is_approver and person.version == 1
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(person.pk))
    assert event.changes == {"is_approver": [False, True]} and event.actor == approver


def test_an_administrator_changes_a_role_and_organisation(make_user, leeds):
    admin = make_user(Role.ADMINISTRATOR)
    person = make_user(Role.LA_USER, local_authority=leeds)

    response = _signed_in(admin).post(
        reverse("people-change", args=[person.pk]),
        {
            "version": 0,
            "role": Role.PARTNERSHIP_LEAD,
            "partnership": leeds.partnership_id,
            "is_approver": "no",
        },
    )

    person.refresh_from_db()
    assert response.status_code == 302
    assert person.role == Role.PARTNERSHIP_LEAD and person.partnership == leeds.partnership
    assert person.local_authority is None


def test_a_move_to_another_organisation_ends_sessions_and_api_tokens(make_user, leeds, kent):
    admin = make_user(Role.ADMINISTRATOR)
    person = make_user(Role.LA_USER, local_authority=leeds)
    their_browser = _signed_in(person)
    assert their_browser.get(reverse("home")).status_code == 200
    api = Client(HTTP_AUTHORIZATION=api_token_header(person))
    assert api.get("/api/v1/notifications/").status_code == 200

    response = _signed_in(admin).post(
        reverse("people-change", args=[person.pk]),
        {"version": 0, "role": Role.LA_USER, "local_authority": kent.pk, "is_approver": "no"},
    )

    person.refresh_from_db()
    assert response.status_code == 302 and person.local_authority == kent
    # A Leeds token does not read Kent's data, and the Leeds session is over.
    assert api.get("/api/v1/notifications/").status_code == 401
    assert not ApiToken.objects.filter(user=person).exists()
    next_page = their_browser.get(reverse("home"))
    assert next_page.status_code == 302 and "/sign-in/" in next_page["Location"]
    assert AuditEvent.objects.filter(
        action=AuditAction.DELETE,
        object_id=str(person.pk),
        actor=admin,
        message__startswith="API tokens revoked (role or organisation changed)",
    ).exists()


def test_a_role_change_ends_api_tokens_but_an_approver_flag_does_not(approver, make_user, leeds):
    admin = make_user(Role.ADMINISTRATOR)
    person = make_user(Role.LA_USER, local_authority=leeds)
    api = Client(HTTP_AUTHORIZATION=api_token_header(person))

    _signed_in(approver).post(
        reverse("people-change", args=[person.pk]), {"version": 0, "is_approver": "yes"}
    )
    assert api.get("/api/v1/notifications/").status_code == 200

    _signed_in(admin).post(
        reverse("people-change", args=[person.pk]),
        {
            "version": 1,
            "role": Role.PARTNERSHIP_LEAD,
            "partnership": leeds.partnership_id,
            "is_approver": "no",
        },
    )
    person.refresh_from_db()
    assert person.role == Role.PARTNERSHIP_LEAD
    assert api.get("/api/v1/notifications/").status_code == 401


def test_a_stale_change_is_refused(approver, make_user, leeds):
    person = make_user(Role.LA_USER, local_authority=leeds)
    client = _signed_in(approver)
    client.post(reverse("people-change", args=[person.pk]), {"version": 0, "is_approver": "yes"})

    response = client.post(
        reverse("people-change", args=[person.pk]), {"version": 0, "is_approver": "no"}
    )

    person.refresh_from_db()
    assert response.status_code == 200
    assert "Someone else changed this account" in response.content.decode()
    assert person.is_approver


def test_an_approver_cannot_make_an_administrator(approver, make_user, leeds):
    person = make_user(Role.LA_USER, local_authority=leeds)

    response = _signed_in(approver).post(
        reverse("people-change", args=[person.pk]),
        {"version": 0, "role": Role.ADMINISTRATOR, "is_approver": "no"},
    )

    person.refresh_from_db()
    assert response.status_code == 403 and person.role == Role.LA_USER


def test_deactivation_ends_sessions_and_api_tokens_at_once(approver, make_user, leeds):
    person = make_user(Role.LA_USER, local_authority=leeds)
    their_browser = _signed_in(person)
    assert their_browser.get(reverse("home")).status_code == 200
    token_header = api_token_header(person)
    api = Client(HTTP_AUTHORIZATION=token_header)
    assert api.get("/api/v1/notifications/").status_code == 200

    response = _signed_in(approver).post(
        reverse("people-deactivate", args=[person.pk]), {"version": person.version}
    )

    person.refresh_from_db()
    assert response.status_code == 302
    assert not person.is_active and person.status == "deactivated"
    # Their next request is signed out, and their token is refused.
    next_page = their_browser.get(reverse("home"))
    assert next_page.status_code == 302 and "/sign-in/" in next_page["Location"]
    assert api.get("/api/v1/notifications/").status_code == 401
    assert not ApiToken.objects.filter(user=person).exists()
    assert AuditEvent.objects.filter(action=AuditAction.DEACTIVATE, object_id=str(person.pk))
    # And they cannot sign in again.
    assert not _can_sign_in(person)


def test_reactivation_lets_them_sign_in_again(make_user, leeds):
    admin = make_user(Role.ADMINISTRATOR)
    person = make_user(Role.LA_USER, local_authority=leeds, is_active=False)

    response = _signed_in(admin).post(
        reverse("people-reactivate", args=[person.pk]), {"version": person.version}
    )

    person.refresh_from_db()
    assert response.status_code == 302 and person.is_active
    assert _can_sign_in(person)
    assert AuditEvent.objects.filter(action=AuditAction.REACTIVATE, object_id=str(person.pk))


def test_nobody_deactivates_themselves(make_user):
    admin = make_user(Role.ADMINISTRATOR)
    make_user(Role.ADMINISTRATOR)

    response = _signed_in(admin).post(
        reverse("people-deactivate", args=[admin.pk]), {"version": admin.version}
    )

    admin.refresh_from_db()
    assert response.status_code == 200 and admin.is_active
    assert "You cannot deactivate your own account" in response.content.decode()


def _meanwhile_deactivated(monkeypatch, other):
    """`other` is deactivated by someone else between this request's checks of who may act and
    its lock on the account: the one order in which the pages can reach the last
    administrator (one-by-one, the last administrator's only administrator is themselves)."""
    from safeguarding import people
    from safeguarding.models import User

    lock = people.person_lock

    def lock_then_other_deactivated(person, expected_version):
        locked = lock(person, expected_version)
        User.objects.filter(pk=other.pk).update(is_active=False)
        return locked

    monkeypatch.setattr(people, "person_lock", lock_then_other_deactivated)


def test_the_last_administrator_cannot_be_deactivated(make_user, monkeypatch):
    last = make_user(Role.ADMINISTRATOR)
    other = make_user(Role.ADMINISTRATOR)
    client = _signed_in(other)
    _meanwhile_deactivated(monkeypatch, other)

    response = client.post(reverse("people-deactivate", args=[last.pk]), {"version": 0})

    last.refresh_from_db()
    assert response.status_code == 200 and last.is_active and last.version == 0
    assert "s last administrator" in response.content.decode()
    assert not AuditEvent.objects.filter(object_id=str(last.pk)).exists()


def test_the_last_administrator_cannot_be_demoted(make_user, monkeypatch, leeds):
    last = make_user(Role.ADMINISTRATOR)
    other = make_user(Role.ADMINISTRATOR)
    client = _signed_in(other)
    _meanwhile_deactivated(monkeypatch, other)

    response = client.post(
        reverse("people-change", args=[last.pk]),
        {"version": 0, "role": Role.LA_USER, "local_authority": leeds.pk, "is_approver": "no"},
    )

    last.refresh_from_db()
    assert response.status_code == 200 and last.role == Role.ADMINISTRATOR
    assert "s last administrator" in response.content.decode()
    assert 'href="#id_role_1"' in response.content.decode()  # the first radio


def test_an_administrator_deactivates_another(make_user):
    admin = make_user(Role.ADMINISTRATOR)
    other = make_user(Role.ADMINISTRATOR)

    response = _signed_in(other).post(
        reverse("people-deactivate", args=[admin.pk]), {"version": admin.version}
    )

    admin.refresh_from_db()
    assert response.status_code == 302 and not admin.is_active


def test_the_service_itself_can_deactivate_with_a_reason(make_user, leeds):
    from safeguarding.history import case_history
    from safeguarding.people import person_deactivate

    person = make_user(Role.LA_USER, local_authority=leeds)

    person_deactivate(person=person, by=None, expected_version=None, reason="not used for 90 days")

    person.refresh_from_db()
    assert not person.is_active
    item = case_history(person)[0]
    assert (item.who, item.what) == ("The service", "deactivated the account")
    assert item.note == "Reason: not used for 90 days."


@pytest.mark.parametrize("operator", [{"is_staff": True}, {"is_superuser": True}])
def test_an_approver_cannot_reach_the_services_operators_in_their_authority(
    approver, make_user, leeds, operator
):
    person = make_user(Role.LA_USER, local_authority=leeds, last_name="Operator", **operator)
    client = _signed_in(approver)

    assert "Operator" not in client.get(reverse("people-list")).content.decode()
    assert client.get(reverse("people-detail", args=[person.pk])).status_code == 404
    deactivate = client.post(reverse("people-deactivate", args=[person.pk]), {"version": 0})
    change = client.post(
        reverse("people-change", args=[person.pk]), {"version": 0, "is_approver": "yes"}
    )

    person.refresh_from_db()
    assert deactivate.status_code == 404 and change.status_code == 404
    assert person.is_active and not person.is_approver and person.version == 0
    assert not AuditEvent.objects.filter(object_id=str(person.pk)).exists()


def test_an_approver_of_another_organisation_gets_404_on_every_action(make_user, leeds, kent):
    kent_approver = make_user(Role.LA_USER, local_authority=kent, is_approver=True)
    active = make_user(Role.LA_USER, local_authority=leeds)
    gone = make_user(Role.LA_USER, local_authority=leeds, is_active=False)
    invited = make_user(Role.LA_USER, local_authority=leeds, is_active=False, is_invited=True)
    token, _ = ApiToken.objects.create(user=active, name="CMS")
    client = _signed_in(kent_approver)

    posts = [
        ("people-invitation-resend", invited, {"version": 0}),
        ("people-invitation-cancel", invited, {"version": 0}),
        ("people-reactivate", gone, {"version": 0}),
        ("people-change", active, {"version": 0, "is_approver": "yes"}),
        ("people-deactivate", active, {"version": 0}),
        ("people-api-token-create", active, {"name": "Kent's", "days": 30}),
        ("people-api-token-revoke", active, {"token": token.token_key}),
    ]
    for name, person, data in posts:
        if "invitation" not in name and "revoke" not in name:  # the others are POST only
            assert client.get(reverse(name, args=[person.pk])).status_code == 404, name
        assert client.post(reverse(name, args=[person.pk]), data).status_code == 404, name

    for person in (active, gone, invited):
        person.refresh_from_db()
        assert person.version == 0
    assert active.is_active and not active.is_approver and not gone.is_active
    assert invited.is_invited
    assert list(ApiToken.objects.filter(user=active)) == [token]
    assert not AuditEvent.objects.filter(
        object_id__in=[str(p.pk) for p in (active, gone, invited)]
    ).exists()


@pytest.mark.parametrize("action", ["deactivate", "demote"])
def test_removing_an_administrator_first_locks_every_administrator(make_user, leeds, action):
    # Two administrators removing each other at the same moment must run one after the other,
    # or each would see the other still there and the service would be left with none.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin = make_user(Role.ADMINISTRATOR)
    other = make_user(Role.ADMINISTRATOR)
    data = {"version": 0}
    if action == "demote":
        data |= {"role": Role.LA_USER, "local_authority": leeds.pk, "is_approver": "no"}
    name = "people-deactivate" if action == "deactivate" else "people-change"

    with CaptureQueriesContext(connection) as queries:
        response = _signed_in(other).post(reverse(name, args=[admin.pk]), data)

    assert response.status_code == 302
    locks = [
        q["sql"] for q in queries if "FOR UPDATE" in q["sql"] and "safeguarding_user" in q["sql"]
    ]
    assert locks and "is_superuser" in locks[0] and "ORDER BY" in locks[0]
