from datetime import date

import pytest
import time_machine
from django.core import mail

from notifications import services
from notifications.models import Notification
from rapidreviews.models import RapidReview
from safeguarding.audit import audit_events_for
from safeguarding.codes import Reason, Role, Sex
from safeguarding.models import AuditAction, InboxMessage

from .factories import CompleteDraftFactory, DraftNotificationFactory, NotificationChildFactory

pytestmark = pytest.mark.django_db

# Monday 10 June 2024, 10:00 in London.
MONDAY = "2024-06-10 10:00 +01:00"


@pytest.fixture
def la_user(make_user, leeds):
    return make_user(Role.LA_USER, local_authority=leeds)


def child(reference="Child A", age=7, harm=Reason.SERIOUS_HARM, **kwargs) -> services.ChildData:
    return services.ChildData(
        child_reference=reference, sex=Sex.FEMALE, harm=harm, age_years=age, **kwargs
    )


@time_machine.travel(MONDAY, tick=False)
def test_submission_stores_reference_timeliness_and_opens_the_rapid_review(
    la_user, make_user, leeds, django_capture_on_commit_callbacks
):
    lead = make_user(Role.PARTNERSHIP_LEAD, partnership=leeds.partnership)
    secretariat = make_user(Role.PANEL_SECRETARIAT)
    other_lead = make_user(Role.PARTNERSHIP_LEAD)
    draft = CompleteDraftFactory(created_by=la_user, date_aware=date(2024, 6, 5))

    with django_capture_on_commit_callbacks(execute=True):
        submitted = services.notification_submit(
            notification=draft, by=la_user, expected_version=draft.version
        )

    submitted.refresh_from_db()
    assert submitted.reference == "SIN-2024-000001"
    assert submitted.status == Notification.Status.SUBMITTED
    assert submitted.working_days_to_notify == 3  # Thu, Fri, Mon
    assert submitted.notified_on_time is True
    review = RapidReview.objects.get(notification=submitted)
    assert review.partnership == leeds.partnership
    assert review.due_date == date(2024, 7, 1)  # 15 working days after Monday 10 June
    [email] = mail.outbox
    assert set(email.to) == {lead.email, secretariat.email}
    assert other_lead.email not in email.to
    assert "SIN-2024-000001" in email.subject
    assert "1 July 2024" in email.body
    assert InboxMessage.objects.filter(recipient=lead).count() == 1
    assert InboxMessage.objects.filter(recipient=secretariat).count() == 1
    assert not InboxMessage.objects.filter(recipient=other_lead).exists()
    assert audit_events_for(submitted).filter(action=AuditAction.SUBMIT).exists()


@time_machine.travel(MONDAY, tick=False)
def test_references_count_up_within_the_year(la_user):
    first = CompleteDraftFactory(created_by=la_user)
    second = CompleteDraftFactory(created_by=la_user)
    services.notification_submit(notification=first, by=la_user, expected_version=None)
    services.notification_submit(notification=second, by=la_user, expected_version=None)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.reference, second.reference) == ("SIN-2024-000001", "SIN-2024-000002")


@time_machine.travel("2024-06-04 10:00 +01:00", tick=False)
def test_late_submission_across_a_bank_holiday_needs_a_reason(la_user):
    # Aware Friday 24 May; Monday 27 May is a bank holiday; Tuesday 4 June is day 6.
    draft = CompleteDraftFactory(
        created_by=la_user, incident_date=date(2024, 5, 24), date_aware=date(2024, 5, 24)
    )
    with pytest.raises(services.NotificationInvalid) as raised:
        services.notification_submit(notification=draft, by=la_user, expected_version=None)
    assert "6 working days" in raised.value.errors["lateness_reason"][0]
    draft.refresh_from_db()
    assert draft.status == Notification.Status.DRAFT
    assert not RapidReview.objects.exists()

    services.notification_submit(
        notification=draft, by=la_user, lateness_reason="Awaiting police", expected_version=None
    )
    draft.refresh_from_db()
    assert draft.working_days_to_notify == 6
    assert draft.notified_on_time is False
    assert draft.lateness_reason == "Awaiting police"


