"""Issue 16, item 4: a looked-after child's death where abuse or neglect is not suspected is
recorded and submitted but opens no rapid review; the Panel is told, the partnership is not
asked for one. Amended to suspected or known, the review opens then, due 15 working days after
the amendment."""

from datetime import date

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from notifications import services
from notifications.models import AbuseOrNeglect, Notification
from rapidreviews.models import RapidReview
from safeguarding.codes import Reason, Role
from safeguarding.deadlines.engine import deadline_sweep
from safeguarding.models import InboxMessage

from .factories import CompleteDraftFactory

pytestmark = pytest.mark.django_db

MONDAY = "2024-06-10 10:00 +01:00"  # Monday 10 June 2024
FRIDAY = "2024-06-14 10:00 +01:00"  # the amendment, four working days later


@pytest.fixture
def la_user(make_user, leeds):
    return make_user(Role.LA_USER, local_authority=leeds)


@pytest.fixture
def lead(make_user, leeds):
    return make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership)


@pytest.fixture
def secretariat(make_user):
    return make_user(Role.PANEL_SECRETARIAT)


def looked_after_death(la_user) -> Notification:
    draft = CompleteDraftFactory(
        created_by=la_user,
        date_aware=date(2024, 6, 5),
        reason=Reason.DEATH,
        abuse_or_neglect=AbuseOrNeglect.NOT_SUSPECTED,
        child_looked_after_death=True,
        children=[],
    )
    from .factories import NotificationChildFactory

    NotificationChildFactory(notification=draft, is_child_in_focus=True, harm=Reason.DEATH)
    return draft


def submit(draft, by, capture) -> Notification:
    with capture(execute=True):
        services.notification_submit(notification=draft, by=by, expected_version=None)
    draft.refresh_from_db()
    return draft


@time_machine.travel(MONDAY, tick=False)
def test_a_looked_after_death_not_suspected_opens_no_rapid_review(
    la_user, lead, secretariat, django_capture_on_commit_callbacks
):
    sin = submit(looked_after_death(la_user), la_user, django_capture_on_commit_callbacks)

    assert sin.status == Notification.Status.SUBMITTED
    assert sin.reference
    assert not RapidReview.objects.filter(notification=sin).exists()
    # The Panel is told; the partnership is not asked for a review.
    [email] = mail.outbox
    assert secretariat.email in email.to
    assert lead.email not in email.to
    assert "no rapid review is needed" in email.body
    assert "due by" not in email.body
    assert not InboxMessage.objects.filter(recipient=lead).exists()
    assert InboxMessage.objects.filter(recipient=secretariat).exists()


