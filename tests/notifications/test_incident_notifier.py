"""Issue 16: where and how the incident happened, and the notifier and sign-off, on a SIN: the
two task-list sections, their rules, the pages that show them, the history, the API and
personal-data handling."""

import re
from datetime import time

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.validation import validate_schema

from notifications import rules
from notifications.models import NOTIFIER_FIELDS, Notification
from notifications.services import (
    IncidentPlaceData,
    NotificationInvalid,
    NotifierData,
    notification_incident_place_update,
    notification_notifier_update,
)
from rapidreviews.retention import case_anonymise
from safeguarding.codes import Role
from safeguarding.history import case_history
from safeguarding.models import AuditEvent, LocalAuthority

from .factories import CompleteDraftFactory, SubmittedNotificationFactory

pytestmark = pytest.mark.django_db
MONDAY = "2024-06-10 10:00 +01:00"


@pytest.fixture
def la_client(client, make_user, leeds):
    user = make_user(Role.LA_USER, local_authority=leeds, first_name="Alex", last_name="Jones")
    client.force_login(user)
    client.user = user
    return client


def url(name, *args):
    return reverse(f"notifications:{name}", args=args)


def place_form(notification, **values) -> dict:
    return {"version": notification.version, "action": "continue", **values}


# --- Prefill and the task list ---------------------------------------------------------------


@time_machine.travel(MONDAY, tick=False)
def test_the_notifier_is_prefilled_from_the_account_when_the_draft_starts(la_client):
    la_client.post(
        url("notification-start"),
        {
            "version": 1,
            "incident_date_0": "6",
            "incident_date_1": "6",
            "incident_date_2": "2024",
            "action": "draft",
        },
    )
    notification = Notification.objects.get()
    assert notification.notifier_name == "Alex Jones"
    assert notification.notifier_email == la_client.user.email

    page = la_client.get(url("notification-notifier", notification.pk)).text
    assert 'value="Alex Jones"' in page
    assert f'value="{la_client.user.email}"' in page


@time_machine.travel(MONDAY, tick=False)
def test_the_task_list_has_both_sections_and_the_optional_one_does_not_block_submission(
    la_client,
):
    notification = CompleteDraftFactory(created_by=la_client.user)
    page = la_client.get(url("notification-detail", notification.pk)).text
    assert "Where and how it happened" in page and "Optional" in page
    assert "Notifier and sign-off" in page
    # Every required section done: "Check answers and submit" is a link.
    assert f'href="{url("notification-check", notification.pk)}"' in page

    notification.notifier_email = ""
    notification.save()
    page = la_client.get(url("notification-detail", notification.pk)).text
    assert f'href="{url("notification-check", notification.pk)}"' not in page


# --- Where and how it happened: the web form -------------------------------------------------


