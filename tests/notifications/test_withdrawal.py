"""Issue 16, item 5: the Panel secretariat marks a submitted SIN withdrawn or not progressed,
and reinstates it. Its rapid review closes and reopens, reminders stop, the partnership and the
authority are told, and the annual figures leave it out but count it on a line of its own."""

from datetime import date

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from analytics import tables as t
from analytics.engine import compute_table
from notifications import services
from notifications.models import Notification, Withdrawal
from rapidreviews import services as review_services
from rapidreviews.models import RapidReview, RapidReviewExtension
from safeguarding.audit import audit_events_for
from safeguarding.codes import Role
from safeguarding.deadlines.engine import deadline_sweep
from safeguarding.models import InboxMessage, Reminder

from ..notifications.factories import SubmittedNotificationFactory
from ..rapidreviews.factories import (
    PendingExtensionFactory,
    RapidReviewFactory,
    SubmittedReviewFactory,
)

pytestmark = pytest.mark.django_db

TUESDAY = "2024-06-18 10:00 +01:00"  # the review below is due Monday 1 July 2024


@pytest.fixture
def lead(make_user, leeds):
    return make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership)


@pytest.fixture
def la_user(make_user, leeds):
    return make_user(Role.LA_USER, local_authority=leeds)


@pytest.fixture
def secretariat(make_user):
    return make_user(Role.PANEL_SECRETARIAT)


@pytest.fixture
def review(la_user):
    return RapidReviewFactory(status=RapidReview.Status.DRAFTING)


def withdraw(sin, by, capture, kind=Withdrawal.WITHDRAWN, reason="Notified in error."):
    with capture(execute=True):
        services.notification_withdraw(
            notification=sin, by=by, withdrawal=kind, reason=reason, expected_version=sin.version
        )
    sin.refresh_from_db()
    return sin


def reinstate(sin, by, capture, reason="Notified correctly after all."):
    with capture(execute=True):
        services.notification_reinstate(
            notification=sin, by=by, reason=reason, expected_version=sin.version
        )
    sin.refresh_from_db()
    return sin


@time_machine.travel(TUESDAY, tick=False)
def test_withdrawing_closes_the_review_and_tells_the_partnership_and_the_authority(
    review, lead, la_user, secretariat, django_capture_on_commit_callbacks
):
    pending = PendingExtensionFactory(review=review)
    sin = withdraw(review.notification, secretariat, django_capture_on_commit_callbacks)

    assert sin.withdrawal == Withdrawal.WITHDRAWN
    assert sin.withdrawal_reason == "Notified in error."
    assert sin.withdrawn_by == secretariat
    review.refresh_from_db()
    assert review.closed_on_withdrawal
    assert not review.available_transitions(lead)  # cannot edit or submit
    assert review_services.rapid_review_extension_refusal(review=review, by=lead)
    pending.refresh_from_db()
    assert pending.status == RapidReviewExtension.Status.DECLINED
    [email] = mail.outbox
    assert {lead.email, la_user.email} <= set(email.to)
    assert "Withdrawn at the authority's request" in email.body
    assert "Notified in error." in email.body
    assert InboxMessage.objects.filter(recipient=lead).exists()
    assert InboxMessage.objects.filter(recipient=la_user).exists()
    assert audit_events_for(sin).filter(message__startswith="Withdrawn").exists()


@time_machine.travel(TUESDAY, tick=False)
def test_a_closed_review_cannot_be_changed_or_submitted(
    review, lead, secretariat, django_capture_on_commit_callbacks
):
    withdraw(review.notification, secretariat, django_capture_on_commit_callbacks)
    with pytest.raises(review_services.RapidReviewError):
        review_services.rapid_review_section_save(
            review=review,
            by=lead,
            section_key="incident",
            values={"incident_type": "serious_harm"},
            expected_version=None,
        )
    with pytest.raises(review_services.RapidReviewError):
        review_services.rapid_review_submit(review=review, by=lead, accept_not_recorded=True)
    review.refresh_from_db()
    assert review.status == RapidReview.Status.DRAFTING


