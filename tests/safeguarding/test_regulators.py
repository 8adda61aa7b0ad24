"""DfE and Ofsted viewers (issue 16, item 6): read-only roles that read every submitted SIN in
England, never a draft, and a rapid review only once the Panel shares it; never LCSPRs, Panel
decisions or letters; they change nothing. The Panel shares and stops sharing a review."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from panel import services as panel_services
from rapidreviews.models import RapidReview
from safeguarding import policy
from safeguarding.codes import Role
from safeguarding.models import AuditAction, AuditEvent, User

from ..lcsprs.factories import LcsprFactory
from ..notifications.factories import DraftNotificationFactory, SubmittedNotificationFactory
from ..panel.factories import CHILD_NAME, PanelDecisionFactory, PanelReviewFactory
from ..rapidreviews.factories import CompleteReviewFactory

NOW = "2025-03-10 12:00:00+00:00"
VIEWER_ROLES = [Role.DFE_VIEWER, Role.OFSTED_VIEWER]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(params=VIEWER_ROLES)
def viewer(request, make_user) -> User:
    return make_user(request.param)


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def member(make_user) -> User:
    return make_user(Role.PANEL_MEMBER)


def _views(viewer, obj) -> bool:
    return AuditEvent.objects.filter(
        actor=viewer,
        action=AuditAction.VIEW,
        content_type__model=obj._meta.model_name,
        object_id=str(obj.pk),
    ).exists()


# --- The roles themselves ------------------------------------------------------------------------


def test_viewers_belong_to_their_own_organisation_and_are_not_national(make_user):
    dfe, ofsted = make_user(Role.DFE_VIEWER), make_user(Role.OFSTED_VIEWER)
    assert dfe.organisation == "Department for Education"
    assert ofsted.organisation == "Ofsted"
    assert not dfe.is_national and not ofsted.is_national
    assert policy.is_regulator(dfe) and policy.is_regulator(ofsted)


def test_the_database_refuses_a_viewer_with_a_local_authority(make_user, leeds):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        make_user(Role.DFE_VIEWER, local_authority=leeds)


def test_the_home_page_shows_what_a_viewer_can_use(viewer_client, bristol):
    SubmittedNotificationFactory(local_authority=bristol)

    response = viewer_client.get(reverse("home"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Notifications submitted in the last 7 days" in body
    assert reverse("notifications:notification-list") in body
    # Not in their menu: LCSPRs, the Panel's queue, statistics, administration.
    assert reverse("lcsprs:lcspr-list") not in body
    assert reverse("panel:queue") not in body
    assert reverse("analytics:statistics-index") not in body


# --- SINs ----------------------------------------------------------------------------------------


def test_a_viewer_lists_submitted_sins_of_every_authority_never_drafts(
    viewer_client, viewer, leeds, bristol
):
    in_leeds = SubmittedNotificationFactory(local_authority=leeds)
    in_bristol = SubmittedNotificationFactory(local_authority=bristol)
    draft = DraftNotificationFactory(local_authority=leeds)

    response = viewer_client.get(reverse("notifications:notification-list"))

    body = response.content.decode()
    assert response.status_code == 200
    assert in_leeds.reference in body and in_bristol.reference in body
    assert str(draft) not in body
    # The page read is on the audit trail, as one list read of the SINs shown.
    assert AuditEvent.objects.filter(actor=viewer, action=AuditAction.LIST).exists()
    listed = viewer_client.get(reverse("notifications-api:notification-list")).json()
    assert {item["reference"] for item in listed["results"]} == {
        in_leeds.reference,
        in_bristol.reference,
    }


def test_a_viewer_reads_a_submitted_sin_without_the_childs_name_and_it_is_audited(
    viewer_client, viewer, bristol
):
    sin = SubmittedNotificationFactory(local_authority=bristol)
    sin.children.update(name=CHILD_NAME)

    response = viewer_client.get(reverse("notifications:notification-detail", args=[sin.pk]))
    api = viewer_client.get(reverse("notifications-api:notification-detail", args=[sin.pk]))

    assert response.status_code == 200 and api.status_code == 200
    assert sin.reference in response.content.decode()
    assert CHILD_NAME not in response.content.decode()
    assert CHILD_NAME not in api.content.decode()
    assert _views(viewer, sin)


def test_a_viewer_gets_404_for_a_draft(viewer_client, leeds):
    draft = DraftNotificationFactory(local_authority=leeds)

    for url in (
        reverse("notifications:notification-detail", args=[draft.pk]),
        reverse("notifications:notification-incident", args=[draft.pk]),
        reverse("notifications-api:notification-detail", args=[draft.pk]),
    ):
        assert viewer_client.get(url).status_code == 404, url


def test_a_viewer_cannot_change_a_sin_or_notify(viewer_client, viewer, leeds):
    sin = SubmittedNotificationFactory(local_authority=leeds)

    page = viewer_client.post(
        reverse("notifications:notification-incident", args=[sin.pk]), {"reason": "death"}
    )
    api = viewer_client.post(
        reverse("notifications-api:notification-list"), {}, content_type="application/json"
    )
    start = viewer_client.post(reverse("notifications:notification-start"))

    assert page.status_code in (403, 404)
    assert api.status_code == 403
    assert start.status_code == 403
    sin.refresh_from_db()
    assert sin.reason == "serious_harm" and sin.version == 1
    assert not policy.can_edit_notification(viewer, sin)
    assert not policy.can_notify(viewer)
    assert not policy.can_see_child_identity(viewer, sin)


# --- Rapid reviews: 404 until the Panel shares them ---------------------------------------------


def test_a_rapid_review_is_404_until_shared_then_readable_then_404_again(
    viewer_client, viewer, member, client
):
    review = PanelReviewFactory()
    detail = reverse("rapidreviews:review-detail", args=[review.pk])
    document = reverse("rapidreviews:review-document-download", args=[review.pk])
    api = reverse("rapidreviews-api:review-detail", args=[review.pk])
    for url in (detail, document, api):
        assert viewer_client.get(url).status_code == 404, url
    assert (
        str(review.notification.reference)
        not in viewer_client.get(reverse("rapidreviews:review-queue")).content.decode()
    )

    panel = type(client)()
    panel.force_login(member)
    shared = panel.post(reverse("rapidreviews:review-share", args=[review.pk]), {"share": "share"})
    assert shared.status_code == 302
    review.refresh_from_db()
    assert review.shared_with_regulators_at is not None
    assert review.shared_with_regulators_by == member

    page = viewer_client.get(detail)
    assert page.status_code == 200
    assert CHILD_NAME not in page.content.decode()
    assert _views(viewer, review)
    download = viewer_client.get(document)
    assert download.status_code == 200
    b"".join(download.streaming_content)
    assert viewer_client.get(api).status_code == 200
    assert (
        review.notification.reference
        in viewer_client.get(reverse("rapidreviews:review-queue")).content.decode()
    )

    stopped = panel.post(reverse("rapidreviews:review-share", args=[review.pk]), {"share": "stop"})
    assert stopped.status_code == 302
    for url in (detail, document, api):
        assert viewer_client.get(url).status_code == 404, url
    messages = list(
        AuditEvent.objects.filter(actor=member, object_id=str(review.pk)).values_list(
            "message", flat=True
        )
    )
    assert "Shared with DfE and Ofsted" in messages
    assert "No longer shared with DfE and Ofsted" in messages


def test_a_viewer_cannot_change_a_shared_review(viewer_client, viewer, api_client, member):
    review = PanelReviewFactory()
    from rapidreviews.services import rapid_review_sharing_set

    rapid_review_sharing_set(review=review, by=member, share=True)
    api = api_client(viewer)

    section = viewer_client.post(
        reverse("rapidreviews:review-section", args=[review.pk, "incident"]), {}
    )
    share = viewer_client.post(
        reverse("rapidreviews:review-share", args=[review.pk]), {"share": "stop"}
    )
    patch = api.patch(
        reverse("rapidreviews-api:review-section", args=[review.pk, "incident"]),
        {"incident_type": "death"},
        format="json",
    )
    submit = api.post(reverse("rapidreviews-api:review-submit", args=[review.pk]))

    assert section.status_code == 403
    assert share.status_code == 403
    assert patch.status_code == 403
    assert submit.status_code == 403
    review.refresh_from_db()
    assert review.shared_with_regulators_at is not None
    assert review.incident_type != "death"
    assert not policy.can_edit_review(viewer, review)


def test_a_review_being_drafted_cannot_be_shared(member):
    from rapidreviews.services import RapidReviewError, rapid_review_sharing_set

    review = CompleteReviewFactory()
    with pytest.raises(RapidReviewError):
        rapid_review_sharing_set(review=review, by=member, share=True)
    review.refresh_from_db()
    assert review.shared_with_regulators_at is None


def test_a_shared_review_reopened_is_hidden_again(viewer_client, member, make_user):
    from rapidreviews.services import rapid_review_reopen, rapid_review_sharing_set

    review = PanelReviewFactory()
    rapid_review_sharing_set(review=review, by=member, share=True)
    rapid_review_reopen(
        review=review, by=make_user(Role.PANEL_SECRETARIAT), reason="Missing analysis"
    )

    detail = reverse("rapidreviews:review-detail", args=[review.pk])
    assert viewer_client.get(detail).status_code == 404


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.PANEL_MEMBER, True),
        (Role.PANEL_SECRETARIAT, True),
        (Role.ADMINISTRATOR, False),
        (Role.PARTNERSHIP_LEAD, False),
        (Role.LA_USER, False),
    ],
)
def test_only_the_panel_shares_a_review(client, make_user, leeds, role, allowed):
    review = PanelReviewFactory()
    organisation = {
        Role.LA_USER: {"local_authority": leeds},
        Role.PARTNERSHIP_LEAD: {"partnership": review.partnership},
    }.get(role, {})
    client.force_login(make_user(role, **organisation))
    url = reverse("rapidreviews:review-share", args=[review.pk])

    page = client.get(url)
    response = client.post(url, {"share": "share"})

    review.refresh_from_db()
    if allowed:
        assert page.status_code == 200
        assert "Share with DfE and Ofsted" in page.content.decode()
        assert response.status_code == 302
        assert review.shared_with_regulators_at is not None
    else:
        assert page.status_code == 403 and response.status_code == 403
        assert review.shared_with_regulators_at is None


def test_the_review_page_offers_sharing_to_the_panel(client, member):
    review = PanelReviewFactory()
    client.force_login(member)

    body = client.get(reverse("rapidreviews:review-detail", args=[review.pk])).content.decode()

    assert reverse("rapidreviews:review-share", args=[review.pk]) in body
    assert "Share with DfE and Ofsted" in body


def test_sharing_twice_changes_nothing_the_second_time(client, member):
    review = PanelReviewFactory()
    client.force_login(member)
    url = reverse("rapidreviews:review-share", args=[review.pk])

    def changes() -> int:
        return AuditEvent.objects.filter(
            action=AuditAction.UPDATE, object_id=str(review.pk), actor=member
        ).count()

    client.post(url, {"share": "share"})
    review.refresh_from_db()
    first = review.shared_with_regulators_at
    assert changes() == 1
    second = client.post(url, {"share": "share"})

    review.refresh_from_db()
    assert second.status_code == 302
    assert review.shared_with_regulators_at == first
    assert changes() == 1


def test_an_unknown_choice_is_an_error_on_the_page(client, member):
    review = PanelReviewFactory()
    client.force_login(member)

    response = client.post(reverse("rapidreviews:review-share", args=[review.pk]), {"share": "x"})

    assert response.status_code == 200
    assert "Choose whether to share the review" in response.content.decode()
    review.refresh_from_db()
    assert review.shared_with_regulators_at is None


# --- Never LCSPRs, Panel decisions or letters, even once shared --------------------------------


def test_lcsprs_decisions_and_letters_are_404_even_when_the_review_is_shared(
    viewer_client, member, make_user, django_capture_on_commit_callbacks
):
    from rapidreviews.services import rapid_review_sharing_set

    decision = PanelDecisionFactory()
    review = decision.review
    make_user(Role.PARTNERSHIP_LEAD, partnership=review.partnership, email="lead@example.org")
    letter = panel_services.response_letter_draft(review=review, by=member, body="Text")
    with django_capture_on_commit_callbacks(execute=True):
        panel_services.response_letter_send(letter=letter, by=member)
    lcspr = LcsprFactory(rapid_review=review, partnership=review.partnership)
    rapid_review_sharing_set(review=review, by=member, share=True)

    for url in (
        reverse("lcsprs:lcspr-detail", args=[lcspr.pk]),
        reverse("lcsprs-api:lcspr-detail", args=[lcspr.pk]),
        reverse("panel:decision", kwargs={"review_pk": review.pk}),
        reverse("panel-api:decision-detail", args=[decision.pk]),
        reverse("panel:letter-download", args=[letter.pk]),
        reverse("panel-api:letter-detail", args=[letter.pk]),
        reverse("panel-api:letter-pdf", args=[letter.pk]),
    ):
        assert viewer_client.get(url).status_code == 404, url
    for url in (
        reverse("lcsprs-api:lcspr-list"),
        reverse("panel-api:decision-list"),
        reverse("panel-api:letter-list"),
    ):
        response = viewer_client.get(url)
        assert response.status_code == 200 and response.json()["results"] == [], url
    assert viewer_client.get(reverse("panel:queue")).status_code == 403


def test_viewers_do_not_read_the_annual_figures(viewer_client, viewer):
    assert not policy.can_read_statistics(viewer)
    assert viewer_client.get(reverse("analytics:statistics-index")).status_code == 403


# --- People: administrators invite them; nobody makes them approvers --------------------------


@pytest.mark.parametrize("role", VIEWER_ROLES)
def test_an_administrator_invites_a_viewer(
    client, make_user, role, django_capture_on_commit_callbacks
):
    from django.core import mail

    client.force_login(make_user(Role.ADMINISTRATOR))
    form = client.get(reverse("people-invite")).content.decode()
    assert "Department for Education viewer" in form and "Ofsted viewer" in form

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("people-invite"),
            {
                "first_name": "Pat",
                "last_name": "Regulator",
                "email": "pat.regulator@example.gov.uk",
                "role": role,
                "is_approver": "no",
            },
        )

    person = User.objects.get(email="pat.regulator@example.gov.uk")
    assert response.status_code == 302
    assert person.role == role and person.is_invited and not person.is_approver
    assert person.local_authority is None and person.partnership is None
    assert len(mail.outbox) == 1


def test_a_viewer_cannot_be_made_an_approver(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))

    response = client.post(
        reverse("people-invite"),
        {
            "first_name": "Pat",
            "last_name": "Regulator",
            "email": "pat.approver@example.gov.uk",
            "role": Role.OFSTED_VIEWER,
            "is_approver": "yes",
        },
    )

    assert response.status_code == 200
    assert "Only a local authority user or a partnership lead can be an approver" in (
        response.content.decode()
    )
    assert not User.objects.filter(email="pat.approver@example.gov.uk").exists()


def test_the_people_list_filters_by_the_viewers_organisations(client, make_user):
    dfe = make_user(Role.DFE_VIEWER, last_name="Dfeperson")
    make_user(Role.OFSTED_VIEWER, last_name="Ofstedperson")
    client.force_login(make_user(Role.ADMINISTRATOR))

    body = client.get(reverse("people-list"), {"organisation": "dfe"}).content.decode()

    assert dfe.last_name in body and "Ofstedperson" not in body
    panel = client.get(reverse("people-list"), {"organisation": "panel"}).content.decode()
    assert "Dfeperson" not in panel


def test_a_viewer_cannot_see_the_team_pages(viewer_client):
    assert viewer_client.get(reverse("people-list")).status_code == 403
    assert viewer_client.get(reverse("people-invite")).status_code == 403


def test_rapid_review_status_stays_submitted_after_sharing(member):
    from rapidreviews.services import rapid_review_sharing_set

    review = PanelReviewFactory()
    rapid_review_sharing_set(review=review, by=member, share=True)
    review.refresh_from_db()
    assert review.status == RapidReview.Status.SUBMITTED


def test_a_viewer_filters_the_sin_list_by_any_authority(viewer_client, leeds, bristol):
    in_leeds = SubmittedNotificationFactory(local_authority=leeds)
    in_bristol = SubmittedNotificationFactory(local_authority=bristol)

    response = viewer_client.get(
        reverse("notifications:notification-list"), {"local_authority": bristol.ons_code}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert in_bristol.reference in body and in_leeds.reference not in body


# --- What a viewer sees of a SIN's review and the Panel's decision ------------------------------


def test_a_viewer_s_sin_page_is_not_shared_with_them_and_shows_a_shared_review(
    viewer_client, member
):
    from rapidreviews.services import rapid_review_sharing_set

    review = PanelReviewFactory()
    sin_page = reverse("notifications:notification-detail", args=[review.notification.pk])

    page = viewer_client.get(sin_page).content.decode()
    assert "Shared with you" not in page
    assert "named your area" not in page
    assert "Rapid review due" not in page  # not shared with them yet

    rapid_review_sharing_set(review=review, by=member, share=True)
    page = viewer_client.get(sin_page).content.decode()
    assert "Shared with you" not in page
    assert "Rapid review due" in page
    assert reverse("rapidreviews:review-detail", args=[review.pk]) in page


def test_a_viewer_does_not_see_the_panel_s_decision_on_a_shared_review(
    viewer_client, member, client
):
    from rapidreviews.services import rapid_review_sharing_set

    decision = PanelDecisionFactory()
    review = decision.review
    rapid_review_sharing_set(review=review, by=member, share=True)
    detail = reverse("rapidreviews:review-detail", args=[review.pk])

    response = viewer_client.get(detail)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Did not agree" not in page
    assert reverse("panel:decision", kwargs={"review_pk": review.pk}) not in page

    # The Panel still sees its decision there.
    panel = type(client)()
    panel.force_login(member)
    page = panel.get(detail).content.decode()
    assert "Did not agree" in page
    assert reverse("panel:decision", kwargs={"review_pk": review.pk}) in page
