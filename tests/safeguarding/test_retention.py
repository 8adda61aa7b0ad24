"""The retention schedule (issue 12, item 6): closed cases anonymised exactly when due, with
the statistics unchanged; abandoned drafts warned once and then deleted; expired audit entries
deleted through the one allowed path; every action audited once; a dry run that changes
nothing; the administrator's page."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone

from analytics.engine import compute_year
from notifications.models import Notification, NotificationChild
from panel.models import ResponseLetter
from rapidreviews.models import RapidReview
from safeguarding.models import AuditAction, AuditEvent, InboxMessage
from safeguarding.retention import retention_apply, retention_plan

from ..factories import AdministratorFactory, LaUserFactory
from ..lcsprs.factories import PublishedLcsprFactory
from ..notifications.factories import DraftNotificationFactory, NotificationChildFactory
from ..panel.factories import CHILD_NAME, PanelDecisionFactory
from ..rapidreviews.factories import SubmittedReviewFactory

LONDON = ZoneInfo("Europe/London")
# The day the schedule runs in these tests; with the default 7 years, cases that closed
# before 15 June 2025 are due.
RUN_AT = datetime(2032, 6, 15, 2, 30, tzinfo=LONDON)
CREATED_AT = datetime(2025, 5, 1, 12, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


def no_lcspr_case(letter_sent_on: date | None) -> RapidReview:
    """A submitted review (no LCSPR needed) of a SIN whose child has a name and date of birth,
    and, when `letter_sent_on` is given, the Panel's letter sent that day."""
    with at(CREATED_AT):
        review = SubmittedReviewFactory()
        NotificationChildFactory(
            notification=review.notification,
            child_reference="Child Z",
            name=CHILD_NAME,
            date_of_birth=date(2015, 3, 1),
            age_years=None,
        )
        Notification.objects.filter(pk=review.notification_id).update(placement_postcode="LS1 4AP")
    if letter_sent_on is not None:
        sent = datetime.combine(letter_sent_on, datetime.min.time(), tzinfo=LONDON)
        decision = PanelDecisionFactory(review=review, decided_at=sent)
        ResponseLetter.objects.create(
            review=review,
            decision=decision,
            version=1,
            status=ResponseLetter.Status.SENT,
            body="Synthetic letter.",
            pdf="panel-letters/synthetic.pdf",
            sha256="0" * 64,
            rendered_at=sent,
            sent_at=sent + timedelta(hours=12),
            created_by=decision.decided_by,
        )
    return review


def published_case(published_on: date) -> RapidReview:
    with at(CREATED_AT):
        lcspr = PublishedLcsprFactory(actual_publication_date=published_on)
    return lcspr.rapid_review


def anonymised(review: RapidReview) -> bool:
    return Notification.objects.get(pk=review.notification_id).anonymised_at is not None


@pytest.mark.django_db
def test_a_case_is_anonymised_exactly_when_its_retention_period_has_passed():
    due_letter = no_lcspr_case(date(2025, 6, 13))
    inside_letter = no_lcspr_case(date(2025, 6, 15))  # closed 7 years ago today: kept
    due_lcspr = published_case(date(2025, 6, 14))
    inside_lcspr = published_case(date(2025, 6, 15))
    running = no_lcspr_case(None)  # no letter yet: still running, never due
    document = Path(due_letter.document.path)
    assert document.exists()

    with at(RUN_AT):
        report = retention_apply()

    assert sorted(item.label for item in report.items) == sorted(
        [str(due_letter.notification), str(due_lcspr.notification)]
    )
    assert anonymised(due_letter) and anonymised(due_lcspr)
    assert not any(anonymised(r) for r in (inside_letter, inside_lcspr, running))

    # What identifies the child is gone; the codes, ages and references stay.
    child = NotificationChild.objects.get(
        notification=due_letter.notification, child_reference="Child Z"
    )
    assert child.name == ""
    assert child.date_of_birth is None
    assert child.age_years == 9  # worked out from the date of birth at the incident
    # Every child of the case (compared in Python: the fields may be stored encrypted).
    children = NotificationChild.objects.filter(notification=due_letter.notification)
    assert [(c.name, c.date_of_birth) for c in children] == [("", None)] * 2
    sin = Notification.objects.get(pk=due_letter.notification_id)
    assert (sin.placement_postcode, sin.summary) == ("", "")
    review = RapidReview.objects.get(pk=due_letter.pk)
    assert (review.summary_of_facts, review.reflection, review.lcspr_rationale) == ("", "", "")
    assert (review.ethnicity, review.sex, review.age_years) == ("white_british", "female", 9)
    assert not review.document and not document.exists()
    kept = NotificationChild.objects.get(
        notification=inside_letter.notification, child_reference="Child Z"
    )
    assert (kept.name, kept.date_of_birth) == (CHILD_NAME, date(2015, 3, 1))

    # One audit entry per case, naming it by reference, never by the child's name.
    events = AuditEvent.objects.filter(action=AuditAction.ANONYMISE)
    assert sorted(e.object_repr for e in events) == sorted(
        [str(due_letter.notification), str(due_lcspr.notification)]
    )
    assert not any(CHILD_NAME in (str(e.changes) + e.message + e.object_repr) for e in events)

    # Exactly once: a second run finds nothing to do and writes nothing.
    before = AuditEvent.objects.count()
    with at(RUN_AT + timedelta(hours=1)):
        assert retention_apply().empty
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_a_later_letter_keeps_the_case_open_until_it_too_is_old_enough():
    review = no_lcspr_case(date(2025, 6, 1))
    decision = review.panel_decisions.get()
    ResponseLetter.objects.create(
        review=review,
        decision=decision,
        version=2,
        status=ResponseLetter.Status.SENT,
        body="Synthetic corrected letter.",
        pdf="panel-letters/synthetic-2.pdf",
        sha256="1" * 64,
        rendered_at=datetime(2025, 7, 1, tzinfo=LONDON),
        sent_at=datetime(2025, 7, 1, tzinfo=LONDON),
        created_by=decision.decided_by,
    )
    with at(RUN_AT):
        assert retention_plan().items == []


