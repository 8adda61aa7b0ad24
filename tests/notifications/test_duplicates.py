"""Possible duplicate SINs (notifications.duplicates): matching, recording, the check answers
page's warning, the Panel's list and the secretariat's decisions."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications import duplicates, services
from notifications.models import Notification, PossibleDuplicate
from safeguarding.codes import Role, Sex
from safeguarding.models import AuditAction, AuditEvent

from .factories import CompleteDraftFactory, NotificationChildFactory, SubmittedNotificationFactory

pytestmark = pytest.mark.django_db
MONDAY = "2024-06-10 10:00 +01:00"
INCIDENT = date(2024, 6, 3)
DOB = date(2017, 2, 14)


def submitted(authority, *, incident=INCIDENT, sex=Sex.FEMALE, age=7, dob=None):
    sin = SubmittedNotificationFactory(
        local_authority=authority, incident_date=incident, children=[]
    )
    NotificationChildFactory(
        notification=sin, sex=sex, age_years=age, date_of_birth=dob, is_child_in_focus=True
    )
    return sin


def draft(authority, *, incident=INCIDENT, sex=Sex.FEMALE, age=7, dob=None, created_by=None):
    extra = {"created_by": created_by} if created_by else {}
    made = CompleteDraftFactory(
        local_authority=authority, incident_date=incident, children=[], **extra
    )
    NotificationChildFactory(
        notification=made, sex=sex, age_years=age, date_of_birth=dob, is_child_in_focus=True
    )
    return made


def submit(sin: Notification, by) -> Notification:
    return services.notification_submit(notification=sin, by=by, expected_version=None)


def pair_of(a: Notification, b: Notification) -> PossibleDuplicate:
    first, second = sorted((a, b), key=lambda sin: sin.pk)
    return PossibleDuplicate.objects.get(first=first, second=second)


@pytest.fixture
def la_user(make_user, leeds):
    return make_user(Role.LA_USER, local_authority=leeds)


@pytest.fixture
def secretariat(make_user):
    return make_user(Role.PANEL_SECRETARIAT)


# --- Matching ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_apart", "matches"), [(0, True), (30, True), (-30, True), (31, False), (-31, False)]
)
def test_same_date_of_birth_and_sex_match_within_30_days(leeds, bristol, days_apart, matches):
    other = submitted(bristol, incident=INCIDENT + timedelta(days=days_apart), age=7, dob=DOB)
    new = draft(leeds, age=7, dob=DOB)

    assert (duplicates.duplicate_candidates(new) == [other]) is matches


def test_a_birthday_between_the_incidents_still_matches_on_date_of_birth(leeds, bristol):
    # Born 14 June: aged 7 on 3 June, 8 on 20 June; the dates of birth are the same.
    born = date(2016, 6, 14)
    other = submitted(bristol, incident=date(2024, 6, 20), age=8, dob=born)
    new = draft(leeds, age=7, dob=born)

    assert duplicate_references(new) == [other.reference]


def duplicate_references(sin):
    return [other.reference for other in duplicates.duplicate_candidates(sin)]


def test_different_sex_does_not_match(leeds, bristol):
    submitted(bristol, sex=Sex.MALE, dob=DOB)
    assert duplicate_references(draft(leeds, sex=Sex.FEMALE, dob=DOB)) == []


def test_without_dates_of_birth_the_same_age_matches(leeds, bristol):
    other = submitted(bristol, age=7)
    submitted(bristol, age=8)
    assert duplicate_references(draft(leeds, age=7)) == [other.reference]


def test_a_date_of_birth_on_one_side_only_matches_on_age(leeds, bristol):
    other = submitted(bristol, age=7)
    assert duplicate_references(draft(leeds, age=7, dob=DOB)) == [other.reference]


def test_different_dates_of_birth_with_the_same_age_do_not_match(leeds, bristol):
    submitted(bristol, age=7, dob=DOB)
    assert duplicate_references(draft(leeds, age=7, dob=DOB + timedelta(days=40))) == []


def test_drafts_are_never_candidates(leeds, bristol):
    draft(bristol, age=7)
    assert duplicate_references(draft(leeds, age=7)) == []


def test_any_child_of_either_sin_can_match(leeds, bristol):
    other = submitted(bristol, age=3, sex=Sex.MALE)
    new = draft(leeds, age=7)
    NotificationChildFactory(notification=new, sex=Sex.MALE, age_years=3)
    assert duplicate_references(new) == [other.reference]


# --- Recording ---------------------------------------------------------------------------------


@time_machine.travel(MONDAY, tick=False)
def test_submission_records_matches_across_authorities_and_tells_the_secretariat(
    leeds, bristol, la_user, secretariat, django_capture_on_commit_callbacks
):
    other = submitted(bristol, dob=DOB)
    new = draft(leeds, dob=DOB, created_by=la_user)

    with django_capture_on_commit_callbacks(execute=True):
        submit(new, la_user)

    pair = pair_of(new, other)
    assert pair.status == PossibleDuplicate.Status.OPEN
    assert pair.first_id < pair.second_id
    assert any(
        "Possible duplicate" in message.subject and secretariat.email in message.to
        for message in mail.outbox
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_id=str(pair.pk), message__contains="Possible duplicate"
    ).exists()


@time_machine.travel(MONDAY, tick=False)
def test_submission_without_a_match_records_nothing(leeds, bristol, la_user):
    submitted(bristol, age=12)
    submit(draft(leeds, age=7, created_by=la_user), la_user)
    assert not PossibleDuplicate.objects.exists()


@time_machine.travel(MONDAY, tick=False)
def test_an_amended_incident_date_records_new_matches_once(leeds, bristol, la_user):
    other = submitted(bristol, incident=date(2024, 5, 1))
    sin = submit(draft(leeds, created_by=la_user), la_user)
    assert not PossibleDuplicate.objects.exists()

    for _ in range(2):
        sin.refresh_from_db()
        services.notification_incident_update(
            notification=sin,
            by=la_user,
            incident_date=date(2024, 5, 20),
            date_aware=sin.date_aware,
            reason=sin.reason,
            expected_version=sin.version,
            amendment_reason="The police gave the right date",
        )

    assert PossibleDuplicate.objects.count() == 1
    assert pair_of(sin, other).status == PossibleDuplicate.Status.OPEN


@time_machine.travel(MONDAY, tick=False)
def test_an_amended_child_records_new_matches(leeds, bristol, la_user):
    other = submitted(bristol, age=9, sex=Sex.MALE)
    sin = submit(draft(leeds, created_by=la_user), la_user)
    child = sin.children.get()

    services.notification_child_update(
        child=child,
        by=la_user,
        data=services.ChildData(
            child_reference=child.child_reference, sex=Sex.MALE, age_years=9, harm=child.harm
        ),
        expected_version=sin.version,
        amendment_reason="Wrong child recorded",
    )

    assert pair_of(sin, other)


# --- The check answers page ----------------------------------------------------------------------


def check_page(client, user, sin):
    client.force_login(user)
    return client.get(reverse("notifications:notification-check", args=[sin.pk])).text


@time_machine.travel(MONDAY, tick=False)
def test_check_answers_warns_of_a_possible_duplicate_in_the_authoritys_own_scope(
    client, leeds, la_user
):
    own = submitted(leeds, dob=DOB)
    page = check_page(client, la_user, draft(leeds, dob=DOB, created_by=la_user))

    assert "This may have been notified already" in page
    assert own.reference in page
    assert reverse("notifications:notification-detail", args=[own.pk]) in page


@time_machine.travel(MONDAY, tick=False)
def test_check_answers_says_nothing_of_another_authoritys_sin(client, leeds, bristol, la_user):
    theirs = submitted(bristol, dob=DOB)
    page = check_page(client, la_user, draft(leeds, dob=DOB, created_by=la_user))

    assert "This may have been notified already" not in page
    assert theirs.reference not in page
    assert reverse("notifications:notification-detail", args=[theirs.pk]) not in page
    assert "Bristol" not in page


@time_machine.travel(MONDAY, tick=False)
def test_submission_is_not_blocked_by_a_possible_duplicate(client, leeds, la_user):
    submitted(leeds, dob=DOB)
    new = draft(leeds, dob=DOB, created_by=la_user)
    client.force_login(la_user)

    response = client.post(
        reverse("notifications:notification-check", args=[new.pk]),
        {"version": new.version, "action": "submit"},
    )

    assert response.status_code == 302
    new.refresh_from_db()
    assert new.status == Notification.Status.SUBMITTED


# --- The case page -------------------------------------------------------------------------------


def detail(client, user, sin):
    client.force_login(user)
    return client.get(reverse("notifications:notification-detail", args=[sin.pk])).text


def test_case_page_shows_possible_duplicates_to_the_panel(client, leeds, bristol, secretariat):
    a, b = submitted(leeds), submitted(bristol)
    pair = PossibleDuplicate.objects.create(first=a, second=b)

    page = detail(client, secretariat, a)

    assert "Possible duplicates" in page
    assert b.reference in page
    assert reverse("notifications:duplicate-detail", args=[pair.pk]) in page


def test_case_page_hides_another_authoritys_duplicate_from_a_local_authority(
    client, leeds, bristol, la_user
):
    a, b = submitted(leeds), submitted(bristol)
    PossibleDuplicate.objects.create(first=a, second=b)

    page = detail(client, la_user, a)

    assert "Possible duplicates" not in page
    assert b.reference not in page


def test_linked_sins_each_say_same_incident_as_the_other(client, leeds, secretariat):
    a, b = submitted(leeds), submitted(leeds)
    pair = PossibleDuplicate.objects.create(first=a, second=b)
    duplicates.possible_duplicate_link(
        pair=pair, by=secretariat, reason="Same child, placed out of area", expected_version=1
    )

    link_to_b = f'href="/notifications/{b.pk}/">{b.reference}</a></strong>'
    link_to_a = f'href="/notifications/{a.pk}/">{a.reference}</a></strong>'
    assert "Same incident as" in (page_a := detail(client, secretariat, a))
    assert link_to_b in page_a
    assert link_to_a in detail(client, secretariat, b)


# --- The Panel's list and the secretariat's decisions --------------------------------------------


def test_the_list_shows_open_pairs_side_by_side(client, leeds, bristol, make_user):
    a, b = submitted(leeds, age=7), submitted(bristol, incident=INCIDENT + timedelta(days=4))
    PossibleDuplicate.objects.create(first=a, second=b)
    decided = PossibleDuplicate.objects.create(
        first=submitted(leeds),
        second=submitted(leeds),
        status=PossibleDuplicate.Status.DISMISSED,
        decided_by=make_user(Role.PANEL_SECRETARIAT),
        decided_at="2024-06-10T10:00Z",
        reason="Different children",
    )
    client.force_login(make_user(Role.PANEL_MEMBER))

    page = client.get(reverse("notifications:duplicate-list")).text

    for text in (a.reference, b.reference, "Leeds", "Bristol", "7 June 2024", "Female, 7"):
        assert text in page
    assert decided.first.reference not in page
    dismissed = client.get(reverse("notifications:duplicate-list"), {"status": "dismissed"}).text
    assert decided.first.reference in dismissed


@pytest.mark.parametrize(
    ("decision", "status"),
    [("same_incident", "same_incident"), ("dismissed", "dismissed")],
)
def test_the_secretariat_decides_with_a_reason(
    client, leeds, bristol, secretariat, decision, status
):
    pair = PossibleDuplicate.objects.create(first=submitted(leeds), second=submitted(bristol))
    client.force_login(secretariat)
    url = reverse("notifications:duplicate-detail", args=[pair.pk])

    response = client.post(url, {"decision": decision, "reason": "Checked", "version": 1})

    assert response.status_code == 302
    pair.refresh_from_db()
    assert (pair.status, pair.reason, pair.decided_by) == (status, "Checked", secretariat)
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(pair.pk))
    assert event.actor == secretariat
    assert event.changes == {"status": ["open", status]}


def test_a_decision_needs_a_reason_and_keeps_what_was_chosen(client, leeds, secretariat):
    pair = PossibleDuplicate.objects.create(first=submitted(leeds), second=submitted(leeds))
    client.force_login(secretariat)

    response = client.post(
        reverse("notifications:duplicate-detail", args=[pair.pk]),
        {"decision": "dismissed", "reason": "", "version": 1},
    )

    assert response.status_code == 200
    assert "Enter the reason for your decision" in response.text
    assert re.search(r'value="dismissed"[^>]*checked', response.text)
    pair.refresh_from_db()
    assert pair.status == PossibleDuplicate.Status.OPEN


def test_a_decided_pair_is_not_decided_again_from_an_old_page(client, leeds, secretariat):
    pair = PossibleDuplicate.objects.create(first=submitted(leeds), second=submitted(leeds))
    duplicates.possible_duplicate_dismiss(
        pair=pair, by=secretariat, reason="Different incidents", expected_version=1
    )
    client.force_login(secretariat)

    response = client.post(
        reverse("notifications:duplicate-detail", args=[pair.pk]),
        {"decision": "same_incident", "reason": "Same", "version": 1},
    )

    assert response.status_code == 200
    assert "Someone else decided this possible duplicate" in response.text
    pair.refresh_from_db()
    assert (pair.status, pair.reason) == ("dismissed", "Different incidents")


def test_a_decided_pair_refuses_a_second_decision(leeds, secretariat):
    pair = PossibleDuplicate.objects.create(first=submitted(leeds), second=submitted(leeds))
    duplicates.possible_duplicate_link(pair=pair, by=secretariat, reason="Same", expected_version=1)

    with pytest.raises(duplicates.PossibleDuplicateError, match="already same incident"):
        duplicates.possible_duplicate_dismiss(
            pair=pair, by=secretariat, reason="No", expected_version=None
        )


def test_the_secretariat_can_reopen_a_decision(client, leeds, secretariat):
    pair = PossibleDuplicate.objects.create(first=submitted(leeds), second=submitted(leeds))
    duplicates.possible_duplicate_link(pair=pair, by=secretariat, reason="Same", expected_version=1)
    client.force_login(secretariat)

    response = client.post(
        reverse("notifications:duplicate-reopen", args=[pair.pk]),
        {"reopen_reason": "Linked in error", "version": 2},
    )

    assert response.status_code == 302
    pair.refresh_from_db()
    assert (pair.status, pair.decided_by, pair.reason) == ("open", None, "Linked in error")
    assert AuditEvent.objects.filter(
        object_id=str(pair.pk), message="Decision reopened: Linked in error"
    ).exists()


# --- Permissions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.LA_USER, 403),
        (Role.PARTNERSHIP_LEAD, 403),
        (Role.PANEL_MEMBER, 200),
        (Role.PANEL_SECRETARIAT, 200),
        (Role.ADMINISTRATOR, 200),
    ],
)
def test_the_list_is_for_the_panel_and_administrators(client, make_user, leeds, role, expected):
    extra = {"local_authority": leeds} if role == Role.LA_USER else {}
    if role == Role.PARTNERSHIP_LEAD:
        extra = {"partnership": leeds.partnership}
    client.force_login(make_user(role, **extra))
    assert client.get(reverse("notifications:duplicate-list")).status_code == expected


@pytest.mark.parametrize("name", ["duplicate-detail", "duplicate-reopen"])
def test_a_pair_with_another_authoritys_sin_is_404_for_a_local_authority_and_lead(
    client, make_user, leeds, bristol, name
):
    pair = PossibleDuplicate.objects.create(first=submitted(leeds), second=submitted(bristol))
    url = reverse(f"notifications:{name}", args=[pair.pk])
    for user in (
        make_user(Role.LA_USER, local_authority=leeds),
        make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership),
    ):
        client.force_login(user)
        assert client.get(url).status_code == 404
        decision = {"decision": "dismissed", "reason": "x", "version": 1}
        assert client.post(url, decision).status_code == 404
    pair.refresh_from_db()
    assert pair.status == PossibleDuplicate.Status.OPEN


def test_a_panel_member_reads_a_pair_but_cannot_decide(client, make_user, leeds):
    pair = PossibleDuplicate.objects.create(first=submitted(leeds), second=submitted(leeds))
    client.force_login(make_user(Role.PANEL_MEMBER))
    url = reverse("notifications:duplicate-detail", args=[pair.pk])

    page = client.get(url)
    refused = client.post(url, {"decision": "dismissed", "reason": "x", "version": 1})

    assert page.status_code == 200
    assert "Save decision" not in page.text
    assert refused.status_code == 403
    pair.refresh_from_db()
    assert pair.status == PossibleDuplicate.Status.OPEN


def test_the_service_refuses_anyone_but_the_secretariat(leeds, make_user):
    pair = PossibleDuplicate.objects.create(first=submitted(leeds), second=submitted(leeds))
    with pytest.raises(duplicates.PossibleDuplicateError):
        duplicates.possible_duplicate_link(
            pair=pair, by=make_user(Role.PANEL_MEMBER), reason="x", expected_version=None
        )


# --- API -----------------------------------------------------------------------------------------


def test_the_api_lists_the_possible_duplicates_the_caller_can_see(
    api_client, make_user, leeds, bristol
):
    a, b, c = submitted(leeds), submitted(leeds), submitted(bristol)
    PossibleDuplicate.objects.create(first=a, second=b)
    PossibleDuplicate.objects.create(first=a, second=c)
    url = reverse("notifications-api:notification-detail", args=[a.pk])

    own = api_client(make_user(Role.LA_USER, local_authority=leeds)).get(url).json()
    panel = api_client(make_user(Role.PANEL_MEMBER)).get(url).json()

    assert [row["other_reference"] for row in own["possible_duplicates"]] == [b.reference]
    assert {row["other_reference"] for row in panel["possible_duplicates"]} == {
        b.reference,
        c.reference,
    }
    assert panel["possible_duplicates"][0]["status"] == "open"


def _query_count(client, url: str) -> int:
    client.get(url)  # what a first visit caches is not the point
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_list_and_case_pages_make_as_many_queries_with_many_pairs(
    client, make_user, leeds, bristol
):
    client.force_login(make_user(Role.PANEL_SECRETARIAT))
    hub = submitted(leeds)
    list_url = reverse("notifications:duplicate-list")
    case_url = reverse("notifications:notification-detail", args=[hub.pk])
    counts = []
    for count in (2, 12):
        for _ in range(count):
            PossibleDuplicate.objects.create(first=hub, second=submitted(bristol))
        counts.append((_query_count(client, list_url), _query_count(client, case_url)))
    assert counts[0] == counts[1]
