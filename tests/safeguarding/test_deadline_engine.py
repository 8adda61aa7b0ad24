"""The deadline engine (safeguarding/deadlines/engine.py) and its tasks, in-process on the test
PostgreSQL with Celery eager: what a sweep as of a day records and tells whom, that it tells
each once, how running due dates move when the holiday calendar changes (admin and sweep), the
daily digest, the outbox flush, the beat schedules and `run_deadline_checks`.

Dates: Mon 27 May 2024 is the spring bank holiday, so a review due Tue 28 May started its
clock on Fri 3 May (Mon 6 May is the early May bank holiday)."""

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from rapidreviews import services as review_services
from rapidreviews.models import RapidReview, RapidReviewExtension
from safeguarding.audit import audit_events_for
from safeguarding.celery import app as celery_app
from safeguarding.codes import Role
from safeguarding.deadlines.engine import deadline_sweep, digest_send, due_dates_recompute
from safeguarding.email import email_queue
from safeguarding.models import (
    AuditAction,
    AuditEvent,
    InboxMessage,
    OneOffHoliday,
    OutboundEmail,
    Reminder,
    User,
)
from safeguarding.tasks import daily_digest_task, deadline_sweep_task, email_outbox_flush_task
from safeguarding.workingdays import ENGLAND, WorkingDayCalendar

from ..factories import LocalAuthorityFactory
from ..lcsprs.factories import LcsprFactory
from ..notifications.factories import DraftNotificationFactory, SubmittedNotificationFactory
from ..rapidreviews.factories import PendingExtensionFactory, RapidReviewFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
PANEL_INBOX = "panel.inbox@example.gov.uk"
PARTNERSHIP_INBOX = "leeds.partnership@example.org"
SATURDAY = date(2024, 5, 25)
BANK_HOLIDAY = date(2024, 5, 27)


@pytest.fixture(autouse=True)
def _panel_inbox(settings):
    settings.PANEL_INBOX_EMAIL = PANEL_INBOX
    settings.SITE_URL = "https://csir.example.gov.uk"


@pytest.fixture
def partnership(leeds):
    partnership = leeds.partnership
    partnership.email = PARTNERSHIP_INBOX
    partnership.save()
    return partnership


@pytest.fixture
def lead(make_user, partnership):
    return make_user(Role.PARTNERSHIP_LEAD, partnership=partnership)


@pytest.fixture
def secretariat(make_user):
    return make_user(Role.PANEL_SECRETARIAT)


def running_review(due: date, **kwargs) -> RapidReview:
    """A review in drafting, due 15 working days after its SIN (as the service sets it)."""
    started = ENGLAND.add_working_days(due, -15)
    assert ENGLAND.add_working_days(started, 15) == due
    return RapidReviewFactory(
        status=RapidReview.Status.DRAFTING,
        clock_started_on=started,
        due_date=due,
        original_due_date=due,
        **kwargs,
    )


def submitted_review(due: date) -> RapidReview:
    return RapidReviewFactory(
        status=RapidReview.Status.SUBMITTED,
        clock_started_on=ENGLAND.add_working_days(due, -15),
        due_date=due,
        original_due_date=due,
        submitted_at=datetime(2024, 5, 20, 12, tzinfo=LONDON),
        working_days_taken=11,
        submitted_on_time=True,
    )


def reference(review: RapidReview) -> str:
    return review.notification.reference


def email_about(subject: str) -> OutboundEmail:
    return OutboundEmail.objects.get(subject=subject)


def reminders() -> list[tuple[str, str, date, int]]:
    return sorted(Reminder.objects.values_list("object_id", "rule", "due_date", "repeat"))


def counts() -> tuple[int, int, int, int]:
    return (
        Reminder.objects.count(),
        OutboundEmail.objects.count(),
        InboxMessage.objects.count(),
        AuditEvent.objects.filter(action=AuditAction.REMINDER).count(),
    )


def approve_extension(review, lead, secretariat, to: date) -> None:
    extension = review_services.rapid_review_extension_request(
        review=review, by=lead, reason="The police chronology is late.", proposed_date=to
    )
    review_services.rapid_review_extension_decide(extension=extension, by=secretariat, approve=True)
    review.refresh_from_db()


# --- The sweep ---------------------------------------------------------------------------------