@pytest.mark.django_db
def test_the_dry_run_reports_what_is_due_and_changes_nothing():
    due = no_lcspr_case(date(2025, 6, 1))
    with at(datetime(2025, 1, 2, tzinfo=LONDON)):
        draft = DraftNotificationFactory()
    before = AuditEvent.objects.count()

    with at(RUN_AT):
        call_command("apply_retention", "--dry-run", stdout=(out := _Capture()))
        report = retention_apply(dry_run=True)

    assert {(item.action, item.label) for item in report.items} == {
        ("anonymise", str(due.notification)),
        ("warn", str(draft)),
    }
    assert f"Would anonymise notifications.Notification {due.notification_id}" in out.text
    assert f"Would warn notifications.Notification {draft.pk}" in out.text
    assert not anonymised(due)
    assert NotificationChild.objects.get(child_reference="Child Z").name == CHILD_NAME
    assert Notification.objects.get(pk=draft.pk).retention_warned_at is None
    assert AuditEvent.objects.count() == before
    assert not InboxMessage.objects.exists()


class _Capture:
    def __init__(self):
        self.text = ""

    def write(self, value: str) -> None:
        self.text += value

    def flush(self) -> None:
        pass


@pytest.mark.django_db
def test_the_statistics_of_a_past_year_are_the_same_after_anonymisation():
    for sent in (date(2025, 5, 1), date(2025, 5, 2), date(2025, 5, 3)):
        no_lcspr_case(sent)
    published_case(date(2025, 5, 4))
    with at(RUN_AT):
        before = compute_year(2024)
        assert len(retention_apply().items) == 4
        after = compute_year(2024)
    assert any(before["input_counts"].values())  # the year has data to count
    assert after == before


@pytest.mark.django_db
def test_an_abandoned_draft_is_warned_once_then_deleted(leeds):
    la_user = LaUserFactory(local_authority=leeds)
    # In UTC: the periods are whole days of 24 hours, whatever the clocks do in March.
    start = datetime(2032, 1, 5, 9, 0, tzinfo=UTC)
    with at(start):
        draft = DraftNotificationFactory(local_authority=leeds)
        edited = DraftNotificationFactory(local_authority=leeds)

    with at(start + timedelta(days=75, hours=23)):  # deletion still more than 14 days away
        assert retention_apply().empty

    with at(start + timedelta(days=76)):
        # Someone edits one of them: its clock starts again.
        Notification.objects.filter(pk=edited.pk).update(updated_at=timezone.now())
        report = retention_apply()
    assert [(i.action, i.pk) for i in report.items] == [("warn", draft.pk)]
    message = InboxMessage.objects.get(recipient=la_user)
    assert "will be deleted on" in message.subject

    with at(start + timedelta(days=77)):
        assert retention_apply().empty  # warned once
    assert InboxMessage.objects.filter(recipient=la_user).count() == 1

    with at(start + timedelta(days=89, hours=23)):
        assert retention_apply().empty
    assert Notification.objects.filter(pk=draft.pk).exists()

    with at(start + timedelta(days=90)):
        report = retention_apply()
    assert [(i.action, i.pk) for i in report.items] == [("delete", draft.pk)]
    assert not Notification.objects.filter(pk=draft.pk).exists()
    assert Notification.objects.filter(pk=edited.pk).exists()
    actions = list(
        AuditEvent.objects.filter(object_id=str(draft.pk), action__startswith="retention")
        .union(AuditEvent.objects.filter(object_id=str(draft.pk), action=AuditAction.DELETE))
        .values_list("action", flat=True)
    )
    assert sorted(actions) == ["delete", "retention_warning"]

    with at(start + timedelta(days=91)):
        assert retention_apply().empty


