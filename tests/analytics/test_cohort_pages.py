"""The cohort pages: who may see and save them, the builder without JavaScript (conditions
added one at a time, everything typed kept, errors beside the field), saving with optimistic
locking, samples (drawn again with a new seed, recorded), the case list's exports (references
only) and the comparison's (suppressed for public use); every list of cases audited."""

import csv
import io
import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from analytics import cohorts
from analytics.models import Cohort
from rapidreviews.models import RapidReview
from safeguarding.codes import Role
from safeguarding.models import AuditAction, AuditEvent

from ..factories import FACTORY_FOR_ROLE
from ..notifications.factories import NotificationChildFactory, SubmittedNotificationFactory
from ..rapidreviews.factories import RapidReviewFactory

pytestmark = pytest.mark.django_db

YEAR = 2023
CHILD_NAME = "Jordan Example-Name"
REFUSED = [Role.LA_USER, Role.PARTNERSHIP_LEAD, Role.DFE_VIEWER, Role.OFSTED_VIEWER]
READERS = [Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT]


def _reviews(count: int = 12) -> list[RapidReview]:
    """`count` reviewed incidents of 2023-24: ages 6 to 17, every other one with a diagnosed
    mental health condition; each SIN's child has a name."""
    made = []
    for i in range(count):
        sin = SubmittedNotificationFactory(
            incident_date=date(YEAR, 5, 1 + i), reason="serious_harm", children=[]
        )
        NotificationChildFactory(notification=sin, is_child_in_focus=True, name=CHILD_NAME)
        made.append(
            RapidReviewFactory(
                notification=sin,
                status=RapidReview.Status.SUBMITTED,
                submitted_at=timezone.now(),
                working_days_taken=12,
                incident_type="serious_harm",
                sex="female",
                age_years=6 + i,
                mental_health="diagnosed" if i % 2 else "none",
                cause_of_harm="self_harm",
            )
        )
    return made


def _client(role: Role) -> tuple[Client, object]:
    user = FACTORY_FOR_ROLE[role]()
    client = Client()
    client.force_login(user)
    return client, user


def checked(body: str, name: str, value: str) -> bool:
    """The page has the checkbox or radio `name`=`value`, ticked."""
    inputs = re.findall(r"<input[^>]*>", body)
    return any(f'name="{name}"' in i and f'value="{value}"' in i and "checked" in i for i in inputs)


def _definition() -> dict:
    return {
        "year": YEAR,
        "within": [{"field": "age_years", "min": 11, "max": 17}],
        "where": [{"field": "mental_health", "codes": ["diagnosed"]}],
    }


def _cohort(by, **extra) -> Cohort:
    return cohorts.cohort_create(
        by=by, name="Teenagers with a diagnosis", description="", definition=_definition(), **extra
    )


# --- Who may see what --------------------------------------------------------------------------


@pytest.mark.parametrize("role", REFUSED)
def test_only_the_panel_and_administrators_see_cohorts(role):
    client, _ = _client(role)
    spotlight = Cohort.objects.get(spotlight="child_mental_health")
    for url in [
        reverse("analytics:cohort-list"),
        reverse("analytics:cohort-new"),
        reverse("analytics:cohort-detail", args=[spotlight.pk]),
        reverse("analytics:cohort-sample", args=[spotlight.pk]),
        reverse("analytics:cohort-cases-download", args=[spotlight.pk, "csv"]),
    ]:
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("role", READERS)
def test_the_panel_reads_but_cannot_save(role):
    _reviews(4)
    client, _ = _client(role)
    page = client.get(reverse("analytics:cohort-list"))
    assert page.status_code == 200
    assert "Child mental health: aged 11 to 17" in page.content.decode()
    assert "Build a cohort" not in page.content.decode()
    spotlight = Cohort.objects.get(spotlight="child_mental_health")
    assert client.get(reverse("analytics:cohort-detail", args=[spotlight.pk])).status_code == 200
    saved = client.post(
        reverse("analytics:cohort-save"),
        {
            "year": YEAR,
            "name": "Mine",
            "condition_count": "1",
            "c0-part": "where",
            "c0-field": "sex",
            "c0-codes": "female",
        },
    )
    assert saved.status_code == 403
    drawn = client.post(
        reverse("analytics:cohort-sample", args=[spotlight.pk]),
        {"sample_size": "3", "version": spotlight.version},
    )
    assert drawn.status_code == 403
    assert Cohort.objects.count() == 3
    spotlight.refresh_from_db()
    assert spotlight.sample_seed is None
    # Exploring in the builder is allowed: the size, never a save.
    explored = client.post(
        reverse("analytics:cohort-new"),
        {
            "year": YEAR,
            "action": "refresh",
            "condition_count": "1",
            "c0-part": "where",
            "c0-field": "sex",
            "c0-codes": "female",
        },
    )
    assert explored.status_code == 200
    assert "4 rapid reviews" in explored.content.decode()


# --- The builder -------------------------------------------------------------------------------