@time_machine.travel(MONDAY, tick=False)
def test_every_incident_answer_is_saved_and_shown_on_the_check_page(la_client, bristol):
    notification = CompleteDraftFactory(created_by=la_client.user)
    response = la_client.post(
        url("notification-incident-place", notification.pk),
        place_form(
            notification,
            incident_time="2:30pm",
            incident_location="elsewhere_england",
            incident_local_authority=bristol.pk,
            incident_setting="other",
            incident_setting_other="A caravan park",
            agencies_involved=["police", "health"],
            police_involvement="yes",
            criminal_proceedings="planned",
            media_interest="unknown",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == url("notification-notifier", notification.pk)
    notification.refresh_from_db()
    assert notification.incident_time == time(14, 30)
    assert notification.incident_local_authority == bristol
    assert notification.agencies_involved == "police,health"
    assert notification.criminal_proceedings == "planned"

    check = la_client.get(url("notification-check", notification.pk)).text
    for shown in (
        "14:30",
        "Elsewhere in England: Bristol",
        "Other: A caravan park",
        "Police, Health",
        "Expected or under consideration",
        "Unknown",
    ):
        assert shown in check, shown


@time_machine.travel(MONDAY, tick=False)
def test_unanswered_incident_questions_read_not_known_or_not_provided(la_client):
    notification = CompleteDraftFactory(created_by=la_client.user)
    check = la_client.get(url("notification-check", notification.pk)).text
    assert "Time of the incident" in check
    assert "Not known" in check and "Not provided" in check


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {"incident_location": "elsewhere_england"},
            "incident_local_authority",
            "Select the local authority where it happened",
        ),
        (
            {"incident_location": "outside_england"},
            "incident_place_outside_england",
            "Enter where outside England it happened",
        ),
        (
            {"incident_setting": "other"},
            "incident_setting_other",
            "Enter the setting where it happened",
        ),
        (
            {"incident_time": "25:99"},
            "incident_time",
            "Enter the time of the incident like 14:30 or 2:30pm",
        ),
        (
            {"incident_location": "nowhere"},
            "incident_location",
            "Select a valid choice",
        ),
        (
            {"agencies_involved": ["police", "army"]},
            "agencies_involved",
            "Select agencies from the list",
        ),
    ],
)
@time_machine.travel(MONDAY, tick=False)
def test_a_bad_incident_answer_is_shown_next_to_its_field_and_nothing_typed_is_lost(
    la_client, values, field, message
):
    notification = CompleteDraftFactory(created_by=la_client.user)
    typed = {"incident_setting_other": "", "criminal_proceedings": "under_way", **values}
    response = la_client.post(
        url("notification-incident-place", notification.pk), place_form(notification, **typed)
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert f'href="#id_{field}' in html
    assert message in html
    assert re.search(r'value="under_way"[^>]*checked', html)
    notification.refresh_from_db()
    assert notification.criminal_proceedings == ""


@time_machine.travel(MONDAY, tick=False)
def test_the_notifiers_own_authority_is_refused_as_elsewhere(la_client, leeds):
    notification = CompleteDraftFactory(created_by=la_client.user)
    html = la_client.post(
        url("notification-incident-place", notification.pk),
        place_form(
            notification, incident_location="elsewhere_england", incident_local_authority=leeds.pk
        ),
    ).text
    assert "Select another local authority: Leeds is your own" in html
    notification.refresh_from_db()
    assert notification.incident_location == ""


@time_machine.travel(MONDAY, tick=False)
def test_an_answer_that_follows_another_is_dropped_when_that_other_changes(la_client, bristol):
    notification = CompleteDraftFactory(created_by=la_client.user)
    la_client.post(
        url("notification-incident-place", notification.pk),
        place_form(
            notification,
            incident_location="in_area",
            incident_local_authority=bristol.pk,  # left selected on the page
            incident_place_outside_england="Cardiff",
        ),
    )
    notification.refresh_from_db()
    assert notification.incident_location == "in_area"
    assert notification.incident_local_authority is None
    assert notification.incident_place_outside_england == ""


# --- Notifier and sign-off: the web form -----------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"notifier_telephone": "12345"}, "notifier_telephone", rules.TELEPHONE_MESSAGE),
        ({"notifier_telephone": "+1 202 555 0100"}, "notifier_telephone", "UK telephone"),
        ({"notifier_email": "not an address"}, "notifier_email", rules.EMAIL_MESSAGE),
        ({"notifier_name": ""}, "notifier_name", "Enter the name of the person notifying"),
        ({"notifier_email": ""}, "notifier_email", "Enter the email address of the person"),
    ],
)
@time_machine.travel(MONDAY, tick=False)
def test_a_bad_notifier_answer_is_shown_next_to_its_field_and_nothing_typed_is_lost(
    la_client, values, field, message
):
    notification = CompleteDraftFactory(created_by=la_client.user)
    typed = {
        "notifier_name": "Alex Jones",
        "notifier_role": "Team manager",
        "notifier_email": "alex@example.org",
        "sign_off_name": "Pat Senior",
        **values,
    }
    response = la_client.post(
        url("notification-notifier", notification.pk), place_form(notification, **typed)
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="#id_{field}"' in html
    assert message in html
    assert 'value="Pat Senior"' in html and 'value="Team manager"' in html
    notification.refresh_from_db()
    assert notification.sign_off_name == ""


@pytest.mark.parametrize(
    "number",
    ["01632 960 001", "0113 496 0000", "07700 900982", "+44 1632 960 001", "+447700900982"],
)
def test_uk_telephone_numbers_are_accepted(number):
    assert rules.notifier_errors(notifier_telephone=number, notifier_email="") == {}


@time_machine.travel(MONDAY, tick=False)
def test_the_notifier_and_sign_off_are_saved_encrypted_and_shown(la_client):
    notification = CompleteDraftFactory(created_by=la_client.user)
    response = la_client.post(
        url("notification-notifier", notification.pk),
        place_form(
            notification,
            notifier_name="Alex Jones",
            notifier_role="Team manager",
            notifier_telephone="01632 960 001",
            notifier_email="alex@example.org",
            sign_off_name="Pat Senior",
            sign_off_role="Director of Children's Services",
        ),
    )
    assert response["Location"] == url("notification-check", notification.pk)
    notification.refresh_from_db()
    assert notification.sign_off_role == "Director of Children's Services"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT notifier_name, notifier_email, sign_off_name "
            "FROM notifications_notification WHERE id = %s",
            [notification.pk],
        )
        stored = cursor.fetchone()
    assert all(value.startswith("gAAAAA") for value in stored)

    check = la_client.get(url("notification-check", notification.pk)).text
    for shown in ("Alex Jones", "Team manager", "01632 960 001", "alex@example.org", "Pat Senior"):
        assert shown in check


