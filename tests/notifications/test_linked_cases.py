"""Linked cases (issue 17, item 4): who may link two cases, what each side's readers see of the
other case, removal with a reason, the cases' histories, a confirmed duplicate linked once, and
the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications import duplicates, links
from notifications.models import LinkedCase, LinkKind, PossibleDuplicate
from safeguarding.codes import Role
from safeguarding.models import AuditEvent

from .factories import SubmittedNotificationFactory

pytestmark = pytest.mark.django_db

REASON = "Both children live with Mrs Quillfeather at the same address"


@pytest.fixture
def leeds_sin(leeds):
    return SubmittedNotificationFactory(local_authority=leeds)


@pytest.fixture
def bristol_sin(bristol):
    return SubmittedNotificationFactory(local_authority=bristol)


@pytest.fixture
def member(make_user):
    return make_user(Role.PANEL_MEMBER)


def _add(client, notification, reference, kind=LinkKind.SIBLING, reason=REASON):
    return client.post(
        reverse("notifications:linked-case-add", args=[notification.pk]),
        {"reference": reference, "kind": kind, "reason": reason},
    )


def _page(client, notification) -> str:
    response = client.get(reverse("notifications:notification-detail", args=[notification.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_panel_links_cases_in_two_areas_and_each_side_sees_only_what_it_may(
    client, make_user, member, leeds_sin, bristol_sin, leeds, bristol
):
    client.force_login(member)
    response = _add(client, leeds_sin, bristol_sin.reference.lower())
    assert response.status_code == 302
    link = LinkedCase.objects.get()
    assert {link.first_id, link.second_id} == {leeds_sin.pk, bristol_sin.pk}
    assert link.created_by == member

    # The Panel sees both sides in full.
    page = _page(client, bristol_sin)
    assert leeds_sin.reference in page
    assert REASON in page
    assert "Sibling or child in the same household" in page
    assert "Linked cases (1)" in page

    # Leeds sees its side, the other case only as "in another area", with the kind only.
    client.force_login(make_user(Role.LA_USER, local_authority=leeds))
    page = _page(client, leeds_sin)
    assert "A linked case in another area" in page
    assert "Sibling or child in the same household" in page
    assert bristol_sin.reference not in page
    assert REASON not in page
    assert "Bristol" not in page.split('id="linked-cases"')[1].split("</dl>")[0]

    # Bristol the same from the other side.
    client.force_login(make_user(Role.LA_USER, local_authority=bristol))
    page = _page(client, bristol_sin)
    assert "A linked case in another area" in page
    assert leeds_sin.reference not in page
    assert REASON not in page


def test_a_local_authority_user_links_two_of_its_cases(client, make_user, leeds, leeds_sin):
    other = SubmittedNotificationFactory(local_authority=leeds)
    client.force_login(make_user(Role.LA_USER, local_authority=leeds))
    response = _add(client, leeds_sin, other.reference, kind=LinkKind.SAME_FAMILY_EARLIER)
    assert response.status_code == 302
    page = _page(client, other)
    assert leeds_sin.reference in page
    assert "Same family, earlier case" in page
    assert REASON in page


def test_a_case_out_of_scope_reads_as_one_that_does_not_exist(
    client, make_user, leeds, leeds_sin, bristol_sin
):
    client.force_login(make_user(Role.LA_USER, local_authority=leeds))
    hidden = _add(client, leeds_sin, bristol_sin.reference).content.decode()
    missing = _add(client, leeds_sin, "SIN-2099-999999").content.decode()
    for page in (hidden, missing):
        assert "Enter the reference of a case you can see" in page
        assert bristol_sin.reference not in page.replace(f'value="{bristol_sin.reference}"', "")
        assert "Bristol" not in page
    # What was typed is kept.
    assert 'value="SIN-2099-999999"' in missing
    assert REASON in missing
    assert not LinkedCase.objects.exists()


def test_a_case_cannot_be_linked_to_itself_nor_twice(client, member, leeds_sin, bristol_sin):
    client.force_login(member)
    assert (
        "A case cannot be linked to itself"
        in _add(client, leeds_sin, leeds_sin.reference).content.decode()
    )
    assert _add(client, leeds_sin, bristol_sin.reference).status_code == 302
    again = _add(client, bristol_sin, leeds_sin.reference).content.decode()
    assert "These cases are already linked" in again
    assert LinkedCase.objects.count() == 1


def test_a_reason_and_a_kind_are_required(client, member, leeds_sin, bristol_sin):
    client.force_login(member)
    page = _add(client, leeds_sin, bristol_sin.reference, kind="", reason=" ").content.decode()
    assert "Select the kind of link" in page
    assert "Enter the reason for linking the cases" in page
    assert not LinkedCase.objects.exists()


@pytest.mark.parametrize("role", [Role.DFE_VIEWER, Role.ADMINISTRATOR])
def test_readers_who_may_not_link_are_refused(client, make_user, role, leeds_sin, bristol_sin):
    client.force_login(make_user(role))
    assert _add(client, leeds_sin, bristol_sin.reference).status_code == 403
    page = _page(client, leeds_sin)
    assert "Link to another case" not in page
    assert not LinkedCase.objects.exists()


def test_another_authority_gets_404_for_the_link_pages(
    client, make_user, member, bristol, leeds_sin, bristol_sin
):
    link = links.linked_case_add(
        notification=leeds_sin,
        reference=bristol_sin.reference,
        kind=LinkKind.OTHER,
        reason=REASON,
        by=member,
    )
    outsider = make_user(Role.LA_USER, local_authority=bristol)
    client.force_login(outsider)
    add = reverse("notifications:linked-case-add", args=[leeds_sin.pk])
    remove = reverse("notifications:linked-case-remove", args=[leeds_sin.pk, link.pk])
    api = reverse("notifications-api:linked-case-list", args=[leeds_sin.pk])
    for url in (add, remove, api):
        assert client.get(url).status_code == 404, url
    assert client.post(remove, {"reason": "Wrong"}).status_code == 404
    # From their own side, they cannot remove a link to a case they cannot see either.
    mine = reverse("notifications:linked-case-remove", args=[bristol_sin.pk, link.pk])
    assert client.post(mine, {"reason": "Not ours"}).status_code == 200
    link.refresh_from_db()
    assert link.is_current


def test_removing_a_link_needs_a_reason_keeps_it_and_is_in_both_histories(
    client, member, leeds_sin, bristol_sin
):
    client.force_login(member)
    _add(client, leeds_sin, bristol_sin.reference)
    link = LinkedCase.objects.get()
    url = reverse("notifications:linked-case-remove", args=[bristol_sin.pk, link.pk])
    assert "Enter the reason for removing the link" in client.post(url, {}).content.decode()
    link.refresh_from_db()
    assert link.is_current

    assert client.post(url, {"reason": "Linked by mistake"}).status_code == 302
    link.refresh_from_db()
    assert not link.is_current
    assert link.removed_by == member
    assert link.removal_reason == "Linked by mistake"
    for sin in (leeds_sin, bristol_sin):
        page = _page(client, sin)
        assert "No linked cases." in page
        assert "linked this case to another case" in page
        assert "removed a link to another case" in page
    # The reasons (which may name people) never reach the audit trail.
    events = AuditEvent.objects.filter(message__icontains="another case")
    assert events.count() == 4
    for event in events:
        assert REASON not in str(event.changes) + event.message
        assert "Linked by mistake" not in str(event.changes) + event.message
    # Linked again after the removal: a new link.
    assert _add(client, leeds_sin, bristol_sin.reference).status_code == 302
    assert LinkedCase.objects.filter(removed_at__isnull=True).count() == 1


def test_a_confirmed_duplicate_links_the_two_cases_and_reopening_unlinks_them(
    make_user, leeds_sin, bristol_sin
):
    secretariat = make_user(Role.PANEL_SECRETARIAT)
    pair = PossibleDuplicate.objects.create(first=leeds_sin, second=bristol_sin)
    pair = duplicates.possible_duplicate_link(
        pair=pair, by=secretariat, reason="Same child", expected_version=1
    )
    link = LinkedCase.objects.get()
    assert link.kind == LinkKind.DUPLICATE
    assert link.created_by == secretariat
    pair = duplicates.possible_duplicate_reopen(
        pair=pair, by=secretariat, reason="Check again", expected_version=pair.version
    )
    # No longer confirmed: no longer linked as duplicates, with who and why kept.
    link.refresh_from_db()
    assert link.removed_by == secretariat
    assert link.removal_reason == "The same-incident decision was reopened: Check again"
    assert not LinkedCase.objects.filter(removed_at__isnull=True).exists()
    pair = duplicates.possible_duplicate_link(
        pair=pair, by=secretariat, reason="Same child after all", expected_version=pair.version
    )
    assert LinkedCase.objects.filter(removed_at__isnull=True).count() == 1
    # A dismissal reopened leaves the links alone; a link made by hand survives a reopening.
    pair = duplicates.possible_duplicate_reopen(
        pair=pair, by=secretariat, reason="Again", expected_version=pair.version
    )
    pair = duplicates.possible_duplicate_dismiss(
        pair=pair, by=secretariat, reason="Different", expected_version=pair.version
    )
    kept = LinkedCase.objects.create(
        first=leeds_sin, second=bristol_sin, kind=LinkKind.SIBLING, reason="Siblings"
    )
    duplicates.possible_duplicate_reopen(
        pair=pair, by=secretariat, reason="Once more", expected_version=pair.version
    )
    assert list(LinkedCase.objects.filter(removed_at__isnull=True)) == [kept]


def test_the_api_lists_adds_and_removes_links_with_the_same_rules(
    client, make_user, member, leeds, leeds_sin, bristol_sin
):
    client.force_login(member)
    url = reverse("notifications-api:linked-case-list", args=[leeds_sin.pk])
    made = client.post(
        url,
        {"reference": bristol_sin.reference, "kind": "sibling", "reason": REASON},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert made.json()["reference"] == bristol_sin.reference
    assert made.json()["notification"] == bristol_sin.pk

    client.force_login(make_user(Role.LA_USER, local_authority=leeds))
    [shown] = client.get(url).json()
    assert shown == {
        "id": made.json()["id"],
        "kind": "sibling",
        "kind_label": "Sibling or child in the same household",
        "visible": False,
        "notification": None,
        "reference": "",
        "reason": "",
        "linked_at": None,
    }
    refused = client.post(
        url,
        {"reference": bristol_sin.reference, "kind": "other", "reason": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert refused.json()["reference"] == ["Enter the reference of a case you can see"]

    client.force_login(member)
    remove = reverse("notifications-api:linked-case-remove", args=[leeds_sin.pk, shown["id"]])
    assert client.post(remove, {}, content_type="application/json").status_code == 400
    gone = client.post(remove, {"reason": "Mistake"}, content_type="application/json")
    assert gone.status_code == 204
    assert client.get(url).json() == []
