"""Administrators' pages for organisations (issue 15, item 4): move a local authority, merge a
partnership (each with a check page and a guard against concurrent changes), add authorities
and partnerships. Everyone else is refused: 403 in scope, 404 out of it."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rapidreviews.models import RapidReview
from safeguarding.audit import audit_events_for
from safeguarding.codes import Role
from safeguarding.models import AuthorityMove, LocalAuthority, Partnership
from safeguarding.moves import authority_move

from ..factories import PartnershipFactory
from ..rapidreviews.factories import PendingExtensionFactory, RapidReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def new(db) -> Partnership:
    return PartnershipFactory(name="West Testshire Safeguarding Children Partnership")


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMINISTRATOR)


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def date_fields(day, prefix="effective_on") -> dict:
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def move_url(leeds, check=False) -> str:
    name = "local-authority-move-check" if check else "local-authority-move"
    return reverse(name, args=[leeds.ons_code])


def test_an_administrator_moves_leeds_after_checking_what_will_move(admin_client, leeds, new):
    review = RapidReviewFactory(status=RapidReview.Status.DRAFTING)
    PendingExtensionFactory(review=review)
    detail = admin_client.get(reverse("local-authority-detail", args=[leeds.ons_code]))
    assert "Move to another partnership" in detail.content.decode()

    today = timezone.localdate()
    response = admin_client.post(move_url(leeds), {"to": new.code, **date_fields(today)})
    assert response.status_code == 302
    check = admin_client.get(response["Location"]).content.decode()
    assert "Check what will move" in check
    assert "Open rapid reviews" in check and review.notification.reference in check
    assert "Extension requests waiting for a decision" in check
    leeds.refresh_from_db()
    assert leeds.partnership != new  # nothing moves before confirming

    confirmed = admin_client.post(
        move_url(leeds, check=True),
        {"to": new.code, "effective_on": today.isoformat(), "expected": leeds.partnership_id},
        follow=True,
    )
    html = confirmed.content.decode()
    assert "Leeds has moved to West Testshire Safeguarding Children Partnership" in html
    assert "Partnership changes" in html and review.notification.reference in html
    leeds.refresh_from_db()
    review.refresh_from_db()
    assert leeds.partnership == new and review.partnership == new
    assert audit_events_for(leeds).filter(message__startswith="Moved from").exists()


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"to": ""}, "Select the partnership"),
        ({"effective_on_0": "31", "effective_on_1": "2", "effective_on_2": "2026"}, "real date"),
        ("future", "The effective date must be today or in the past"),
        ("long_ago", "The effective date must be on or after"),
    ],
)
def test_the_move_form_explains_its_errors_and_keeps_what_was_typed(
    admin_client, leeds, new, fields, message
):
    today = timezone.localdate()
    data = {"to": new.code, **date_fields(today)}
    if fields == "future":
        data.update(date_fields(today + timedelta(days=1)))
    elif fields == "long_ago":
        data.update(date_fields(today - timedelta(days=400)))
    else:
        data.update(fields)
    response = admin_client.post(move_url(leeds), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and message in html
    if data["to"]:
        assert f'value="{new.code}" selected' in html


def test_a_move_made_by_someone_else_after_the_check_page_is_shown_not_overwritten(
    admin_client, admin, leeds, new
):
    old = leeds.partnership
    other = PartnershipFactory(name="North Testshire Safeguarding Children Partnership")
    today = timezone.localdate()
    authority_move(authority=leeds, to=other, effective_on=today, by=admin)  # meanwhile

    response = admin_client.post(
        move_url(leeds, check=True),
        {"to": new.code, "effective_on": today.isoformat(), "expected": old.pk},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Leeds has moved to North Testshire Safeguarding Children Partnership" in html
    assert f'name="expected" value="{other.pk}"' in html  # the new check, to confirm again
    leeds.refresh_from_db()
    assert leeds.partnership == other
    assert AuthorityMove.objects.filter(local_authority=leeds).count() == 1


def test_a_broken_expected_value_shows_the_check_again_and_moves_nothing(admin_client, leeds, new):
    old = leeds.partnership
    today = timezone.localdate()
    response = admin_client.post(
        move_url(leeds, check=True),
        {"to": new.code, "effective_on": today.isoformat(), "expected": "abc"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "The check page for Leeds was out of date" in html
    assert f'name="expected" value="{old.pk}"' in html  # the check as it is now, to confirm
    leeds.refresh_from_db()
    assert leeds.partnership == old
    assert not AuthorityMove.objects.exists()


@pytest.mark.parametrize("page", ["move", "merge"])
def test_a_check_page_sent_back_incomplete_says_so_and_changes_nothing(
    admin_client, leeds, new, page
):
    old = leeds.partnership
    url = (
        move_url(leeds, check=True)
        if page == "move"
        else reverse("partnership-merge-check", args=[old.code])
    )
    today = timezone.localdate()
    response = admin_client.post(url, {"to": new.code, "effective_on": today.isoformat()})
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert '<a href="#confirm">The check page you confirmed was incomplete.' in html
    expected = old.pk if page == "move" else leeds.pk
    assert f'name="expected" value="{expected}"' in html  # the check again, to confirm
    leeds.refresh_from_db()
    assert leeds.partnership == old
    assert not AuthorityMove.objects.exists()


def test_a_partnership_merges_into_another_from_its_page(admin_client, new, leeds):
    absorbed = leeds.partnership
    review = RapidReviewFactory()
    page = reverse("partnership-detail", args=[absorbed.code])
    assert "Merge into another partnership" in admin_client.get(page).content.decode()
    today = timezone.localdate()

    response = admin_client.post(
        reverse("partnership-merge", args=[absorbed.code]),
        {"to": new.code, **date_fields(today)},
    )
    check = admin_client.get(response["Location"]).content.decode()
    assert "Leeds" in check and review.notification.reference in check
    done = admin_client.post(
        reverse("partnership-merge-check", args=[absorbed.code]),
        {"to": new.code, "effective_on": today.isoformat(), "expected": str(leeds.pk)},
        follow=True,
    )
    assert "has merged into West Testshire" in done.content.decode()
    review.refresh_from_db()
    assert review.partnership == new
    assert not LocalAuthority.objects.filter(partnership=absorbed).exists()


@pytest.mark.parametrize(
    "role, status",
    [
        (Role.PARTNERSHIP_LEAD, 403),  # Leeds' own lead: in scope, not allowed
        (Role.LA_USER, 403),
        (Role.PANEL_SECRETARIAT, 403),
        ("lead_elsewhere", 404),
    ],
)
def test_only_administrators_change_organisations(client, make_user, leeds, bristol, role, status):
    if role == "lead_elsewhere":
        user = make_user(Role.PARTNERSHIP_LEAD, partnership=bristol.partnership)
    elif role == Role.PARTNERSHIP_LEAD:
        user = make_user(role, partnership=leeds.partnership)
    elif role == Role.LA_USER:
        user = make_user(role, local_authority=leeds)
    else:
        user = make_user(role)
    client.force_login(user)
    for url in (
        move_url(leeds),
        move_url(leeds, check=True),
        reverse("partnership-merge", args=[leeds.partnership.code]),
        reverse("partnership-merge-check", args=[leeds.partnership.code]),
    ):
        assert client.get(url).status_code == status, url
        assert client.post(url, {}).status_code == status, url
    for url in (reverse("local-authority-add"), reverse("partnership-add")):
        assert client.post(url, {}).status_code == 403
    leeds.refresh_from_db()
    assert not AuthorityMove.objects.exists()


def test_an_administrator_adds_a_local_authority_and_a_partnership(admin_client):
    response = admin_client.post(
        reverse("partnership-add"),
        {"name": "Testshire Safeguarding Children Partnership", "code": "", "email": ""},
    )
    partnership = Partnership.objects.get(code="testshire")
    assert response["Location"] == reverse("partnership-detail", args=["testshire"])
    # Its page answers straight away, before it covers any authority.
    page = admin_client.get(response["Location"])
    assert page.status_code == 200
    assert "Testshire Safeguarding Children Partnership" in page.content.decode()
    listed = admin_client.get(reverse("partnership-list")).content.decode()
    assert "Testshire Safeguarding" in listed
    response = admin_client.post(
        reverse("local-authority-add"),
        {
            "name": "Testshire",
            "ons_code": "E06000999",
            "dfe_code": "999",
            "region": "north_east",
            "partnership": "testshire",
        },
    )
    authority = LocalAuthority.objects.get(ons_code="E06000999")
    assert response.status_code == 302
    assert authority.partnership == partnership and authority.region.code == "north_east"
    assert audit_events_for(authority).filter(action="create").exists()
    assert audit_events_for(partnership).filter(action="create").exists()


def test_who_sees_a_partnership_that_covers_no_authority(client, make_user, leeds):
    empty = PartnershipFactory(name="Emptyshire Safeguarding Children Partnership")
    page = reverse("partnership-detail", args=[empty.code])
    for role in (Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT):
        client.force_login(make_user(role))
        assert client.get(page).status_code == 200
    # Its own leads see it; another partnership's leads and a local authority's users do not.
    client.force_login(make_user(Role.PARTNERSHIP_LEAD, partnership=empty))
    assert client.get(page).status_code == 200
    assert "Emptyshire" in client.get(reverse("partnership-list")).content.decode()
    client.force_login(make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership))
    assert client.get(page).status_code == 404
    assert "Emptyshire" not in client.get(reverse("partnership-list")).content.decode()
    client.force_login(make_user(Role.LA_USER, local_authority=leeds))
    assert client.get(page).status_code == 404


def test_new_reference_data_is_validated_with_clear_errors(admin_client, leeds):
    html = admin_client.post(
        reverse("local-authority-add"),
        {
            "name": "Leeds",
            "ons_code": "X123",
            "dfe_code": leeds.dfe_code,
            "region": "north_east",
            "partnership": leeds.partnership.code,
        },
    ).content.decode()
    assert "govuk-error-summary" in html
    assert "Enter an ONS code like E08000035: E and 8 digits" in html
    assert f"A local authority already has the DfE LA code {leeds.dfe_code}" in html
    assert "There is already a local authority called Leeds" in html
    assert 'value="X123"' in html  # what was typed stays

    html = admin_client.post(
        reverse("local-authority-add"),
        {
            "name": "Newshire",
            "ons_code": leeds.ons_code,
            "dfe_code": "998",
            "region": "north_east",
            "partnership": leeds.partnership.code,
        },
    ).content.decode()
    assert f"A local authority already has the ONS code {leeds.ons_code}" in html

    for code, message in [
        (leeds.partnership.code, f"A partnership already has the code {leeds.partnership.code}"),
        ("Not A Slug!", "Enter a code of lower-case letters, digits and hyphens"),
        ("add", "The code add is used by the service"),
    ]:
        html = admin_client.post(
            reverse("partnership-add"), {"name": "Another partnership", "code": code}
        ).content.decode()
        assert "govuk-error-summary" in html and message in html
    assert not Partnership.objects.filter(name="Another partnership").exists()


def test_the_django_admin_no_longer_moves_an_authority(admin_client, leeds, new):
    page = reverse("admin:safeguarding_localauthority_change", args=[leeds.pk])
    html = admin_client.get(page).content.decode()
    assert 'name="partnership"' not in html
    admin_client.post(page, {"partnership": new.pk, "name": leeds.name})
    leeds.refresh_from_db()
    assert leeds.partnership != new


def test_the_check_page_counts_the_reminders_already_sent(admin_client, leeds, new):
    from django.core.management import call_command

    from safeguarding.models import Reminder

    today = timezone.localdate()
    review = RapidReviewFactory(
        status=RapidReview.Status.DRAFTING,
        clock_started_on=date(2024, 5, 2),
        due_date=date(2024, 5, 24),
        original_due_date=date(2024, 5, 24),
    )
    call_command("run_deadline_checks", "--date", "2024-05-28", stdout=None)
    sent = Reminder.objects.filter(object_id=str(review.pk)).count()
    assert sent >= 1

    check = admin_client.get(
        move_url(leeds, check=True), {"to": new.code, "effective_on": today.isoformat()}
    ).content.decode()
    assert "Deadline reminders sent so far" in check
    assert f'<dd class="govuk-summary-list__value">{sent} (they stay' in check


def test_operators_read_the_changes_in_the_django_admin(admin_client, admin, leeds, new):
    change = authority_move(authority=leeds, to=new, effective_on=timezone.localdate(), by=admin)
    listing = admin_client.get(reverse("admin:safeguarding_partnershipchange_changelist"))
    assert listing.status_code == 200 and str(new) in listing.content.decode()
    page = reverse("admin:safeguarding_partnershipchange_change", args=[change.pk])
    assert "Leeds" in admin_client.get(page).content.decode()