def test_a_sweep_sends_the_reminders_due_that_day(
    lead, secretariat, partnership, django_capture_on_commit_callbacks
):
    due_today = running_review(date(2024, 5, 28))
    due_tomorrow = running_review(date(2024, 5, 29))
    overdue = running_review(date(2024, 5, 24))  # escalates on Tue 28 May, after the holiday
    running_review(date(2024, 6, 11))  # 10 working days left: nothing yet
    submitted_review(date(2024, 5, 24))  # overdue dates, but submitted

    with django_capture_on_commit_callbacks(execute=True):
        result = deadline_sweep(today=date(2024, 5, 28))

    assert result.sent == {
        "rapid_review_due_today": 1,
        "rapid_review_due_in_1_working_day": 1,
        "rapid_review_overdue": 1,
    }
    assert not result.already_sent and not result.failures
    assert reminders() == sorted(
        [
            (str(due_today.pk), "rapid_review_due_today", date(2024, 5, 28), 0),
            (str(due_tomorrow.pk), "rapid_review_due_in_1_working_day", date(2024, 5, 29), 0),
            (str(overdue.pk), "rapid_review_overdue", date(2024, 5, 24), 0),
        ]
    )

    # Due today: the partnership's leads and its shared inbox.
    subject = f"{reference(due_today)}: rapid review due today"
    reminder = Reminder.objects.get(object_id=str(due_today.pk))
    assert reminder.subject == subject
    assert reminder.as_of == date(2024, 5, 28)
    assert reminder.recipients == [lead.username]
    assert reminder.emailed_to == sorted([lead.email, PARTNERSHIP_INBOX])
    email = email_about(subject)
    assert email.to == sorted([lead.email, PARTNERSHIP_INBOX])
    assert "due with the Panel today: 28 May 2024" in email.body
    review_url = reverse("rapidreviews:review-detail", args=[due_today.pk])
    assert f"https://csir.example.gov.uk{review_url}" in email.body
    assert InboxMessage.objects.get(recipient=lead, subject=subject).url == review_url
    event = audit_events_for(due_today).get(action=AuditAction.REMINDER)
    assert event.actor is None
    assert event.message == subject
    assert event.changes["rule"] == "rapid_review_due_today"
    assert event.changes["due_date"] == "2024-05-28"
    assert event.changes["recipients"] == [lead.username]

    # Due tomorrow: the 1-day reminder, to the leads only.
    subject = f"{reference(due_tomorrow)}: rapid review due on the next working day"
    assert email_about(subject).to == sorted([lead.email, PARTNERSHIP_INBOX])
    assert "29 May 2024" in email_about(subject).body

    # Overdue: the leads and the Panel secretariat (and the Panel's inbox).
    subject = f"{reference(overdue)}: rapid review overdue"
    assert email_about(subject).to == sorted(
        [lead.email, PARTNERSHIP_INBOX, secretariat.email, PANEL_INBOX]
    )
    assert "was due with the Panel on 24 May 2024" in email_about(subject).body
    assert {m.recipient for m in InboxMessage.objects.filter(subject=subject)} == {
        lead,
        secretariat,
    }
    assert not InboxMessage.objects.filter(recipient=secretariat).exclude(subject=subject).exists()
    assert audit_events_for(overdue).get(action=AuditAction.REMINDER).message == subject

    # What left: one e-mail each, to those addresses.
    assert sorted((m.subject, tuple(m.to)) for m in mail.outbox) == sorted(
        (e.subject, tuple(e.to)) for e in OutboundEmail.objects.all()
    )
    assert len(mail.outbox) == 3
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}


def test_a_second_sweep_the_same_day_sends_nothing_new(lead, django_capture_on_commit_callbacks):
    running_review(date(2024, 5, 28))
    running_review(date(2024, 5, 24))
    with django_capture_on_commit_callbacks(execute=True):
        first = deadline_sweep(today=date(2024, 5, 28))
    before = counts()
    assert before == (2, 2, 2, 2)

    with django_capture_on_commit_callbacks(execute=True):
        second = deadline_sweep(today=date(2024, 5, 28))

    assert sum(first.sent.values()) == 2
    assert not second.sent
    assert second.already_sent == {"rapid_review_due_today": 1, "rapid_review_overdue": 1}
    assert counts() == before
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("day", [SATURDAY, BANK_HOLIDAY], ids=["saturday", "bank-holiday"])
def test_a_sweep_on_a_weekend_or_bank_holiday_sends_nothing(lead, day):
    running_review(date(2024, 5, 28))  # 1 working day left on either day
    running_review(date(2024, 5, 22))  # overdue
    result = deadline_sweep(today=day)
    assert not result.sent and not result.already_sent
    assert counts() == (0, 0, 0, 0)
    # The next working day catches up.
    assert sum(deadline_sweep(today=date(2024, 5, 28)).sent.values()) == 2


