"""Issue 16: the statutory form's questions about each child on a SIN (ethnicity, disability,
known health needs, legal status at the time of the incident, home local authority), in the
web journey, the check and case pages, the history, the API and its schema."""

import re
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from notifications import services
from notifications.models import NotificationChild
from rapidreviews.retention import case_anonymise
from safeguarding.audit import audit_events_for
from safeguarding.codes import Reason, Role, Sex
from safeguarding.history import case_history
from safeguarding.models import AuditAction

from .factories import CompleteDraftFactory, NotificationChildFactory, SubmittedNotificationFactory

pytestmark = pytest.mark.django_db
MONDAY = "2024-06-10 10:00 +01:00"
HEALTH_NEEDS = "Synthetic: asthma, inhaler twice a day"


@pytest.fixture
def la_client(client, make_user, leeds):
    user = make_user(Role.LA_USER, local_authority=leeds)
    client.force_login(user)
    client.user = user
    return client


def url(name, *args):
    return reverse(f"notifications:{name}", args=args)


def child_post(version: int, **overrides) -> dict:
    return {
        "version": version,
        "child_reference": "Child B",
        "age_years": "9",
        "sex": "male",
        "harm": "serious_harm",
        "ethnicity": "pakistani",
        "disability": "not_recorded",
        "health_needs": HEALTH_NEEDS,
        "child_in_need": "at_time",
        "child_protection_plan": "previous",
        "looked_after": "foster",
        "care_order": "emergency_interim",
        "home_local_authority": "E06000023",  # Bristol
        "action": "continue",
        **overrides,
    }


# --- Web journey -------------------------------------------------------------------------------


@time_machine.travel(MONDAY, tick=False)
def test_the_child_form_asks_the_statutory_questions_grouped(la_client):
    notification = CompleteDraftFactory(created_by=la_client.user)

    html = la_client.get(url("child-add", notification.pk)).content.decode()

    assert "About the child (optional)" in html
    assert "Legal status at the time of the incident (optional)" in html
    assert '<optgroup label="Asian/Asian British">' in html
    assert '<option value="pakistani">Pakistani</option>' in html
    assert "Same as the notifying local authority" in html
    assert '<option value="E06000023">Bristol</option>' in html


@time_machine.travel(MONDAY, tick=False)
def test_adding_a_child_saves_the_answers_and_the_check_page_shows_them(la_client, bristol):
    notification = CompleteDraftFactory(created_by=la_client.user)

    response = la_client.post(url("child-add", notification.pk), child_post(notification.version))

    assert response.status_code == 302
    child = notification.children.get(child_reference="Child B")
    assert child.ethnicity == "pakistani"
    assert child.disability == "not_recorded"
    assert child.health_needs == HEALTH_NEEDS
    assert (child.child_in_need, child.child_protection_plan) == ("at_time", "previous")
    assert (child.looked_after, child.care_order) == ("foster", "emergency_interim")
    assert child.home_local_authority == bristol
    # Encrypted at rest: the column holds no plaintext.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT health_needs FROM notifications_notificationchild WHERE id = %s", [child.pk]
        )
        assert "asthma" not in cursor.fetchone()[0]

    check = la_client.get(url("notification-check", notification.pk)).content.decode()
    for text in (
        "Pakistani",
        "Not recorded",
        HEALTH_NEEDS,
        "Yes – at time of the incident",
        "Yes – previously on CPP",
        "Yes – child in foster care",
        "Yes – emergency or interim protection order",
        "Bristol",
    ):
        assert text in check, text
    children_page = la_client.get(url("notification-children", notification.pk)).text
    assert "Pakistani" in children_page and "Bristol" in children_page


