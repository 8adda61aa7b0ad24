"""Partnership changes carry their cases (issue 15, item 4): after an administrator moves a
local authority to another partnership, the new partnership's leads see and act on its open
cases, its closed cases stay visible to both partnerships (the new one acts on them, the old
one reads them), reminders go to the new leads and the statistics, counted by authority, do
not change."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from analytics.engine import compute_year, table_get
from lcsprs.models import Lcspr
from rapidreviews.models import RapidReview
from safeguarding.audit import audit_events_for
from safeguarding.codes import Role
from safeguarding.models import AuthorityMove, LocalAuthority, Partnership, Reminder
from safeguarding.moves import authority_move, partnership_merge

from ..factories import PartnershipFactory
from ..lcsprs.factories import InProgressLcsprFactory, PublishedLcsprFactory
from ..rapidreviews.factories import (
    PendingExtensionFactory,
    RapidReviewFactory,
    SubmittedReviewFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def old(leeds) -> Partnership:
    return leeds.partnership


@pytest.fixture
def new(db) -> Partnership:
    return PartnershipFactory(name="West Testshire Safeguarding Children Partnership")


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMINISTRATOR)


@pytest.fixture
def old_lead(make_user, old):
    return make_user(Role.PARTNERSHIP_LEAD, partnership=old, email="old.lead@example.org")


@pytest.fixture
def new_lead(make_user, new):
    return make_user(Role.PARTNERSHIP_LEAD, partnership=new, email="new.lead@example.org")


def review_url(name: str, *args) -> str:
    return reverse(f"rapidreviews:{name}", args=args)


def move_leeds(leeds, new, admin):
    return authority_move(authority=leeds, to=new, effective_on=timezone.localdate(), by=admin)


def test_the_new_lead_acts_on_the_moved_open_review(client, leeds, new, admin, new_lead):
    review = RapidReviewFactory(status=RapidReview.Status.DRAFTING)
    move_leeds(leeds, new, admin)

    client.force_login(new_lead)
    page = review_url("review-section", review.pk, "narrative")
    assert client.get(review_url("review-detail", review.pk)).status_code == 200
    response = client.post(page, {"version": 0, "reflection": "After the move"})

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.partnership == new
    assert review.reflection == "After the move"


def test_the_old_lead_no_longer_sees_the_moved_open_review(client, leeds, new, admin, old_lead):
    review = RapidReviewFactory(status=RapidReview.Status.DRAFTING)
    move_leeds(leeds, new, admin)

    client.force_login(old_lead)
    assert client.get(review_url("review-detail", review.pk)).status_code == 404
    page = review_url("review-section", review.pk, "narrative")
    assert client.post(page, {"version": 0, "reflection": "x"}).status_code == 404
    review.refresh_from_db()
    assert review.reflection != "x"


def test_closed_cases_keep_their_partnership_and_both_partnerships_see_them(
    client, leeds, old, new, admin, old_lead, new_lead
):
    closed = SubmittedReviewFactory()
    published = PublishedLcsprFactory()
    move_leeds(leeds, new, admin)

    closed.refresh_from_db()
    published.refresh_from_db()
    assert closed.partnership == old
    assert published.partnership == old
    for lead in (old_lead, new_lead):
        client.force_login(lead)
        assert client.get(review_url("review-detail", closed.pk)).status_code == 200
        lcspr_page = reverse("lcsprs:lcspr-detail", args=[published.pk])
        assert client.get(lcspr_page).status_code == 200


def test_the_old_lead_reads_the_closed_cases_but_cannot_act_on_them(
    client, leeds, new, admin, old_lead
):
    closed = SubmittedReviewFactory()
    published = PublishedLcsprFactory()
    move_leeds(leeds, new, admin)

    client.force_login(old_lead)
    commission = reverse("lcsprs:lcspr-commission", args=[closed.pk])
    assert client.get(commission).status_code == 403
    assert client.post(commission, {"reason": "After the letter"}).status_code == 403
    assert not Lcspr.objects.filter(rapid_review=closed).exists()
    correct = reverse("lcsprs:lcspr-date-correct", args=[published.pk])
    assert client.get(correct).status_code == 403


def test_the_new_lead_commissions_the_lcspr_of_a_review_submitted_before_the_move(
    client, leeds, new, admin, new_lead
):
    closed = SubmittedReviewFactory()
    move_leeds(leeds, new, admin)

    client.force_login(new_lead)
    commission = reverse("lcsprs:lcspr-commission", args=[closed.pk])
    assert client.get(commission).status_code == 200
    response = client.post(commission, {"reason": "After the Panel's letter"})

    lcspr = Lcspr.objects.get(rapid_review=closed)
    assert response.status_code == 302
    assert response.url == reverse("lcsprs:lcspr-detail", args=[lcspr.pk])
    assert lcspr.partnership == new
    assert client.get(response.url).status_code == 200


def test_open_lcsprs_and_pending_extensions_move_and_it_is_audited(leeds, new, admin):
    review = RapidReviewFactory(status=RapidReview.Status.DRAFTING)
    extension = PendingExtensionFactory(review=review)
    lcspr = InProgressLcsprFactory()
    change = move_leeds(leeds, new, admin)

    leeds.refresh_from_db()
    lcspr.refresh_from_db()
    extension.review.refresh_from_db()
    assert leeds.partnership == new
    assert lcspr.partnership == new
    assert extension.review.partnership == new
    move = AuthorityMove.objects.get(change=change)
    assert move.local_authority == leeds and move.to_partnership == new
    assert move.carried["rapid_reviews"] == [review.notification.reference]
    assert move.carried["lcsprs"] == [lcspr.rapid_review.notification.reference]
    assert move.carried["extension_requests"] == [review.notification.reference]
    assert audit_events_for(leeds).filter(message__icontains="moved").exists()
    assert audit_events_for(review).filter(message__icontains="moved").exists()
    assert audit_events_for(lcspr).filter(message__icontains="moved").exists()


def test_reminders_after_the_move_go_to_the_new_leads(leeds, new, admin, old_lead, new_lead):
    from django.core.management import call_command

    review = RapidReviewFactory(
        status=RapidReview.Status.DRAFTING,
        clock_started_on=date(2024, 5, 2),
        due_date=date(2024, 5, 24),
        original_due_date=date(2024, 5, 24),
    )
    move_leeds(leeds, new, admin)
    mail.outbox.clear()

    call_command("run_deadline_checks", "--date", "2024-05-28", stdout=None)

    reminder = Reminder.objects.get(object_id=str(review.pk), rule="rapid_review_overdue")
    assert new_lead.username in reminder.recipients
    assert old_lead.username not in reminder.recipients
    assert "new.lead@example.org" in reminder.emailed_to
    assert "old.lead@example.org" not in reminder.emailed_to


def _leeds_figures(year: int) -> tuple[dict, dict]:
    """The year's input counts and Leeds' region's row of Table A (SINs by region)."""
    figures = compute_year(year)
    regions = table_get(figures, "table_a_regions")
    rows = [row for group in regions["groups"] for row in group["rows"]]
    (row,) = [row for row in rows if row["label"] == "Yorkshire and the Humber"]
    return figures["input_counts"], row


