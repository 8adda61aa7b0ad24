"""Leavers (issue 15, item 3): an account not used for ACCOUNT_LAPSE_DAYS (90) is deactivated by
the daily task, after one warning ACCOUNT_LAPSE_WARNING_DAYS (14) before at the least; a
sign-in, an API call or a reactivation starts the clock again; approvers see who is about to
lapse in their own organisation; a leaver keeps their name on what they did. (Two sweeps at
once, on real workers: test_people_lapses_worker.py.)"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice

from notifications import services as notification_services
from notifications.models import Notification
from safeguarding.codes import Role
from safeguarding.models import (
    ApiToken,
    AuditAction,
    AuditEvent,
    InboxMessage,
    LocalAuthority,
    OutboundEmail,
    User,
)
from safeguarding.tasks import account_lapse_task

from ..conftest import api_token_header
from ..notifications.factories import CompleteDraftFactory
from ..second_factor import authenticator_for, current_code

LONDON = ZoneInfo("Europe/London")
# The person last signed in on Monday 5 January 2026, 09:00.
LAST = datetime(2026, 1, 5, 9, 0, tzinfo=LONDON)
# 76 days later (90 - 14) the warning is due: from 22 March 2026, 09:00.
BEFORE_WARNING = datetime(2026, 3, 22, 8, 0, tzinfo=LONDON)
WARNING = datetime(2026, 3, 22, 10, 0, tzinfo=LONDON)
# 90 days after the last use, and 14 after the warning: 5 April 2026.
LAPSE_DAY = date(2026, 4, 5)


@pytest.fixture
def kent(db):
    return LocalAuthority.objects.get(name="Kent")


def last_used(person: User, moment: datetime) -> User:
    """The person's account was made before `moment` and last signed in at `moment` (password
    and second factor)."""
    User.objects.filter(pk=person.pk).update(
        last_login=moment, last_verified_at=moment, date_joined=moment - timedelta(days=30)
    )
    person.refresh_from_db()
    return person


def sweep(moment: datetime, capture) -> dict:
    """The daily task at `moment`, its e-mails sent as they would be after it commits."""
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return account_lapse_task.delay().get()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def lapse_emails(person: User) -> list:
    return [m for m in mail.outbox if person.email in m.to and "deactivated on" in m.subject]


def test_an_unused_account_is_warned_once_then_deactivated_on_the_day_it_was_told(
    make_user, leeds, django_capture_on_commit_callbacks
):
    person = last_used(make_user(Role.LA_USER, local_authority=leeds), LAST)
    ApiToken.objects.create(user=person, name="Case-management system")

    assert sweep(BEFORE_WARNING, django_capture_on_commit_callbacks)["warned"] == []
    assert mail.outbox == []

    first = sweep(WARNING, django_capture_on_commit_callbacks)
    again = sweep(WARNING + timedelta(hours=4), django_capture_on_commit_callbacks)

    assert first["warned"] == [person.username] and again["warned"] == []
    [email] = lapse_emails(person)
    assert email.subject.endswith("account will be deactivated on 5 April 2026")
    assert "has not been used since 5 January 2026" in email.body
    assert "To keep it, sign in before then: " in email.body and "/sign-in/" in email.body
    [message] = InboxMessage.objects.filter(recipient=person)
    assert "5 April 2026" in message.subject
    person.refresh_from_db()
    assert person.is_active and person.lapses_on == LAPSE_DAY
    assert AuditEvent.objects.filter(action=AuditAction.LAPSE_WARNING).count() == 1

    # Not before the day the warning gave.
    day_before = datetime(2026, 4, 4, 23, 0, tzinfo=LONDON)
    assert sweep(day_before, django_capture_on_commit_callbacks)["deactivated"] == []
    person.refresh_from_db()
    assert person.is_active

    on_the_day = datetime(2026, 4, 5, 6, 0, tzinfo=LONDON)
    done = sweep(on_the_day, django_capture_on_commit_callbacks)
    twice = sweep(on_the_day + timedelta(hours=1), django_capture_on_commit_callbacks)

    assert done["deactivated"] == [person.username] and twice["deactivated"] == []
    person.refresh_from_db()
    assert not person.is_active and person.status == "deactivated"
    assert not ApiToken.objects.filter(user=person).exists()
    [deactivated] = AuditEvent.objects.filter(
        action=AuditAction.DEACTIVATE, object_id=str(person.pk)
    )
    assert deactivated.actor is None
    assert deactivated.message == "Account deactivated: not used for 90 days"
    assert len(lapse_emails(person)) == 1

    # The person's page says who did it and why, and that the person was warned first.
    admin = make_user(Role.ADMINISTRATOR)
    page = signed_in(admin).get(reverse("people-detail", args=[person.pk])).content.decode()
    assert "The service" in page
    assert "deactivated the account" in page and "Reason: not used for 90 days." in page
    assert "warned that the account will be deactivated on 5 April 2026 unless used" in page


def test_an_account_unused_for_longer_still_gets_the_whole_warning_period(
    make_user, leeds, django_capture_on_commit_callbacks
):
    # Unused for 200 days when the task first runs: 90 days are long past, and yet it is
    # deactivated only 14 days after its warning.
    first_run = datetime(2026, 7, 24, 6, 0, tzinfo=LONDON)
    person = last_used(make_user(Role.LA_USER, local_authority=leeds), LAST)

    assert sweep(first_run, django_capture_on_commit_callbacks)["warned"] == [person.username]
    [email] = lapse_emails(person)
    assert "deactivated on 7 August 2026" in email.subject
    for days in (1, 13):
        later = first_run + timedelta(days=days)
        assert sweep(later, django_capture_on_commit_callbacks)["deactivated"] == []
    person.refresh_from_db()
    assert person.is_active

    done = sweep(first_run + timedelta(days=14), django_capture_on_commit_callbacks)
    assert done["deactivated"] == [person.username]


def sign_in_with_password(client: Client, person: User, password: str) -> None:
    response = client.post(reverse("login"), {"username": person.username, "password": password})
    assert response.status_code == 302
    # Signed in with the password; every page now asks for the second factor.
    assert client.get("/")["Location"].startswith(reverse("second-factor-verify"))


def test_signing_in_clears_the_warning_and_starts_the_clock_again(
    make_user, leeds, password, django_capture_on_commit_callbacks
):
    person = last_used(make_user(Role.LA_USER, local_authority=leeds), LAST)
    device = authenticator_for(person)
    sweep(WARNING, django_capture_on_commit_callbacks)
    person.refresh_from_db()
    assert person.lapses_on == LAPSE_DAY

    back = datetime(2026, 3, 30, 9, 0, tzinfo=LONDON)
    client = Client()
    with time_machine.travel(back, tick=False):
        sign_in_with_password(client, person, password)
        person.refresh_from_db()
        # The password alone is not use yet: the warning stands until the second factor.
        assert person.lapses_on == LAPSE_DAY
        response = client.post(reverse("second-factor-verify"), {"code": current_code(device)})
    assert response.status_code == 302

    person.refresh_from_db()
    assert person.lapse_warned_at is None and person.lapses_on is None
    assert person.last_verified_at == back
    on_the_day = datetime(2026, 4, 5, 6, 0, tzinfo=LONDON)
    assert sweep(on_the_day, django_capture_on_commit_callbacks) == {
        "warned": [],
        "deactivated": [],
        "kept": [],
        "cleared": [],
    }
    person.refresh_from_db()
    assert person.is_active
    assert len(lapse_emails(person)) == 1

    # A new period: 76 days after that sign-in, a new warning (once), with a new day.
    next_warning = back + timedelta(days=76, hours=1)
    assert sweep(next_warning, django_capture_on_commit_callbacks)["warned"] == [person.username]
    assert sweep(next_warning, django_capture_on_commit_callbacks)["warned"] == []
    emails = lapse_emails(person)
    assert len(emails) == 2 and "deactivated on 28 June 2026" in emails[1].subject


def test_a_password_without_the_second_factor_does_not_keep_the_account(
    make_user, leeds, password, django_capture_on_commit_callbacks
):
    # Someone who knows a leaver's password but not their second factor signs in with it
    # before and after the warning: the account still lapses on the day it was told.
    person = last_used(make_user(Role.LA_USER, local_authority=leeds), LAST)
    authenticator_for(person)
    with time_machine.travel(datetime(2026, 3, 1, 9, 0, tzinfo=LONDON), tick=False):
        sign_in_with_password(Client(), person, password)
    assert sweep(WARNING, django_capture_on_commit_callbacks)["warned"] == [person.username]
    with time_machine.travel(datetime(2026, 4, 1, 9, 0, tzinfo=LONDON), tick=False):
        sign_in_with_password(Client(), person, password)
    person.refresh_from_db()
    assert person.lapses_on == LAPSE_DAY

    on_the_day = datetime(2026, 4, 5, 6, 0, tzinfo=LONDON)
    assert sweep(on_the_day, django_capture_on_commit_callbacks)["deactivated"] == [person.username]
    person.refresh_from_db()
    assert not person.is_active


def test_a_recovery_code_is_use_too(make_user, leeds, password, django_capture_on_commit_callbacks):
    person = last_used(make_user(Role.LA_USER, local_authority=leeds), LAST)
    authenticator_for(person)
    recovery = StaticDevice.objects.create(user=person, name="Recovery codes", confirmed=True)
    recovery.token_set.create(token="abcd2345")
    sweep(WARNING, django_capture_on_commit_callbacks)

    client = Client()
    with time_machine.travel(datetime(2026, 3, 30, 9, 0, tzinfo=LONDON), tick=False):
        sign_in_with_password(client, person, password)
        assert User.objects.get(pk=person.pk).lapses_on == LAPSE_DAY
        response = client.post(reverse("second-factor-recovery"), {"code": "ABCD-2345"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.lapse_warned_at is None and person.lapses_on is None
    on_the_day = datetime(2026, 4, 5, 6, 0, tzinfo=LONDON)
    assert sweep(on_the_day, django_capture_on_commit_callbacks)["deactivated"] == []


def test_without_a_second_factor_required_the_password_is_use(
    make_user, leeds, password, settings, django_capture_on_commit_callbacks
):
    settings.MFA_REQUIRED = False
    person = last_used(make_user(Role.LA_USER, local_authority=leeds), LAST)
    sweep(WARNING, django_capture_on_commit_callbacks)
    back = datetime(2026, 3, 30, 9, 0, tzinfo=LONDON)
    with time_machine.travel(back, tick=False):
        response = Client().post(
            reverse("login"), {"username": person.username, "password": password}
        )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.lapses_on is None and person.last_verified_at == back


def test_the_task_reads_a_time_without_an_offset_in_the_services_time_zone(
    make_user, leeds, django_capture_on_commit_callbacks
):
    person = last_used(make_user(Role.LA_USER, local_authority=leeds), LAST)
    # 22 March 2026 09:30 in London (GMT), just after the warning is due at 09:00.
    with django_capture_on_commit_callbacks(execute=True):
        done = account_lapse_task.delay("2026-03-22T09:30").get()
    assert done["warned"] == [person.username]
    person.refresh_from_db()
    assert person.lapse_warned_at == datetime(2026, 3, 22, 9, 30, tzinfo=LONDON)
    assert person.lapses_on == LAPSE_DAY


def test_an_api_call_with_the_accounts_token_is_use(
    make_user, leeds, django_capture_on_commit_callbacks
):
    # A case-management system's account, used only through its token.
    system = last_used(make_user(Role.LA_USER, local_authority=leeds), LAST)
    header = api_token_header(system)
    called = datetime(2026, 3, 1, 12, 0, tzinfo=LONDON)
    with time_machine.travel(called, tick=False):
        assert Client(HTTP_AUTHORIZATION=header).get("/api/v1/notifications/").status_code == 200

    assert sweep(WARNING, django_capture_on_commit_callbacks)["warned"] == []
    later = called + timedelta(days=76, hours=3)  # (wall-clock hours: summer time starts)
    assert sweep(later, django_capture_on_commit_callbacks)["warned"] == [system.username]


def test_a_call_after_the_warning_clears_it(make_user, leeds, django_capture_on_commit_callbacks):
    system = last_used(make_user(Role.LA_USER, local_authority=leeds), LAST)
    header = api_token_header(system)
    sweep(WARNING, django_capture_on_commit_callbacks)
    with time_machine.travel(WARNING + timedelta(days=2), tick=False):
        assert Client(HTTP_AUTHORIZATION=header).get("/api/v1/notifications/").status_code == 200

    on_the_day = datetime(2026, 4, 5, 6, 0, tzinfo=LONDON)
    result = sweep(on_the_day, django_capture_on_commit_callbacks)

    assert result["cleared"] == [system.username] and result["deactivated"] == []
    system.refresh_from_db()
    assert system.is_active and system.lapses_on is None


def test_invited_accounts_and_deactivated_ones_never_lapse(
    make_user, leeds, django_capture_on_commit_callbacks
):
    invited = last_used(
        make_user(Role.LA_USER, local_authority=leeds, is_active=False, is_invited=True), LAST
    )
    gone = last_used(make_user(Role.LA_USER, local_authority=leeds, is_active=False), LAST)
    # Never signed in: counted from the account's creation.
    never = make_user(Role.LA_USER, local_authority=leeds)
    User.objects.filter(pk=never.pk).update(date_joined=LAST)

    result = sweep(WARNING, django_capture_on_commit_callbacks)

    assert result["warned"] == [never.username]
    assert lapse_emails(invited) == [] and lapse_emails(gone) == []


def test_the_last_administrator_is_warned_but_kept(make_user, django_capture_on_commit_callbacks):
    first = last_used(make_user(Role.ADMINISTRATOR), LAST)
    second = last_used(make_user(Role.ADMINISTRATOR), LAST)

    warned = sweep(WARNING, django_capture_on_commit_callbacks)["warned"]
    assert sorted(warned) == sorted([first.username, second.username])
    on_the_day = datetime(2026, 4, 5, 6, 0, tzinfo=LONDON)
    result = sweep(on_the_day, django_capture_on_commit_callbacks)

    assert result["deactivated"] == [first.username]
    assert result["kept"] == [second.username]
    second.refresh_from_db()
    assert second.is_active


def test_reactivation_starts_the_clock_again(make_user, leeds, django_capture_on_commit_callbacks):
    person = last_used(make_user(Role.LA_USER, local_authority=leeds), LAST)
    sweep(WARNING, django_capture_on_commit_callbacks)
    sweep(datetime(2026, 4, 5, 6, 0, tzinfo=LONDON), django_capture_on_commit_callbacks)
    person.refresh_from_db()
    assert not person.is_active
    admin = make_user(Role.ADMINISTRATOR)

    reactivated = datetime(2026, 4, 20, 10, 0, tzinfo=LONDON)
    with time_machine.travel(reactivated, tick=False):
        response = signed_in(admin).post(
            reverse("people-reactivate", args=[person.pk]), {"version": person.version}
        )
    assert response.status_code == 302

    person.refresh_from_db()
    assert person.is_active and person.lapses_on is None
    result = sweep(datetime(2026, 4, 21, 6, 0, tzinfo=LONDON), django_capture_on_commit_callbacks)
    assert result["warned"] == [] and result["deactivated"] == []
    # Warned again 76 days after the reactivation if still unused.
    result = sweep(reactivated + timedelta(days=76, hours=1), django_capture_on_commit_callbacks)
    assert result["warned"] == [person.username]


def test_approvers_see_who_is_about_to_lapse_in_their_own_organisation(
    make_user, leeds, kent, django_capture_on_commit_callbacks
):
    leaver = last_used(make_user(Role.LA_USER, local_authority=leeds, last_name="Leaver"), LAST)
    kent_leaver = last_used(
        make_user(Role.LA_USER, local_authority=kent, last_name="Kentleaver"), LAST
    )
    recent = WARNING - timedelta(days=1)
    staying = last_used(make_user(Role.LA_USER, local_authority=leeds, last_name="Staying"), recent)
    leeds_approver = last_used(
        make_user(Role.LA_USER, local_authority=leeds, is_approver=True), recent
    )
    kent_approver = last_used(
        make_user(Role.LA_USER, local_authority=kent, is_approver=True), recent
    )
    sweep(WARNING, django_capture_on_commit_callbacks)

    leeds_list = signed_in(leeds_approver).get(reverse("people-list"), {"status": "lapsing"})
    kent_client = signed_in(kent_approver)
    kent_list = kent_client.get(reverse("people-list"), {"status": "lapsing"})

    body = leeds_list.content.decode()
    assert leeds_list.status_code == 200
    assert leaver.email in body and "About to lapse" in body
    assert "Deactivated on 5 April 2026 unless they sign in" in body
    assert staying.email not in body and kent_leaver.email not in body
    kent_body = kent_list.content.decode()
    assert kent_leaver.email in kent_body and leaver.email not in kent_body
    # The person's page shows it too; another authority's approver gets 404.
    page = signed_in(leeds_approver).get(reverse("people-detail", args=[leaver.pk]))
    assert "About to lapse" in page.content.decode()
    assert "5 April 2026" in page.content.decode()
    assert kent_client.get(reverse("people-detail", args=[leaver.pk])).status_code == 404
    # Everyone active is still in "Active".
    active = signed_in(leeds_approver).get(reverse("people-list"), {"status": "active"})
    assert leaver.email in active.content.decode() and staying.email in active.content.decode()


def test_a_leaver_keeps_their_name_on_what_they_did(
    make_user, leeds, django_capture_on_commit_callbacks
):
    submitted_at = datetime(2024, 6, 10, 10, 0, tzinfo=LONDON)
    with time_machine.travel(submitted_at, tick=False):
        author = make_user(Role.LA_USER, local_authority=leeds, first_name="Jordan")
        draft = CompleteDraftFactory(created_by=author, date_aware=date(2024, 6, 5))
        with django_capture_on_commit_callbacks(execute=True):
            notification_services.notification_submit(
                notification=draft, by=author, expected_version=draft.version
            )
    sweep(submitted_at + timedelta(days=77), django_capture_on_commit_callbacks)
    sweep(submitted_at + timedelta(days=91), django_capture_on_commit_callbacks)
    author.refresh_from_db()
    assert not author.is_active
    name = author.get_full_name()

    # Someone who joined since reads the case: the leaver's name is on it.
    lead = make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership)
    notification = Notification.objects.get(pk=draft.pk)
    page = signed_in(lead).get(reverse("notifications:notification-detail", args=[notification.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert f"by {name}" in body  # notified by
    assert f"{name} (Local authority user, Leeds)" in body  # the case's history
    # The audit trail still names them.
    [submitted] = AuditEvent.objects.filter(
        action=AuditAction.SUBMIT, object_id=str(notification.pk)
    )
    assert submitted.actor_id == author.pk and submitted.actor_username == author.username
    # And their own page, for an administrator, still has their name and what happened.
    admin = make_user(Role.ADMINISTRATOR)
    person_page = signed_in(admin).get(reverse("people-detail", args=[author.pk]))
    assert name in person_page.content.decode()
    assert OutboundEmail.objects.filter(subject__contains="will be deactivated").count() == 1


@pytest.mark.django_db
def test_the_task_runs_daily_on_the_beat_schedule():
    from django_celery_beat.models import PeriodicTask

    from safeguarding.celery import app as celery_app

    task = PeriodicTask.objects.get(name="Account lapses")
    assert task.enabled and task.task == "safeguarding.tasks.account_lapse_task"
    assert (task.crontab.hour, task.crontab.minute, task.crontab.day_of_week) == ("6", "0", "*")
    assert str(task.crontab.timezone) == "Europe/London"
    assert task.task in celery_app.tasks