@time_machine.travel(MONDAY, tick=False)
def test_the_answers_are_optional(la_client):
    notification = CompleteDraftFactory(created_by=la_client.user)
    blank = dict.fromkeys(
        (
            "ethnicity",
            "disability",
            "health_needs",
            "child_in_need",
            "child_protection_plan",
            "looked_after",
            "care_order",
            "home_local_authority",
        ),
        "",
    )

    response = la_client.post(
        url("child-add", notification.pk), child_post(notification.version, **blank)
    )

    assert response.status_code == 302
    child = notification.children.get(child_reference="Child B")
    assert (child.ethnicity, child.health_needs, child.home_local_authority) == ("", "", None)
    check = la_client.get(url("notification-check", notification.pk)).text
    assert "Not answered" in check and "Same as the notifying local authority" in check


@time_machine.travel(MONDAY, tick=False)
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ethnicity", "martian", "Select the child&#x27;s ethnicity from the list"),
        ("disability", "maybe", "Select yes, no or not recorded"),
        ("child_in_need", "always", "Select whether the child was a child in need"),
        (
            "child_protection_plan",
            "x",
            "Select whether the child was on a child protection plan",
        ),
        ("looked_after", "x", "Select whether the child was looked after"),
        ("care_order", "x", "Select whether the child was subject to a care order"),
        ("home_local_authority", "E99999999", "Select a local authority from the list"),
        ("health_needs", "x" * 2001, "2,000 characters or fewer"),
    ],
)
def test_a_bad_answer_is_an_error_next_to_its_field_and_nothing_typed_is_lost(
    la_client, field, value, message
):
    notification = CompleteDraftFactory(created_by=la_client.user)

    response = la_client.post(
        url("child-add", notification.pk), child_post(notification.version, **{field: value})
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert f'href="#id_{field}' in html
    assert message in html
    if field != "health_needs":
        assert HEALTH_NEEDS in html  # what was typed elsewhere is still there
    assert 'value="Child B"' in html
    assert not notification.children.filter(child_reference="Child B").exists()


@time_machine.travel(MONDAY, tick=False)
def test_the_notifying_authority_cannot_be_the_childs_home_authority(la_client, leeds):
    notification = CompleteDraftFactory(created_by=la_client.user)

    response = la_client.post(
        url("child-add", notification.pk),
        child_post(notification.version, home_local_authority=leeds.ons_code),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_home_local_authority"' in html
    assert "must be a different authority from the one notifying" in html
    assert HEALTH_NEEDS in html and 'value="pakistani" selected' in html
    assert not notification.children.filter(child_reference="Child B").exists()


@time_machine.travel(MONDAY, tick=False)
def test_the_edit_form_shows_the_saved_answers(la_client, bristol):
    notification = CompleteDraftFactory(created_by=la_client.user)
    child = NotificationChildFactory(
        notification=notification,
        ethnicity="irish",
        care_order="permanent",
        health_needs=HEALTH_NEEDS,
        home_local_authority=bristol,
    )

    html = la_client.get(url("child-edit", notification.pk, child.pk)).content.decode()

    assert '<option value="irish" selected>Irish</option>' in html
    assert re.search(r'value="permanent"\s+checked', html)
    assert HEALTH_NEEDS in html
    assert '<option value="E06000023" selected>Bristol</option>' in html


@time_machine.travel(MONDAY, tick=False)
def test_an_amendment_is_in_the_history_without_the_health_needs(la_client, bristol, leeds):
    notification = SubmittedNotificationFactory(created_by=la_client.user, children=[])
    child = NotificationChildFactory(
        notification=notification, child_reference="Child A", is_child_in_focus=True
    )

    response = la_client.post(
        url("child-edit", notification.pk, child.pk),
        child_post(
            notification.version,
            child_reference="Child A",
            age_years="7",
            sex="female",
            amendment_reason="The social worker confirmed the details",
        ),
    )

    assert response.status_code == 302
    entry = audit_events_for(notification).filter(action=AuditAction.UPDATE).first()
    assert entry.changes["Child A.health_needs"] == ["(changed)", "(changed)"]
    assert entry.changes["Child A.home_local_authority"] == [None, "Bristol"]
    assert HEALTH_NEEDS not in str(entry.changes)
    item = case_history(notification, limit=None)[0]
    assert item.what == "changed the details of Child A"
    assert "Ethnicity of Child A: Pakistani" in item.lines
    assert "Disability of Child A: Not recorded" in item.lines
    assert "Known health needs of Child A: changed" in item.lines
    assert "Home local authority of Child A: Bristol" in item.lines
    assert "Care order of Child A: Yes – emergency or interim protection order" in item.lines
    case_page = la_client.get(url("notification-detail", notification.pk)).content.decode()
    assert "Home local authority of Child A: Bristol" in case_page
    assert "The social worker confirmed the details" in case_page


@time_machine.travel(MONDAY, tick=False)
def test_the_case_page_shows_the_answers_and_health_needs_only_to_those_who_see_names(
    client, make_user, leeds, bristol
):
    notification = SubmittedNotificationFactory(children=[])
    NotificationChildFactory(
        notification=notification,
        is_child_in_focus=True,
        ethnicity="african",
        disability="yes",
        looked_after="residential_home",
        health_needs=HEALTH_NEEDS,
        home_local_authority=bristol,
    )
    client.force_login(make_user(Role.LA_USER, local_authority=leeds))
    own = client.get(url("notification-detail", notification.pk)).content.decode()
    assert "African" in own and "Yes – child in residential home" in own and "Bristol" in own
    assert HEALTH_NEEDS in own

    client.force_login(make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership))
    lead = client.get(url("notification-detail", notification.pk)).content.decode()
    assert "African" in lead and "Bristol" in lead
    assert HEALTH_NEEDS not in lead


@time_machine.travel(MONDAY, tick=False)
def test_another_authoritys_user_gets_404_adding_or_changing_a_child(client, make_user, bristol):
    notification = CompleteDraftFactory()
    child = notification.children.get()
    client.force_login(make_user(Role.LA_USER, local_authority=bristol))

    for page in (url("child-add", notification.pk), url("child-edit", notification.pk, child.pk)):
        assert client.get(page).status_code == 404, page
        assert client.post(page, child_post(notification.version)).status_code == 404, page
    child.refresh_from_db()
    assert child.ethnicity == "" and child.home_local_authority is None


# --- Services and retention --------------------------------------------------------------------


@time_machine.travel(MONDAY, tick=False)
def test_the_service_refuses_the_notifying_authority_as_home(make_user, leeds):
    user = make_user(Role.LA_USER, local_authority=leeds)
    draft = CompleteDraftFactory(created_by=user)
    data = services.ChildData(
        child_reference="Child B",
        sex=Sex.MALE,
        harm=Reason.SERIOUS_HARM,
        age_years=3,
        home_local_authority=leeds,
    )

    with pytest.raises(services.NotificationInvalid) as raised:
        services.notification_child_add(
            notification=draft, by=user, data=data, expected_version=None
        )

    assert "home_local_authority" in raised.value.errors


def test_anonymising_a_case_removes_the_health_needs_and_keeps_the_codes(bristol):
    notification = SubmittedNotificationFactory(incident_date=date(2016, 5, 1), children=[])
    child = NotificationChildFactory(
        notification=notification,
        is_child_in_focus=True,
        ethnicity="chinese",
        health_needs=HEALTH_NEEDS,
        home_local_authority=bristol,
    )

    result = case_anonymise(notification, notification.notified_at)

    child.refresh_from_db()
    assert child.health_needs == ""
    assert child.ethnicity == "chinese" and child.home_local_authority == bristol
    assert "children.health_needs" in result["removed"]


# --- API -----------------------------------------------------------------------------------------

LIST_URL = "/api/v1/notifications/"
STATUTORY = {
    "ethnicity": "white_black_african",
    "disability": "yes",
    "health_needs": HEALTH_NEEDS,
    "child_in_need": "previous",
    "child_protection_plan": "on_plan",
    "looked_after": "previous",
    "care_order": "no",
    "home_local_authority": "e06000023",  # any case
}


def api_child(**overrides) -> dict:
    return {
        "child_reference": "Child A",
        "age_years": 6,
        "sex": "female",
        "harm": "serious_harm",
        **STATUTORY,
        **overrides,
    }


@pytest.fixture
def leeds_api(api_client, make_user, leeds):
    return api_client(make_user(Role.LA_USER, local_authority=leeds))


@time_machine.travel(MONDAY, tick=False)
def test_the_api_writes_and_reads_the_answers(leeds_api, bristol):
    unanswered = dict.fromkeys(STATUTORY, "") | {"home_local_authority": None}
    response = leeds_api.post(
        LIST_URL,
        {
            "incident_date": "2024-06-03",
            "children": [api_child(), api_child(child_reference="Child B", **unanswered)],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    first, second = response.json()["children"]
    codes = {key: value for key, value in STATUTORY.items() if key != "home_local_authority"}
    assert {key: first[key] for key in codes} == codes
    assert first["home_local_authority"] == {"ons_code": "E06000023", "name": "Bristol"}
    assert {key: second[key] for key in unanswered} == unanswered
    child = NotificationChild.objects.get(child_reference="Child A")
    assert child.home_local_authority == bristol and child.health_needs == HEALTH_NEEDS
    read = leeds_api.get(f"{LIST_URL}{response.json()['id']}/").json()["children"][0]
    assert read["ethnicity"] == "white_black_african" and read["health_needs"] == HEALTH_NEEDS


@time_machine.travel(MONDAY, tick=False)
def test_health_needs_are_hidden_from_those_who_do_not_see_names(api_client, make_user, leeds):
    notification = SubmittedNotificationFactory(children=[])
    NotificationChildFactory(
        notification=notification, is_child_in_focus=True, health_needs=HEALTH_NEEDS
    )
    lead = api_client(make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership))
    panel = api_client(make_user(Role.PANEL_MEMBER))

    assert lead.get(f"{LIST_URL}{notification.pk}/").json()["children"][0]["health_needs"] is None
    panel_child = panel.get(f"{LIST_URL}{notification.pk}/").json()["children"][0]
    assert panel_child["health_needs"] == HEALTH_NEEDS


@time_machine.travel(MONDAY, tick=False)
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ethnicity", "martian", "Ethnicity must be one of"),
        ("disability", "maybe", "Disability must be one of"),
        ("child_in_need", "x", "Child in need must be one of"),
        ("child_protection_plan", "x", "Child protection plan must be one of"),
        ("looked_after", "x", "Looked after must be one of"),
        ("care_order", "x", "Care order must be one of"),
        ("home_local_authority", "E99999999", "Enter the ONS code of a local authority"),
        ("home_local_authority", 42, "Enter the ONS code of a local authority"),
        ("health_needs", "x" * 2001, "2,000 characters or fewer"),
    ],
)
def test_the_api_refuses_a_bad_answer_on_its_field(leeds_api, field, value, message):
    response = leeds_api.post(
        LIST_URL,
        {"children": [api_child(child_reference="Child B"), api_child(**{field: value})]},
        format="json",
    )

    assert response.status_code == 400
    errors = response.json()["children"]
    assert errors[0] == {}
    assert message in errors[1][field][0], errors
    assert not NotificationChild.objects.exists()


@time_machine.travel(MONDAY, tick=False)
def test_the_api_refuses_the_notifying_authority_as_home(leeds_api, leeds):
    response = leeds_api.post(
        LIST_URL, {"children": [api_child(home_local_authority=leeds.ons_code)]}, format="json"
    )

    assert response.status_code == 400
    message = response.json()["children"][0]["home_local_authority"][0]
    assert "must be a different authority from the one notifying" in message
    assert not NotificationChild.objects.exists()


def test_the_schema_lists_the_answers(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    components = schema["components"]["schemas"]

    for name in ("NotificationChildInput", "NotificationChildOutput"):
        assert set(STATUTORY) <= set(components[name]["properties"]), name
    ethnicity = components["NotificationChildInput"]["properties"]["ethnicity"]
    assert {"$ref": "#/components/schemas/EthnicityEnum"} in ethnicity["oneOf"]
    assert "white_british" in components["EthnicityEnum"]["enum"]