def test_the_years_figures_are_unchanged_by_a_move(leeds, new, admin):
    # Leeds' SINs of 3 June 2024 (2024/25): three with a submitted review, one still open.
    incident = date(2024, 6, 3)
    for _ in range(3):
        SubmittedReviewFactory(notification__incident_date=incident)
    RapidReviewFactory(notification__incident_date=incident)
    before = compute_year(2024)
    counts, region = _leeds_figures(2024)
    assert counts["sins"] == 4 and counts["reviews"] == 3
    assert region["cells"][2]["n"] == 4  # Leeds' SINs, counted in its region

    move_leeds(leeds, new, admin)

    assert _leeds_figures(2024) == (counts, region)
    assert compute_year(2024) == before


def test_a_merge_moves_every_authority_of_the_partnership(admin, new, new_lead, client):
    absorbed = PartnershipFactory(name="East Testshire Safeguarding Children Partnership")
    first = LocalAuthority.objects.get(name="Leeds")
    second = LocalAuthority.objects.get(name="Bristol")
    LocalAuthority.objects.filter(pk__in=[first.pk, second.pk]).update(partnership=absorbed)
    review = RapidReviewFactory(notification__local_authority=second)

    today = timezone.localdate()
    change = partnership_merge(partnership=absorbed, into=new, effective_on=today, by=admin)

    assert set(change.moves.values_list("local_authority__name", flat=True)) == {
        "Leeds",
        "Bristol",
    }
    assert not LocalAuthority.objects.filter(partnership=absorbed).exists()
    review.refresh_from_db()
    assert review.partnership == new
    client.force_login(new_lead)
    assert client.get(review_url("review-detail", review.pk)).status_code == 200
    assert Lcspr.objects.count() == 0


def test_a_review_reopened_after_the_move_goes_to_the_new_partnership(
    client, leeds, new, admin, make_user, new_lead
):
    from rapidreviews.services import rapid_review_reopen

    closed = SubmittedReviewFactory()
    move_leeds(leeds, new, admin)
    rapid_review_reopen(
        review=closed, by=make_user(Role.PANEL_SECRETARIAT), reason="Needs the chronology"
    )

    closed.refresh_from_db()
    assert closed.partnership == new
    client.force_login(new_lead)
    page = review_url("review-section", closed.pk, "narrative")
    assert client.post(page, {"version": 0, "reflection": "Reopened"}).status_code == 302
    assert audit_events_for(closed).filter(message__startswith="Reopened for").exists()


def test_the_old_lead_still_reads_the_closed_reviews_sin(client, leeds, new, admin, old_lead):
    closed = SubmittedReviewFactory()
    move_leeds(leeds, new, admin)
    client.force_login(old_lead)
    page = reverse("notifications:notification-detail", args=[closed.notification_id])
    assert client.get(page).status_code == 200


def _locks_the_authority(queries) -> bool:
    table = LocalAuthority._meta.db_table
    return any(
        f'FROM "{table}"' in q["sql"] and "FOR UPDATE" in q["sql"] for q in queries.captured_queries
    )


def test_opening_a_rapid_review_locks_the_authority_against_a_move(leeds):
    """A review opened while the authority moves waits for the move (which locks the same row)
    and takes the new partnership, instead of being left with the old one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rapidreviews.services import rapid_review_open

    from ..notifications.factories import SubmittedNotificationFactory

    notification = SubmittedNotificationFactory()
    with CaptureQueriesContext(connection) as queries:
        review = rapid_review_open(notification=notification, sin_date=timezone.localdate())
    assert review.partnership == leeds.partnership
    assert _locks_the_authority(queries)


def test_commissioning_an_lcspr_locks_the_authority_against_a_move(leeds, make_user, old):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lcsprs.services import lcspr_open_later

    review = SubmittedReviewFactory()
    lead = make_user(Role.PARTNERSHIP_LEAD, partnership=old)
    with CaptureQueriesContext(connection) as queries:
        lcspr = lcspr_open_later(review=review, by=lead, reason="After the letter")
    assert lcspr.partnership == old
    assert _locks_the_authority(queries)
