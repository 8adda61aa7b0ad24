from datetime import date

import pytest
import time_machine
from django.urls import reverse

from notifications.models import Notification
from safeguarding.codes import Role
from safeguarding.models import LocalAuthority

from .factories import (
    CompleteDraftFactory,
    DraftNotificationFactory,
    NotificationChildFactory,
    SubmittedNotificationFactory,
)

pytestmark = pytest.mark.django_db
MONDAY = "2024-06-10 10:00 +01:00"


@pytest.fixture
def la_client(client, make_user, leeds):
    user = make_user(Role.LA_USER, local_authority=leeds)
    client.force_login(user)
    client.user = user
    return client


def url(name, *args):
    return reverse(f"notifications:{name}", args=args)


def date_fields(name, day: date) -> dict:
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


@time_machine.travel(MONDAY, tick=False)
def test_the_whole_journey_draft_return_check_and_submit(
    la_client, django_capture_on_commit_callbacks
):
    # Starting shows the first section; nothing is recorded until it is saved.
    assert "When did the incident happen?" in la_client.get(url("notification-start")).text
    assert not Notification.objects.exists()

    # Save part of the incident as a draft, and come back to it later.
    response = la_client.post(
        url("notification-start"),
        {"version": 1, **date_fields("incident_date", date(2024, 6, 6)), "action": "draft"},
    )
    notification = Notification.objects.get()
    assert response["Location"] == url("notification-detail", notification.pk)
    task_list = la_client.get(response["Location"]).content.decode()
    assert "In progress" in task_list
    form = la_client.get(url("notification-incident", notification.pk)).content.decode()
    assert 'value="6"' in form and 'value="2024"' in form

    notification.refresh_from_db()
    response = la_client.post(
        url("notification-incident", notification.pk),
        {
            "version": notification.version,
            **date_fields("incident_date", date(2024, 6, 6)),
            **date_fields("date_aware", date(2024, 6, 7)),
            "reason": "death",
            "action": "continue",
        },
    )
    assert response["Location"] == url("notification-children", notification.pk)

    for reference, age in (("Child A", 2), ("Child B", 5)):
        notification.refresh_from_db()
        response = la_client.post(
            url("child-add", notification.pk),
            {
                "version": notification.version,
                "child_reference": reference,
                "age_years": age,
                "sex": "male",
                "harm": "death",
                "action": "continue",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    notification.refresh_from_db()
    assert notification.child_in_focus.child_reference == "Child B"

    response = la_client.post(
        url("notification-circumstances", notification.pk),
        {
            "version": notification.version,
            "abuse_or_neglect": "known",
            "child_looked_after_death": "no",
            "placement_postcode": "ls1 4ap",
            "summary": "Synthetic summary.",
            "action": "continue",
        },
    )
    # Issue 16's sections come next: where and how (optional), then the notifier (prefilled).
    assert response["Location"] == url("notification-incident-place", notification.pk)
    notification.refresh_from_db()
    response = la_client.post(
        url("notification-incident-place", notification.pk),
        {"version": notification.version, "action": "continue"},
    )
    assert response["Location"] == url("notification-notifier", notification.pk)
    notification.refresh_from_db()
    response = la_client.post(
        url("notification-notifier", notification.pk),
        {
            "version": notification.version,
            "notifier_name": notification.notifier_name,
            "notifier_email": notification.notifier_email,
            "action": "continue",
        },
    )
    assert response["Location"] == url("notification-check", notification.pk)

    check = la_client.get(url("notification-check", notification.pk)).content.decode()
    assert "Check your answers before submitting" in check
    assert url("notification-incident", notification.pk) in check  # change links
    assert url("notification-circumstances", notification.pk) in check
    assert "1 working day" in check  # aware Friday 7 June, submitted Monday 10 June
    assert "LS1 4AP" in check

    notification.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        response = la_client.post(
            url("notification-check", notification.pk), {"version": notification.version}
        )
    assert response["Location"] == url("notification-confirmation", notification.pk)
    notification.refresh_from_db()
    assert notification.reference == "SIN-2024-000001"
    confirmation = la_client.get(response["Location"]).content.decode()
    assert "SIN-2024-000001" in confirmation
    assert "1 July 2024" in confirmation  # the rapid review's due date


@time_machine.travel(MONDAY, tick=False)
def test_errors_are_shown_next_to_the_field_and_nothing_typed_is_lost(la_client):
    notification = DraftNotificationFactory(created_by=la_client.user)
    response = la_client.post(
        url("notification-incident", notification.pk),
        {
            "version": notification.version,
            **date_fields("incident_date", date(2024, 6, 12)),
            "date_aware_0": "31",
            "date_aware_1": "2",
            "date_aware_2": "2024",
            "reason": "serious_harm",
            "action": "continue",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert 'href="#id_incident_date_0">Date of the incident must be today or in the past' in html
    assert "Date the local authority became aware must be a real date" in html
    assert 'value="12"' in html and 'value="31"' in html
    assert 'value="serious_harm" checked' in html or "checked" in html
    notification.refresh_from_db()
    assert notification.incident_date is None


@time_machine.travel(MONDAY, tick=False)
def test_a_date_missing_its_month_says_so(la_client):
    notification = DraftNotificationFactory(created_by=la_client.user)
    html = la_client.post(
        url("notification-incident", notification.pk),
        {
            "version": notification.version,
            "incident_date_0": "3",
            "incident_date_2": "2024",
            "action": "draft",
        },
    ).content.decode()
    assert "Date of the incident must include a month" in html


@time_machine.travel(MONDAY, tick=False)
def test_late_notification_shows_days_taken_and_asks_for_a_reason(la_client):
    notification = CompleteDraftFactory(
        created_by=la_client.user, incident_date=date(2024, 5, 24), date_aware=date(2024, 5, 24)
    )
    check = la_client.get(url("notification-check", notification.pk)).content.decode()
    assert "10 working days" in check
    assert "Why is the notification being sent after 5 working days?" in check
    html = la_client.post(
        url("notification-check", notification.pk), {"version": notification.version}
    ).content.decode()
    assert "Enter why this notification is being sent 10 working days" in html
    notification.refresh_from_db()
    assert notification.is_draft


@time_machine.travel(MONDAY, tick=False)
def test_a_second_editor_gets_a_conflict_and_keeps_their_answers(client, make_user, leeds):
    first, second = (make_user(Role.LA_USER, local_authority=leeds) for _ in range(2))
    notification = DraftNotificationFactory(created_by=first)
    opened_version = notification.version
    client.force_login(first)
    client.post(
        url("notification-incident", notification.pk),
        {"version": opened_version, "reason": "death", "action": "draft"},
    )
    client.force_login(second)
    html = client.post(
        url("notification-incident", notification.pk),
        {"version": opened_version, "reason": "other", "action": "draft"},
    ).content.decode()
    assert "Someone else changed this notification after you opened it" in html
    assert 'value="other"' in html and "checked" in html
    notification.refresh_from_db()
    assert notification.reason == "death"


@time_machine.travel(MONDAY, tick=False)
def test_another_authoritys_sin_is_404_for_every_page(client, make_user, bristol):
    notification = CompleteDraftFactory()
    child = notification.children.get()
    client.force_login(make_user(Role.LA_USER, local_authority=bristol))
    for page in (
        url("notification-detail", notification.pk),
        url("notification-incident", notification.pk),
        url("notification-children", notification.pk),
        url("child-edit", notification.pk, child.pk),
        url("child-remove", notification.pk, child.pk),
        url("notification-circumstances", notification.pk),
        url("notification-check", notification.pk),
        url("notification-confirmation", notification.pk),
    ):
        assert client.get(page).status_code == 404, page
    assert (
        client.post(url("notification-check", notification.pk), {"version": 1}).status_code == 404
    )
    notification.refresh_from_db()
    assert notification.is_draft


def test_partnership_and_panel_see_submitted_sins_but_not_drafts(client, make_user, leeds):
    submitted = SubmittedNotificationFactory()
    draft = DraftNotificationFactory()
    for user in (
        make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership),
        make_user(Role.PANEL_MEMBER),
    ):
        client.force_login(user)
        assert client.get(url("notification-detail", submitted.pk)).status_code == 200
        assert client.get(url("notification-detail", draft.pk)).status_code == 404
        assert client.get(url("notification-incident", submitted.pk)).status_code == 403


def test_partnership_lead_of_another_partnership_gets_404(client, make_user):
    submitted = SubmittedNotificationFactory()
    client.force_login(make_user(Role.PARTNERSHIP_LEAD))
    assert client.get(url("notification-detail", submitted.pk)).status_code == 404


def test_only_la_users_start_notifications(client, make_user):
    client.force_login(make_user(Role.PANEL_MEMBER))
    assert client.post(url("notification-start")).status_code == 403
    assert not Notification.objects.exists()


def test_case_page_shows_children_timeline_and_history(client, make_user, leeds):
    notification = SubmittedNotificationFactory(lateness_reason="")
    NotificationChildFactory(notification=notification, child_reference="Child Z", name="Secret")
    client.force_login(make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership))
    html = client.get(url("notification-detail", notification.pk)).content.decode()
    assert notification.reference in html
    assert "Child Z" in html
    assert "Secret" not in html  # the name is for the local authority and the Panel
    assert "Timeline" in html and "History" in html


def test_list_filters_sorts_and_searches(client, make_user, leeds):
    death = SubmittedNotificationFactory(reason="death", incident_date=date(2024, 5, 1))
    harm = SubmittedNotificationFactory(reason="serious_harm", incident_date=date(2024, 7, 1))
    elsewhere = SubmittedNotificationFactory(
        local_authority=LocalAuthority.objects.get(name="Bristol")
    )
    client.force_login(make_user(Role.PANEL_SECRETARIAT))
    listing = url("notification-list")

    def references(**params) -> set[str]:
        html = client.get(listing, params).content.decode()
        return {n.reference for n in (death, harm, elsewhere) if n.reference in html}

    assert references() == {death.reference, harm.reference, elsewhere.reference}
    assert references(reason="death") == {death.reference}
    assert references(local_authority=leeds.ons_code) == {death.reference, harm.reference}
    assert references(incident_from="1/6/2024") == {harm.reference, elsewhere.reference}
    assert references(incident_to="31/5/2024") == {death.reference}
    assert references(reference=harm.reference) == {harm.reference}
    html = client.get(listing, {"incident_from": "not a date"}).content.decode()
    assert "Enter a date, like 31/3/2025" in html


def test_a_date_range_the_wrong_way_round_is_an_error_next_to_the_field(client, make_user):
    death = SubmittedNotificationFactory(reason="death", incident_date=date(2024, 5, 1))
    client.force_login(make_user(Role.PANEL_SECRETARIAT))

    response = client.get(
        url("notification-list"), {"incident_from": "1/6/2024", "incident_to": "1/5/2024"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Incident on or before must be the same as or after incident on or after" in html
    assert 'href="#id_incident_to"' in html  # the error summary links to the field
    assert 'value="1/6/2024"' in html  # what was typed stays in the form
    assert death.reference in html  # listed without the dates rather than failing


def test_la_user_list_shows_only_their_authority(client, make_user, leeds):
    own = SubmittedNotificationFactory()
    other = SubmittedNotificationFactory(local_authority=LocalAuthority.objects.get(name="Bristol"))
    client.force_login(make_user(Role.LA_USER, local_authority=leeds))
    html = client.get(url("notification-list")).content.decode()
    assert own.reference in html
    assert other.reference not in html


@time_machine.travel(MONDAY, tick=False)
def test_amending_a_submitted_sin_from_its_page_needs_a_reason(la_client):
    notification = SubmittedNotificationFactory(created_by=la_client.user)
    page = la_client.get(url("notification-detail", notification.pk)).content.decode()
    assert url("notification-incident", notification.pk) in page  # change links

    form = {
        "version": notification.version,
        **date_fields("incident_date", date(2024, 6, 2)),
        **date_fields("date_aware", notification.date_aware),
        "reason": notification.reason,
        "action": "save",
    }
    html = la_client.post(url("notification-incident", notification.pk), form).content.decode()
    assert "Enter why you are changing a submitted notification" in html
    notification.refresh_from_db()
    assert notification.incident_date == date(2024, 6, 3)

    form["amendment_reason"] = "The police corrected the date"
    response = la_client.post(url("notification-incident", notification.pk), form)
    assert response["Location"] == url("notification-detail", notification.pk)
    notification.refresh_from_db()
    assert notification.incident_date == date(2024, 6, 2)
    page = la_client.get(url("notification-detail", notification.pk)).content.decode()
    assert "The police corrected the date" in page
    assert "Amended by" in page


def test_partnership_lead_sees_no_change_links(client, make_user, leeds):
    notification = SubmittedNotificationFactory()
    client.force_login(make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership))
    page = client.get(url("notification-detail", notification.pk)).content.decode()
    assert url("notification-incident", notification.pk) not in page


def test_home_page_lists_drafts_to_finish(client, make_user, leeds):
    user = make_user(Role.LA_USER, local_authority=leeds)
    DraftNotificationFactory(created_by=user)
    DraftNotificationFactory(
        created_by=user, local_authority=LocalAuthority.objects.get(name="Kent")
    )
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "Draft notifications not yet sent to the Panel" in html
    assert ">1<" in html.replace(" ", "")