# --- A submitted SIN: the case page, amendments and history ----------------------------------


@time_machine.travel(MONDAY, tick=False)
def test_changing_a_submitted_sin_needs_a_reason_and_is_in_the_history(la_client, bristol):
    notification = SubmittedNotificationFactory(created_by=la_client.user)
    page = url("notification-incident-place", notification.pk)
    values = place_form(
        notification,
        action="save",
        incident_location="elsewhere_england",
        incident_local_authority=bristol.pk,
        police_involvement="no",
        incident_time="09:15",
        agencies_involved=["police", "childrens_social_care"],
    )
    html = la_client.post(page, values).text
    assert "Enter why you are changing a submitted notification" in html
    notification.refresh_from_db()
    assert notification.incident_location == ""

    response = la_client.post(page, {**values, "amendment_reason": "The police told us"})
    assert response["Location"] == url("notification-detail", notification.pk)
    la_client.post(
        url("notification-notifier", notification.pk),
        {
            "version": notification.version + 1,
            "action": "save",
            "notifier_name": "Alex Jones",
            "notifier_email": "alex@example.org",
            "notifier_telephone": "01632 960 001",
            "amendment_reason": "Contact details",
        },
    )
    notification.refresh_from_db()
    assert notification.notifier_telephone == "01632 960 001"

    detail = la_client.get(url("notification-detail", notification.pk)).text
    assert "Elsewhere in England: Bristol" in detail
    assert "changed the details of where and how it happened" in detail
    assert "Reason: The police told us" in detail
    assert "Local authority where it happened: Bristol" in detail
    assert "Police involvement: No" in detail
    assert "Time of the incident: 09:15" in detail
    assert "Agencies involved at the time: Children&#x27;s social care, Police" in detail
    assert "changed the notifier and sign-off" in detail
    # Contact details are never copied into the audit trail.
    events = AuditEvent.objects.filter(message__startswith="Amended notifier")
    assert events.count() == 1
    assert "01632" not in str(events.get().changes)
    lines = [line for item in case_history(notification) for line in item.lines]
    assert "Notifier's telephone: changed" in lines


def test_an_amendment_cannot_take_the_notifiers_name_away(leeds):
    notification = SubmittedNotificationFactory()
    with pytest.raises(NotificationInvalid) as raised:
        notification_notifier_update(
            notification=notification,
            by=notification.created_by,
            data=NotifierData(notifier_email="a@example.org"),
            expected_version=notification.version,
            amendment_reason="Typo",
        )
    assert raised.value.errors == {"notifier_name": [rules.MISSING["notifier_name"]]}


def test_the_service_refuses_an_elsewhere_place_without_its_authority():
    notification = CompleteDraftFactory()
    with pytest.raises(NotificationInvalid) as raised:
        notification_incident_place_update(
            notification=notification,
            by=notification.created_by,
            data=IncidentPlaceData(incident_location="elsewhere_england"),
            expected_version=None,
        )
    assert "incident_local_authority" in raised.value.errors


def test_anonymisation_removes_the_notifier_and_sign_off():
    notification = SubmittedNotificationFactory(
        notifier_role="Team manager",
        notifier_telephone="01632 960 001",
        sign_off_name="Pat Senior",
        sign_off_role="Director",
        incident_setting="home",
    )
    case_anonymise(notification, timezone.now())
    notification.refresh_from_db()
    assert all(getattr(notification, name) == "" for name in NOTIFIER_FIELDS)
    assert notification.incident_setting == "home"  # coded answers are kept


@time_machine.travel(MONDAY, tick=False)
def test_another_authoritys_user_gets_404_on_the_new_pages(client, make_user, bristol):
    notification = CompleteDraftFactory()
    client.force_login(make_user(Role.LA_USER, local_authority=bristol))
    for name in ("notification-incident-place", "notification-notifier"):
        assert client.get(url(name, notification.pk)).status_code == 404
        response = client.post(
            url(name, notification.pk),
            {"version": notification.version, "notifier_name": "X", "incident_setting": "home"},
        )
        assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.incident_setting == ""