def test_the_real_sweep_sends_no_reminder_for_a_withdrawn_sin(
    review, secretariat, django_capture_on_commit_callbacks
):
    with time_machine.travel(TUESDAY, tick=False):
        withdraw(review.notification, secretariat, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    # Due today (1 July), and a week later overdue: nothing for a closed review.
    for day in (date(2024, 7, 1), date(2024, 7, 2), date(2024, 7, 9)):
        with django_capture_on_commit_callbacks(execute=True):
            result = deadline_sweep(today=day)
        assert not result.sent, day
    assert not Reminder.objects.exists()
    assert not mail.outbox


def test_reinstating_reopens_the_review_with_its_due_date_and_says_it_is_overdue(
    review, lead, la_user, secretariat, django_capture_on_commit_callbacks
):
    with time_machine.travel(TUESDAY, tick=False):
        sin = withdraw(review.notification, secretariat, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with time_machine.travel("2024-07-03 10:00 +01:00", tick=False):
        sin = reinstate(sin, secretariat, django_capture_on_commit_callbacks)

    assert sin.withdrawal == "" and sin.withdrawn_at is None
    review.refresh_from_db()
    assert not review.closed_on_withdrawal
    assert review.due_date == date(2024, 7, 1)
    assert review.is_overdue(date(2024, 7, 3))
    [email] = mail.outbox
    assert {lead.email, la_user.email} <= set(email.to)
    assert "overdue" in email.body and "1 July 2024" in email.body
    # Reminders run again.
    with django_capture_on_commit_callbacks(execute=True):
        assert deadline_sweep(today=date(2024, 7, 3)).sent == {"rapid_review_overdue": 1}


@time_machine.travel(TUESDAY, tick=False)
def test_an_old_version_is_refused_and_changes_nothing(review, secretariat):
    sin = review.notification
    with pytest.raises(services.NotificationConflict):
        services.notification_withdraw(
            notification=sin,
            by=secretariat,
            withdrawal=Withdrawal.NOT_MEETING_CRITERIA,
            reason="Not a serious incident.",
            expected_version=sin.version - 1,
        )
    sin.refresh_from_db()
    assert sin.withdrawal == ""
    review.refresh_from_db()
    assert not review.closed_on_withdrawal


@time_machine.travel(TUESDAY, tick=False)
def test_a_reason_is_required_and_only_the_secretariat_or_an_administrator_may(
    review, lead, la_user, make_user
):
    sin = review.notification
    secretariat = make_user(Role.PANEL_SECRETARIAT)
    with pytest.raises(services.NotificationInvalid) as problem:
        services.notification_withdraw(
            notification=sin, by=secretariat, withdrawal="", reason=" ", expected_version=None
        )
    assert set(problem.value.errors) == {"withdrawal", "reason"}
    for user in (lead, la_user, make_user(Role.PANEL_MEMBER)):
        with pytest.raises(services.NotificationError):
            services.notification_withdraw(
                notification=sin,
                by=user,
                withdrawal=Withdrawal.WITHDRAWN,
                reason="x",
                expected_version=None,
            )
    administrator = make_user(Role.ADMINISTRATOR)
    services.notification_withdraw(
        notification=sin, by=administrator, withdrawal="withdrawn", reason="x", expected_version=1
    )
    sin.refresh_from_db()
    assert sin.is_withdrawn


# --- The pages ---------------------------------------------------------------------------------


@time_machine.travel(TUESDAY, tick=False)
def test_the_secretariat_withdraws_and_reinstates_from_the_case_page(
    client, review, secretariat, lead
):
    sin = review.notification
    other = SubmittedNotificationFactory()
    client.force_login(secretariat)
    detail = reverse("notifications:notification-detail", args=[sin.pk])
    withdraw_url = reverse("notifications:notification-withdraw", args=[sin.pk])
    assert withdraw_url in client.get(detail).content.decode()

    page = client.post(withdraw_url, {"version": sin.version, "withdrawal": "", "reason": ""})
    assert page.status_code == 200
    assert "govuk-error-summary" in page.content.decode()
    assert "Enter the reason" in page.content.decode()

    page = client.post(
        withdraw_url,
        {"version": sin.version, "withdrawal": "not_meeting_criteria", "reason": "Not eligible."},
    )
    assert page.status_code == 302
    text = client.get(detail).content.decode()
    assert "Does not meet the criteria" in text and "Not eligible." in text

    listing = client.get(reverse("notifications:notification-list"), {"withdrawn": "on"})
    assert sin.reference in listing.content.decode()
    assert other.reference not in listing.content.decode()
    listing = client.get(reverse("notifications:notification-list"), {"withdrawn": "true"})
    assert listing.status_code == 200

    client.force_login(lead)
    review_page = client.get(reverse("rapidreviews:review-detail", args=[review.pk]))
    assert "This rapid review is closed" in review_page.content.decode()

    client.force_login(secretariat)
    sin.refresh_from_db()
    reinstate_url = reverse("notifications:notification-reinstate", args=[sin.pk])
    page = client.post(reinstate_url, {"version": sin.version, "reason": "Eligible after all."})
    assert page.status_code == 302
    sin.refresh_from_db()
    assert not sin.is_withdrawn


@time_machine.travel(TUESDAY, tick=False)
def test_the_page_shows_a_conflict_and_keeps_what_was_typed(client, review, secretariat):
    sin = review.notification
    client.force_login(secretariat)
    stale = sin.version
    Notification.objects.filter(pk=sin.pk).update(version=stale + 1)
    page = client.post(
        reverse("notifications:notification-withdraw", args=[sin.pk]),
        {"version": stale, "withdrawal": "withdrawn", "reason": "Typed by me."},
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "Someone else changed this notification" in text
    assert "Typed by me." in text
    sin.refresh_from_db()
    assert not sin.is_withdrawn


@pytest.mark.parametrize("url_name", ["notification-withdraw", "notification-reinstate"])
def test_local_authority_users_and_leads_are_refused_and_another_authority_gets_404(
    client, review, lead, la_user, make_user, bristol, url_name
):
    url = reverse(f"notifications:{url_name}", args=[review.notification.pk])
    for user in (lead, la_user, make_user(Role.PANEL_MEMBER)):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {}).status_code == 403
    client.force_login(make_user(Role.LA_USER, local_authority=bristol))
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    client.force_login(make_user(Role.PARTNERSHIP_LEAD, partnership=bristol.partnership))
    assert client.get(url).status_code == 404


@time_machine.travel(TUESDAY, tick=False)
def test_the_api_shows_the_state(
    client, review, la_user, secretariat, django_capture_on_commit_callbacks
):
    sin = withdraw(review.notification, secretariat, django_capture_on_commit_callbacks)
    client.force_login(la_user)
    body = client.get(reverse("notifications-api:notification-detail", args=[sin.pk])).json()
    assert body["withdrawal"] == "withdrawn"
    assert body["withdrawal_reason"] == "Notified in error."
    assert body["withdrawn_at"]
    schema = client.get(reverse("api-schema")).content.decode()
    assert "withdrawal_reason" in schema


# --- The figures -------------------------------------------------------------------------------


WITHDRAWN_LINE = ("Withdrawn or not progressed", "Withdrawn or not progressed (excluded above)")


def _timeliness(year: int) -> dict:
    spec = next(spec for spec in t.TABLES if spec.id == "timeliness")
    table = compute_table(spec, year)
    return {
        (group["label"], row["label"]): row["cells"][1]["n"]
        for group in table["groups"]
        for row in group["rows"]
    }


@time_machine.travel(TUESDAY, tick=False)
def test_the_figures_leave_a_withdrawn_sin_out_and_count_it_on_its_own_line(
    secretariat, django_capture_on_commit_callbacks
):
    kept = SubmittedReviewFactory()
    gone = SubmittedReviewFactory()
    year = 2024  # incidents on 3 June 2024
    before = _timeliness(year)
    assert before[("Serious Incident Notifications", "Total SINs")] == 2
    assert before[("Rapid reviews", "Total rapid reviews")] == 2
    assert before[WITHDRAWN_LINE] == 0

    withdraw(gone.notification, secretariat, django_capture_on_commit_callbacks)
    after = _timeliness(year)
    assert after[("Serious Incident Notifications", "Total SINs")] == 1
    assert after[("Rapid reviews", "Total rapid reviews")] == 1
    assert after[WITHDRAWN_LINE] == 1
    assert kept.notification.withdrawal == ""
    # A submitted review closed by the withdrawal leaves the Panel's queue.
    gone.refresh_from_db()
    from panel.selectors import AWAITING_Q

    assert not RapidReview.objects.filter(AWAITING_Q, pk=gone.pk).exists()
    assert RapidReview.objects.filter(AWAITING_Q, pk=kept.pk).exists()


def test_withdrawing_stops_the_lcspr_and_no_lcspr_can_be_commissioned(
    lead, secretariat, django_capture_on_commit_callbacks
):
    from lcsprs import services as lcspr_services

    from ..lcsprs.factories import LcsprFactory

    with time_machine.travel(TUESDAY, tick=False):
        lcspr = LcsprFactory()  # due 18 December 2024
        sin = withdraw(
            lcspr.rapid_review.notification, secretariat, django_capture_on_commit_callbacks
        )
        other = SubmittedReviewFactory()  # decided no LCSPR, so one may be commissioned later
        assert lcspr_services.lcspr_open_refusal(review=other, by=lead) is None
        withdraw(other.notification, secretariat, django_capture_on_commit_callbacks)
        other.refresh_from_db()
        refusal = lcspr_services.lcspr_open_refusal(review=other, by=lead)
    assert "withdrawn" in refusal
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = deadline_sweep(today=date(2024, 12, 19))
    assert "lcspr_overdue" not in result.sent
    assert not any("LCSPR" in email.subject for email in mail.outbox)
    # Reinstated, its LCSPR is overdue again.
    with time_machine.travel("2024-12-19 10:00 +00:00", tick=False):
        reinstate(sin, secretariat, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert deadline_sweep(today=date(2024, 12, 19)).sent.get("lcspr_overdue") == 1


@time_machine.travel(TUESDAY, tick=False)
def test_the_commission_page_refuses_a_withdrawn_sins_review(
    client, lead, secretariat, django_capture_on_commit_callbacks
):
    review = SubmittedReviewFactory()
    withdraw(review.notification, secretariat, django_capture_on_commit_callbacks)
    client.force_login(lead)
    commission = reverse("lcsprs:lcspr-commission", args=[review.pk])
    response = client.post(commission, {"reason": "The Panel's letter disagreed."}, follow=True)
    assert response.status_code == 200
    assert "no LCSPR can be commissioned" in response.content.decode()
    from lcsprs.models import Lcspr

    assert not Lcspr.objects.filter(rapid_review=review).exists()