def test_the_builder_adds_conditions_one_at_a_time_keeping_what_was_typed():
    _reviews()
    client, admin = _client(Role.ADMINISTRATOR)
    url = reverse("analytics:cohort-new")
    assert client.get(url).status_code == 200
    page = client.post(
        url,
        {
            "year": YEAR,
            "name": "Typed name",
            "action": "add",
            "add_part": "within",
            "add_field": "age_years",
            "condition_count": "0",
        },
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert 'name="c0-min"' in body and 'name="c0-field" value="age_years"' in body
    assert 'value="Typed name"' in body
    assert "There is a problem" not in body  # nothing is checked while building
    page = client.post(
        url,
        {
            "year": YEAR,
            "name": "Typed name",
            "action": "add",
            "add_part": "where",
            "add_field": "preset:mental_health_condition",
            "condition_count": "1",
            "c0-part": "within",
            "c0-field": "age_years",
            "c0-min": "11",
            "c0-max": "17",
        },
    )
    body = page.content.decode()
    assert checked(body, "c1-codes", "diagnosed")
    assert not checked(body, "c1-codes", "none")
    assert 'value="11"' in body and 'value="17"' in body
    state = {
        "year": YEAR,
        "condition_count": "2",
        "c0-part": "within",
        "c0-field": "age_years",
        "c0-min": "11",
        "c0-max": "17",
        "c1-part": "where",
        "c1-field": "mental_health",
        "c1-codes": ["diagnosed", "undiagnosed", "both", "unknown_if_diagnosed"],
    }
    page = client.post(url, state | {"action": "refresh"})
    body = page.content.decode()
    # Ages 11 to 17: 7 children; 11, 13, 15 and 17 have a diagnosis.
    assert 'id="cohort-size">4 rapid reviews' in body
    assert 'id="rest-size">3 rapid reviews' in body
    page = client.post(url, state | {"action": "remove-1"})
    assert 'name="c1-field"' not in page.content.decode()
    assert Cohort.objects.count() == 3  # nothing saved yet
    assert admin  # the administrator may save: tested below


def test_errors_stand_beside_their_field_and_nothing_typed_is_lost():
    client, _ = _client(Role.ADMINISTRATOR)
    page = client.post(
        reverse("analytics:cohort-save"),
        {
            "year": YEAR,
            "description": "Kept text",
            "condition_count": "2",
            "c0-part": "within",
            "c0-field": "age_years",
            "c0-min": "15",
            "c0-max": "11",
            "c1-part": "where",
            "c1-field": "lgbtq",
        },
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert "There is a problem" in body
    assert "The lowest &#x27;Age at the incident&#x27; must not be more than the highest" in body
    assert "Select at least one answer for &#x27;LGBTQ+&#x27;" in body
    assert 'id="c0-min-error"' in body or "c0-min" in body
    assert "Enter a name for the cohort" not in body  # the definition is checked first
    assert "Kept text" in body
    assert Cohort.objects.count() == 3
    empty = client.post(reverse("analytics:cohort-save"), {"year": YEAR, "condition_count": "0"})
    assert "Add at least one cohort criterion" in empty.content.decode()


def test_an_administrator_saves_a_cohort_with_its_sample():
    reviews = _reviews()
    client, admin = _client(Role.ADMINISTRATOR)
    state = {
        "year": YEAR,
        "condition_count": "2",
        "c0-part": "within",
        "c0-field": "age_years",
        "c0-min": "11",
        "c0-max": "17",
        "c1-part": "where",
        "c1-field": "mental_health",
        "c1-codes": ["diagnosed"],
        "sample_size": "2",
    }
    page = client.post(reverse("analytics:cohort-new"), state | {"action": "sample"})
    body = page.content.decode()
    assert "2 cases sampled" in body
    listed = AuditEvent.objects.get(action=AuditAction.LIST, actor=admin)
    assert len(listed.changes["ids"]) == 2
    assert set(listed.changes["ids"]) <= {r.pk for r in reviews}
    seed = int(listed.changes["filters"]["cohort_sample_seed"])
    missing_name = client.post(reverse("analytics:cohort-save"), state | {"sample_seed": seed})
    assert "Enter a name for the cohort" in missing_name.content.decode()
    saved = client.post(
        reverse("analytics:cohort-save"),
        state | {"sample_seed": seed, "name": "Diagnosed teenagers"},
    )
    cohort = Cohort.objects.get(name="Diagnosed teenagers")
    assert saved.status_code == 302
    assert saved["Location"] == reverse("analytics:cohort-detail", args=[cohort.pk])
    assert cohort.definition == _definition()
    assert (cohort.sample_seed, cohort.sample_size, cohort.created_by) == (seed, 2, admin)
    assert cohorts.cohort_sample_ids(cohort.definition, seed=seed, size=2) == listed.changes["ids"]
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(cohort.pk)).exists()


def test_a_stale_form_never_overwrites_a_newer_change():
    _reviews(2)
    client, admin = _client(Role.ADMINISTRATOR)
    cohort = _cohort(admin)
    cohorts.cohort_update(
        cohort=cohort,
        by=admin,
        expected_version=1,
        name="Renamed",
        description="",
        definition=_definition(),
    )
    page = client.post(
        reverse("analytics:cohort-save"),
        {
            "cohort": cohort.pk,
            "version": "1",
            "name": "Mine",
            "year": YEAR,
            "condition_count": "1",
            "c0-part": "where",
            "c0-field": "sex",
            "c0-codes": "male",
        },
    )
    assert page.status_code == 200
    assert "Someone else changed this cohort" in page.content.decode()
    cohort.refresh_from_db()
    assert (cohort.name, cohort.version) == ("Renamed", 2)


def test_editing_a_saved_cohort_shows_its_conditions():
    client, admin = _client(Role.ADMINISTRATOR)
    spotlight = Cohort.objects.get(spotlight="extrafamilial_harm")
    body = client.get(reverse("analytics:cohort-edit", args=[spotlight.pk])).content.decode()
    assert 'name="c1-field" value="gang_youth_violence"' in body
    assert 'name="c2-or" value="1"' in body  # CCE joins gang violence: any of them
    assert "Or Child criminal exploitation" in body


# --- Samples -----------------------------------------------------------------------------------


def test_drawing_again_makes_a_new_recorded_seed_and_the_page_lists_the_sample():
    _reviews()
    client, admin = _client(Role.ADMINISTRATOR)
    cohort = _cohort(admin, sample_seed=7, sample_size=2)
    url = reverse("analytics:cohort-sample", args=[cohort.pk])
    drawn = client.post(url, {"sample_size": "3", "version": str(cohort.version)})
    assert drawn.status_code == 302
    cohort.refresh_from_db()
    assert cohort.sample_size == 3 and cohort.sample_seed != 7 and cohort.version == 2
    event = AuditEvent.objects.filter(object_id=str(cohort.pk), action=AuditAction.UPDATE).get()
    assert event.changes["sample_seed"] == [7, cohort.sample_seed]
    page = client.get(url)
    ids = cohorts.cohort_sample_ids(cohort.definition, seed=cohort.sample_seed, size=3)
    body = page.content.decode()
    for review in RapidReview.objects.filter(pk__in=ids).select_related("notification"):
        assert review.notification.reference in body
    assert CHILD_NAME not in body
    listed = AuditEvent.objects.get(action=AuditAction.LIST)
    assert sorted(listed.changes["ids"]) == sorted(ids)
    refused = client.post(url, {"sample_size": "0", "version": str(cohort.version)})
    assert "Enter a number of cases from 1 to 500" in refused.content.decode()


# --- Exports -----------------------------------------------------------------------------------


def test_the_case_list_holds_references_only():
    reviews = _reviews()
    client, admin = _client(Role.ADMINISTRATOR)
    cohort = _cohort(admin, sample_seed=3, sample_size=1)
    response = client.get(reverse("analytics:cohort-cases-download", args=[cohort.pk, "csv"]))
    text = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert CHILD_NAME not in text and "Synthetic summary" not in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["SIN reference", "In the sample"]
    expected = {
        r.notification.reference
        for r in reviews
        if r.age_years >= 11 and r.mental_health == "diagnosed"
    }
    assert {row[0] for row in rows[1:]} == expected
    assert [row[1] for row in rows[1:]].count("Yes") == 1
    book = client.get(reverse("analytics:cohort-cases-download", args=[cohort.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(book.content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row]
    assert CHILD_NAME not in cells and set(cells) >= expected
    exported = AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id=str(cohort.pk))
    assert exported.count() == 2
    assert (
        client.get(reverse("analytics:cohort-cases-download", args=[cohort.pk, "pdf"])).status_code
        == 404
    )


def test_the_public_comparison_is_suppressed():
    _reviews()
    client, admin = _client(Role.ADMINISTRATOR)
    cohort = _cohort(admin)
    url = reverse("analytics:cohort-compare-download", args=[cohort.pk, "csv"])
    internal = client.get(url).content.decode()
    public = client.get(url + "?public=1").content.decode()
    assert ",c" in public or ",c," in public
    assert ",c," not in internal
    page = client.get(reverse("analytics:cohort-compare", args=[cohort.pk]))
    assert page.status_code == 200
    assert 'id="compare-cohort-size">4<' in page.content.decode()
    assert (
        AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id=str(cohort.pk)).count() == 2
    )
    book = client.get(reverse("analytics:cohort-compare-download", args=[cohort.pk, "xlsx"]))
    assert book.status_code == 200
    load_workbook(io.BytesIO(book.content))


def test_a_definition_that_no_longer_fits_the_code_lists_is_explained_not_an_error():
    client, admin = _client(Role.ADMINISTRATOR)
    cohort = _cohort(admin)
    Cohort.objects.filter(pk=cohort.pk).update(
        definition=_definition() | {"where": [{"field": "mental_health", "codes": ["gone"]}]}
    )
    page = client.get(reverse("analytics:cohort-detail", args=[cohort.pk]))
    assert page.status_code == 409
    assert "&#x27;Mental health condition&#x27; has no answer &#x27;gone&#x27;" in (
        page.content.decode()
    )
    edit = client.get(reverse("analytics:cohort-edit", args=[cohort.pk]))
    assert edit.status_code == 200
    assert "There is a problem" in edit.content.decode()