@time_machine.travel(MONDAY, tick=False)
def test_its_confirmation_and_case_pages_say_no_rapid_review_is_needed(
    client, la_user, lead, django_capture_on_commit_callbacks
):
    sin = submit(looked_after_death(la_user), la_user, django_capture_on_commit_callbacks)
    client.force_login(la_user)

    page = client.get(reverse("notifications:notification-confirmation", args=[sin.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "No rapid review is needed" in text
    assert "Department for Education and Ofsted" in text
    assert "must send the Panel a rapid review" not in text

    page = client.get(reverse("notifications:notification-detail", args=[sin.pk]))
    assert page.status_code == 200
    assert "No rapid review is needed" in page.content.decode()

    listing = client.get(reverse("notifications:notification-list"))
    assert listing.status_code == 200
    assert "Not needed" in listing.content.decode()

    api = client.get(reverse("notifications-api:notification-detail", args=[sin.pk]))
    assert api.status_code == 200
    assert api.json()["rapid_review_needed"] is False
    assert api.json()["rapid_review_due_date"] is None


@time_machine.travel(MONDAY, tick=False)
def test_check_answers_says_no_rapid_review_will_be_needed(client, la_user):
    draft = looked_after_death(la_user)
    client.force_login(la_user)

    page = client.get(reverse("notifications:notification-check", args=[draft.pk]))

    assert page.status_code == 200
    text = page.content.decode()
    assert "No rapid review will be needed" in text
    assert "rapid review will be due" not in text


@time_machine.travel(MONDAY, tick=False)
def test_the_api_creates_one_without_a_rapid_review(la_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sin = services.notification_create(
            local_authority=la_user.local_authority,
            by=la_user,
            incident_date=date(2024, 6, 3),
            date_aware=date(2024, 6, 5),
            reason=Reason.DEATH,
            abuse_or_neglect=AbuseOrNeglect.NOT_SUSPECTED,
            child_looked_after_death=True,
            summary="Synthetic summary.",
            children=[
                services.ChildData(
                    child_reference="Child A", sex="female", harm=Reason.DEATH, age_years=15
                )
            ],
            submit=True,
        )
    assert sin.status == Notification.Status.SUBMITTED
    assert not RapidReview.objects.filter(notification=sin).exists()


def test_amended_to_suspected_the_review_opens_due_15_working_days_after_the_amendment(
    la_user, lead, secretariat, django_capture_on_commit_callbacks
):
    with time_machine.travel(MONDAY, tick=False):
        sin = submit(looked_after_death(la_user), la_user, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    with time_machine.travel(FRIDAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.notification_circumstances_update(
            notification=sin,
            by=la_user,
            abuse_or_neglect=AbuseOrNeglect.SUSPECTED,
            child_looked_after_death=True,
            placement_postcode="",
            imd_decile=None,
            summary="Synthetic summary.",
            expected_version=sin.version,
            amendment_reason="The post-mortem raised concerns.",
        )

    review = RapidReview.objects.get(notification=sin)
    assert review.clock_started_on == date(2024, 6, 14)
    assert review.due_date == date(2024, 7, 5)  # 15 working days after Friday 14 June
    assert review.partnership == la_user.local_authority.partnership
    # The partnership is told as on submission.
    [email] = mail.outbox
    assert lead.email in email.to and secretariat.email in email.to
    assert "5 July 2024" in email.body
    assert InboxMessage.objects.filter(recipient=lead, url__contains="/rapid-reviews/").exists()


def test_amended_back_to_not_suspected_the_review_stays_and_the_page_says_so(
    client, la_user, django_capture_on_commit_callbacks
):
    with time_machine.travel(MONDAY, tick=False):
        sin = submit(looked_after_death(la_user), la_user, django_capture_on_commit_callbacks)
        for answer in (AbuseOrNeglect.SUSPECTED, AbuseOrNeglect.NOT_SUSPECTED):
            sin.refresh_from_db()
            services.notification_circumstances_update(
                notification=sin,
                by=la_user,
                abuse_or_neglect=answer,
                child_looked_after_death=True,
                placement_postcode="",
                imd_decile=None,
                summary="Synthetic summary.",
                expected_version=sin.version,
                amendment_reason="New information.",
            )
        assert RapidReview.objects.filter(notification=sin).count() == 1
        client.force_login(la_user)
        page = client.get(reverse("notifications:notification-detail", args=[sin.pk]))
    assert page.status_code == 200
    assert "the rapid review stays open" in page.content.decode()


def test_no_reminder_is_sent_for_a_looked_after_death_without_a_review(
    la_user, lead, django_capture_on_commit_callbacks
):
    with time_machine.travel(MONDAY, tick=False):
        submit(looked_after_death(la_user), la_user, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = deadline_sweep(today=date(2024, 7, 2))
    assert not result.sent
    assert not mail.outbox


def test_amended_to_suspected_while_withdrawn_the_review_opens_closed(
    la_user, lead, secretariat, django_capture_on_commit_callbacks
):
    with time_machine.travel(MONDAY, tick=False):
        sin = submit(looked_after_death(la_user), la_user, django_capture_on_commit_callbacks)
        services.notification_withdraw(
            notification=sin,
            by=secretariat,
            withdrawal="not_meeting_criteria",
            reason="Outside the criteria.",
            expected_version=None,
        )
        sin.refresh_from_db()
    mail.outbox.clear()
    with time_machine.travel(FRIDAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.notification_circumstances_update(
            notification=sin,
            by=la_user,
            abuse_or_neglect=AbuseOrNeglect.SUSPECTED,
            child_looked_after_death=True,
            placement_postcode="",
            imd_decile=None,
            summary="Synthetic summary.",
            expected_version=sin.version,
            amendment_reason="New information.",
        )
    review = RapidReview.objects.get(notification=sin)
    assert review.closed_on_withdrawal
    assert not any(lead.email in email.to for email in mail.outbox)
