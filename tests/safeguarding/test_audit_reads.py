"""Every read of a case leaves one audit entry (issue 12, item 5): who, what, when and from
where, never the child's name or date of birth; administrators see who viewed a case and
export a person's access history."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.selectors import notification_get_for_user
from panel import services as panel_services
from panel.models import ResponseLetter
from safeguarding.codes import Role
from safeguarding.models import AuditAction, AuditEvent, LocalAuthority

from ..lcsprs.factories import LcsprFactory
from ..panel.factories import PanelDecisionFactory

FIRST_NAME, LAST_NAME = "Zephyrine", "Quattlebaum"
BIRTH = date(2015, 2, 17)
NOW = "2025-03-10 12:00:00+00:00"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@dataclass
class Case:
    notification: object
    review: object
    decision: object
    letter: ResponseLetter
    lcspr: object


@pytest.fixture
def case(db, make_user, django_capture_on_commit_callbacks) -> Case:
    decision = PanelDecisionFactory()
    review = decision.review
    review.notification.children.filter(is_child_in_focus=True).update(
        name=f"{FIRST_NAME} {LAST_NAME}", date_of_birth=BIRTH
    )
    make_user(Role.PARTNERSHIP_LEAD, partnership=review.partnership, email="lead@example.org")
    member = make_user(Role.PANEL_MEMBER)
    letter = panel_services.response_letter_draft(review=review, by=member, body="Text")
    with django_capture_on_commit_callbacks(execute=True):
        panel_services.response_letter_send(letter=letter, by=member)
    letter.refresh_from_db()
    lcspr = LcsprFactory(rapid_review=review, partnership=review.partnership)
    return Case(review.notification, review, decision, letter, lcspr)


@pytest.fixture
def reader(make_user):
    return make_user(Role.PANEL_SECRETARIAT, username="reader")


def _inserts(queries: CaptureQueriesContext) -> int:
    return sum(
        1
        for query in queries.captured_queries
        if query["sql"].startswith('INSERT INTO "safeguarding_auditevent"')
    )


def _get(client, url: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    return response, _inserts(queries)


# (url name, how its kwargs come from the case, the record the entry is about, its action)
OPENINGS = [
    ("notifications:notification-detail", lambda c: {"pk": c.notification.pk}, "notification"),
    ("rapidreviews:review-detail", lambda c: {"pk": c.review.pk}, "review"),
    ("panel:decision", lambda c: {"review_pk": c.review.pk}, "review"),
    ("lcsprs:lcspr-detail", lambda c: {"pk": c.lcspr.pk}, "lcspr"),
    ("notifications-api:notification-detail", lambda c: {"pk": c.notification.pk}, "notification"),
    ("rapidreviews-api:review-detail", lambda c: {"pk": c.review.pk}, "review"),
    ("panel-api:decision-detail", lambda c: {"pk": c.decision.pk}, "decision"),
    ("panel-api:letter-detail", lambda c: {"pk": c.letter.pk}, "letter"),
    ("lcsprs-api:lcspr-detail", lambda c: {"pk": c.lcspr.pk}, "lcspr"),
]


@pytest.mark.parametrize(("url_name", "kwargs", "record"), OPENINGS)
def test_opening_a_case_writes_one_view_entry(client, case, reader, url_name, kwargs, record):
    client.force_login(reader)
    url = reverse(url_name, kwargs=kwargs(case))
    before = AuditEvent.objects.count()

    response, inserts = _get(client, url)

    assert response.status_code == 200
    assert inserts == 1
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    target = getattr(case, record)
    assert event.action == AuditAction.VIEW
    assert (event.actor, event.actor_username) == (reader, "reader")
    assert event.content_type.model_class() is type(target)
    assert event.object_id == str(target.pk)
    assert case.notification.reference in event.object_repr
    assert event.request_path == url
    assert event.ip_address == "127.0.0.1"


DOWNLOADS = [
    ("rapidreviews:review-document-download", lambda c: {"pk": c.review.pk}),
    ("panel:letter-download", lambda c: {"pk": c.letter.pk}),
    ("panel-api:letter-pdf", lambda c: {"pk": c.letter.pk}),
]


@pytest.mark.parametrize(("url_name", "kwargs"), DOWNLOADS)
def test_a_download_writes_one_entry(client, case, reader, url_name, kwargs):
    client.force_login(reader)
    url = reverse(url_name, kwargs=kwargs(case))

    response, inserts = _get(client, url)

    assert response.status_code == 200
    assert inserts == 1  # the download's own "Exported" entry: no second "Viewed" one
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.actor, event.request_path) == (AuditAction.EXPORT, reader, url)
    assert event.object_id == str(case.review.pk)


LISTS = [
    ("notifications:notification-list", "notification", "notifications.notification"),
    ("rapidreviews:review-queue", "review", "rapidreviews.rapidreview"),
    ("lcsprs:lcspr-list", "lcspr", "lcsprs.lcspr"),
    ("panel:decision-list", "decision", "panel.paneldecision"),
    ("panel:letter-list", "letter", "panel.responseletter"),
    ("notifications-api:notification-list", "notification", "notifications.notification"),
    ("rapidreviews-api:review-list", "review", "rapidreviews.rapidreview"),
    ("panel-api:decision-list", "decision", "panel.paneldecision"),
    ("panel-api:letter-list", "letter", "panel.responseletter"),
    ("lcsprs-api:lcspr-list", "lcspr", "lcsprs.lcspr"),
]


@pytest.mark.parametrize(("url_name", "record", "model"), LISTS)
def test_a_list_writes_one_entry_with_the_ids_on_the_page(
    client, case, reader, url_name, record, model
):
    client.force_login(reader)

    response, inserts = _get(client, reverse(url_name))

    assert response.status_code == 200
    assert inserts == 1
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.actor) == (AuditAction.LIST, reader)
    assert f"{event.content_type.app_label}.{event.content_type.model}" == model
    assert getattr(case, record).pk in event.changes["ids"]


def test_a_list_entry_keeps_the_filters_and_the_page(client, case, reader):
    client.force_login(reader)
    url = reverse("notifications-api:notification-list") + "?status=submitted&page_size=5"

    client.get(url)

    event = AuditEvent.objects.latest("id")
    assert event.changes == {
        "ids": [case.notification.pk],
        "filters": {"status": "submitted"},
        "page": 1,
    }


def test_the_panel_queue_is_a_list_read(client, case, reader):
    client.force_login(reader)

    response, inserts = _get(client, reverse("panel:queue"))

    assert (response.status_code, inserts) == (200, 1)
    assert AuditEvent.objects.latest("id").action == AuditAction.LIST


def test_no_entry_names_the_child(client, case, reader, api_client):
    client.force_login(reader)
    api = api_client(reader)
    for url_name, kwargs, _record in OPENINGS:
        url = reverse(url_name, kwargs=kwargs(case))
        assert (api if "-api:" in url_name else client).get(url).status_code == 200
    for url_name, kwargs in DOWNLOADS:
        response = client.get(reverse(url_name, kwargs=kwargs(case)))
        b"".join(response.streaming_content)
    for url_name, _record, _model in LISTS:
        assert (api if "-api:" in url_name else client).get(reverse(url_name)).status_code == 200

    events = list(AuditEvent.objects.all())
    assert {e.action for e in events} >= {AuditAction.VIEW, AuditAction.LIST, AuditAction.EXPORT}
    for event in events:
        text = " ".join(
            [event.object_repr, event.message, json.dumps(event.changes), event.request_path]
        )
        for secret in (FIRST_NAME, LAST_NAME, BIRTH.isoformat(), f"{BIRTH:%d/%m/%Y}"):
            assert secret not in text, (event.action, text)


def test_another_authoritys_case_is_still_a_404_and_leaves_no_view(client, case, make_user):
    bristol = LocalAuthority.objects.get(name="Bristol")
    client.force_login(make_user(Role.LA_USER, local_authority=bristol))
    before = AuditEvent.objects.count()

    url = reverse("notifications:notification-detail", args=[case.notification.pk])
    assert client.get(url).status_code == 404

    assert AuditEvent.objects.count() == before


def test_a_form_post_records_its_change_not_a_read(client, case, make_user):
    lead = make_user(Role.PARTNERSHIP_LEAD, partnership=case.review.partnership)
    client.force_login(lead)
    url = reverse("lcsprs:lcspr-start", args=[case.lcspr.pk])

    client.post(url, {"version": case.lcspr.version})

    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


def test_a_read_outside_a_request_records_nothing(case, reader):
    notification_get_for_user(user=reader, pk=case.notification.pk)

    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


def test_the_case_history_shows_changes_not_reads(client, case, reader):
    client.force_login(reader)
    url = reverse("rapidreviews:review-detail", args=[case.review.pk])
    client.get(url)

    response = client.get(url)

    assert [e.action for e in response.context["history"]].count(AuditAction.VIEW) == 0


# --- Who viewed this case -------------------------------------------------------------------


def test_an_administrator_sees_who_viewed_the_case(client, case, reader, make_user, api_client):
    client.force_login(reader)
    client.get(reverse("notifications:notification-detail", args=[case.notification.pk]))
    lister = make_user(Role.PANEL_MEMBER, username="lister")
    api_client(lister).get(reverse("rapidreviews-api:review-list"))
    client.force_login(make_user(Role.ADMINISTRATOR))

    response = client.get(reverse("rapidreviews:review-detail", args=[case.review.pk]))

    page = response.content.decode()
    assert "Who viewed this case" in page
    log = response.context["access_log"]
    assert ("reader", AuditAction.VIEW) in [(e.actor_username, e.action) for e in log]
    # A list page that showed the review counts as a view of it.
    assert ("lister", AuditAction.LIST) in [(e.actor_username, e.action) for e in log]
    assert reverse("access-history") + "?person=reader" in page


@pytest.mark.parametrize(
    ("url_name", "kwargs"),
    [
        ("notifications:notification-detail", lambda c: {"pk": c.notification.pk}),
        ("rapidreviews:review-detail", lambda c: {"pk": c.review.pk}),
        ("panel:decision", lambda c: {"review_pk": c.review.pk}),
        ("lcsprs:lcspr-detail", lambda c: {"pk": c.lcspr.pk}),
    ],
)
def test_who_viewed_is_for_administrators_only(client, case, reader, make_user, url_name, kwargs):
    url = reverse(url_name, kwargs=kwargs(case))
    client.force_login(reader)
    assert "Who viewed this case" not in client.get(url).content.decode()

    client.force_login(make_user(Role.ADMINISTRATOR))
    response = client.get(url)

    assert "Who viewed this case" in response.content.decode()
    # The reader's earlier visit, linked to their access history.
    assert "?person=reader" in response.content.decode()
    assert "reader" in [event.actor_username for event in response.context["access_log"]]


# --- A person's access history ----------------------------------------------------------------


def _history_query(username: str, start: date, end: date) -> dict:
    return {
        "username": username,
        **{f"date_from_{i}": v for i, v in enumerate((start.day, start.month, start.year))},
        **{f"date_to_{i}": v for i, v in enumerate((end.day, end.month, end.year))},
    }


def test_an_administrator_exports_a_persons_access_history(client, case, reader, make_user):
    client.force_login(reader)
    detail = reverse("notifications:notification-detail", args=[case.notification.pk])
    client.get(detail)
    client.get(reverse("rapidreviews:review-queue"))
    AuditEvent.objects.create(
        actor=reader,
        actor_username="reader",
        action=AuditAction.VIEW,
        object_repr="=HYPERLINK(1)",
        request_path="@SUM(1)",
    )
    with time_machine.travel("2025-03-20 12:00:00+00:00", tick=False):
        client.get(detail)  # after the range
    admin = make_user(Role.ADMINISTRATOR)
    client.force_login(admin)

    response = client.get(
        reverse("access-history"), _history_query("reader", date(2025, 3, 1), date(2025, 3, 10))
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    reads = [r for r in rows if r["action"] in ("Viewed", "Listed")]
    assert [(r["action"], r["path"]) for r in reads] == [
        ("Viewed", detail),
        ("Listed", reverse("rapidreviews:review-queue")),
        ("Viewed", "'@SUM(1)"),
    ]
    assert reads[0]["object type"] == "notifications.notification"
    assert reads[0]["reference"] == case.notification.reference
    assert reads[0]["address"] == "127.0.0.1"
    assert reads[0]["time"].startswith("2025-03-10T")
    assert str(case.review.pk) in reads[1]["listed ids"].split()
    assert reads[2]["reference"] == "'=HYPERLINK(1)"
    assert not [r for r in rows if "2025-03-20" in r["time"]]
    export = AuditEvent.objects.get(message="Access history exported")
    assert (export.actor, export.action, export.object_id) == (
        admin,
        AuditAction.EXPORT,
        str(reader.pk),
    )
    assert export.changes == {"from": "2025-03-01", "to": "2025-03-10"}


def test_the_access_history_form_shows_errors(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))

    response = client.get(
        reverse("access-history"), _history_query("nobody", date(2025, 3, 10), date(2025, 3, 1))
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "No one has that username" in page
    assert not AuditEvent.objects.filter(message="Access history exported").exists()


def test_the_access_history_is_for_administrators_only(client, reader):
    client.force_login(reader)

    response = client.get(
        reverse("access-history"), _history_query("reader", date(2025, 3, 1), date(2025, 3, 10))
    )

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(message="Access history exported").exists()


def test_edits_record_that_identifying_fields_changed_never_their_values(make_user, leeds):
    """The trail is kept longer than the case (retention anonymises the case, not its
    history), so a child's name, date of birth, postcode and the narrative are never in it."""
    from datetime import date

    from notifications.services.drafts import (
        ChildData,
        notification_child_update,
        notification_circumstances_update,
    )
    from tests.notifications.factories import DraftNotificationFactory, NotificationChildFactory

    user = make_user(Role.LA_USER, local_authority=leeds)
    draft = DraftNotificationFactory(created_by=user, local_authority=leeds)
    child = NotificationChildFactory(notification=draft, name="Synthetic Lowther")
    draft.refresh_from_db()
    before = set(AuditEvent.objects.values_list("pk", flat=True))

    notification_circumstances_update(
        notification=draft,
        by=user,
        abuse_or_neglect=draft.abuse_or_neglect or "known",
        child_looked_after_death=draft.child_looked_after_death,
        placement_postcode="LS1 4AP",
        imd_decile=3,
        summary="Synthetic Lowther was found",
        expected_version=draft.version,
    )
    draft.refresh_from_db()
    notification_child_update(
        child=child,
        by=user,
        data=ChildData(
            child_reference=child.child_reference,
            sex=child.sex,
            harm=child.harm,
            name="Synthetic Renamed",
            date_of_birth=date(2016, 1, 2),
        ),
        expected_version=draft.version,
    )

    events = AuditEvent.objects.exclude(pk__in=before)
    assert events.count() == 2
    text = " ".join(str(e.changes) + e.message for e in events)
    assert "(changed)" in text
    for secret in ("Lowther", "Renamed", "LS1", "2016-01-02", "was found"):
        assert secret not in text


def test_a_list_read_with_unstorable_characters_in_its_query_is_audited_not_a_500(
    api_client, make_user
):
    """NUL and unpaired surrogates (which schemathesis sends) cannot go into PostgreSQL text
    or JSON; the audit entry keeps a replacement character instead of failing the request."""
    admin = make_user(Role.ADMINISTRATOR)
    query = "%00%C2%8F=%F4%82%99%B8%00&x%00y=%ED%A0%80"

    response = api_client(admin).get(f"/api/v1/panel/letters/?{query}")

    assert response.status_code == 200
    event = AuditEvent.objects.filter(action=AuditAction.LIST).latest("id")
    assert "\x00" not in str(event.changes)