def test_a_dry_run_lists_what_would_be_sent_and_records_nothing(lead):
    review = running_review(date(2024, 5, 28))
    result = deadline_sweep(today=date(2024, 5, 28), dry_run=True)
    assert result.would_send == [("rapid_review_due_today", str(review), date(2024, 5, 28), 0)]
    assert not result.sent
    assert counts() == (0, 0, 0, 0)
    assert not audit_events_for(review).exists()


def test_the_weekly_escalation_sends_a_new_reminder_each_week(lead, secretariat):
    review = running_review(date(2024, 5, 24))
    sent = {}
    for day in (date(2024, 5, 28), date(2024, 6, 4), date(2024, 6, 5), date(2024, 6, 11)):
        sent[day] = dict(deadline_sweep(today=day).sent)

    assert sent == {
        date(2024, 5, 28): {"rapid_review_overdue": 1},
        date(2024, 6, 4): {"rapid_review_overdue_weekly": 1},
        date(2024, 6, 5): {},
        date(2024, 6, 11): {"rapid_review_overdue_weekly": 1},
    }
    assert reminders() == [
        (str(review.pk), "rapid_review_overdue", date(2024, 5, 24), 0),
        (str(review.pk), "rapid_review_overdue_weekly", date(2024, 5, 24), 1),
        (str(review.pk), "rapid_review_overdue_weekly", date(2024, 5, 24), 2),
    ]
    ref = reference(review)
    assert sorted(OutboundEmail.objects.values_list("subject", flat=True)) == [
        f"{ref}: rapid review overdue",
        f"{ref}: rapid review overdue (week 2)",
        f"{ref}: rapid review overdue (week 3)",
    ]
    assert InboxMessage.objects.filter(recipient=secretariat).count() == 3
    assert audit_events_for(review).filter(action=AuditAction.REMINDER).count() == 3


def test_a_reminder_to_people_without_e_mail_is_still_recorded(make_user):
    quiet = LocalAuthorityFactory(partnership__email="")  # no shared inbox
    lead = make_user(Role.PARTNERSHIP_LEAD, partnership=quiet.partnership, email="")
    told_in_the_service = running_review(date(2024, 5, 28), notification__local_authority=quiet)
    nobody = running_review(
        date(2024, 5, 28),
        notification__local_authority=LocalAuthorityFactory(partnership__email=""),
    )

    result = deadline_sweep(today=date(2024, 5, 28))

    assert result.sent == {"rapid_review_due_today": 2}
    told = Reminder.objects.get(object_id=str(told_in_the_service.pk))
    assert (told.recipients, told.emailed_to) == ([lead.username], [])
    assert InboxMessage.objects.get(recipient=lead).subject == told.subject
    untold = Reminder.objects.get(object_id=str(nobody.pk))
    assert (untold.recipients, untold.emailed_to) == ([], [])
    assert not OutboundEmail.objects.exists()
    assert audit_events_for(nobody).get(action=AuditAction.REMINDER).changes["recipients"] == []
    # Recorded, so not asked again.
    assert deadline_sweep(today=date(2024, 5, 28)).already_sent == {"rapid_review_due_today": 2}


def test_after_an_extension_the_new_due_dates_reminders_go_out(lead, secretariat):
    review = running_review(date(2024, 5, 28))
    assert deadline_sweep(today=date(2024, 5, 21)).sent == {"rapid_review_due_in_5_working_days": 1}

    approve_extension(review, lead, secretariat, to=date(2024, 6, 11))
    assert (review.due_date, review.original_due_date) == (date(2024, 6, 11), date(2024, 5, 28))

    # Nothing on the old due date; the new one's reminders go out, saying it was extended.
    assert not deadline_sweep(today=date(2024, 5, 24)).sent
    assert not deadline_sweep(today=date(2024, 5, 28)).sent
    assert not deadline_sweep(today=date(2024, 5, 29)).sent
    assert deadline_sweep(today=date(2024, 6, 4)).sent == {"rapid_review_due_in_5_working_days": 1}
    assert deadline_sweep(today=date(2024, 6, 10)).sent == {"rapid_review_due_in_1_working_day": 1}
    assert reminders() == [
        (str(review.pk), "rapid_review_due_in_1_working_day", date(2024, 6, 11), 0),
        (str(review.pk), "rapid_review_due_in_5_working_days", date(2024, 5, 28), 0),
        (str(review.pk), "rapid_review_due_in_5_working_days", date(2024, 6, 11), 0),
    ]
    email = email_about(f"{reference(review)}: rapid review due on the next working day")
    assert "11 June 2024 (extended from 28 May 2024)" in email.body