def test_the_database_refuses_the_notifiers_own_authority_as_elsewhere(leeds):
    from django.db import IntegrityError, transaction

    notification = CompleteDraftFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.filter(pk=notification.pk).update(
            incident_location="elsewhere_england", incident_local_authority=leeds
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.filter(pk=notification.pk).update(
            incident_location="in_area",
            incident_local_authority=LocalAuthority.objects.get(name="Bristol"),
        )


# --- The API -----------------------------------------------------------------------------


API_URL = "/api/v1/notifications/"


def api_sin(**overrides) -> dict:
    return {
        "incident_date": "2024-06-03",
        "date_aware": "2024-06-05",
        "reason": "death",
        "abuse_or_neglect": "suspected",
        "child_looked_after_death": False,
        "summary": "Synthetic summary.",
        "children": [
            {"child_reference": "Child A", "age_years": 4, "sex": "female", "harm": "death"}
        ],
        **overrides,
    }


@pytest.fixture
def api(api_client, leeds_user, on_10_june_2024):
    return api_client(leeds_user)


def test_the_api_writes_and_reads_every_new_field(api, leeds_user):
    response = api.post(
        API_URL,
        api_sin(
            submit=True,
            incident_time="14:30",
            incident_location="elsewhere_england",
            incident_local_authority="E06000023",
            incident_setting="online",
            agencies_involved=["education", "police"],
            police_involvement="yes",
            criminal_proceedings="under_way",
            media_interest="no",
            notifier_role="Social worker",
            notifier_telephone="+44 1632 960 001",
            sign_off_name="Pat Senior",
            sign_off_role="Director",
        ),
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["incident_time"] == "14:30"
    assert body["incident_local_authority"] == {"ons_code": "E06000023", "name": "Bristol"}
    assert body["agencies_involved"] == ["police", "education"]
    assert body["criminal_proceedings"] == "under_way"
    # Name and e-mail not given: the caller's account's.
    assert body["notifier_name"] == leeds_user.get_full_name()
    assert body["notifier_email"] == leeds_user.email
    assert body["sign_off_name"] == "Pat Senior"
    assert body["status"] == "submitted"

    listed = api.get(API_URL).json()["results"][0]
    assert listed["incident_local_authority"]["name"] == "Bristol"
    assert listed["agencies_involved"] == ["police", "education"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"incident_location": "moon"}, "incident_location", "Where it happened must be one of"),
        (
            {"incident_location": "elsewhere_england"},
            "incident_local_authority",
            "Select the local authority where it happened",
        ),
        (
            {"incident_location": "elsewhere_england", "incident_local_authority": "E08000035"},
            "incident_local_authority",
            "Leeds is your own",
        ),
        (
            {"incident_local_authority": "X99"},
            "incident_local_authority",
            "Enter the ONS code of a local authority in England",
        ),
        ({"incident_setting": "other"}, "incident_setting_other", "Enter the setting"),
        ({"incident_time": "25:00"}, "incident_time", "Enter the time of the incident"),
        ({"police_involvement": "maybe"}, "police_involvement", "Police involvement must be"),
        ({"criminal_proceedings": "x"}, "criminal_proceedings", "Criminal proceedings must be"),
        ({"notifier_telephone": "call me"}, "notifier_telephone", "UK telephone number"),
        ({"notifier_email": "nobody"}, "notifier_email", "correct format"),
    ],
)
def test_the_api_refuses_bad_answers_on_their_field(api, overrides, field, message):
    response = api.post(API_URL, api_sin(**overrides), format="json")
    assert response.status_code == 400
    assert message in str(response.json()[field]), response.json()
    assert not Notification.objects.exists()


def test_the_api_refuses_an_unknown_agency(api):
    response = api.post(API_URL, api_sin(agencies_involved=["police", "army"]), format="json")
    assert response.status_code == 400
    assert "agencies_involved" in response.json()
    assert "Agencies involved must be one of" in str(response.json())


def test_the_schema_documents_the_new_fields(client, make_user):
    client.force_login(make_user("administrator"))
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    validate_schema(schema)
    collection = schema["paths"]["/api/v1/notifications/"]
    body_ref = collection["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = schema["components"]["schemas"][body_ref.rsplit("/", 1)[-1]]
    new = {
        "incident_time",
        "incident_location",
        "incident_local_authority",
        "incident_place_outside_england",
        "incident_setting",
        "incident_setting_other",
        "agencies_involved",
        "police_involvement",
        "criminal_proceedings",
        "media_interest",
        *NOTIFIER_FIELDS,
    }
    assert new <= set(body["properties"])
    output = schema["components"]["schemas"]["NotificationOutput"]
    assert new <= set(output["properties"])
    assert "IncidentSettingEnum" in schema["components"]["schemas"]