@pytest.mark.django_db
def test_expired_audit_entries_are_deleted_only_by_the_schedule():
    with at(datetime(2023, 6, 14, 12, 0, tzinfo=LONDON)):
        old = AuditEvent.objects.create(action=AuditAction.LOGIN, actor_username="old")
    with at(datetime(2023, 6, 16, 12, 0, tzinfo=LONDON)):
        recent = AuditEvent.objects.create(action=AuditAction.LOGIN, actor_username="recent")

    # The trail stays append-only for everyone else.
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=old.pk).delete()

    with at(RUN_AT):  # 9 years of audit by default: entries before 15 June 2023 are due
        assert retention_plan().audit_entries == 1
        report = retention_apply()
    assert report.audit_entries == 1
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
    purge = AuditEvent.objects.get(action=AuditAction.RETENTION_PURGE)
    assert purge.changes["deleted"] == 1
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=recent.pk).delete()


@pytest.mark.parametrize(
    "env",
    [
        {"RETENTION_CASE_YEARS": "7", "RETENTION_AUDIT_YEARS": "7"},
        {"RETENTION_CASE_YEARS": "10", "RETENTION_AUDIT_YEARS": "9"},
        {"RETENTION_DRAFT_DAYS": "30", "RETENTION_DRAFT_WARNING_DAYS": "30"},
    ],
)
def test_settings_refuse_a_schedule_that_contradicts_itself(env):
    from ..test_settings import load_settings

    result = load_settings(**env)
    assert result.returncode != 0
    assert "RETENTION_" in result.stderr
    assert load_settings(RETENTION_CASE_YEARS="10").returncode == 0  # audit follows: 12


@pytest.mark.django_db
def test_the_administrators_page_shows_the_dry_run_and_runs_it(client, leeds):
    with at(datetime(2025, 1, 2, tzinfo=LONDON)):
        draft = DraftNotificationFactory(local_authority=leeds)
    admin = AdministratorFactory()
    client.force_login(admin)

    page = client.get(reverse("retention"))
    assert page.status_code == 200
    assert str(draft) in page.content.decode()
    assert Notification.objects.get(pk=draft.pk).retention_warned_at is None

    response = client.post(reverse("retention"))
    assert response.status_code == 302
    assert Notification.objects.get(pk=draft.pk).retention_warned_at is not None
    run = AuditEvent.objects.get(action=AuditAction.RETENTION_RUN)
    assert run.actor == admin and run.changes["warned"] == 1
    assert AuditEvent.objects.get(action=AuditAction.RETENTION_WARNING).actor == admin


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_the_retention_page_is_forbidden_to_everyone_else(client, leeds, method):
    with at(datetime(2025, 1, 2, tzinfo=LONDON)):
        draft = DraftNotificationFactory(local_authority=leeds)
    client.force_login(LaUserFactory(local_authority=leeds))
    assert getattr(client, method)(reverse("retention")).status_code == 403
    assert Notification.objects.get(pk=draft.pk).retention_warned_at is None


@pytest.mark.django_db
def test_the_schedule_runs_nightly_through_its_task():
    from django_celery_beat.models import PeriodicTask

    from safeguarding.tasks import retention_apply_task

    task = PeriodicTask.objects.get(name="Retention schedule")
    assert task.enabled and task.task == "safeguarding.tasks.retention_apply_task"
    assert (task.crontab.hour, task.crontab.minute) == ("2", "30")
    due = no_lcspr_case(date(2025, 6, 1))
    with at(RUN_AT):
        assert retention_apply_task.delay().get()["anonymised"] == 1
        assert retention_apply_task.delay().get()["anonymised"] == 0
    assert anonymised(due)


@pytest.mark.django_db
def test_cases_closed_without_a_letter_are_anonymised_too(make_user):
    """Issue 16: a SIN marked withdrawn or not progressed closes when it is marked; a
    looked-after child's death that needed no rapid review, when it was notified."""
    from notifications.models import AbuseOrNeglect, Withdrawal

    from ..notifications.factories import SubmittedNotificationFactory

    with at(CREATED_AT):
        withdrawn = no_lcspr_case(None)
        Notification.objects.filter(pk=withdrawn.notification_id).update(
            withdrawal=Withdrawal.WITHDRAWN,
            withdrawal_reason="Synthetic reason naming the family.",
            withdrawn_at=timezone.now(),
        )
        looked_after = SubmittedNotificationFactory(
            reason="death",
            abuse_or_neglect=AbuseOrNeglect.NOT_SUSPECTED,
            child_looked_after_death=True,
            summary="Synthetic summary.",
        )
    recent = no_lcspr_case(None)
    with at(datetime(2026, 1, 5, 12, tzinfo=LONDON)):
        Notification.objects.filter(pk=recent.notification_id).update(
            withdrawal=Withdrawal.WITHDRAWN,
            withdrawal_reason="Withdrawn later.",
            withdrawn_at=timezone.now(),
        )

    with at(RUN_AT):
        retention_apply()

    sin = Notification.objects.get(pk=withdrawn.notification_id)
    assert sin.anonymised_at is not None
    assert sin.withdrawal_reason == "Removed under the retention schedule"
    assert sin.summary == ""
    looked_after.refresh_from_db()
    assert looked_after.anonymised_at is not None and looked_after.summary == ""
    assert not anonymised(recent)  # withdrawn less than 7 years ago