def test_an_extension_waiting_over_2_working_days_is_flagged_to_the_secretariat(lead, secretariat):
    extension = PendingExtensionFactory(requested_by=lead)
    # Requested on Thu 23 May 2024: 24, 28 and 29 May are the working days after it.
    RapidReviewExtension.objects.filter(pk=extension.pk).update(
        requested_at=datetime(2024, 5, 23, 15, tzinfo=LONDON)
    )
    assert not deadline_sweep(today=date(2024, 5, 28)).sent
    assert deadline_sweep(today=date(2024, 5, 29)).sent == {
        "extension_pending_over_2_working_days": 1
    }
    review = extension.review
    subject = f"{reference(review)}: extension request waiting for a decision"
    assert email_about(subject).to == sorted([secretariat.email, PANEL_INBOX])
    assert "on 23 May 2024, to 15 July 2024" in email_about(subject).body
    assert [m.recipient for m in InboxMessage.objects.filter(subject=subject)] == [secretariat]
    assert not InboxMessage.objects.filter(recipient=lead, subject=subject).exists()
    # Shown in the review's history.
    assert audit_events_for(review).get(action=AuditAction.REMINDER).message == subject


def test_lcspr_and_draft_sin_reminders_reach_their_people(lead, secretariat, leeds, make_user):
    la_user = make_user(Role.LA_USER, local_authority=leeds)
    lcspr = LcsprFactory(due_date=date(2024, 5, 24), opened_by=lead)
    draft = DraftNotificationFactory(local_authority=leeds, date_aware=date(2024, 5, 24))

    result = deadline_sweep(today=date(2024, 6, 4))

    assert result.sent == {"lcspr_overdue": 1, "sin_draft_overdue": 1}
    ref = lcspr.rapid_review.notification.reference
    lcspr_email = email_about(f"{ref}: LCSPR not published by its due date")
    assert lcspr_email.to == sorted([lead.email, PARTNERSHIP_INBOX, secretariat.email, PANEL_INBOX])
    assert audit_events_for(lcspr).filter(action=AuditAction.REMINDER).count() == 1
    draft_email = email_about("Draft notification overdue")
    assert draft_email.to == [la_user.email]
    assert "by 3 June 2024" in draft_email.body
    assert InboxMessage.objects.filter(recipient=la_user).count() == 1
    assert Reminder.objects.get(object_id=str(draft.pk)).due_date == date(2024, 6, 3)


def test_a_late_sin_is_flagged_to_the_panel_once_it_was_submitted(secretariat, leeds):
    late = SubmittedNotificationFactory(
        local_authority=leeds,
        incident_date=date(2024, 5, 23),
        date_aware=date(2024, 5, 24),
        notified_at=datetime(2024, 6, 5, 16, tzinfo=LONDON),
        working_days_to_notify=7,
        notified_on_time=False,
        lateness_reason="The social worker was on leave.",
    )
    # A sweep run as of an earlier day does not flag what was not yet submitted.
    assert not deadline_sweep(today=date(2024, 5, 28)).sent
    assert deadline_sweep(today=date(2024, 6, 6)).sent == {"sin_recorded_late": 1}
    email = email_about(f"{late.reference}: notified late by Leeds")
    assert email.to == sorted([secretariat.email, PANEL_INBOX])
    assert "(due by 3 June 2024)" in email.body
    assert "The social worker was on leave." in email.body


def test_deadline_sweep_task_runs_the_sweep_as_of_the_day_given(lead):
    running_review(date(2024, 5, 28))
    outcome = deadline_sweep_task.delay("2024-05-28").get()
    assert outcome == {
        "as_of": "2024-05-28",
        "sent": {"rapid_review_due_today": 1},
        "already_sent": {},
        "due_dates_moved": 0,
        "failures": [],
    }
    assert Reminder.objects.get().as_of == date(2024, 5, 28)