@time_machine.travel("2024-05-31 10:00 +01:00", tick=False)
def test_day_five_after_a_bank_holiday_is_on_time(la_user):
    draft = CompleteDraftFactory(
        created_by=la_user, incident_date=date(2024, 5, 24), date_aware=date(2024, 5, 24)
    )
    services.notification_submit(notification=draft, by=la_user, expected_version=None)
    draft.refresh_from_db()
    assert draft.working_days_to_notify == 4
    assert draft.notified_on_time is True


@time_machine.travel(MONDAY, tick=False)
def test_incomplete_draft_cannot_be_submitted(la_user):
    draft = DraftNotificationFactory(created_by=la_user)
    with pytest.raises(services.NotificationInvalid) as raised:
        services.notification_submit(notification=draft, by=la_user, expected_version=None)
    assert set(raised.value.errors) >= {
        "incident_date",
        "date_aware",
        "reason",
        "abuse_or_neglect",
        "child_looked_after_death",
        "summary",
        "children",
    }


@time_machine.travel(MONDAY, tick=False)
def test_a_submitted_sin_cannot_be_submitted_again(la_user):
    draft = CompleteDraftFactory(created_by=la_user)
    services.notification_submit(notification=draft, by=la_user, expected_version=None)
    with pytest.raises(services.NotificationError, match="already been submitted"):
        services.notification_submit(notification=draft, by=la_user, expected_version=None)
    assert RapidReview.objects.count() == 1


@time_machine.travel(MONDAY, tick=False)
def test_saving_from_an_old_version_is_refused_and_changes_nothing(la_user):
    draft = DraftNotificationFactory(created_by=la_user)
    loaded_version = draft.version
    services.notification_incident_update(
        notification=draft,
        by=la_user,
        incident_date=date(2024, 6, 1),
        date_aware=date(2024, 6, 3),
        reason=Reason.DEATH,
        expected_version=loaded_version,
    )
    with pytest.raises(services.NotificationConflict) as raised:
        services.notification_incident_update(
            notification=draft,
            by=la_user,
            incident_date=date(2024, 5, 1),
            date_aware=date(2024, 5, 3),
            reason=Reason.OTHER,
            expected_version=loaded_version,
        )
    assert raised.value.current.incident_date == date(2024, 6, 1)
    draft.refresh_from_db()
    assert draft.reason == Reason.DEATH


@time_machine.travel(MONDAY, tick=False)
def test_child_in_focus_is_chosen_automatically_and_follows_changes(la_user):
    draft = DraftNotificationFactory(created_by=la_user, incident_date=date(2024, 6, 1))
    younger = services.notification_child_add(
        notification=draft, by=la_user, data=child("Child A", 3), expected_version=None
    )
    assert Notification.objects.get(pk=draft.pk).child_in_focus == younger
    elder = services.notification_child_add(
        notification=draft, by=la_user, data=child("Child B", 12), expected_version=None
    )
    assert Notification.objects.get(pk=draft.pk).child_in_focus == elder
    died = services.notification_child_add(
        notification=draft,
        by=la_user,
        data=child("Child C", 1, harm=Reason.DEATH),
        expected_version=None,
    )
    assert Notification.objects.get(pk=draft.pk).child_in_focus == died
    services.notification_child_remove(child=died, by=la_user, expected_version=None)
    assert Notification.objects.get(pk=draft.pk).child_in_focus == elder


@time_machine.travel(MONDAY, tick=False)
def test_overriding_the_child_in_focus_needs_a_reason(la_user):
    draft = DraftNotificationFactory(created_by=la_user, incident_date=date(2024, 6, 1))
    younger = services.notification_child_add(
        notification=draft, by=la_user, data=child("Child A", 3), expected_version=None
    )
    services.notification_child_add(
        notification=draft, by=la_user, data=child("Child B", 12), expected_version=None
    )
    with pytest.raises(services.NotificationInvalid) as raised:
        services.notification_child_in_focus_set(
            notification=draft,
            by=la_user,
            child=younger,
            override_reason="",
            expected_version=None,
        )
    assert "rather than Child B" in raised.value.errors["override_reason"][0]
    services.notification_child_in_focus_set(
        notification=draft,
        by=la_user,
        child=younger,
        override_reason="Child A was the subject of the police investigation",
        expected_version=None,
    )
    draft.refresh_from_db()
    assert draft.child_in_focus == younger
    # Adding another child keeps the override.
    services.notification_child_add(
        notification=draft, by=la_user, data=child("Child C", 15), expected_version=None
    )
    assert Notification.objects.get(pk=draft.pk).child_in_focus == younger


