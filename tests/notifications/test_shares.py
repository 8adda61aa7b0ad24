"""Other areas told about a SIN (issue 16, item 3): naming them, telling them, their read-only
access and nobody else's."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from notifications import services
from notifications.models import AbuseOrNeglect, Notification, NotificationShare, Withdrawal
from notifications.services import ShareTarget
from rapidreviews.models import RapidReview
from safeguarding.audit import audit_events_for
from safeguarding.codes import Reason, Role
from safeguarding.models import AuditAction, InboxMessage, LocalAuthority

from .factories import (
    CompleteDraftFactory,
    NotificationChildFactory,
    attachment_add,
    png_bytes,
)
from .test_api import LIST_URL, detail_url, sin

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_10_june_2024")]


@pytest.fixture
def manchester(db) -> LocalAuthority:
    return LocalAuthority.objects.get(name="Manchester")


@pytest.fixture
def people(make_user, leeds, bristol, manchester) -> dict:
    return {
        "leeds": make_user(Role.LA_USER, local_authority=leeds),
        "leeds_lead": make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership),
        "bristol": make_user(Role.LA_USER, local_authority=bristol),
        "bristol_lead": make_user(Role.PARTNERSHIP_LEAD, partnership=bristol.partnership),
        "manchester": make_user(Role.LA_USER, local_authority=manchester),
        "manchester_lead": make_user(Role.PARTNERSHIP_LEAD, partnership=manchester.partnership),
    }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name, *args) -> str:
    return reverse(f"notifications:{name}", args=args)


def submit(notification, by, capture):
    with capture(execute=True):
        services.notification_submit(notification=notification, by=by, expected_version=None)
    notification.refresh_from_db()
    return notification


@pytest.fixture
def shared_sin(people, bristol, django_capture_on_commit_callbacks) -> Notification:
    """A Leeds SIN naming Bristol (the authority), submitted."""
    draft = CompleteDraftFactory(created_by=people["leeds"])
    services.notification_share_add(
        notification=draft,
        by=people["leeds"],
        target=ShareTarget(local_authority=bristol),
        expected_version=None,
    )
    return submit(draft, people["leeds"], django_capture_on_commit_callbacks)


# --- Telling ----------------------------------------------------------------------------------


def test_a_named_authority_and_its_partnership_are_told_on_submission(
    people, bristol, django_capture_on_commit_callbacks
):
    draft = CompleteDraftFactory(created_by=people["leeds"])
    services.notification_share_add(
        notification=draft,
        by=people["leeds"],
        target=ShareTarget(local_authority=bristol),
        expected_version=None,
    )
    assert not mail.outbox  # a draft tells nobody
    assert NotificationShare.objects.get().told_at is None

    sin_ = submit(draft, people["leeds"], django_capture_on_commit_callbacks)

    share = NotificationShare.objects.get()
    assert share.told_at is not None
    shared_mail = [m for m in mail.outbox if "shared with you" in m.subject]
    [email] = shared_mail
    assert set(email.to) >= {people["bristol"].email, people["bristol_lead"].email}
    assert people["manchester"].email not in email.to
    assert people["leeds_lead"].email not in email.to
    assert sin_.reference in email.subject
    assert url("notification-detail", sin_.pk) in email.body
    for who in ("bristol", "bristol_lead"):
        message = InboxMessage.objects.get(recipient=people[who], subject=email.subject)
        assert message.url == url("notification-detail", sin_.pk)
    assert not InboxMessage.objects.filter(recipient=people["manchester"]).exists()


def test_a_named_partnership_s_leads_are_told(
    people, manchester, django_capture_on_commit_callbacks
):
    draft = CompleteDraftFactory(created_by=people["leeds"])
    services.notification_share_add(
        notification=draft,
        by=people["leeds"],
        target=ShareTarget(partnership=manchester.partnership),
        expected_version=None,
    )
    submit(draft, people["leeds"], django_capture_on_commit_callbacks)

    [email] = [m for m in mail.outbox if "shared with you" in m.subject]
    assert people["manchester_lead"].email in email.to
    assert people["manchester"].email not in email.to  # a partnership's leads, not its LAs
    assert InboxMessage.objects.filter(recipient=people["manchester_lead"]).count() == 1


def test_adding_an_area_after_submission_is_an_amendment_and_tells_it_then(
    people, manchester, shared_sin, django_capture_on_commit_callbacks
):
    client = client_for(people["leeds"])
    page = url("notification-shares", shared_sin.pk)
    area = f"la:{manchester.ons_code}"

    without_reason = client.post(
        page, {"area": area, "version": shared_sin.version, "action": "save"}
    )
    assert without_reason.status_code == 200
    assert "Enter why you are changing a submitted notification" in without_reason.text
    assert not NotificationShare.objects.filter(local_authority=manchester).exists()

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            page,
            {
                "area": area,
                "version": shared_sin.version,
                "amendment_reason": "Child B lived in Manchester",
                "action": "save",
            },
        )

    assert response.status_code == 302
    share = NotificationShare.objects.get(local_authority=manchester)
    assert share.told_at is not None
    [email] = mail.outbox
    assert people["manchester"].email in email.to
    assert people["manchester_lead"].email in email.to
    assert people["bristol"].email not in email.to  # already told, not told twice
    event = audit_events_for(shared_sin).filter(action=AuditAction.UPDATE).order_by("pk").last()
    assert "Child B lived in Manchester" in event.message
    assert (
        client_for(people["manchester"]).get(url("notification-detail", shared_sin.pk)).status_code
        == 200
    )
    case_page = client.get(url("notification-detail", shared_sin.pk)).text
    assert "changed the other areas to tell" in case_page
    assert "Child B lived in Manchester" in case_page
    assert "Manchester" in case_page and "Bristol" in case_page  # who was told


# --- Validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("own_authority", "is the notifying local authority"),
        ("own_partnership", "own safeguarding partnership"),
        ("duplicate", "already on the list of areas to tell"),
    ],
)
def test_the_own_area_and_a_duplicate_are_refused(people, leeds, bristol, target, message):
    draft = CompleteDraftFactory(created_by=people["leeds"])
    NotificationShare.objects.create(
        notification=draft, local_authority=bristol, added_by=people["leeds"]
    )
    area = {
        "own_authority": f"la:{leeds.ons_code}",
        "own_partnership": f"partnership:{leeds.partnership.code}",
        "duplicate": f"la:{bristol.ons_code}",
    }[target]

    response = client_for(people["leeds"]).post(
        url("notification-shares", draft.pk),
        {"area": area, "version": draft.version, "action": "continue"},
    )

    assert response.status_code == 200
    assert message in response.text
    assert 'class="govuk-error-summary' in response.text
    assert NotificationShare.objects.filter(notification=draft).count() == 1


def test_the_database_refuses_a_share_naming_both_or_neither(people, leeds, bristol):
    from django.db import IntegrityError, transaction

    draft = CompleteDraftFactory(created_by=people["leeds"])
    for fields in ({}, {"local_authority": bristol, "partnership": bristol.partnership}):
        with pytest.raises(IntegrityError), transaction.atomic():
            NotificationShare.objects.create(notification=draft, added_by=people["leeds"], **fields)


# --- The web journey --------------------------------------------------------------------------


def test_the_notifier_adds_and_removes_areas_on_a_draft(
    people, bristol, manchester, django_capture_on_commit_callbacks
):
    draft = CompleteDraftFactory(created_by=people["leeds"])
    client = client_for(people["leeds"])

    task_list = client.get(url("notification-detail", draft.pk))
    assert "Other areas to tell" in task_list.text
    assert "Optional" in task_list.text
    page = client.get(url("notification-shares", draft.pk))
    assert page.status_code == 200
    assert "Manchester" in page.text

    for area in (f"la:{bristol.ons_code}", f"partnership:{manchester.partnership.code}"):
        draft.refresh_from_db()
        response = client.post(
            url("notification-shares", draft.pk),
            {"area": area, "version": draft.version, "action": "continue"},
        )
        assert response.status_code == 302
    check = client.get(url("notification-check", draft.pk))
    assert "Bristol" in check.text
    assert str(manchester.partnership) in check.text
    assert client.get(url("notification-check", draft.pk)).status_code == 200

    share = NotificationShare.objects.get(local_authority=bristol)
    draft.refresh_from_db()
    response = client.post(
        url("notification-share-remove", draft.pk, share.pk),
        {"version": draft.version, "action": "remove"},
    )
    assert response.status_code == 302
    assert list(NotificationShare.objects.values_list("partnership", flat=True)) == [
        manchester.partnership_id
    ]

    draft.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        submitted = client.post(
            url("notification-check", draft.pk), {"version": draft.version, "action": "submit"}
        )
    assert submitted.status_code == 302
    confirmation = client.get(submitted["Location"])
    assert f"Other areas told: {manchester.partnership}" in confirmation.text
    told = {address for m in mail.outbox if "shared with you" in m.subject for address in m.to}
    assert people["manchester_lead"].email in told
    assert people["bristol"].email not in told


def test_removing_a_share_after_submission_needs_a_reason_and_ends_the_access(people, shared_sin):
    share = NotificationShare.objects.get()
    client = client_for(people["leeds"])
    remove = url("notification-share-remove", shared_sin.pk, share.pk)

    refused = client.post(remove, {"version": shared_sin.version, "action": "remove"})
    assert refused.status_code == 200
    assert NotificationShare.objects.exists()

    response = client.post(
        remove,
        {"version": shared_sin.version, "amendment_reason": "Named by mistake", "action": "remove"},
    )
    assert response.status_code == 302
    assert not NotificationShare.objects.exists()
    event = audit_events_for(shared_sin).filter(action=AuditAction.UPDATE).order_by("pk").last()
    assert "Named by mistake" in event.message
    assert (
        client_for(people["bristol"]).get(url("notification-detail", shared_sin.pk)).status_code
        == 404
    )


def test_a_stale_version_is_refused(people, bristol, manchester):
    draft = CompleteDraftFactory(created_by=people["leeds"])
    old = draft.version
    services.notification_share_add(
        notification=draft,
        by=people["leeds"],
        target=ShareTarget(local_authority=bristol),
        expected_version=old,
    )
    response = client_for(people["leeds"]).post(
        url("notification-shares", draft.pk),
        {"area": f"la:{manchester.ons_code}", "version": old, "action": "continue"},
    )
    assert response.status_code == 200
    assert "Someone else changed this notification" in response.text
    assert not NotificationShare.objects.filter(local_authority=manchester).exists()


# --- Reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize("reader", ["bristol", "bristol_lead"])
def test_the_named_area_reads_the_sin_and_sees_it_in_the_list(people, shared_sin, reader):
    client = client_for(people[reader])

    detail = client.get(url("notification-detail", shared_sin.pk))
    assert detail.status_code == 200
    assert "Shared with you" in detail.text
    assert "Bristol" in detail.text  # who was told
    listing = client.get(url("notification-list"))
    assert shared_sin.reference in listing.text
    assert "Shared with you" in listing.text


def test_a_named_partnership_s_lead_reads_it(
    people, manchester, django_capture_on_commit_callbacks
):
    draft = CompleteDraftFactory(created_by=people["leeds"])
    services.notification_share_add(
        notification=draft,
        by=people["leeds"],
        target=ShareTarget(partnership=manchester.partnership),
        expected_version=None,
    )
    client = client_for(people["manchester_lead"])
    assert client.get(url("notification-detail", draft.pk)).status_code == 404  # a draft
    submit(draft, people["leeds"], django_capture_on_commit_callbacks)
    assert client.get(url("notification-detail", draft.pk)).status_code == 200


def test_a_named_partnership_s_lead_downloads_its_attachments_and_an_unnamed_one_gets_404(
    people, manchester, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    draft = CompleteDraftFactory(created_by=people["leeds"])
    services.notification_share_add(
        notification=draft,
        by=people["leeds"],
        target=ShareTarget(partnership=manchester.partnership),
        expected_version=None,
    )
    sin_ = submit(draft, people["leeds"], django_capture_on_commit_callbacks)
    attachment = attachment_add(sin_, data=png_bytes())
    download = url("attachment-download", sin_.pk, attachment.pk)

    named = client_for(people["manchester_lead"]).get(download)
    assert named.status_code == 200
    assert b"".join(named.streaming_content) == png_bytes()
    assert client_for(people["bristol_lead"]).get(download).status_code == 404
    assert client_for(people["manchester"]).get(download).status_code == 404


@pytest.mark.parametrize("reader", ["manchester", "manchester_lead"])
def test_an_area_not_named_gets_404(people, shared_sin, reader):
    client = client_for(people[reader])
    assert client.get(url("notification-detail", shared_sin.pk)).status_code == 404
    assert client.get(url("notification-shares", shared_sin.pk)).status_code == 404
    share = NotificationShare.objects.get()
    remove = url("notification-share-remove", shared_sin.pk, share.pk)
    assert client.get(remove).status_code == 404
    assert shared_sin.reference not in client.get(url("notification-list")).text


@pytest.mark.parametrize("reader", ["bristol", "bristol_lead"])
def test_the_named_area_cannot_change_the_sin_nor_see_its_rapid_review(
    people, shared_sin, reader, api_client
):
    client = client_for(people[reader])
    share = NotificationShare.objects.get()
    for page in (
        url("notification-incident", shared_sin.pk),
        url("notification-circumstances", shared_sin.pk),
        url("notification-children", shared_sin.pk),
        url("notification-shares", shared_sin.pk),
        url("notification-share-remove", shared_sin.pk, share.pk),
    ):
        assert client.get(page).status_code in (403, 404), page
        assert client.post(page, {"version": shared_sin.version}).status_code in (403, 404), page
    review = RapidReview.objects.get(notification=shared_sin)
    assert client.get(reverse("rapidreviews:review-detail", args=[review.pk])).status_code == 404
    detail = client.get(url("notification-detail", shared_sin.pk))
    assert reverse("rapidreviews:review-detail", args=[review.pk]) not in detail.text

    api = api_client(people[reader])
    response = api.post(
        f"{detail_url(shared_sin.pk)}shares/",
        {"partnership": "anything", "amendment_reason": "x"},
        format="json",
    )
    assert response.status_code in (403, 404)
    assert api.get(detail_url(shared_sin.pk)).status_code == 200
    assert NotificationShare.objects.count() == 1


@pytest.mark.parametrize("reader", ["bristol", "bristol_lead"])
def test_the_named_area_does_not_see_the_rapid_review_due_date(
    people, bristol, shared_sin, reader, api_client, django_capture_on_commit_callbacks
):
    due = RapidReview.objects.get(notification=shared_sin).due_date
    # Bristol's own SIN, in both readers' scope.
    own = submit(
        CompleteDraftFactory(created_by=people["bristol"], local_authority=bristol),
        people["bristol"],
        django_capture_on_commit_callbacks,
    )
    own_due = RapidReview.objects.get(notification=own).due_date
    client = client_for(people[reader])

    listing = client.get(url("notification-list"))
    [shared_row] = [row for row in listing.text.split("<tr") if shared_sin.reference in row]
    assert due.strftime("%-d %b %Y") not in shared_row
    assert "Not shared" in shared_row
    [own_row] = [row for row in listing.text.split("<tr") if own.reference in row]
    assert own_due.strftime("%-d %b %Y") in own_row
    detail = client.get(url("notification-detail", shared_sin.pk))
    assert "Rapid review due" not in detail.text

    api = api_client(people[reader])
    rows = {row["reference"]: row for row in api.get(LIST_URL).json()["results"]}
    assert rows[shared_sin.reference]["rapid_review_due_date"] is None
    assert rows[own.reference]["rapid_review_due_date"] == own_due.isoformat()
    assert api.get(detail_url(shared_sin.pk)).json()["rapid_review_due_date"] is None
    assert api.get(detail_url(own.pk)).json()["rapid_review_due_date"] == own_due.isoformat()


def test_the_notifying_area_still_sees_the_rapid_review_due_date(people, shared_sin, api_client):
    due = RapidReview.objects.get(notification=shared_sin).due_date
    client = client_for(people["leeds"])
    listing = client.get(url("notification-list"))
    assert due.strftime("%-d %b %Y") in listing.text
    api = api_client(people["leeds"])
    assert api.get(detail_url(shared_sin.pk)).json()["rapid_review_due_date"] == due.isoformat()
    [row] = api.get(LIST_URL).json()["results"]
    assert row["rapid_review_due_date"] == due.isoformat()


# --- The API --------------------------------------------------------------------------------------


def test_the_api_creates_a_sin_with_shares_and_lists_them(
    people, bristol, manchester, api_client, django_capture_on_commit_callbacks
):
    client = api_client(people["leeds"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            LIST_URL,
            sin(
                shares=[
                    {"local_authority": bristol.ons_code},
                    {"partnership": manchester.partnership.code},
                ]
            ),
            format="json",
        )

    assert response.status_code == 201, response.json()
    shares = response.json()["shares"]
    assert [s["local_authority"] and s["local_authority"]["ons_code"] for s in shares] == [
        bristol.ons_code,
        None,
    ]
    assert shares[1]["partnership"]["code"] == manchester.partnership.code
    assert all(s["told_at"] for s in shares)
    told = {address for m in mail.outbox if "shared with you" in m.subject for address in m.to}
    assert {people["bristol"].email, people["manchester_lead"].email} <= told
    reader = api_client(people["bristol"])
    assert reader.get(detail_url(response.json()["id"])).status_code == 200
    assert response.json()["id"] in [row["id"] for row in reader.get(LIST_URL).json()["results"]]


def test_the_api_refuses_the_own_authority_in_a_list_aligned_with_the_shares(
    people, leeds, bristol, api_client
):
    response = api_client(people["leeds"]).post(
        LIST_URL,
        sin(shares=[{"local_authority": bristol.ons_code}, {"local_authority": leeds.ons_code}]),
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["shares"]
    assert errors[0] == {}
    assert "notifying local authority" in errors[1]["local_authority"][0]
    assert not Notification.objects.exists()


def test_the_api_adds_a_share_to_a_submitted_sin(
    people, manchester, shared_sin, api_client, django_capture_on_commit_callbacks
):
    client = api_client(people["leeds"])
    path = f"{detail_url(shared_sin.pk)}shares/"
    missing = client.post(path, {"local_authority": manchester.ons_code}, format="json")
    assert missing.status_code == 400
    assert "amendment_reason" in missing.json()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            path,
            {"local_authority": manchester.ons_code, "amendment_reason": "Placed in Manchester"},
            format="json",
        )
    assert response.status_code == 201, response.json()
    assert response.json()["told_at"]
    assert NotificationShare.objects.filter(local_authority=manchester).exists()
    again = client.post(
        path,
        {"local_authority": manchester.ons_code, "amendment_reason": "Again"},
        format="json",
    )
    assert again.status_code == 400
    assert "already on the list" in again.json()["local_authority"][0]


# --- Withdrawn SINs and SINs with no rapid review (the wording) ----------------------------------


def _withdraw(sin, capture, make_user):
    with capture(execute=True):
        services.notification_withdraw(
            notification=sin,
            by=make_user(Role.PANEL_SECRETARIAT),
            withdrawal=Withdrawal.WITHDRAWN,
            reason="Notified in error.",
            expected_version=sin.version,
        )
    sin.refresh_from_db()
    return sin


def test_a_withdrawn_sin_takes_no_new_area_on_the_page_nor_the_api(
    people, manchester, shared_sin, make_user, api_client, django_capture_on_commit_callbacks
):
    sin = _withdraw(shared_sin, django_capture_on_commit_callbacks, make_user)
    mail.outbox.clear()
    response = client_for(people["leeds"]).post(
        url("notification-shares", sin.pk),
        {
            "area": f"la:{manchester.ons_code}",
            "version": sin.version,
            "amendment_reason": "Child B lived in Manchester",
            "action": "save",
        },
    )
    assert response.status_code == 200
    assert "This notification has been withdrawn" in response.text
    assert 'class="govuk-error-summary' in response.text
    assert "Child B lived in Manchester" in response.text  # nothing typed is lost

    api = api_client(people["leeds"]).post(
        f"{detail_url(sin.pk)}shares/",
        {"local_authority": manchester.ons_code, "amendment_reason": "Placed in Manchester"},
        format="json",
    )
    assert api.status_code == 400
    assert "This notification has been withdrawn" in api.json()["local_authority"][0]
    assert not NotificationShare.objects.filter(local_authority=manchester).exists()
    assert not mail.outbox

    # The area already told reads that no rapid review is written, not who writes it.
    page = client_for(people["bristol"]).get(url("notification-detail", sin.pk)).text
    assert "no rapid review is written (withdrawn at the authority&#x27;s request)" in page
    assert "writes its rapid review" not in page


def test_the_share_e_mail_and_page_say_who_writes_the_rapid_review(
    people, shared_sin, django_capture_on_commit_callbacks
):
    [email] = [m for m in mail.outbox if "shared with you" in m.subject]
    partnership = shared_sin.local_authority.partnership
    assert f"{partnership} writes its rapid review" in email.body
    page = client_for(people["bristol"]).get(url("notification-detail", shared_sin.pk)).text
    assert "writes its rapid review" in page


def test_a_sin_needing_no_rapid_review_says_so_to_the_areas_told(
    people, bristol, django_capture_on_commit_callbacks
):
    draft = CompleteDraftFactory(
        created_by=people["leeds"],
        reason=Reason.DEATH,
        abuse_or_neglect=AbuseOrNeglect.NOT_SUSPECTED,
        child_looked_after_death=True,
        children=[],
    )
    NotificationChildFactory(notification=draft, is_child_in_focus=True, harm=Reason.DEATH)
    services.notification_share_add(
        notification=draft,
        by=people["leeds"],
        target=ShareTarget(local_authority=bristol),
        expected_version=None,
    )
    mail.outbox.clear()
    sin = submit(draft, people["leeds"], django_capture_on_commit_callbacks)
    [email] = [m for m in mail.outbox if "shared with you" in m.subject]
    assert "no rapid review is needed" in email.body
    assert "writes its rapid review" not in email.body
    page = client_for(people["bristol"]).get(url("notification-detail", sin.pk)).text
    assert "no rapid review is needed" in page