# --- The calendar changes: running due dates move -----------------------------------------------


def test_a_one_off_holiday_moves_a_running_reviews_due_date_and_tells_the_leads(lead, partnership):
    review = running_review(date(2024, 5, 28))  # clock from Fri 3 May
    later = running_review(date(2024, 6, 28))  # clock from 7 June: no holiday in its days
    OneOffHoliday.objects.create(date=date(2024, 5, 15), name="State funeral")

    moved = due_dates_recompute(reason="State funeral (15 May 2024) was added as a bank holiday")

    assert moved == [review]
    review.refresh_from_db()
    assert (review.due_date, review.original_due_date) == (date(2024, 5, 29), date(2024, 5, 29))
    later.refresh_from_db()
    assert later.due_date == date(2024, 6, 28)
    event = audit_events_for(review).get(action=AuditAction.UPDATE)
    assert event.message == (
        "Due date moved from 28 May 2024 to 29 May 2024 because State funeral (15 May 2024) "
        "was added as a bank holiday"
    )
    assert event.changes == {
        "original_due_date": ["2024-05-28", "2024-05-29"],
        "due_date": ["2024-05-28", "2024-05-29"],
    }
    subject = f"{reference(review)}: rapid review now due 29 May 2024"
    assert InboxMessage.objects.get(recipient=lead).subject == subject
    email = email_about(subject)
    assert email.to == sorted([lead.email, PARTNERSHIP_INBOX])
    assert "Due date moved from 28 May 2024 to 29 May 2024" in email.body
    assert not audit_events_for(later).exists()

    # Nothing more to move: asking again changes nothing.
    assert due_dates_recompute(reason="again") == []
    assert audit_events_for(review).filter(action=AuditAction.UPDATE).count() == 1
    assert OutboundEmail.objects.count() == 1


def test_removing_the_one_off_holiday_moves_the_due_date_back(lead):
    review = running_review(date(2024, 5, 28))
    holiday = OneOffHoliday.objects.create(date=date(2024, 5, 15), name="State funeral")
    due_dates_recompute(reason="added")
    holiday.delete()
    assert due_dates_recompute(reason="removed") == [review]
    review.refresh_from_db()
    assert (review.due_date, review.original_due_date) == (date(2024, 5, 28), date(2024, 5, 28))


def test_an_extended_review_keeps_its_extended_due_date(lead, secretariat):
    review = running_review(date(2024, 5, 28))
    approve_extension(review, lead, secretariat, to=date(2024, 6, 11))
    OneOffHoliday.objects.create(date=date(2024, 5, 15), name="State funeral")

    assert due_dates_recompute(reason="State funeral was added as a bank holiday") == [review]

    review.refresh_from_db()
    assert (review.due_date, review.original_due_date) == (date(2024, 6, 11), date(2024, 5, 29))
    event = audit_events_for(review).filter(action=AuditAction.UPDATE).first()
    assert event.message == (
        "Original due date moved from 28 May 2024 to 29 May 2024 because State funeral was "
        "added as a bank holiday; the extended due date 11 June 2024 stays"
    )
    assert event.changes == {"original_due_date": ["2024-05-28", "2024-05-29"]}


def test_a_submitted_review_never_moves(lead):
    review = submitted_review(date(2024, 5, 28))
    OneOffHoliday.objects.create(date=date(2024, 5, 15), name="State funeral")
    assert due_dates_recompute(reason="State funeral was added as a bank holiday") == []
    review.refresh_from_db()
    assert (review.due_date, review.original_due_date) == (date(2024, 5, 28), date(2024, 5, 28))
    assert not audit_events_for(review).exists()


def test_the_sweep_moves_due_dates_when_the_package_calendar_changed(lead):
    # As if a package upgrade brought a new bank holiday: the calendar the sweep reads has a
    # day that the stored due dates did not count.
    first = running_review(date(2024, 5, 28))
    second = running_review(date(2024, 5, 28))
    submitted = submitted_review(date(2024, 5, 28))
    OneOffHoliday.objects.create(date=date(2024, 5, 15), name="Newly announced bank holiday")

    result = deadline_sweep(today=date(2024, 5, 29))

    assert result.due_dates_moved == 2
    for review in (first, second):
        review.refresh_from_db()
        assert review.due_date == date(2024, 5, 29)
        assert audit_events_for(review).get(action=AuditAction.UPDATE).message == (
            "Due date moved from 28 May 2024 to 29 May 2024 because the bank holiday calendar "
            "changed"
        )
    submitted.refresh_from_db()
    assert submitted.due_date == date(2024, 5, 28)
    # The reminders follow the moved date: due today, not overdue.
    assert result.sent == {"rapid_review_due_today": 2}
    assert deadline_sweep(today=date(2024, 5, 29)).due_dates_moved == 0