@time_machine.travel(MONDAY, tick=False)
def test_amending_a_submitted_sin_needs_a_reason_and_is_kept_in_its_history(la_user):
    draft = CompleteDraftFactory(created_by=la_user)
    services.notification_submit(notification=draft, by=la_user, expected_version=None)
    draft.refresh_from_db()
    with pytest.raises(services.NotificationInvalid) as raised:
        services.notification_incident_update(
            notification=draft,
            by=la_user,
            incident_date=date(2024, 6, 2),
            date_aware=draft.date_aware,
            reason=draft.reason,
            expected_version=draft.version,
        )
    assert "amendment_reason" in raised.value.errors
    services.notification_incident_update(
        notification=draft,
        by=la_user,
        incident_date=date(2024, 6, 2),
        date_aware=draft.date_aware,
        reason=draft.reason,
        expected_version=draft.version,
        amendment_reason="Police confirmed the date",
    )
    draft.refresh_from_db()
    assert draft.incident_date == date(2024, 6, 2)
    amendment = audit_events_for(draft).filter(action=AuditAction.UPDATE).first()
    assert amendment.changes == {"incident_date": ["2024-06-03", "2024-06-02"]}
    assert "Police confirmed the date" in amendment.message
    assert amendment.actor == la_user


@time_machine.travel(MONDAY, tick=False)
def test_blank_imd_decile_is_looked_up_from_the_postcode(la_user):
    from safeguarding.models import PostcodeImdDecile

    PostcodeImdDecile.objects.create(postcode="LS1 4AP", decile=2)
    draft = CompleteDraftFactory(created_by=la_user)
    services.notification_circumstances_update(
        notification=draft,
        by=la_user,
        abuse_or_neglect="suspected",
        child_looked_after_death=False,
        placement_postcode="ls14ap",
        imd_decile=None,
        summary="Synthetic.",
        expected_version=None,
    )
    draft.refresh_from_db()
    assert (draft.placement_postcode, draft.imd_decile, draft.imd_source) == (
        "LS1 4AP",
        2,
        "postcode",
    )
    services.notification_circumstances_update(
        notification=draft,
        by=la_user,
        abuse_or_neglect="suspected",
        child_looked_after_death=False,
        placement_postcode="LS2 9JT",
        imd_decile=None,
        summary="Synthetic.",
        expected_version=None,
    )
    draft.refresh_from_db()
    assert draft.imd_decile is None  # not in the table: unknown


@time_machine.travel(MONDAY, tick=False)
def test_a_submitted_sin_keeps_at_least_one_child(la_user):
    draft = CompleteDraftFactory(created_by=la_user)
    services.notification_submit(notification=draft, by=la_user, expected_version=None)
    only = draft.children.get()
    with pytest.raises(services.NotificationInvalid):
        services.notification_child_remove(
            child=only, by=la_user, expected_version=None, amendment_reason="Wrong child"
        )
    assert draft.children.count() == 1


def test_child_references_are_unique_within_a_notification(la_user):
    draft = DraftNotificationFactory(created_by=la_user)
    NotificationChildFactory(notification=draft, child_reference="Child A")
    with pytest.raises(services.NotificationInvalid) as raised:
        services.notification_child_add(
            notification=draft, by=la_user, data=child("child a"), expected_version=None
        )
    assert "child_reference" in raised.value.errors


@time_machine.travel(MONDAY, tick=False)
def test_reason_cannot_leave_death_while_circumstances_say_looked_after_death(la_user):
    draft = CompleteDraftFactory(
        created_by=la_user,
        reason=Reason.DEATH,
        abuse_or_neglect="not_suspected",
        child_looked_after_death=True,
        children=[],
    )
    NotificationChildFactory(notification=draft, harm=Reason.DEATH, is_child_in_focus=True)
    NotificationChildFactory(notification=draft, harm=Reason.OTHER)
    with pytest.raises(services.NotificationInvalid) as raised:
        services.notification_incident_update(
            notification=draft,
            by=la_user,
            incident_date=draft.incident_date,
            date_aware=draft.date_aware,
            reason=Reason.OTHER,
            expected_version=None,
        )
    assert "change the circumstances first" in raised.value.errors["reason"][0]
    draft.refresh_from_db()
    assert draft.reason == Reason.DEATH