# --- The admin ----------------------------------------------------------------------------------


def test_an_administrator_adding_a_one_off_holiday_moves_running_due_dates(client, make_user, lead):
    admin = make_user(Role.ADMINISTRATOR)
    review = running_review(date(2024, 5, 28))
    client.force_login(admin)

    response = client.post(
        reverse("admin:safeguarding_oneoffholiday_add"),
        {"date": "2024-05-15", "name": "State funeral"},
        follow=True,
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert f"Due dates moved for 1 rapid review(s) still running: {reference(review)}." in page
    holiday = OneOffHoliday.objects.get()
    assert (holiday.date, holiday.added_by) == (date(2024, 5, 15), admin)
    review.refresh_from_db()
    assert (review.due_date, review.original_due_date) == (date(2024, 5, 29), date(2024, 5, 29))
    event = audit_events_for(review).get(action=AuditAction.UPDATE)
    assert event.actor == admin
    assert event.message == (
        "Due date moved from 28 May 2024 to 29 May 2024 because State funeral (15 May 2024) was "
        "added as a bank holiday"
    )
    assert InboxMessage.objects.filter(recipient=lead, subject__contains="now due 29 May").exists()


def test_adding_a_holiday_that_moves_nothing_says_so(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    running_review(date(2024, 5, 28))
    response = client.post(
        reverse("admin:safeguarding_oneoffholiday_add"),
        {"date": "2024-07-15", "name": "Later day"},
        follow=True,
    )
    assert "No running due date had to move." in response.content.decode()


def test_reminder_admin_lists_reminders_read_only_for_administrators(client, make_user, lead):
    review = running_review(date(2024, 5, 28))
    deadline_sweep(today=date(2024, 5, 28))
    client.force_login(make_user(Role.ADMINISTRATOR))

    response = client.get(reverse("admin:safeguarding_reminder_changelist"))

    assert response.status_code == 200
    assert f"{reference(review)}: rapid review due today" in response.content.decode()
    assert not response.context["has_add_permission"]
    assert client.get(reverse("admin:safeguarding_reminder_add")).status_code == 403


@pytest.mark.parametrize("role", [Role.PARTNERSHIP_LEAD, Role.PANEL_SECRETARIAT])
def test_reminder_admin_is_closed_to_other_roles(client, make_user, role):
    client.force_login(make_user(role))
    response = client.get(reverse("admin:safeguarding_reminder_changelist"), follow=True)
    assert response.status_code == 403
    response = client.post(
        reverse("admin:safeguarding_oneoffholiday_add"),
        {"date": "2024-05-15", "name": "State funeral"},
        follow=True,
    )
    assert response.status_code == 403
    assert not OneOffHoliday.objects.exists()


# --- The beat schedules -------------------------------------------------------------------------


def test_the_periodic_tasks_exist_after_migrations():
    tasks = {task.name: task for task in PeriodicTask.objects.filter(enabled=True)}
    sweep, digest, outbox = tasks["Deadline sweep"], tasks["Daily digest"], tasks["E-mail outbox"]
    assert sweep.task == "safeguarding.tasks.deadline_sweep_task"
    assert (sweep.crontab.hour, sweep.crontab.minute, sweep.crontab.day_of_week) == (
        "7,10,13,16",
        "0",
        "1-5",
    )
    assert str(sweep.crontab.timezone) == "Europe/London"
    assert digest.task == "safeguarding.tasks.daily_digest_task"
    assert (digest.crontab.hour, digest.crontab.minute, digest.crontab.day_of_week) == (
        "7",
        "30",
        "1-5",
    )
    assert outbox.task == "safeguarding.tasks.email_outbox_flush_task"
    assert (outbox.interval.every, outbox.interval.period) == (5, "minutes")
    # Each names a task the workers know.
    for task in (sweep, digest, outbox):
        assert task.task in celery_app.tasks


# --- The daily digest ---------------------------------------------------------------------------


def test_the_digest_lists_what_needs_attention_once_a_day(make_user):
    member = make_user(Role.PANEL_MEMBER)
    for n in range(3):
        InboxMessage.objects.create(recipient=member, subject=f"Message {n}")

    email = digest_send(user=member, today=date(2024, 5, 28))

    assert email.to == [member.email]
    assert email.subject == "Your daily summary: 3 things need your attention"
    assert "Things that need your attention on 28 May 2024:" in email.body
    inbox_url = "https://csir.example.gov.uk" + reverse("inbox")
    assert f"- Unread messages in your inbox: 3\n  {inbox_url}\n" in email.body
    # Once a day, however often asked; again the next day.
    assert digest_send(user=member, today=date(2024, 5, 28)) == email
    assert OutboundEmail.objects.count() == 1
    digest_send(user=member, today=date(2024, 5, 29))
    assert OutboundEmail.objects.filter(to=[member.email]).count() == 2


def test_the_digest_subject_for_one_thing(make_user):
    member = make_user(Role.PANEL_MEMBER)
    InboxMessage.objects.create(recipient=member, subject="Message")
    email = digest_send(user=member, today=date(2024, 5, 28))
    assert email.subject == "Your daily summary: 1 thing needs your attention"


def test_no_digest_with_nothing_to_say_or_for_an_inactive_person(make_user):
    idle = make_user(Role.PANEL_MEMBER)
    gone = make_user(Role.PANEL_MEMBER, is_active=False)
    InboxMessage.objects.create(recipient=gone, subject="Message")
    no_address = make_user(Role.PANEL_MEMBER, email="")
    InboxMessage.objects.create(recipient=no_address, subject="Message")
    for user in (idle, gone, no_address):
        assert digest_send(user=user, today=date(2024, 5, 28)) is None
    assert not OutboundEmail.objects.exists()


@pytest.mark.parametrize("day", ["2024-05-25", "2024-05-26", "2024-05-27"])
def test_no_digest_on_weekends_and_bank_holidays(make_user, day):
    member = make_user(Role.PANEL_MEMBER)
    InboxMessage.objects.create(recipient=member, subject="Message")
    assert daily_digest_task(day) == 0
    assert not OutboundEmail.objects.exists()


def test_no_digest_on_a_one_off_holiday(make_user):
    member = make_user(Role.PANEL_MEMBER)
    InboxMessage.objects.create(recipient=member, subject="Message")
    OneOffHoliday.objects.create(date=date(2024, 5, 29), name="State funeral")
    assert daily_digest_task("2024-05-29") == 0
    assert not OutboundEmail.objects.exists()


def test_the_daily_digest_task_e_mails_those_with_something_waiting(make_user):
    member = make_user(Role.PANEL_MEMBER)
    InboxMessage.objects.create(recipient=member, subject="Message")
    idle = make_user(Role.PANEL_MEMBER)
    make_user(Role.PANEL_MEMBER, is_active=False)

    queued = daily_digest_task("2024-05-28")

    assert queued == User.objects.filter(is_active=True).exclude(email="").count()
    email = OutboundEmail.objects.get(dedupe_key=f"digest-{member.pk}-2024-05-28")
    assert email.to == [member.email]
    assert not OutboundEmail.objects.filter(to=[idle.email]).exists()
    daily_digest_task("2024-05-28")
    assert OutboundEmail.objects.filter(to=[member.email]).count() == 1


# --- The outbox flush -------------------------------------------------------------------------


def test_the_outbox_flush_sends_a_queued_e_mail_whose_task_was_lost_once():
    # Recorded, but its send task never ran (no commit in this test's transaction).
    lost = email_queue(to=["someone@example.org"], subject="Lost", body="Lost e-mail.")
    fresh = email_queue(to=["someone@example.org"], subject="Fresh", body="Fresh e-mail.")
    OutboundEmail.objects.filter(pk=lost.pk).update(
        created_at=timezone.now() - timedelta(minutes=3)
    )

    assert email_outbox_flush_task() == 1

    assert [(m.subject, m.to) for m in mail.outbox] == [("Lost", ["someone@example.org"])]
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert (lost.status, lost.attempts) == (OutboundEmail.Status.SENT, 1)
    assert fresh.status == OutboundEmail.Status.QUEUED  # its task may still be on its way
    assert email_outbox_flush_task() == 0
    assert len(mail.outbox) == 1


# --- run_deadline_checks -----------------------------------------------------------------------


def run_checks(*args) -> str:
    out = StringIO()
    call_command("run_deadline_checks", *args, stdout=out)
    return out.getvalue()


def test_run_deadline_checks_prints_per_rule_counts(lead):
    running_review(date(2024, 5, 28))
    running_review(date(2024, 5, 24))

    output = run_checks("--date", "2024-05-28")

    assert "Deadline checks as of 28 May 2024 (2024-05-28)" in output
    assert "  rapid_review_due_today: 1 sent, 0 already sent" in output
    assert "  rapid_review_overdue: 1 sent, 0 already sent" in output
    assert "2 reminder(s) sent." in output
    assert Reminder.objects.count() == 2

    again = run_checks("--date", "2024-05-28")
    assert "  rapid_review_due_today: 0 sent, 1 already sent" in again
    assert "0 reminder(s) sent." in again
    assert Reminder.objects.count() == 2


def test_run_deadline_checks_says_when_due_dates_moved(lead):
    running_review(date(2024, 5, 28))
    OneOffHoliday.objects.create(date=date(2024, 5, 15), name="State funeral")
    assert "  1 running due date(s) moved" in run_checks("--date", "2024-05-29")


@pytest.mark.parametrize("value", ["28/05/2024", "2024-02-30", "tomorrow"])
def test_run_deadline_checks_refuses_a_bad_date(value):
    with pytest.raises(CommandError) as raised:
        run_checks("--date", value)
    assert str(raised.value) == f"--date must be a date as YYYY-MM-DD, like 2024-06-03: {value}"
    assert not Reminder.objects.exists()


def test_run_deadline_checks_dry_run_lists_and_sends_nothing(lead):
    review = running_review(date(2024, 5, 28))
    weekly = running_review(date(2024, 5, 17))

    output = run_checks("--date", "2024-05-28", "--dry-run")

    assert f"  would send rapid_review_due_today: {review} (due 2024-05-28)" in output
    assert f"  would send rapid_review_overdue: {weekly} (due 2024-05-17)" in output
    assert f"  would send rapid_review_overdue_weekly: {weekly} (due 2024-05-17, week 2)" in output
    assert "3 reminder(s) would be sent." in output
    assert counts() == (0, 0, 0, 0)


# --- Days late ---------------------------------------------------------------------------------


def test_working_days_late_against_the_due_date_and_the_original():
    # Original due Tue 28 May 2024, extended to Tue 11 Jun.
    def extended(submitted_at=None):
        return RapidReview(
            status=RapidReview.Status.SUBMITTED if submitted_at else RapidReview.Status.DRAFTING,
            due_date=date(2024, 6, 11),
            original_due_date=date(2024, 5, 28),
            submitted_at=submitted_at,
        )

    on_time = extended(datetime(2024, 6, 10, 17, tzinfo=LONDON))
    assert on_time.working_days_late(date(2024, 7, 1)) == 0
    # 29, 30, 31 May, 3-7 and 10 June.
    assert on_time.working_days_late(date(2024, 7, 1), original=True) == 9
    late = extended(datetime(2024, 6, 13, 9, tzinfo=LONDON))
    assert late.working_days_late(date(2024, 7, 1)) == 2
    assert late.working_days_late(date(2024, 7, 1), original=True) == 12
    # Still running: counted to today.
    running = extended()
    assert running.working_days_late(date(2024, 6, 12)) == 1
    assert running.working_days_late(date(2024, 6, 12), original=True) == 11


def test_working_days_late_skips_bank_holidays_and_one_off_holidays():
    review = RapidReview(
        status=RapidReview.Status.DRAFTING,
        due_date=date(2024, 5, 24),
        original_due_date=date(2024, 5, 24),
    )
    assert review.working_days_late(date(2024, 5, 24)) == 0
    assert review.working_days_late(date(2024, 5, 27)) == 0  # the bank holiday
    assert review.working_days_late(date(2024, 5, 28)) == 1
    one_off = WorkingDayCalendar(extra_holidays=frozenset({date(2024, 5, 28)}))
    assert review.working_days_late(date(2024, 5, 29), one_off) == 1
    assert review.working_days_late(date(2024, 5, 29)) == 2
